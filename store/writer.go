package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/klauspost/compress/s2"

	"bouncelens/classify"
	"bouncelens/parser"
)

// WriterOptions bound what a Writer holds in memory before it commits a
// checkpoint on its own. Zero fields take the defaults.
type WriterOptions struct {
	CheckpointEvents     int // new events per checkpoint (default 4_000_000)
	CheckpointRecipients int // distinct recipients per checkpoint, about (default 1_000_000)
	SpillRecipients      int // distinct recipients held in memory before they go to a run file (default: as many as take spillBytes; see spill.go)

	// Committing, if set, is called with true before a checkpoint's
	// commit writes its recipient states and counts, and with false
	// once it is done. Those writes go to Badger's value log through a
	// mapping of its file, whose pages count in the process's RSS: a
	// scan that holds its RSS lowers its heap limit in between.
	Committing func(bool)

	// Classify sets the Result of a record given to Add unclassified
	// (after DB.PrepareIDs) that turns out to be new; it is called on
	// the goroutine that calls Add. Without it, such a record fails Add.
	Classify func(*Record)
}

const (
	defaultCheckpointEvents     = 4_000_000
	defaultCheckpointRecipients = 1_000_000
	defaultSpillRecipients      = math.MaxInt
	// spillBytes is the memory of recipient accumulators (with their
	// strings and refs) past which the Writer writes them to a run file:
	// about 100k recipients of a 1 GB log (their last texts vary most).
	// Keeping more costs more than it saves under the scan's memory
	// limit, where the collector then runs more often (all 228k of
	// that log: 103 MB, and 30% more CPU).
	spillBytes = 32 << 20
	// splitRcpts is the fewest recipients of a checkpoint without runs
	// whose commit merges in two halves (runs always do): below, a
	// second goroutine, lookup and batch cost more than they save.
	splitRcpts = 4096

	// blockRecords is the most records in one event block part.
	blockRecords = 512
	// maxPendingRecords bounds the records encoded but not yet written
	// as blocks, over all hours (each hour keeps a part being filled).
	maxPendingRecords = 32 << 10
	// maxParts keeps part numbers within uint16: an hour with that many
	// parts in one checkpoint forces a commit.
	maxParts = 1<<16 - 1
	// maxCachedHours hours of committed fingerprints stay cached for
	// dedup (across Writers, least recently used out first), and more
	// while all cached hours hold at most maxCachedIDs ids (about 40
	// bytes each). Hours of the checkpoint in progress always stay.
	maxCachedHours = 72
	maxCachedIDs   = 512 << 10
	// maxLiveIDs is the most ids kept in memory, over all hours, but
	// those of the current hour: beyond it the least recently used
	// hours' ids are dropped, even in the checkpoint in progress.
	maxLiveIDs = 256 << 10
)

// Writer ingests records in checkpoints. Not safe for concurrent use; one
// Writer per DB at a time: NewWriter waits until the previous Writer is
// closed.
//
// A checkpoint is everything added since the previous one; it becomes
// visible to readers, all at once, when it is committed (by Commit, or by
// Add when the WriterOptions limits are reached). See the package doc.
// An Add of 1024 records or more computes their fingerprints on two
// goroutines.
type Writer struct {
	db   *DB
	opts WriterOptions
	cs   commitState
	err  error // sticky: after a failure the Writer only Closes
	done bool  // closed

	// The checkpoint in progress; seq is 0 until the first new record.
	seq        uint64
	wb         *asyncBatch
	newEvents  int
	pending    int // records encoded, not yet in a block
	idleCheck  int // newEvents at the last writeIdleParts check
	counts     countTable
	ckey       []byte // scratch count key
	rcpts      rcptTable
	runs       []*runFile       // recipients spilled in this checkpoint, oldest first
	pivot      string           // address that splits the runs for the commit (first run's median)
	splitMin   int              // fewest table recipients for a split commit without runs (tests lower it)
	spillBytes int              // rcptTable.bytes past which the table is spilled (tests lower it)
	spilled    int              // distinct recipients (per run) in runs
	spilling   chan spillResult // the spill in progress (nil: none)
	spillTab   *rcptTable       // its table
	spare      rcptTable        // the table the last spill emptied, for the next
	spills     int              // runs written over the Writer's life
	touched    []*hourState     // hours with new events in this checkpoint
	last       *hourState       // hour of the previous record
	fps        []fprint         // scratch of Add
	rhs        []rcptHash       // scratch of Add
	chs        []uint64         // scratch of Add
	dupHeavy   bool             // the last Add had more duplicates than new records: rcptHashes is skipped
	touchIdx   []uint32         // scratch of Add
	sink       uint64           // what rcptTable.touch read (unused)
	fpsort     []fprint         // scratch of writeFprints
	fpbuf      []byte           // scratch of writeFprints

	// Block parts are sorted, compressed and written on a goroutine of
	// their own (started by the first part): writePart hands them over
	// and goes on. Everything else that writes to Badger or the segments
	// first waits for the parts handed over (drain).
	parts    chan partJob
	partsWG  sync.WaitGroup // parts handed over, not yet written
	partsErr error          // the first failure; read after partsWG.Wait
	free     chan partBuf   // buffers of written parts, for reuse
	partSize int            // bytes of the last full part

	// meta set by SetMeta, stored at the next commit (nil value: delete).
	meta map[string][]byte

	// crash, if set (tests), is called at each stage of a checkpoint after
	// what was written so far is flushed to Badger; an error stops the
	// Writer there, as a crash would.
	crash func(stage string) error
}

// hourState is one hour's dedup set (committed events and those of the
// checkpoint in progress) and its unwritten records. The DB caches them
// across Writers (under the writer lock).
type hourState struct {
	hour    uint32
	set     idSet
	loaded  bool   // set holds all the hour's ids (else evict dropped them)
	flushed int    // set.fps[:flushed] are in fingerprint blocks
	used    uint64 // LRU tick
	touched bool   // has new events in the checkpoint in progress
	lastNew int    // Writer.newEvents after the hour's latest new event
	part    uint16 // next block part number in the checkpoint in progress
	fpart   uint16 // next fingerprint block part number, likewise
	partBuf        // records not yet written
}

// partBuf holds the records of a block part until it is written.
type partBuf struct {
	buf  []byte // encoded records
	ents []pendingRec
}

// partJob is a block part handed to the part goroutine.
type partJob struct {
	key []byte
	wb  *asyncBatch
	partBuf
}

// pendingRec is a record encoded into partBuf.buf.
type pendingRec struct {
	fp       fprint
	off, len uint32
}

// idSet is a compact hash set of event ids: the (ts, id) pairs in a slice
// and an open-addressing table of their indexes (ids are hash output,
// XXH3 or SHA-256, so their first bytes are a good hash). About 32 bytes
// per id, no pointers for the GC to scan.
type idSet struct {
	fps   []fprint
	slots []uint32 // index+1 into fps; 0 is empty; len is a power of two
}

