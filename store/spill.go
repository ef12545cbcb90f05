package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"unsafe"

	"bouncelens/classify"
	"bouncelens/parser"
)

// Recipient runs. A checkpoint's recipient accumulators are the Writer's
// largest memory: on a 1 GB log, its 228k recipients take 103 MB with
// their strings and refs (rcptTable.bytes). When the table holds
// WriterOptions.SpillRecipients of them, or takes spillBytes, the Writer
// hands them to a goroutine that writes them, sorted by address, to a run
// file, and goes on with an empty table (two tables take turns). The
// commit merges the runs and the table, address by address, in the order
// the accumulators were filled, into exactly the accumulator one table
// would have held (mergeAcc), and writes that as before. The first run's
// median address (the pivot) splits every run and the table in two,
// merged by two goroutines (writeRcpts). Run files are temporary:
// unlinked as soon as they are created where the system allows it,
// removed at the commit, on failure and by Open, so that a crash leaves
// nothing behind that counts.

// spillDirName is the directory of run files in a store on disk.
const spillDirName = "spill"

// spillDir returns where db's run files go.
func (db *DB) spillDir() string {
	if db.dir == "" {
		return os.TempDir()
	}
	return filepath.Join(db.dir, spillDirName)
}

// removeSpills removes run files a crashed Writer left (systems that do
// not unlink open files).
func removeSpills(storeDir string) error {
	if err := os.RemoveAll(filepath.Join(storeDir, spillDirName)); err != nil {
		return fmt.Errorf("removing old recipient runs: %w", err)
	}
	return nil
}

// runFile is one run file: accumulators sorted by address, those before
// the checkpoint's pivot address (Writer.pivot) in [0, split), the others
// in [split, size).
type runFile struct {
	f     *os.File
	split int64
	size  int64
	sink  uint64 // what writeRun's touches read (kept, so that they are not optimised out)
}

// runCursor reads a section of a run file back at the commit.
type runCursor struct {
	name string
	r    *bufio.Reader
	buf  []byte
	head rcptAcc   // the next accumulator, valid while ok
	refs []partRef // its refs
	ok   bool
}

// cursor returns a cursor over the run's section [from, to), at its
// first accumulator. Cursors read with ReadAt: several may read one file
// at once.
func (r *runFile) cursor(from, to int64) (*runCursor, error) {
	c := &runCursor{name: r.f.Name(), r: bufio.NewReaderSize(io.NewSectionReader(r.f, from, to-from), 64<<10)}
	return c, c.next()
}

// spill hands the table's accumulators to a goroutine that writes them,
// sorted by address, to a new run file (writeRun), and goes on with an
// empty table: the one the previous spill left. The store goroutine is a
// scan's busiest, and a spill was its largest piece of work. One spill
// runs at a time; waitSpill waits for it.
func (w *Writer) spill() error {
	if err := w.waitSpill(); err != nil {
		return err
	}
	dir := w.db.spillDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("spilling recipients: %w", err)
	}
	f, err := os.CreateTemp(dir, "rcpt-*.run")
	if err != nil {
		return fmt.Errorf("spilling recipients: %w", err)
	}
	_ = os.Remove(f.Name()) // where allowed: gone with the process
	run := &runFile{f: f, split: -1}
	w.spills++
	w.spilled += w.rcpts.len()
	w.runs = append(w.runs, run)
	t := new(rcptTable)
	*t = w.rcpts
	w.rcpts, w.spare = w.spare, rcptTable{}
	w.rcpts.seed = t.seed // the hashes of prepared records
	done := make(chan spillResult, 1)
	w.spilling, w.spillTab = done, t
	pivot := w.pivot
	go func() {
		pivot, err := writeRun(t, run, pivot)
		t.reset()
		done <- spillResult{pivot, err}
	}()
	return nil
}

// spillFault, if set (tests), is called by each run's goroutine before it
// writes; an error fails the run as a write error would.
var spillFault func() error

// spillResult is what a spill's goroutine hands back.
type spillResult struct {
	pivot string // the checkpoint's pivot address (set by its first run)
	err   error
}

// waitSpill waits for the spill in progress, if any, and takes its table
// back as the spare.
func (w *Writer) waitSpill() error {
	if w.spilling == nil {
		return nil
	}
	r := <-w.spilling
	w.spilling = nil
	w.spare, w.spillTab = *w.spillTab, nil
	if r.err != nil {
		return r.err
	}
	w.pivot = r.pivot
	return nil
}

