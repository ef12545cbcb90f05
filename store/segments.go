package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Segment files hold the bulk of a store on disk: event block parts and
// fingerprint blocks, appended with plain writes (no mmap, so what is
// written does not stay in the process's memory), in
// <dir>/segments/NNNNNN.seg, a new file when the active one would pass
// segmentSize. Badger keeps, under the block or fingerprint key, a ref
// (segment number, offset, length; see keys.go). In-memory stores keep
// the blocks themselves in Badger.
//
// The end of what is committed in the active segment is the meta value
// "segend", written by the commit transaction after the checkpoint's
// segment writes were fsynced. Recovery (recoverSegments) truncates the
// active segment back to it and empties any later segment: what an
// uncommitted checkpoint wrote is gone, and the same file is reused.
// Segments are truncated, never deleted, so that a reader's cached file
// handle never points to a file that another one replaced.

// segmentSize is the default size at which the active segment is rotated.
const segmentSize = 256 << 20

// refLen is the length of a segment ref: seg uint32 | offset uint64 |
// length uint32.
const refLen = 4 + 8 + 4

// segRef locates a block in a segment file.
type segRef struct {
	seg uint32
	off uint64
	len uint32
}

func (r segRef) encode() []byte {
	b := make([]byte, 0, refLen)
	b = binary.BigEndian.AppendUint32(b, r.seg)
	b = binary.BigEndian.AppendUint64(b, r.off)
	return binary.BigEndian.AppendUint32(b, r.len)
}

func decodeRef(v []byte) (segRef, error) {
	if len(v) != refLen {
		return segRef{}, fmt.Errorf("%w: segment ref of %d bytes", errBadValue, len(v))
	}
	return segRef{
		seg: binary.BigEndian.Uint32(v),
		off: binary.BigEndian.Uint64(v[4:]),
		len: binary.BigEndian.Uint32(v[12:]),
	}, nil
}

// segEnd is the committed end of the segments: segment seg holds size
// committed bytes, later segments none (seg 0: nothing committed).
type segEnd struct {
	seg  uint32
	size uint64
}

func (e segEnd) encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, e.seg)
	return binary.BigEndian.AppendUint64(b, e.size)
}

func decodeSegEnd(v []byte) (segEnd, error) {
	if len(v) != 12 {
		return segEnd{}, fmt.Errorf("%w: segment end of %d bytes", errBadValue, len(v))
	}
	return segEnd{seg: binary.BigEndian.Uint32(v), size: binary.BigEndian.Uint64(v[4:])}, nil
}

// segments reads and appends the segment files of a store on disk.
// Reads are safe for concurrent use; appends are made by the Writer
// (under DB.wmu).
type segments struct {
	dir string // <store>/segments
	max int64  // rotation size

	mu    sync.RWMutex
	files map[uint32]*os.File // open for reading

	// The active segment, open for appending (Writer only).
	w       *os.File
	wseg    uint32
	wsize   int64
	dirty   []*os.File // written since the last sync
	newFile bool       // a segment was created since the last sync
	flushed int64      // where w's writeback was last started (writebackBytes)
}

// writebackBytes: each time this much more of the active segment is
// written, its writeback to disk is started, without waiting for it
// (startWriteback). A 1 GB log appends 220 MB of blocks; the kernel
// would otherwise hold them all dirty until the commit's fsync, which
// then waited 0.12 s for the disk with the CPUs idle.
const writebackBytes = 8 << 20

func newSegments(storeDir string) *segments {
	return &segments{dir: filepath.Join(storeDir, "segments"), max: segmentSize, files: make(map[uint32]*os.File)}
}

func (s *segments) path(seg uint32) string {
	return filepath.Join(s.dir, fmt.Sprintf("%06d.seg", seg))
}