// insert adds fp unless its id is in the set; it reports whether it added.
func (s *idSet) insert(fp fprint) bool {
	if 2*(len(s.fps)+1) > len(s.slots) {
		s.grow(len(s.fps) + 1)
	}
	mask := uint64(len(s.slots) - 1)
	for i := binary.LittleEndian.Uint64(fp.id[:8]) & mask; ; i = (i + 1) & mask {
		x := s.slots[i]
		if x == 0 {
			s.fps = append(s.fps, fp)
			s.slots[i] = uint32(len(s.fps))
			return true
		}
		if s.fps[x-1].id == fp.id {
			return false
		}
	}
}

// reserve makes room for n ids in an empty set.
func (s *idSet) reserve(n int) {
	if n <= 0 || len(s.fps) > 0 {
		return
	}
	n += n / 8
	s.fps = make([]fprint, 0, n)
	s.grow(n + 1)
}

// grow makes the slot table at least twice as large, and large enough
// for n ids at most half full, and indexes the set's ids again.
func (s *idSet) grow(n int) {
	size := max(64, 2*len(s.slots))
	for size < 2*n {
		size *= 2
	}
	s.slots = make([]uint32, size)
	mask := uint64(size - 1)
	for j := range s.fps {
		i := binary.LittleEndian.Uint64(s.fps[j].id[:8]) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = uint32(j + 1)
	}
}

// NewWriter returns a Writer for db, waiting until no other Writer of db
// is open. The caller must Close it.
func (db *DB) NewWriter(opts WriterOptions) *Writer {
	if opts.CheckpointEvents <= 0 {
		opts.CheckpointEvents = defaultCheckpointEvents
	}
	if opts.CheckpointRecipients <= 0 {
		opts.CheckpointRecipients = defaultCheckpointRecipients
	}
	if opts.SpillRecipients <= 0 {
		opts.SpillRecipients = defaultSpillRecipients
	}
	db.wmu.Lock()
	w := &Writer{db: db, opts: opts, splitMin: splitRcpts, spillBytes: spillBytes}
	w.rcpts.seed = db.rseed // the hashes of records prepared for db
	w.counts.seed = db.cseed
	if db.ro {
		w.err = fmt.Errorf("store %s is open read-only", db.dir)
		return w
	}
	cs, err := db.loadCommitState()
	if err == nil {
		err = db.recoverCheckpoints(&cs)
	}
	if err != nil {
		w.err = err
		return w
	}
	w.cs = cs
	w.reset()
	return w
}

func (w *Writer) reset() {
	w.seq, w.wb, w.newEvents, w.pending, w.idleCheck = 0, nil, 0, 0, 0
	w.counts.reset()
	w.rcpts.reset()
	w.closeRuns()
	w.spilled = 0
	w.touched = w.touched[:0]
}

// fail makes err sticky: the checkpoint in progress is abandoned (as in a
// crash) and the cached dedup sets, which may hold its ids, are dropped.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	w.stopParts()
	w.closeRuns()
	if w.wb != nil {
		w.wb.cancel()
		w.wb = nil
	}
	w.db.hours = nil
	w.last = nil
	return w.err
}

// Add stores recs in the checkpoint in progress: records already stored
// (same Fingerprint), or already added, are skipped as duplicates; the
// others are aggregated into counts and recipient states and their blocks
// written as they fill. It commits a checkpoint when a WriterOptions
// limit is reached. Nothing Add writes is visible before its checkpoint
// is committed. IngestStats counts what Add was given: New ones are added,
// not yet committed.
//
// Add checks ctx every thousand records; once it is done, Add returns the
// stats of the records added so far and ctx's error, and the caller may
// still Commit them.
func (w *Writer) Add(ctx context.Context, recs []Record) (IngestStats, error) {
	var st IngestStats
	if w.done {
		return st, errors.New("storing events: writer is closed")
	}
	if w.err != nil {
		return st, fmt.Errorf("storing events: %w", w.err)
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	fps := w.fingerprints(recs)
	var rhs []rcptHash
	if !w.dupHeavy {
		rhs = w.rcptHashes(recs)
	}
	defer func() { w.dupHeavy = st.Duplicate > st.New }()
	for i := range recs {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		rec := &recs[i]
		fp := fps[i]
		hs := w.last
		if hs == nil || hs.hour != hourOfTS(fp.ts) {
			var err error
			if hs, err = w.hourState(hourOfTS(fp.ts)); err != nil {
				return st, fmt.Errorf("storing events: %w", w.fail(err))
			}
			w.last = hs
			if err := w.writeIdleParts(hs); err != nil {
				return st, fmt.Errorf("storing events: %w", w.fail(err))
			}
		}
		if !hs.set.insert(fp) {
			st.Duplicate++
			continue
		}
		if w.seq == 0 {
			if err := w.begin(); err != nil {
				return st, fmt.Errorf("storing events: %w", w.fail(err))
			}
		}
		st.New++
		if rec.unclassified {
			// Given unclassified on the bet that it was stored already
			// (DB.PrepareIDs): classified and encoded here.
			if w.opts.Classify == nil {
				return st, fmt.Errorf("storing events: %s:%d: record not classified", rec.Source, rec.Line)
			}
			w.opts.Classify(rec)
			rec.unclassified = false
		}
		var rh *rcptHash
		if rhs != nil {
			rh = &rhs[i]
		}
		if err := w.addNew(hs, rec, fp, rh); err != nil {
			return st, fmt.Errorf("storing events: %w", w.fail(err))
		}
		if (w.rcpts.len() >= w.opts.SpillRecipients || w.rcpts.bytes() >= w.spillBytes) && w.spilled+w.rcpts.len() < w.opts.CheckpointRecipients {
			if err := w.spill(); err != nil {
				return st, fmt.Errorf("storing events: %w", w.fail(err))
			}
		}
		if w.newEvents >= w.opts.CheckpointEvents || w.spilled+w.rcpts.len() >= w.opts.CheckpointRecipients || hs.part >= maxParts || hs.fpart >= maxParts {
			if err := w.commit(nil); err != nil {
				return st, fmt.Errorf("storing events: %w", err)
			}
		}
	}
	return st, nil
}

// rcptHashes returns the hashes of the recipients of recs in the table
// (zero for records without one), and touches what adding them and their
// counts will read (rcptTable.touch, countTable.touch; counts only of
// records prepared for this store, whose key hashes are known). Add skips
// it where most records are duplicates (a rescan): those would be hashed
// and touched for nothing.
func (w *Writer) rcptHashes(recs []Record) []rcptHash {
	rhs, chs := w.rhs[:0], w.chs[:0]
	for i := range recs {
		var h rcptHash
		if r := &recs[i]; r.prepared == w.db {
			h = r.rh
			chs = append(chs, r.ch)
		} else if r.Recipient != "" {
			h = w.rcpts.hash(keyString(r.Recipient, maxAddress))
		}
		rhs = append(rhs, h)
	}
	w.rhs, w.chs = rhs, chs
	if cap(w.touchIdx) < len(rhs) {
		w.touchIdx = make([]uint32, len(rhs))
	}
	w.sink += w.rcpts.touch(rhs, w.touchIdx[:len(rhs)])
	w.sink += w.counts.touch(chs, w.touchIdx[:len(chs)])
	return rhs
}

// Prepare is DB.Prepare for the Writer's store. Unlike the Writer's other
// methods, it may be called from any goroutine, at any time.
func (w *Writer) Prepare(recs []Record) { w.db.Prepare(recs) }

// PrepareIDs is DB.PrepareIDs for the Writer's store; it may be called
// from any goroutine, at any time.
func (w *Writer) PrepareIDs(recs []Record) { w.db.PrepareIDs(recs) }

// parallelFingerprints is the least Add that hashes on two goroutines.
const parallelFingerprints = 1024

// fingerprints returns the (ts, Fingerprint) of recs: Prepare's, else
// computed here, on two goroutines for a large Add.
func (w *Writer) fingerprints(recs []Record) []fprint {
	fps := w.fps[:0]
	if cap(fps) < len(recs) {
		fps = make([]fprint, len(recs))
	}
	fps = fps[:len(recs)]
	w.fps = fps
	ids := w.db.ids
	hash := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if r := &recs[i]; r.hasID(w.db) {
				fps[i] = r.fp
			} else {
				fps[i] = fprint{ts: tsOf(r.Time), id: ids.of(&r.Event)}
			}
		}
	}
	if len(recs) < parallelFingerprints || recs[0].hasID(w.db) && recs[len(recs)-1].hasID(w.db) {
		hash(0, len(recs))
		return fps
	}
	half := len(recs) / 2
	done := make(chan struct{})
	go func() {
		hash(half, len(recs))
		close(done)
	}()
	hash(0, half)
	<-done
	return fps
}