// writeRun writes t's accumulators to run, sorted by address, those
// before pivot in the first section; pivot "" (the first run) is set to
// t's median address, which it returns.
func writeRun(t *rcptTable, run *runFile, pivot string) (string, error) {
	if spillFault != nil {
		if err := spillFault(); err != nil {
			return pivot, err
		}
	}
	accs := t.sorted()
	if pivot == "" && len(accs) > 0 {
		// Recipients keep coming in no particular address order: the
		// first run's median splits the others about evenly too.
		pivot = string(t.addrOf(accs[len(accs)/2]))
	}
	grouped, start := t.groupRefs()
	bw := bufio.NewWriterSize(run.f, 256<<10)
	var b []byte
	var hdr [binary.MaxVarintLen64]byte
	pb := []byte(pivot)
	var offs [2 * runTouch]uint32
	for k, i := range accs {
		if k%runTouch == 0 {
			// The cells come in address order, spread over the table:
			// reading the next ones, then their addresses and texts,
			// in tight loops lets the CPU overlap the cache misses
			// that encoding them one by one would wait for in turn.
			run.sink += t.touchCells(accs[k:min(k+runTouch, len(accs))], offs[:])
		}
		if run.split < 0 && bytes.Compare(t.addrOf(i), pb) >= 0 {
			run.split = run.size
		}
		b = t.encodeRun(b[:0], i, grouped[start[i]:start[i+1]])
		h := hdr[:binary.PutUvarint(hdr[:], uint64(len(b)))]
		bw.Write(h)
		bw.Write(b)
		run.size += int64(len(h) + len(b))
	}
	if run.split < 0 {
		run.split = run.size
	}
	if err := bw.Flush(); err != nil {
		return pivot, fmt.Errorf("spilling recipients to %s: %w", run.f.Name(), err)
	}
	return pivot, nil
}

// closeRuns closes and removes the run files, once the spill in
// progress is done with its own.
func (w *Writer) closeRuns() {
	_ = w.waitSpill() // a failed spill's run goes as the others do
	for _, r := range w.runs {
		r.f.Close()
		_ = os.Remove(r.f.Name())
	}
	w.runs = nil
	w.pivot = ""
}

// next reads the section's next accumulator into head (ok false at its
// end).
func (r *runCursor) next() error {
	n, err := binary.ReadUvarint(r.r)
	if errors.Is(err, io.EOF) {
		r.ok = false
		return nil
	}
	if err != nil || n > 1<<30 {
		return fmt.Errorf("reading recipient run %s: %w", r.name, errors.Join(err, errBadValue))
	}
	if uint64(cap(r.buf)) < n {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		return fmt.Errorf("reading recipient run %s: %w", r.name, err)
	}
	// The head's strings are slices of r.buf: valid until the next call,
	// which the merge makes only once the head is written.
	r.head = rcptAcc{}
	if r.refs, err = r.head.decodeRun(r.buf, r.refs[:0]); err != nil {
		return fmt.Errorf("reading recipient run %s: %w", r.name, err)
	}
	r.ok = true
	return nil
}

// runTouch is how many cells writeRun reads ahead (touchCells).
const runTouch = 64

// touchCells reads the cells at indexes accs (at most runTouch), then a
// byte of their addresses and texts, and returns a sum of what it read;
// offs has room for 2*runTouch offsets.
func (t *rcptTable) touchCells(accs []uint32, offs []uint32) uint64 {
	addrs, texts := offs[:0:runTouch], offs[runTouch:runTouch]
	for _, i := range accs {
		c := t.cell(i)
		addrs = append(addrs, c.addr)
		if c.textLen > 0 {
			texts = append(texts, c.text)
		}
	}
	var sink uint64
	for _, off := range addrs {
		sink += uint64(t.addrs[off])
	}
	for _, off := range texts {
		sink += uint64(t.texts[off])
	}
	return sink
}

// encodeRun appends the accumulator of the cell at index i and its refs
// (of the checkpoint in progress) to b, for a run file.
func (t *rcptTable) encodeRun(b []byte, i uint32, refs []partRef) []byte {
	c := t.cell(i)
	e := enc{b}
	e.bytes(t.addrOf(i))
	e.uvar(c.events)
	for _, n := range c.by {
		e.uvar(uint64(n))
	}
	if !c.hasMore {
		e.uvar(0)
	} else {
		var n uint64
		t.eachMore(i, func(parser.Status, uint64) { n++ })
		e.uvar(n)
		t.eachMore(i, func(st parser.Status, n uint64) {
			e.u8(uint8(st))
			e.uvar(n)
		})
	}
	// What rcptAcc.encodeSeen writes, in its order.
	e.u64(c.firstTS)
	e.u64(c.lastTS)
	e.id(c.lastID)
	e.status(c.lastStatus)
	e.int(int(c.lastCode))
	if c.enh == 0 {
		e.str("")
	} else {
		e.str(t.enhs[c.enh-1])
	}
	e.u8(uint8(c.lastReason))
	e.u8(uint8(c.lastClass))
	e.u8(uint8(c.lastAction))
	e.bytes(t.textOf(c))
	var f *forward
	if c.hasFwd { // most cells: no map lookup
		f = t.fwds[i]
	}
	if f == nil {
		e.u8(0)
	} else {
		e.u8(1)
		e.str(f.addr)
		e.u64(f.ts)
		e.id(f.id)
	}
	e.uvar(uint64(len(refs)))
	for _, r := range refs {
		e.uvar(uint64(r.hour))
		e.uvar(uint64(r.part))
	}
	return e.b
}