// file returns a cached handle of segment seg for reading.
func (s *segments) file(seg uint32) (*os.File, error) {
	s.mu.RLock()
	f := s.files[seg]
	s.mu.RUnlock()
	if f != nil {
		return f, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[seg]; f != nil {
		return f, nil
	}
	f, err := os.Open(s.path(seg))
	if err != nil {
		return nil, fmt.Errorf("opening segment: %w", err)
	}
	s.files[seg] = f
	return f, nil
}

// read returns the block that ref v points to, in buf if it is large
// enough.
func (s *segments) read(v []byte, buf []byte) ([]byte, error) {
	r, err := decodeRef(v)
	if err != nil {
		return nil, err
	}
	f, err := s.file(r.seg)
	if err != nil {
		return nil, err
	}
	if cap(buf) < int(r.len) {
		buf = make([]byte, r.len)
	}
	buf = buf[:r.len]
	n, err := f.ReadAt(buf, int64(r.off))
	if n == len(buf) {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		size := int64(-1)
		if fi, serr := f.Stat(); serr == nil {
			size = fi.Size()
		}
		return nil, fmt.Errorf("%w: segment %s: block at [%d, %d) is past its end (%d bytes)",
			errBadValue, f.Name(), r.off, r.off+uint64(r.len), size)
	}
	return nil, fmt.Errorf("reading segment %s: %w", f.Name(), err)
}

// recover truncates the segments to the committed end and opens the
// active one for appending.
func (s *segments) recover(end segEnd) error {
	if s.w != nil {
		s.w.Close()
		s.w, s.dirty = nil, nil
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("listing segments: %w", err)
	}
	for _, e := range ents {
		num, ok := strings.CutSuffix(e.Name(), ".seg")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(num, 10, 32)
		if err != nil || uint32(n) < end.seg {
			continue
		}
		size := int64(0)
		if uint32(n) == end.seg {
			size = int64(end.size)
		}
		// Only shorten: a segment shorter than its committed end is
		// damaged, and reads past its end must fail, not find zeros.
		if s.size(uint32(n)) <= size {
			continue
		}
		if err := os.Truncate(s.path(uint32(n)), size); err != nil {
			return fmt.Errorf("truncating segment to its committed end: %w", err)
		}
	}
	s.wseg, s.wsize = max(end.seg, 1), int64(end.size)
	if end.seg == 0 {
		s.wsize = 0
	}
	return nil
}

// size returns the size of segment seg (-1 if it cannot be read).
func (s *segments) size(seg uint32) int64 {
	fi, err := os.Stat(s.path(seg))
	if err != nil {
		return -1
	}
	return fi.Size()
}

// append writes b at the end of the active segment (rotating first if it
// would pass the rotation size) and returns its ref.
func (s *segments) append(b []byte) ([]byte, error) {
	if s.w != nil && s.wsize > 0 && s.wsize+int64(len(b)) > s.max {
		if len(s.dirty) == 0 || s.dirty[len(s.dirty)-1] != s.w {
			s.w.Close() // synced already
		}
		s.w = nil
		s.wseg++
		s.wsize = 0
	}
	if s.w == nil {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating the segments directory: %w", err)
		}
		f, err := os.OpenFile(s.path(s.wseg), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("opening segment: %w", err)
		}
		// Anything past wsize is uncommitted garbage (recover truncated
		// it; a rotated-to segment is empty).
		if err := f.Truncate(s.wsize); err != nil {
			f.Close()
			return nil, fmt.Errorf("truncating segment %s: %w", f.Name(), err)
		}
		s.w = f
		s.newFile = true
		s.flushed = s.wsize
	}
	if len(s.dirty) == 0 || s.dirty[len(s.dirty)-1] != s.w {
		s.dirty = append(s.dirty, s.w)
	}
	if _, err := s.w.WriteAt(b, s.wsize); err != nil {
		return nil, fmt.Errorf("writing segment %s: %w", s.w.Name(), err)
	}
	ref := segRef{seg: s.wseg, off: uint64(s.wsize), len: uint32(len(b))}
	s.wsize += int64(len(b))
	if s.wsize-s.flushed >= writebackBytes {
		startWriteback(s.w, s.flushed, s.wsize-s.flushed)
		s.flushed = s.wsize
	}
	return ref.encode(), nil
}

// sync fsyncs the segments written since the last sync, closes those that
// are no longer active, and returns the end to commit.
func (s *segments) sync() (segEnd, error) {
	for _, f := range s.dirty {
		if err := f.Sync(); err != nil {
			return segEnd{}, fmt.Errorf("syncing segment %s: %w", f.Name(), err)
		}
		if f != s.w {
			f.Close()
		}
	}
	s.dirty = s.dirty[:0]
	if s.newFile { // make the new file's name durable too
		d, err := os.Open(s.dir)
		if err == nil {
			err = d.Sync()
			d.Close()
		}
		if err != nil {
			return segEnd{}, fmt.Errorf("syncing the segments directory: %w", err)
		}
		s.newFile = false
	}
	return segEnd{seg: s.wseg, size: uint64(s.wsize)}, nil
}

// close closes every file.
func (s *segments) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first error
	for seg, f := range s.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
		delete(s.files, seg)
	}
	for _, f := range s.dirty {
		if f != s.w {
			f.Close()
		}
	}
	s.dirty = nil
	if s.w != nil {
		if err := s.w.Close(); err != nil && first == nil {
			first = err
		}
		s.w = nil
	}
	if first != nil {
		return fmt.Errorf("closing segments: %w", first)
	}
	return nil
}

// block returns the block stored as Badger value v: v itself in memory,
// else read from the segment that v refers to, into buf if it is large
// enough.
func (db *DB) block(v, buf []byte) ([]byte, error) {
	if db.segs == nil {
		return v, nil
	}
	return db.segs.read(v, buf)
}