// hourState returns the dedup state of hour, loading its fingerprints
// (committed, and those of the checkpoint in progress that evict wrote) if
// they are not in memory.
func (w *Writer) hourState(hour uint32) (*hourState, error) {
	db := w.db
	db.tick++
	hs := db.hours[hour]
	if hs != nil && hs.loaded {
		hs.used = db.tick
		return hs, nil
	}
	if hs == nil {
		hs = &hourState{hour: hour}
		if w.last != nil {
			// Hours next to each other have about as many events:
			// growing from empty would allocate twice the set. (Up to
			// 64k ids, 2 MB: a busy hour need not size a quiet one.)
			hs.set.reserve(min(len(w.last.set.fps), 64<<10))
		}
	} else if w.wb != nil {
		// Its fingerprints of this checkpoint must be in Badger.
		if err := w.drain(); err != nil {
			return nil, fmt.Errorf("loading fingerprints: %w", err)
		}
		if err := w.wb.flush(); err != nil {
			return nil, fmt.Errorf("loading fingerprints: %w", err)
		}
	}
	hs.used = db.tick
	var buf []byte
	err := db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: hourPrefix(kindFprint, hour)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			pk, err := parseKey(item.Key())
			if err != nil {
				return err
			}
			if !w.cs.visible(pk.seq) && (w.seq == 0 || pk.seq != w.seq) {
				continue
			}
			err = item.Value(func(v []byte) error {
				v, err := db.block(v, buf)
				if err != nil {
					return err
				}
				buf = v
				return decodeFprints(v, func(ts uint64, id *[16]byte) {
					hs.set.insert(fprint{ts: ts, id: *id})
				})
			})
			if err != nil {
				return fmt.Errorf("fingerprints of hour %d seq %d: %w", hour, pk.seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading fingerprints: %w", err)
	}
	hs.flushed = len(hs.set.fps)
	hs.loaded = true
	if db.hours == nil {
		db.hours = make(map[uint32]*hourState)
	}
	db.hours[hour] = hs
	if err := w.evict(hs); err != nil {
		return nil, err
	}
	return hs, nil
}

// evict drops the ids of least recently used hours from memory: while more
// than maxCachedHours hours hold more than maxCachedIDs ids (time-ordered
// logs need a few hours, shuffled input all of them, if they are not too
// many), and while they hold more than maxLiveIDs whatever their number.
// An hour not part of the checkpoint in progress is dropped; one that is
// first writes the ids not yet in a fingerprint block as one more
// fingerprint block of the checkpoint, and keeps its other state.
func (w *Writer) evict(keep *hourState) error {
	db := w.db
	ids := 0
	for _, hs := range db.hours {
		ids += len(hs.set.fps)
	}
	live := maxLiveIDs
	if db.liveIDs > 0 {
		live = db.liveIDs
	}
	for len(db.hours) > maxCachedHours && ids > maxCachedIDs || ids > live {
		var old *hourState
		for _, hs := range db.hours {
			// (An hour with too many fingerprint blocks stays.)
			if hs.loaded && hs != w.last && hs != keep && hs.fpart < maxParts-1 && (old == nil || hs.used < old.used) {
				old = hs
			}
		}
		if old == nil {
			return nil
		}
		ids -= len(old.set.fps)
		if !old.touched {
			delete(db.hours, old.hour)
			continue
		}
		if err := w.writeFprints(old); err != nil {
			return err
		}
		old.set = idSet{}
		old.flushed = 0
		old.loaded = false
	}
	return nil
}

// writeFprints writes the ids of hs not yet in a fingerprint block as the
// next fingerprint block of hs in the checkpoint in progress.
func (w *Writer) writeFprints(hs *hourState) error {
	if hs.flushed == len(hs.set.fps) {
		return nil
	}
	fps := append(w.fpsort[:0], hs.set.fps[hs.flushed:]...)
	sortNearly(fps, fprint.compare) // in the order added: nearly sorted
	w.fpbuf = encodeFprintsTo(w.fpbuf[:0], fps)
	w.fpsort = fps[:0]
	if err := w.setBlock(fprintKey(hs.hour, w.seq, hs.fpart), w.fpbuf); err != nil {
		return fmt.Errorf("writing fingerprints: %w", err)
	}
	hs.fpart++
	hs.flushed = len(hs.set.fps)
	return nil
}

// begin starts a checkpoint: next = seq+1 is written before anything else.
func (w *Writer) begin() error {
	seq := w.cs.next
	err := w.db.kv.Update(func(txn *badger.Txn) error {
		return txn.Set(metaNext, binary.BigEndian.AppendUint64(nil, seq+1))
	})
	if err != nil {
		return fmt.Errorf("starting checkpoint %d: %w", seq, err)
	}
	w.cs.next = seq + 1
	w.seq = seq
	w.wb = newAsyncBatch(w.db)
	return nil
}

// set queues a write of the checkpoint.
func (w *Writer) set(k, v []byte) error {
	if err := w.drain(); err != nil {
		return err
	}
	return w.wb.set(k, v)
}

// setBlock stores block b (which the caller may reuse) under k: appended
// to a segment and its ref in Badger on disk, the block itself in memory.
func (w *Writer) setBlock(k, b []byte) error {
	if err := w.drain(); err != nil {
		return err
	}
	return w.putBlock(w.wb, k, b)
}

// putBlock is setBlock without the wait (the part goroutine's).
func (w *Writer) putBlock(wb *asyncBatch, k, b []byte) error {
	if w.db.segs == nil {
		return wb.set(k, bytes.Clone(b)) // Badger keeps it until written
	}
	ref, err := w.db.segs.append(b)
	if err != nil {
		return err
	}
	return wb.set(k, ref)
}

// drain waits until the parts handed to the part goroutine are written
// and returns its first failure.
func (w *Writer) drain() error {
	if w.parts == nil {
		return nil
	}
	w.partsWG.Wait()
	return w.partsErr
}

// stopParts ends the part goroutine, once the parts handed over are
// written.
func (w *Writer) stopParts() {
	if w.parts != nil {
		w.partsWG.Wait()
		close(w.parts)
		w.parts = nil
	}
}

// stage flushes what was written and calls the crash hook (tests only).
func (w *Writer) stage(name string) error {
	if w.crash == nil {
		return nil
	}
	if err := w.drain(); err != nil {
		return err
	}
	if err := w.wb.flush(); err != nil {
		return err
	}
	return w.crash(name)
}

// addNew adds rec, a new record of hour hs with id fp, to the checkpoint;
// rh is the hash of its recipient if known (rcptHashes).
func (w *Writer) addNew(hs *hourState, rec *Record, fp fprint, rh *rcptHash) error {
	w.newEvents++
	if rec.prepared == w.db {
		w.counts.add(rec.ckey, rec.ch)
	} else {
		w.ckey = appendCountKey(w.ckey[:0], rec)
		w.counts.add(w.ckey, w.counts.hash(w.ckey))
	}
	if rec.Recipient != "" {
		// Events without a recipient (messages received, warnings) are
		// counted and kept, but have no recipient state.
		addr := keyString(rec.Recipient, maxAddress)
		if rh == nil {
			h := w.rcpts.hash(addr)
			rh = &h
		}
		i := w.rcpts.getHashed(addr, *rh)
		w.rcpts.apply(i, rec, fp)
		w.rcpts.addRef(i, partRef{hour: hs.hour, part: hs.part}) // the part rec goes into
	}
	if !hs.touched {
		hs.touched = true
		w.touched = append(w.touched, hs)
	}
	if hs.buf == nil {
		select {
		case hs.partBuf = <-w.free:
		default:
			// Small: an hour may get few records (a buffer grows as
			// needed, and maxPendingRecords bounds the sum).
			hs.partBuf = partBuf{buf: make([]byte, 0, 8<<10)}
		}
	}
	off := len(hs.buf)
	if rec.prepared != nil { // the encoding is the same for any store
		if cap(hs.buf)-off < len(rec.enc) {
			// Straight to the size of a whole part: append's steps of a
			// quarter allocated 100 MB on a 1 GB log.
			b := make([]byte, off, max(w.partSize+w.partSize/8, 2*cap(hs.buf), off+len(rec.enc)))
			copy(b, hs.buf)
			hs.buf = b
		}
		hs.buf = append(hs.buf, rec.enc...)
	} else {
		hs.buf = encodeRecord(hs.buf, rec)
	}
	hs.ents = append(hs.ents, pendingRec{fp: fp, off: uint32(off), len: uint32(len(hs.buf) - off)})
	hs.lastNew = w.newEvents
	w.pending++
	if len(hs.ents) >= blockRecords {
		return w.writePart(hs)
	}
	if w.pending >= maxPendingRecords {
		return w.writePending(nil, 0)
	}
	return nil
}

// idleRecords is how many new records an hour may go without one of its
// own before its unwritten records are written as a part, short of
// blockRecords (writeIdleParts).
const idleRecords = 4096

// writeIdleParts writes the unwritten records of the hours but cur that
// got no new record in the last idleRecords, checking at most once every
// idleRecords records. A time-ordered log leaves each hour with a last
// part it does not fill: held until maxPendingRecords, those were 120 to
// 130 hours of part buffers on a 1 GB log (each sized for a full part),
// about 5 MiB of the scan's peak RSS. Hours still getting records (inputs
// read in parallel, or out of order) keep filling theirs.
func (w *Writer) writeIdleParts(cur *hourState) error {
	if w.newEvents-w.idleCheck < idleRecords {
		return nil
	}
	w.idleCheck = w.newEvents
	return w.writePending(cur, idleRecords)
}

// writePending writes as a part the unwritten records of each hour of the
// checkpoint but except that got no new record in the last idle records
// (0: all of them).
func (w *Writer) writePending(except *hourState, idle int) error {
	for _, h := range w.touched {
		if h != except && len(h.ents) > 0 && w.newEvents-h.lastNew >= idle {
			if err := w.writePart(h); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePart hands hs's unwritten records to the part goroutine, to be
// written as hs's next block part.
func (w *Writer) writePart(hs *hourState) error {
	if w.parts == nil {
		if w.free == nil {
			w.free = make(chan partBuf, 16)
		}
		w.parts = make(chan partJob, 4)
		go w.writeParts(w.parts, w.free)
	}
	if len(hs.ents) >= blockRecords {
		w.partSize = len(hs.buf)
	}
	w.partsWG.Add(1)
	w.parts <- partJob{key: blockKey(hs.hour, w.seq, hs.part), wb: w.wb, partBuf: hs.partBuf}
	hs.part++
	w.pending -= len(hs.ents)
	hs.partBuf = partBuf{}
	if w.crash != nil {
		return w.stage("block")
	}
	return nil
}

// writeParts is the part goroutine: it writes each part handed over (after
// a failure, it only recycles them) and recycles its buffers into free.
func (w *Writer) writeParts(parts <-chan partJob, free chan<- partBuf) {
	var raw, zbuf []byte
	for j := range parts {
		if w.partsErr == nil {
			var err error
			if raw, zbuf, err = w.writePartNow(j, raw, zbuf); err != nil {
				w.partsErr = fmt.Errorf("writing block: %w", err)
			}
		}
		select {
		case free <- partBuf{buf: j.buf[:0], ents: j.ents[:0]}:
		default:
		}
		w.partsWG.Done()
	}
}

// writePartNow sorts j's records by fingerprint, compresses them and
// writes them as a block, with raw and zbuf as scratch (returned grown).
func (w *Writer) writePartNow(j partJob, raw, zbuf []byte) ([]byte, []byte, error) {
	ents := j.ents
	sortNearly(ents, func(a, b pendingRec) int { return a.fp.compare(b.fp) }) // in the order added
	n := binary.MaxVarintLen64 + len(j.buf) + len(ents)*(fpLen+binary.MaxVarintLen32)
	if cap(raw) < n {
		raw = make([]byte, 0, n)
	}
	raw = binary.AppendUvarint(raw[:0], uint64(len(ents)))
	for i := range ents {
		e := &ents[i]
		raw = binary.BigEndian.AppendUint64(raw, e.fp.ts)
		raw = append(raw, e.fp.id[:]...)
		raw = binary.AppendUvarint(raw, uint64(e.len))
		raw = append(raw, j.buf[e.off:e.off+e.len]...)
	}
	if n := 1 + s2.MaxEncodedLen(len(raw)); cap(zbuf) < n {
		zbuf = make([]byte, n)
	}
	zbuf[0] = blockCodecS2
	z := zbuf[:1+len(s2.Encode(zbuf[1:cap(zbuf)], raw))]
	return raw, zbuf, w.putBlock(j.wb, j.key, z)
}

// Commit commits what was added so far as one checkpoint; it does nothing
// if nothing new was added. Commit runs to the end even if ctx is done: a
// checkpoint half written is worth nothing.
func (w *Writer) Commit(ctx context.Context) error { return w.CommitWith(ctx, nil) }

// CommitWith is Commit that also stores meta (name -> value) in the same
// transaction that commits the checkpoint: after a crash both or neither
// are there. With nothing new added, it stores meta alone. DB.Meta reads
// the values back.
func (w *Writer) CommitWith(_ context.Context, meta map[string][]byte) error {
	if w.done {
		return errors.New("committing events: writer is closed")
	}
	if w.err != nil {
		return fmt.Errorf("committing events: %w", w.err)
	}
	if err := w.commit(meta); err != nil {
		return fmt.Errorf("committing events: %w", err)
	}
	return nil
}

// SetMeta queues name = value to be stored when the next checkpoint
// commits (by Add reaching a WriterOptions limit, by Commit or by
// CommitWith), so that it is never stored before the records added before
// it: a caller records "input X is read to offset N" with SetMeta after
// adding X's records. A nil value deletes name. When more than
// maxCommitMeta values are queued, they are stored in transactions of
// their own right after the commit instead of in it (still never before
// the records). If nothing new was added, the next Commit stores them alone.
func (w *Writer) SetMeta(name string, value []byte) {
	if w.meta == nil {
		w.meta = make(map[string][]byte)
	}
	if value == nil {
		w.meta[name] = nil
		return
	}
	w.meta[name] = bytes.Clone(value)
}

// maxCommitMeta bounds the SetMeta values stored in a checkpoint's commit
// transaction, which Badger limits in size.
const maxCommitMeta = 256

func (w *Writer) commit(meta map[string][]byte) error {
	queued := w.meta
	inCommit := len(queued) <= maxCommitMeta
	setMeta := func(txn *badger.Txn) error {
		if inCommit {
			if err := putMeta(txn, queued); err != nil {
				return err
			}
		}
		return putMeta(txn, meta)
	}
	if w.seq == 0 {
		if len(meta) == 0 && len(queued) == 0 {
			return nil
		}
		if err := w.db.kv.Update(setMeta); err != nil {
			return w.fail(fmt.Errorf("storing meta: %w", err))
		}
		return w.afterCommitMeta(inCommit)
	}
	seq := w.seq
	if w.opts.Committing != nil {
		w.opts.Committing(true)
		defer w.opts.Committing(false)
	}
	defer w.db.pageOutTables()()
	if err := w.writeCheckpoint(); err != nil {
		return w.fail(fmt.Errorf("checkpoint %d: %w", seq, err))
	}
	var end []byte
	if w.db.segs != nil {
		e, err := w.db.segs.sync()
		if err != nil {
			return w.fail(fmt.Errorf("checkpoint %d: %w", seq, err))
		}
		end = e.encode()
	}
	err := w.db.kv.Update(func(txn *badger.Txn) error {
		if err := txn.Set(metaCommit, binary.BigEndian.AppendUint64(nil, seq)); err != nil {
			return err
		}
		if end != nil {
			if err := txn.Set(metaSegEnd, end); err != nil {
				return err
			}
		}
		return setMeta(txn)
	})
	if err != nil {
		return w.fail(fmt.Errorf("committing checkpoint %d: %w", seq, err))
	}
	w.cs.commit = seq
	// The value log's pages, which this checkpoint's recipient states
	// filled, can leave the RSS.
	w.db.dropPages()
	if end != nil {
		w.cs.segEnd, _ = decodeSegEnd(end)
	}
	for _, hs := range w.touched {
		hs.touched = false
		hs.part, hs.fpart = 0, 0
		if !hs.loaded {
			delete(w.db.hours, hs.hour)
		}
	}
	w.reset()
	if err := w.afterCommitMeta(inCommit); err != nil {
		return err
	}
	if err := w.evict(nil); err != nil {
		return w.fail(err)
	}
	return nil
}

// afterCommitMeta stores the SetMeta values that were too many for the
// commit transaction (unless inCommit), and clears the queue.
func (w *Writer) afterCommitMeta(inCommit bool) error {
	queued := w.meta
	w.meta = nil
	if inCommit || len(queued) == 0 {
		return nil
	}
	wb := w.db.kv.NewWriteBatch()
	defer wb.Cancel()
	for name, v := range queued {
		var err error
		if v == nil {
			err = wb.Delete(userMetaKey(name))
		} else {
			err = wb.Set(userMetaKey(name), v)
		}
		if err != nil {
			return w.fail(fmt.Errorf("storing meta: %w", err))
		}
	}
	if err := wb.Flush(); err != nil {
		return w.fail(fmt.Errorf("storing meta: %w", err))
	}
	return nil
}

// putMeta sets (or, for nil values, deletes) meta values in txn.
func putMeta(txn *badger.Txn, meta map[string][]byte) error {
	for name, v := range meta {
		var err error
		if v == nil {
			err = txn.Delete(userMetaKey(name))
		} else {
			err = txn.Set(userMetaKey(name), bytes.Clone(v))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeCheckpoint writes everything of the checkpoint but the commit:
// remaining block parts, fingerprint blocks, counts and recipients.
func (w *Writer) writeCheckpoint() error {
	for _, hs := range w.touched {
		if len(hs.ents) > 0 {
			if err := w.writePart(hs); err != nil {
				return err
			}
		}
	}
	if err := w.stage("blocks"); err != nil {
		return err
	}
	for _, hs := range w.touched {
		if err := w.writeFprints(hs); err != nil {
			return err
		}
	}
	if err := w.stage("fingerprints"); err != nil {
		return err
	}
	if err := w.writeCounts(); err != nil {
		return err
	}
	if err := w.stage("counts"); err != nil {
		return err
	}
	if err := w.writeRcpts(); err != nil {
		return err
	}
	if err := w.stage("recipients"); err != nil {
		return err
	}
	if err := w.drain(); err != nil {
		return err
	}
	if err := w.wb.flush(); err != nil {
		return fmt.Errorf("writing checkpoint: %w", err)
	}
	w.wb = nil
	if w.crash != nil {
		return w.crash("commit")
	}
	return nil
}

func (w *Writer) writeCounts() error {
	type delta struct {
		k []byte
		n uint64
	}
	ds := make([]delta, 0, w.counts.len())
	keys := bytes.Clone(w.counts.keys) // Badger may keep them past the table's reset
	for i := range w.counts.len() {
		ds = append(ds, delta{keys[w.counts.offs[i]:w.counts.offs[i+1]:w.counts.offs[i+1]], w.counts.n[i]})
	}
	slices.SortFunc(ds, func(a, b delta) int { return bytes.Compare(a.k, b.k) })
	sorted := make([][]byte, len(ds))
	for i := range ds {
		sorted[i] = ds[i].k
	}
	err := w.db.lookupSorted(kindCount, sorted, func(i int, v []byte) error {
		var old uint64
		if v != nil {
			var err error
			if old, err = w.cs.resolveCount(v); err != nil {
				return fmt.Errorf("count %x: %w", sorted[i], err)
			}
		}
		return w.set(sorted[i], encodeCount(w.seq, old+ds[i].n, old))
	})
	if err != nil {
		return fmt.Errorf("writing counts: %w", err)
	}
	return nil
}

// writeRcpts merges the runs and the table into the checkpoint's
// recipient states. Addresses before the pivot and the others are merged
// by two goroutines, each with its own lookup and write batch: they write
// disjoint keys, so the result is the same as one merge's.
func (w *Writer) writeRcpts() error {
	if err := w.waitSpill(); err != nil {
		return err
	}
	// The spare table is empty, and up to spillBytes large: the merge
	// gets its memory. A next checkpoint's first spill makes another.
	w.spare = rcptTable{}
	accs := w.rcpts.sorted()
	grouped, start := w.rcpts.groupRefs()
	w.rcpts.refs = nil
	if err := w.drain(); err != nil { // the part goroutine is done with w.wb
		return err
	}
	pivot := w.pivot
	if pivot == "" && len(accs) > 0 && len(accs) >= w.splitMin {
		pivot = string(w.rcpts.addrOf(accs[len(accs)/2]))
	}
	if pivot == "" {
		runs, err := w.cursors(func(r *runFile) (int64, int64) { return 0, r.size })
		if err != nil {
			return err
		}
		return w.mergeRcpts(runs, accs, grouped, start, w.wb)
	}
	k, _ := slices.BinarySearchFunc(accs, []byte(pivot), func(i uint32, p []byte) int { return bytes.Compare(w.rcpts.addrOf(i), p) })
	lo, err := w.cursors(func(r *runFile) (int64, int64) { return 0, r.split })
	if err != nil {
		return err
	}
	hi, err := w.cursors(func(r *runFile) (int64, int64) { return r.split, r.size })
	if err != nil {
		return err
	}
	wb := newAsyncBatch(w.db)
	done := make(chan error, 1)
	go func() { done <- w.mergeRcpts(hi, accs[k:], grouped, start, wb) }()
	err = w.mergeRcpts(lo, accs[:k], grouped, start, w.wb)
	herr := <-done
	if err == nil && herr == nil {
		return wb.flush()
	}
	wb.cancel()
	return cmp.Or(err, herr)
}

// cursors returns a cursor over a section of each run, oldest first.
func (w *Writer) cursors(section func(*runFile) (from, to int64)) ([]*runCursor, error) {
	cs := make([]*runCursor, len(w.runs))
	for i, r := range w.runs {
		var err error
		if cs[i], err = r.cursor(section(r)); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// mergeRcpts writes, through wb, the states of the addresses of runs and
// of the table's cells accs (sorted, all in one address range), merged
// with what is stored. The refs of the cell at index i are
// grouped[start[i]:start[i+1]].
func (w *Writer) mergeRcpts(runs []*runCursor, accs []uint32, grouped []partRef, start []uint32, wb *asyncBatch) error {
	var (
		buf     []byte
		refs    []blockRef
		merged  rcptAcc
		mrefs   []partRef
		matched []*runCursor
		pending = accs
		head    rcptAcc // of pending[0]
		dropped = wb.written()
		mapped  = mappedResident()
		looked  = 0
	)
	if len(pending) > 0 {
		w.rcpts.load(pending[0], &head)
	}
	err := w.db.viewSorted(kindRcpt, func(look *sortedLookup) error {
		for {
			// The least address of the table and the runs' heads; its
			// accumulators, merged in the order they were filled (runs,
			// oldest first, then the table).
			var addr string
			have := false
			for _, r := range runs {
				if r.ok && (!have || r.head.addr < addr) {
					addr, have = r.head.addr, true
				}
			}
			if len(pending) > 0 && (!have || head.addr < addr) {
				addr, have = head.addr, true
			}
			if !have {
				return nil
			}
			// One accumulator is used as it is (a run's head stays
			// valid until the run is advanced, after the write); more
			// are merged into merged.
			var (
				acc   *rcptAcc
				prefs []partRef
			)
			add := func(a *rcptAcc, r []partRef) {
				switch {
				case acc == nil:
					acc, prefs = a, r
					return
				case acc != &merged:
					merged = rcptAcc{}
					mrefs = mergeAcc(&merged, mrefs[:0], acc, prefs)
					acc = &merged
				}
				mrefs = mergeAcc(&merged, mrefs, a, r)
				prefs = mrefs
			}
			matched = matched[:0]
			for _, r := range runs {
				if r.ok && r.head.addr == addr {
					add(&r.head, r.refs)
					matched = append(matched, r)
				}
			}
			tableHead := len(pending) > 0 && head.addr == addr
			if tableHead {
				add(&head, grouped[start[pending[0]]:start[pending[0]+1]])
			}
			refs = refs[:0]
			for _, r := range prefs {
				refs = append(refs, blockRef{hour: r.hour, seq: w.seq, part: r.part})
			}
			key := rcptKey(addr)
			err := look.get(key, func(v []byte) error {
				var prev []byte
				if v != nil {
					var err error
					if prev, err = w.cs.resolveRcpt(v); err != nil {
						return fmt.Errorf("recipient %s: %w", addr, err)
					}
				}
				if len(prev) == 0 { // a new recipient: no merge
					buf = acc.encodeNew(buf[:0], refs)
					return wb.set(key, wrapRcpt(w.seq, buf, nil))
				}
				s, err := decodeRcpt(addr, prev)
				if err != nil {
					return fmt.Errorf("recipient %s: %w", addr, err)
				}
				acc.mergeInto(&s, refs)
				buf = s.encode(buf[:0])
				return wb.set(key, wrapRcpt(w.seq, buf, prev))
			})
			if err != nil {
				return err
			}
			// The states written, and those read, fill the value log's
			// pages; dropping them now and then keeps them out of the
			// RSS during the merge too (dropPages): every dropEvery
			// bytes written, and when the resident file pages grew by
			// dropResident. A state read faults in the pages around it,
			// and states scattered over the value log (a small log into
			// a large store) filled 190 MiB between two drops.
			looked++
			if n := wb.written(); n-dropped >= dropEvery || looked%residentCheck == 0 && mappedResident()-mapped >= dropResident {
				w.db.dropPages()
				dropped, mapped = n, mappedResident()
			}
			for _, r := range matched {
				if err := r.next(); err != nil {
					return err
				}
			}
			if tableHead {
				if pending = pending[1:]; len(pending) > 0 {
					w.rcpts.load(pending[0], &head)
				}
			}
		}
	})
	if err != nil {
		return fmt.Errorf("writing recipients: %w", err)
	}
	return nil
}

// dropEvery is how many bytes a recipient merge writes between two drops
// of the value log's pages (DB.dropPages).
var dropEvery = 4 << 20 // a variable for the tests

// dropResident is how much the process's resident file pages may grow
// during a recipient merge before it drops the value log's pages, checked
// every residentCheck recipients (a state read brings in up to 128 KiB
// around it: at most 32 MiB more between two checks).
var dropResident int64 = 32 << 20 // a variable for the tests

const residentCheck = 256

// sortedLookup looks keys of one kind up in ascending order in one view.
type sortedLookup struct {
	it      *badger.Iterator
	started bool
	val     []byte // the value of the last get, copied out of Badger
}

// lookupWalk is how many keys sortedLookup.get steps over before it
// seeks instead: the cost of a seek in steps. In a store of four 1 GB
// logs a step took 0.8 us and a seek 15.6 us (every level's iterator
// seeks); walking that far before seeking costs at most twice what the
// better of the two would have, whatever the gaps between the keys looked
// up. The fifth log's scan: 4.72 -> 4.55 s against 8 steps.
const lookupWalk = 20

// viewSorted calls fn with a sortedLookup of kind's keys.
func (db *DB) viewSorted(kind byte, fn func(*sortedLookup) error) error {
	return db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
		defer it.Close()
		return fn(&sortedLookup{it: it})
	})
}

// get calls fn with the value of k, nil if k is not stored; k must sort
// after the keys of the previous calls. The value is valid during fn only.
// fn may write to the store: it gets a copy, not Item.Value's view. A
// value in the value log is read under a read lock of its file, held
// until Item.Value's callback returns, and a write that fills that file
// waits for the lock to rotate it: a write from inside the callback (the
// recipient merge's, which waits for the commits in flight) deadlocked.
func (l *sortedLookup) get(k []byte, fn func(v []byte) error) error {
	it := l.it
	if !l.started {
		it.Seek(k)
		l.started = true
	}
	// Walk a few keys, else seek: a merge join when most keys are
	// stored, point seeks when few are.
	for steps := 0; it.Valid() && bytes.Compare(it.Item().Key(), k) < 0; steps++ {
		if steps == lookupWalk {
			it.Seek(k)
			break
		}
		it.Next()
	}
	if !it.Valid() || !bytes.Equal(it.Item().Key(), k) {
		return fn(nil)
	}
	v, err := it.Item().ValueCopy(l.val[:0])
	if err != nil {
		return err
	}
	l.val = v
	return fn(v)
}

// lookupSorted calls fn(i, value) for each keys[i], in order; keys are
// sorted and all of kind; value is nil if keys[i] is not stored. The
// value is valid during fn only.
func (db *DB) lookupSorted(kind byte, keys [][]byte, fn func(i int, v []byte) error) error {
	if len(keys) == 0 {
		return nil
	}
	return db.viewSorted(kind, func(look *sortedLookup) error {
		for i, k := range keys {
			if err := look.get(k, func(v []byte) error { return fn(i, v) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close releases the writer lock. What was added and not committed is
// lost, as in a crash (the next Writer deletes its blocks): Commit first.
func (w *Writer) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	w.stopParts()
	w.closeRuns()
	if w.seq != 0 || w.err != nil {
		// Drop the cached sets that hold ids of the lost checkpoint.
		if w.wb != nil {
			w.wb.cancel()
			w.wb = nil
		}
		w.db.hours = nil
	}
	w.last = nil
	w.db.wmu.Unlock()
	return nil
}

// rcptAcc is what one checkpoint adds to a recipient: the rcptState fields
// in a compact form, merged into the stored state at commit. The table
// holds accumulators as pointer-free cells (rcpttable.go); rcptAcc is
// one loaded from the table or read from a run, with its strings.
type rcptAcc struct {
	events     uint64
	firstTS    uint64
	lastTS     uint64
	lastStatus parser.Status
	lastReason classify.Reason
	lastClass  classify.Class
	index      uint32    // in rcptTable (for its refs)
	by         [8]uint32 // per status; statuses past 7 go to byMore
	lastID     [16]byte
	lastCode   int32
	lastAction classify.Action
	lastEnh    string
	lastText   string
	addr       string
	byMore     map[parser.Status]uint64
	fwd        *forward // rare: only recipients with a forward address
}

// forward is the newest forward address seen for a recipient.
type forward struct {
	addr string
	ts   uint64
	id   [16]byte
}

// partRef is a block ref within the checkpoint in progress.
type partRef struct {
	hour uint32
	part uint16
}

// encodeNew appends what mergeInto into an empty state and encode give,
// without building the state (TestEncodeNew).
func (a *rcptAcc) encodeNew(b []byte, refs []blockRef) []byte {
	e := enc{b}
	e.u8(rcptCodecV2)
	e.uvar(a.events)
	count := func(st int) uint64 {
		if st < len(a.by) {
			return uint64(a.by[st]) + a.byMore[parser.Status(st)]
		}
		return a.byMore[parser.Status(st)]
	}
	n, last := 0, len(a.by)-1
	for st := range a.by {
		if count(st) != 0 {
			n++
		}
	}
	for st, c := range a.byMore {
		if int(st) >= len(a.by) && c != 0 {
			n++
			last = max(last, int(st))
		}
	}
	e.uvar(uint64(n))
	for st := 0; st <= last; st++ {
		if c := count(st); c != 0 {
			e.u8(uint8(st))
			e.uvar(c)
		}
	}
	a.encodeSeen(&e)
	var f forward
	if a.fwd != nil {
		f = *a.fwd
	}
	e.str(f.addr)
	e.u64(f.ts)
	e.id(f.id)
	dropped := max(0, len(refs)-maxRefs)
	refs = refs[dropped:]
	e.uvar(uint64(dropped))
	e.uvar(uint64(len(refs)))
	for _, ref := range refs {
		e.uvar(uint64(ref.hour))
		e.uvar(ref.seq)
		e.uvar(uint64(ref.part))
	}
	return e.b
}

// encodeSeen appends a's first and last times and its last event's
// outcome, in the order of the recipient codec (and of run files).
func (a *rcptAcc) encodeSeen(e *enc) {
	e.u64(a.firstTS)
	e.u64(a.lastTS)
	e.id(a.lastID)
	e.status(a.lastStatus)
	e.int(int(a.lastCode))
	e.str(a.lastEnh)
	e.u8(uint8(a.lastReason))
	e.u8(uint8(a.lastClass))
	e.u8(uint8(a.lastAction))
	e.str(a.lastText)
}

// mergeInto adds a (and its refs, oldest first) to s; the result is what
// applying a's events to s one by one would give.
func (a *rcptAcc) mergeInto(s *rcptState, refs []blockRef) {
	r := &s.r
	empty := r.Events == 0
	r.Events += a.events
	if r.ByStatus == nil {
		r.ByStatus = make(map[parser.Status]uint64)
	}
	for st, n := range a.by {
		if n != 0 {
			r.ByStatus[parser.Status(st)] += uint64(n)
		}
	}
	for st, n := range a.byMore {
		r.ByStatus[st] += n
	}
	if a.firstTS != 0 && (s.firstTS == 0 || a.firstTS < s.firstTS) {
		s.firstTS = a.firstTS
	}
	if a.events > 0 && (empty || later(a.lastTS, a.lastID, s.lastTS, s.lastID)) {
		s.lastTS, s.lastID = a.lastTS, a.lastID
		r.LastStatus = a.lastStatus
		r.LastCode = int(a.lastCode)
		r.LastEnhanced = a.lastEnh
		r.LastReason = a.lastReason
		r.LastClass = a.lastClass
		r.LastAction = a.lastAction
		r.LastText = a.lastText
	}
	if f := a.fwd; f != nil && (r.Forward == "" || later(f.ts, f.id, s.fwdTS, s.fwdID)) {
		r.Forward, s.fwdTS, s.fwdID = f.addr, f.ts, f.id
	}
	if n := len(s.refs); n > 0 && len(refs) > 0 && s.refs[n-1] == refs[0] {
		refs = refs[1:]
	}
	s.refs = append(s.refs, refs...)
	if over := len(s.refs) - maxRefs; over > 0 {
		s.refs = slices.Clone(s.refs[over:])
		s.dropped += uint64(over)
	}
	s.fill()
}

// loadCommitState reads the commit meta keys.
func (db *DB) loadCommitState() (commitState, error) {
	var cs commitState
	err := db.kv.View(func(txn *badger.Txn) error {
		var err error
		cs, err = readCommitState(txn)
		return err
	})
	return cs, err
}

// readCommitState reads the commit meta keys in txn.
func readCommitState(txn *badger.Txn) (commitState, error) {
	cs := commitState{next: 1}
	get := func(k []byte, fn func([]byte) error) error {
		item, err := txn.Get(k)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(fn)
	}
	u64 := func(dst *uint64) func([]byte) error {
		return func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("%w: meta value of %d bytes", errBadValue, len(v))
			}
			*dst = binary.BigEndian.Uint64(v)
			return nil
		}
	}
	err := get(metaSegEnd, func(v []byte) error {
		var err error
		cs.segEnd, err = decodeSegEnd(v)
		return err
	})
	if err != nil {
		return cs, fmt.Errorf("reading segment end: %w", err)
	}
	if err := get(metaCommit, u64(&cs.commit)); err != nil {
		return cs, fmt.Errorf("reading commit: %w", err)
	}
	if err := get(metaNext, u64(&cs.next)); err != nil {
		return cs, fmt.Errorf("reading next: %w", err)
	}
	err = get(metaAborted, func(v []byte) error {
		if len(v)%8 != 0 {
			return fmt.Errorf("%w: aborted list of %d bytes", errBadValue, len(v))
		}
		for ; len(v) > 0; v = v[8:] {
			cs.aborted = append(cs.aborted, binary.BigEndian.Uint64(v))
		}
		return nil
	})
	if err != nil {
		return cs, fmt.Errorf("reading aborted checkpoints: %w", err)
	}
	cs.next = max(cs.next, cs.commit+1)
	return cs, nil
}

// recoverCheckpoints finishes off checkpoints that were started and never
// committed (a crash, or a Writer closed without Commit): it deletes every
// block and fingerprint key that is not committed, adds their seqs to
// aborted, and truncates the segment files to their committed end.
func (db *DB) recoverCheckpoints(cs *commitState) error {
	if err := db.recoverBlocks(cs); err != nil {
		return err
	}
	if db.segs != nil {
		return db.segs.recover(cs.segEnd)
	}
	return nil
}

// recoverBlocks deletes the block and fingerprint keys of uncommitted
// checkpoints and adds their seqs to aborted.
func (db *DB) recoverBlocks(cs *commitState) error {
	var lost []uint64
	for s := cs.commit + 1; s < cs.next; s++ {
		if _, found := slices.BinarySearch(cs.aborted, s); !found {
			lost = append(lost, s)
		}
	}
	if len(lost) == 0 {
		return nil
	}
	wb := newAsyncBatch(db)
	defer wb.cancel()
	err := db.kv.View(func(txn *badger.Txn) error {
		for _, kind := range []byte{kindBlock, kindFprint} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
			for it.Rewind(); it.Valid(); it.Next() {
				pk, err := parseKey(it.Item().Key())
				if err != nil {
					it.Close()
					return err
				}
				if !cs.visible(pk.seq) {
					if err := wb.delete(it.Item().KeyCopy(nil)); err != nil {
						it.Close()
						return err
					}
				}
			}
			it.Close()
		}
		return nil
	})
	if err == nil {
		err = wb.flush()
	}
	if err != nil {
		return fmt.Errorf("deleting uncommitted checkpoints %v: %w", lost, err)
	}
	aborted := append(slices.Clone(cs.aborted), lost...)
	slices.Sort(aborted)
	var v []byte
	for _, s := range aborted {
		v = binary.BigEndian.AppendUint64(v, s)
	}
	err = db.kv.Update(func(txn *badger.Txn) error { return txn.Set(metaAborted, v) })
	if err != nil {
		return fmt.Errorf("recording uncommitted checkpoints %v: %w", lost, err)
	}
	cs.aborted = aborted
	return nil
}