// decodeRun reads what encodeRun wrote into a (which must be zero) and
// appends its refs to refs. a's strings are slices of b, not copies: b
// must not change while a is in use. (The commit reads a million entries
// of a 1 GB log; a copy of each was 93 MB of garbage, made where the
// scan runs under its lower commit heap limit.)
func (a *rcptAcc) decodeRun(b []byte, refs []partRef) ([]partRef, error) {
	d := dec{b: b, src: unsafe.String(unsafe.SliceData(b), len(b))}
	a.addr = d.str()
	a.events = d.uvar()
	for i := range a.by {
		n := d.uvar()
		if n > math.MaxUint32 {
			d.fail()
		}
		a.by[i] = uint32(n)
	}
	if n := d.uvar(); n > 0 {
		if n > 256 {
			d.fail()
		}
		a.byMore = make(map[parser.Status]uint64, min(n, 256))
		for range min(n, 256) {
			st := parser.Status(d.u8())
			a.byMore[st] = d.uvar()
		}
	}
	a.firstTS = d.u64()
	a.lastTS = d.u64()
	a.lastID = d.id()
	a.lastStatus = parser.Status(d.u8())
	a.lastCode = int32(d.int())
	a.lastEnh = d.str()
	a.lastReason = classify.Reason(d.u8())
	a.lastClass = classify.Class(d.u8())
	a.lastAction = classify.Action(d.u8())
	a.lastText = d.str()
	if d.u8() == 1 {
		a.fwd = &forward{addr: d.str(), ts: d.u64(), id: d.id()}
	}
	n := d.uvar()
	if n > uint64(len(d.b)) { // each ref takes two bytes at least
		d.fail()
		n = 0
	}
	for range n {
		h, p := d.uvar(), d.uvar()
		if h > math.MaxUint32 || p > math.MaxUint16 {
			d.fail()
		}
		refs = append(refs, partRef{hour: uint32(h), part: uint16(p)})
	}
	return refs, d.done()
}

// mergeAcc adds src (filled after dst) to dst, and src's refs to dstRefs:
// the result is the accumulator one table would have held had it been
// given the events of both. It returns dst's refs.
func mergeAcc(dst *rcptAcc, dstRefs []partRef, src *rcptAcc, srcRefs []partRef) []partRef {
	if dst.events == 0 || src.events > 0 && later(src.lastTS, src.lastID, dst.lastTS, dst.lastID) {
		dst.lastTS, dst.lastID = src.lastTS, src.lastID
		dst.lastStatus, dst.lastCode, dst.lastEnh = src.lastStatus, src.lastCode, src.lastEnh
		dst.lastReason, dst.lastClass, dst.lastAction = src.lastReason, src.lastClass, src.lastAction
		dst.lastText = src.lastText
	}
	dst.events += src.events
	for i, n := range src.by {
		s := uint64(dst.by[i]) + uint64(n)
		if s > math.MaxUint32 {
			if dst.byMore == nil {
				dst.byMore = make(map[parser.Status]uint64)
			}
			dst.byMore[parser.Status(i)] += s - math.MaxUint32
			s = math.MaxUint32
		}
		dst.by[i] = uint32(s)
	}
	for st, n := range src.byMore {
		if dst.byMore == nil {
			dst.byMore = make(map[parser.Status]uint64)
		}
		dst.byMore[st] += n
	}
	if src.firstTS != 0 && (dst.firstTS == 0 || src.firstTS < dst.firstTS) {
		dst.firstTS = src.firstTS
	}
	if f := src.fwd; f != nil && (dst.fwd == nil || later(f.ts, f.id, dst.fwd.ts, dst.fwd.id)) {
		c := *f
		dst.fwd = &c
	}
	if dst.addr == "" {
		dst.addr = src.addr
	}
	// addRef skips a ref equal to the one before it: so does the seam.
	if n := len(dstRefs); n > 0 && len(srcRefs) > 0 && dstRefs[n-1] == srcRefs[0] {
		srcRefs = srcRefs[1:]
	}
	return append(dstRefs, srcRefs...)
}
