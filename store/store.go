package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"bouncelens/classify"
	"bouncelens/parser"
)

// schemaVersion is the layout of keys.go and codec.go. Bump it on any
// incompatible change; Open refuses stores with a newer version, and
// migrates (read-write) or refuses (read-only) older ones, but for
// schema 2, which differs from 3 only by its event ids (idSHA256) and is
// kept as it is.
const schemaVersion = 3

// Record is a classified event: what Ingest stores and Events returns.
type Record struct {
	parser.Event
	Result classify.Result

	// Set by Prepare: the record's (ts, id), its encoding, the hash of
	// its recipient (zero without one), its count key and that key's
	// hash, and the store they are for (ids and hashes differ between
	// stores).
	fp       fprint
	enc      []byte
	rh       rcptHash
	ckey     []byte // the count key, after enc in its array
	ch       uint64 // the hash of ckey
	prepared *DB

	// Set by PrepareIDs: fp is computed for idsFor, and the record is
	// not classified yet (Result is zero).
	idsFor       *DB
	unclassified bool
}

// idKind is which function gives a store's event ids.
type idKind uint8

const (
	idXXH3   idKind = iota + 1 // Fingerprint: stores of schema 3
	idSHA256                   // fingerprintSHA256: stores of schema 2
)

// of returns the id of ev.
func (k idKind) of(ev *parser.Event) [16]byte {
	if k == idSHA256 {
		return fingerprintSHA256(ev)
	}
	return Fingerprint(ev)
}

// Prepare computes, for each record, what a Writer of db needs of it that
// depends on the record alone (the id of the event, its encoding, the
// hash of its recipient), so that a caller with several goroutines can
// do that work off the goroutine that calls Writer.Add, the busiest of a
// scan. Add computes it for records not prepared, or prepared for
// another store. A record changed after Prepare must be prepared again.
// Prepare is safe for concurrent use.
func (db *DB) Prepare(recs []Record) {
	for i := range recs {
		r := &recs[i]
		r.fp = fprint{ts: tsOf(r.Time), id: db.ids.of(&r.Event)}
		b := encodeRecord(r.enc[:0], r)
		n := len(b)
		b = appendCountKey(b, r)
		r.enc, r.ckey = b[:n], b[n:]
		r.ch = maphash.Bytes(db.cseed, r.ckey)
		r.rh = rcptHash{}
		if r.Recipient != "" {
			r.rh = hashAddr(db.rseed, keyString(r.Recipient, maxAddress))
		}
		r.prepared, r.idsFor, r.unclassified = db, nil, false
	}
}

// PrepareIDs is Prepare for records not classified yet, which a caller
// expects the store to hold already (a scan of a log read before): it
// computes their ids alone, and a Writer's Add skips them as duplicates
// or, for those it does not hold, classifies them (WriterOptions.Classify)
// and does the rest of Prepare's work itself. Classifying and encoding
// records the store then finds stored took a third of a rescan's CPU.
// PrepareIDs is safe for concurrent use.
func (db *DB) PrepareIDs(recs []Record) {
	for i := range recs {
		r := &recs[i]
		r.fp = fprint{ts: tsOf(r.Time), id: db.ids.of(&r.Event)}
		r.prepared, r.idsFor, r.unclassified = nil, db, true
	}
}

// hasID tells whether r's fp holds its id in db (Prepare or PrepareIDs
// for db).
func (r *Record) hasID(db *DB) bool { return r.prepared == db || r.idsFor == db }

// Reset clears r for reuse, keeping the buffer Prepare encodes into (a
// caller that recycles its records allocates no encodings then).
func (r *Record) Reset() { *r = Record{enc: r.enc[:0]} }

// Options configure Open. The zero value opens a read-write store on disk.
type Options struct {
	// InMemory keeps everything in memory; dir is ignored. For tests.
	InMemory bool
	// ReadOnly opens an existing store without writing to it (but for
	// removing the empty log files a scan killed as it opened the store
	// can leave, which hold nothing, when no other process has the store
	// open). Several read-only opens may share a directory, but not with
	// a writer.
	ReadOnly bool
	// SyncWrites fsyncs every commit. Without it a machine crash (not a
	// process crash) can lose the last commits; a re-run ingests them again.
	SyncWrites bool
}

// ErrLocked reports that another process has the store open. Open returns
// an error that matches it with errors.Is and reads
// "store DIR is in use by another bouncelens process".
var ErrLocked = errors.New("store is in use by another bouncelens process")

// ErrNewerSchema reports a store written by a newer bouncelens, whose
// layout this one does not know.
var ErrNewerSchema = errors.New("store was written by a newer bouncelens")

// ErrOlderSchema reports, on a read-only Open, a store written by an
// older bouncelens: a read-write Open upgrades it.
var ErrOlderSchema = errors.New("store written by an older bouncelens")

// ErrNoStore is returned by a read-only Open of a directory that holds no
// store yet: nothing was scanned into it.
var ErrNoStore = errors.New("no store")

// lockedError is ErrLocked with the directory in its message.
type lockedError struct{ dir string }

func (e *lockedError) Error() string {
	dir := e.dir
	if strings.ContainsAny(dir, "\n\r") {
		dir = fmt.Sprintf("%q", dir) // keep the message on one line
	}
	return "store " + dir + " is in use by another bouncelens process"
}

func (e *lockedError) Is(target error) bool { return target == ErrLocked }

// DB is an open store. Its methods are safe for concurrent use.
type DB struct {
	kv    *badger.DB
	segs  *segments // nil in memory: blocks are Badger values
	dir   string
	batch int // CheckpointEvents of the Writer that Ingest uses (0: default)
	ro    bool

	wmu   sync.Mutex            // held by the open Writer
	hours map[uint32]*hourState // dedup sets cached across Writers (under wmu)
	tick  uint64                // LRU clock of hours (under wmu)

	// vlogMu is read-held by each asyncBatch commit in flight, and held
	// by dropPages, which must not run while Badger writes (a write that
	// fills a value log file remaps it). The Writer makes its other
	// writes (kv.Update) on its own goroutine, never during a drop.
	vlogMu sync.RWMutex
	mapDir string // dir as /proc/self/maps names it ("" in memory: nothing mapped)
	drops  int    // dropPages calls, for the tests (under vlogMu)

	tablePageOuts atomic.Int64 // rounds of pageOutTables, for the tests

	liveIDs int          // maxLiveIDs if 0 (tests set less)
	ids     idKind       // the function of the store's event ids (checkSchema)
	rseed   rcptSeed     // of the recipient tables of its Writers (Prepare hashes with it)
	cseed   maphash.Seed // of the count tables of its Writers (likewise)
}

// DefaultDir returns the store directory to use when none is given:
// $BOUNCELENS_DB if set, else $XDG_DATA_HOME/bouncelens (if XDG_DATA_HOME
// is an absolute path), else ~/.local/share/bouncelens.
func DefaultDir() (string, error) { return DefaultDirFrom(os.Getenv) }

// DefaultDirFrom is DefaultDir with the environment read through getenv
// (HOME included), so that callers and tests can supply their own.
func DefaultDirFrom(getenv func(string) string) (string, error) {
	if d := getenv("BOUNCELENS_DB"); d != "" {
		return d, nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "bouncelens"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("finding the store directory: neither $BOUNCELENS_DB, $XDG_DATA_HOME nor $HOME is set (use --db)")
	}
	return filepath.Join(home, ".local", "share", "bouncelens"), nil
}

// Open opens the store in dir, creating the directory and an empty store
// if needed (unless opts.ReadOnly). It fails with an error matching
// ErrLocked if another process has dir open, and with one matching
// ErrNewerSchema if a newer bouncelens wrote it.
func Open(dir string, opts Options) (*DB, error) {
	bo := badger.DefaultOptions("")
	threshold := int64(storeValueThreshold)
	switch {
	case opts.InMemory:
		dir = ""
		// Without a value log the threshold is the largest value Badger
		// takes (blocks are values then).
		bo = bo.WithInMemory(true)
		threshold = memValueThreshold
	case dir == "":
		return nil, errors.New("opening store: no directory given")
	case opts.ReadOnly:
		// Badger needs its MANIFEST to open read-only; without one there
		// is no store yet (a first run, or a mistyped --db).
		if _, err := os.Stat(filepath.Join(dir, badger.ManifestFilename)); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s", ErrNoStore, dir)
		} else if err != nil {
			return nil, fmt.Errorf("opening store %s: %w", dir, err)
		}
		bo = bo.WithDir(dir).WithValueDir(dir).WithReadOnly(true)
	default:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", dir, err)
		}
		bo = bo.WithDir(dir).WithValueDir(dir)
	}
	bo = bo.
		WithLogger(nil).
		WithSyncWrites(opts.SyncWrites).
		WithNumVersionsToKeep(1).
		// One Writer at a time (DB.wmu): nothing to detect.
		WithDetectConflicts(false).
		// No compaction at Close: it rewrote level 0 into level 1 at the
		// end of every scan (0.45 s of CPU after a 1 GB log, where
		// readers measured no faster for it); the next write's
		// compactions do it when level 0 is full.
		WithCompactL0OnClose(false).
		WithMetricsEnabled(false).
		// Sized for a CLI on a laptop, not a server. Event and
		// fingerprint blocks are in segment files (segments.go); the
		// LSM holds block refs, counts and recipients. 4 MB memtables:
		// on a 1 GB log as fast as 32 MB ones with 95 MB less of
		// skiplist arenas and table builders (each memtable's arena is
		// 1.3 times its size, and up to three are live). 10 level-0
		// tables before compaction (20 before writes stall), not 4:
		// Badger builds every table through a shared mapping and msyncs
		// it, and cleaning each page costs a TLB shootdown on the other
		// core; fewer compactions saved 0.4 s of CPU on a 1 GB log.
		WithMemTableSize(storeMemTable).
		WithNumMemtables(2).
		WithNumLevelZeroTables(10).
		WithNumLevelZeroTablesStall(20).
		WithBaseTableSize(storeTable).
		WithBaseLevelSize(16 << 20).
		WithValueLogFileSize(vlogFileSize).
		WithValueThreshold(threshold).
		WithBlockCacheSize(8 << 20).
		WithCompression(storeCompression).
		WithNumCompactors(2)
	// Tables of storeTable bytes at every level, not twice as large at
	// each level down. A compaction's table builder allocates twice its
	// table's size on the Go heap up front, up to five of them run at
	// once in each of the two compactors, and Badger pools eight idle
	// ones: once a store's tables reached its third level (8 MB tables,
	// after four 1 GB logs), builders held 96 MB of a commit's 175 MB
	// heap and the collector ran 230-270 times in a scan instead of 45.
	bo.TableSizeMultiplier = 1

	kv, err := badger.Open(bo)
	switch {
	case err == nil || opts.InMemory:
	case !opts.ReadOnly && isEmptyFileError(err):
		// A process killed while Badger created a memtable or value log
		// file left it empty; it holds nothing. Remove it, open again.
		if rerr := removeEmptyLogFiles(dir); rerr == nil {
			kv, err = badger.Open(bo)
		}
	case opts.ReadOnly && !isLockError(err):
		// Read-only, Badger fails on such a file too (it cannot size
		// it). A report after a killed scan removes it likewise, if no
		// other process has the store open and it may write to dir.
		if empty := emptyLogFiles(dir); len(empty) > 0 {
			rerr := withExclusiveLock(dir, func() error { return removeEmptyLogFiles(dir) })
			if rerr == nil {
				kv, err = badger.Open(bo)
			} else {
				err = fmt.Errorf("a scan killed as it opened the store left empty log files (%s), not removable now (%v); the next scan removes them: %w",
					strings.Join(empty, ", "), rerr, err)
			}
		}
	}
	if err != nil {
		if isLockError(err) {
			return nil, &lockedError{dir: dir}
		}
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	}
	db := &DB{kv: kv, dir: dir, ro: opts.ReadOnly, rseed: newRcptSeed(), cseed: maphash.MakeSeed(), mapDir: mappedDir(dir)}
	if !opts.InMemory {
		db.segs = newSegments(dir)
	}
	if !opts.InMemory && !opts.ReadOnly {
		// (Under Badger's lock: no Writer of another process uses them.)
		if err := removeSpills(dir); err != nil {
			db.closeSegments()
			kv.Close()
			return nil, fmt.Errorf("opening store %s: %w", dir, err)
		}
	}
	if err := db.checkSchema(opts.ReadOnly); err != nil {
		db.closeSegments()
		kv.Close()
		return nil, fmt.Errorf("opening store %s: %w", dir, err)
	}
	// Badger reads its last value log file through its mapping as it
	// opens, to find where the valid entries end: up to a whole file
	// (storeVlogFile) resident before the first line is read, 53 MiB
	// of a scan's 263 MiB peak into a store of one 1 GB log.
	db.dropPages()
	return db, nil
}

// isLockError reports whether err is Badger failing to flock the directory.
func isLockError(err error) bool {
	// QUIRK: outside its debug build Badger flattens the flock error into
	// a string (y.Wrapf uses %+v, not %w), so errors.Is cannot see
	// EWOULDBLOCK; match the message of dir_unix.go instead.
	return errors.Is(err, syscall.EWOULDBLOCK) ||
		strings.Contains(err.Error(), "Cannot acquire directory lock")
}

// isEmptyFileError reports Badger's refusal to open a store holding an
// empty memtable or value log file (*.mem or *.vlog of 0 bytes), which a
// kill between creating the file and sizing it leaves behind.
func isEmptyFileError(err error) bool {
	// QUIRK: Badger v4 treats the ristretto z.NewFile "error" that
	// OpenMmapFile returns for an empty file as a failure when it reopens
	// an existing memtable (memtable.go, openMemTables: "while opening
	// fid") or value log file (value.go, open: "Open existing file"); the
	// error is flattened into a string (see isLockError).
	return strings.Contains(err.Error(), "Create a new file") &&
		(strings.Contains(err.Error(), "while opening fid") || strings.Contains(err.Error(), "Open existing file"))
}

// removeEmptyLogFiles removes the empty memtable (*.mem) and value log
// (*.vlog) files of dir. Badger opens them after taking the directory
// lock, so an empty one that made Open fail was not being written by
// another process.
func removeEmptyLogFiles(dir string) error {
	for _, name := range emptyLogFiles(dir) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// emptyLogFiles returns the names of dir's empty memtable and value log
// files.
func emptyLogFiles(dir string) []string {
	ents, _ := os.ReadDir(dir) // what it could read
	var names []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Size() == 0 {
			names = append(names, name)
		}
	}
	return names
}

// checkSchema writes the schema version into a new store, refuses a store
// with a newer one, and (read-write) migrates an older one and finishes a
// crashed checkpoint.
func (db *DB) checkSchema(readOnly bool) error {
	var have uint16
	found := false
	err := db.kv.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaSchema)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 2 {
				return fmt.Errorf("%w: schema version of %d bytes", errBadValue, len(v))
			}
			have, found = binary.BigEndian.Uint16(v), true
			return nil
		})
	})
	db.ids = idXXH3
	if found && have == 2 {
		db.ids = idSHA256
	}
	switch {
	case err != nil:
		return fmt.Errorf("reading schema version: %w", err)
	case found && have > schemaVersion:
		return fmt.Errorf("%w (schema version %d; this one knows up to %d)", ErrNewerSchema, have, schemaVersion)
	case found && have < 2 && readOnly:
		return fmt.Errorf("%w (schema %d): run `bouncelens scan` once to upgrade it", ErrOlderSchema, have)
	case readOnly:
		return nil
	case found && have < 2:
		if err := db.migrateV1(); err != nil {
			return fmt.Errorf("upgrading from schema %d: %w", have, err)
		}
	case !found:
		err = db.kv.Update(func(txn *badger.Txn) error {
			return txn.Set(metaSchema, binary.BigEndian.AppendUint16(nil, schemaVersion))
		})
		if err != nil {
			return fmt.Errorf("writing schema version: %w", err)
		}
	}
	// A migration that crashed after setting the schema leaves schema 1
	// keys behind.
	if err := db.dropV1(false); err != nil {
		return err
	}
	cs, err := db.loadCommitState()
	if err == nil {
		err = db.recoverCheckpoints(&cs)
	}
	return err
}

// migrateV1 rebuilds a schema 1 store: it drops the derived keys (counts,
// recipients, history; and whatever a crashed migration wrote), streams
// the schema 1 events through a Writer (which gives them the ids of
// schema 3), sets schema 3 and only then drops the schema 1 events. A
// crash at any point leaves either the schema 1 events under schema 1
// (the next Open starts over) or a complete schema 3 store.
func (db *DB) migrateV1() error {
	if err := db.kv.DropPrefix([]byte{kindCount}, []byte{kindRcpt}, []byte{kindHist}, []byte{kindBlock}, []byte{kindFprint}); err != nil {
		return fmt.Errorf("dropping derived keys: %w", err)
	}
	err := db.kv.Update(func(txn *badger.Txn) error {
		for _, k := range [][]byte{metaCommit, metaNext, metaAborted, metaSegEnd} {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("resetting checkpoints: %w", err)
	}
	w := db.NewWriter(WriterOptions{})
	defer w.Close()
	ctx := context.Background()
	const chunk = 4096
	recs := make([]Record, 0, chunk)
	err = db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindEvent}, PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			rec, err := readRecord(it.Item())
			if err != nil {
				return err
			}
			if recs = append(recs, rec); len(recs) == chunk {
				if _, err := w.Add(ctx, recs); err != nil {
					return err
				}
				recs = recs[:0]
			}
		}
		_, err := w.Add(ctx, recs)
		return err
	})
	if err == nil {
		err = w.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("re-ingesting events: %w", err)
	}
	err = db.kv.Update(func(txn *badger.Txn) error {
		return txn.Set(metaSchema, binary.BigEndian.AppendUint16(nil, schemaVersion))
	})
	if err != nil {
		return fmt.Errorf("writing schema version: %w", err)
	}
	return db.dropV1(true)
}

// dropV1 drops schema 1 event and history keys, if there are any (or
// always, if force).
func (db *DB) dropV1(force bool) error {
	if !force {
		err := db.kv.View(func(txn *badger.Txn) error {
			for _, kind := range []byte{kindEvent, kindHist} {
				it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
				it.Rewind()
				force = force || it.Valid()
				it.Close()
			}
			return nil
		})
		if err != nil || !force {
			return err
		}
	}
	if err := db.kv.DropPrefix([]byte{kindEvent}, []byte{kindHist}); err != nil {
		return fmt.Errorf("dropping schema 1 events: %w", err)
	}
	return nil
}

// Meta returns the value stored under name by Writer.CommitWith, and
// false if there is none.
func (db *DB) Meta(ctx context.Context, name string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var v []byte
	err := db.kv.View(func(txn *badger.Txn) error {
		item, err := txn.Get(userMetaKey(name))
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading meta %s: %w", name, err)
	}
	return v, true, nil
}

// MetaPrefix calls fn for each value stored by Writer.CommitWith or
// Writer.SetMeta whose name starts with prefix, in name order. fn's value
// is only valid during the call; an error from fn stops the scan and is
// returned as is.
func (db *DB) MetaPrefix(ctx context.Context, prefix string, fn func(name string, value []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := userMetaKey(prefix)
	skip := len(userMetaKey(""))
	var (
		fnErr error
		buf   []byte
	)
	err := db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: start})
		defer it.Close()
		for it.Seek(start); it.Valid(); it.Next() {
			item := it.Item()
			name := string(item.Key()[skip:])
			// A copy: fn may write to the store (see sortedLookup.get).
			v, err := item.ValueCopy(buf[:0])
			if err != nil {
				return err
			}
			buf = v
			if fnErr = fn(name, v); fnErr != nil {
				return fnErr
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("reading meta %s*: %w", prefix, err)
	}
	return nil
}

// Badger settings (see Open). Values of 64 bytes or more go to Badger's
// value log, and the LSM tree keeps a pointer to them: that is every
// recipient state (about 190 bytes; counts and block refs are 16-24). The
// tree is then a quarter of the size, and so are the tables Badger
// builds, msyncs and compacts: a 1 GB scan into a fresh store takes a
// ninth less CPU (8.30 -> 7.28 s), one into a store that already holds
// those recipients a third less wall time. The price is the value log's
// garbage collection, at Close (collectValueLog).
const (
	storeMemTable       = 4 << 20
	storeTable          = 2 << 20 // the size of Badger's tables, at every level
	storeVlogFile       = 64 << 20
	storeValueThreshold = 64
	memValueThreshold   = 1 << 10 // in memory (Options.InMemory)
	storeCompression    = options.None
)

// vlogFileSize is the size of Badger's value log files: storeVlogFile,
// but for tests that need the log to rotate often.
var vlogFileSize int64 = storeVlogFile

// Close flushes and closes the store, and releases the directory. A
// store opened for writing first rewrites the value log files that are
// mostly stale recipient states (collectValueLog).
func (db *DB) Close() error {
	gerr := db.collectValueLog()
	serr := db.closeSegments()
	if err := db.kv.Close(); err != nil {
		return fmt.Errorf("closing store %s: %w", db.dir, err)
	}
	if serr != nil {
		return fmt.Errorf("closing store %s: %w", db.dir, serr)
	}
	if gerr != nil {
		return fmt.Errorf("closing store %s: %w", db.dir, gerr)
	}
	return nil
}

// maxValueLogGC bounds the value log files one Close rewrites.
const maxValueLogGC = 8

// collectValueLog reclaims the value log. Recipient states are larger than
// storeValueThreshold, so Badger keeps them in its value log and only a
// pointer in the LSM tree; a commit that updates a recipient leaves the
// old state behind in the log. Once compactions have dropped the old
// versions' pointers, Badger knows how much of each log file is stale;
// this rewrites, one at a time, the files that are at least half stale,
// so that the log stays within about twice the live states.
func (db *DB) collectValueLog() error {
	if db.ro || db.dir == "" {
		return nil
	}
	defer db.pageOutTables()()
	for range maxValueLogGC {
		err := db.kv.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reclaiming the value log: %w", err)
		}
	}
	return nil
}

func (db *DB) closeSegments() error {
	if db.segs == nil {
		return nil
	}
	return db.segs.close()
}

// Dir returns the directory the store was opened in ("" if in memory).
func (db *DB) Dir() string { return db.dir }

// Count is one aggregate: the number of events on one UTC day for one
// recipient domain with one status, classification and reply. Class is
// part of the aggregate's key (the same reason can be soft or hard).
type Count struct {
	Day      time.Time // UTC midnight; zero for events without a time
	Domain   string    // recipient domain, "" if the address has none
	Status   parser.Status
	Reason   classify.Reason
	Class    classify.Class
	Code     int    // SMTP reply code (the event's, else the classifier's); 0 if none
	Enhanced string // enhanced status code as written (the event's, else the classifier's)
	N        uint64
}

// Recipient is what the store knows about one address. "Last" means the
// latest event by event time, whatever the order of ingestion (ties at the
// same nanosecond go to the greater Fingerprint).
type Recipient struct {
	Address   string
	FirstSeen time.Time // earliest event time; zero if no event had a time
	LastSeen  time.Time // time of the last event

	Events   uint64                   // events stored for the address
	ByStatus map[parser.Status]uint64 // events per status; only non-zero entries

	LastStatus   parser.Status
	LastCode     int    // reply code of the last event (the event's, else the classifier's)
	LastEnhanced string // enhanced code of the last event (likewise)
	LastReason   classify.Reason
	LastClass    classify.Class
	LastAction   classify.Action
	LastText     string

	Forward     string    // most recent non-empty forward address (Event.Forward, else Result.Forward)
	ForwardSeen time.Time // time of the event that named Forward
}

// Filter selects by time. A zero bound is open. Since is inclusive and
// Until exclusive. Events compares event times exactly; Counts compares
// days: a day is in when it is not before Since's day and its midnight is
// before Until. Events without a time are in only when Since is zero.
type Filter struct {
	Since, Until time.Time
}

// RecipientFilter selects recipients. Zero fields select everything.
type RecipientFilter struct {
	Moved  bool      // only recipients with a Forward address
	Domain string    // only addresses in this domain (case-insensitive, exact)
	Since  time.Time // only recipients whose LastSeen is not before Since
	Until  time.Time // only recipients whose LastSeen is before Until
	Limit  int       // at most this many (0: no limit)
}

// IngestStats says what Ingest did with the records it was given.
type IngestStats struct {
	New       int // stored for the first time
	Duplicate int // already stored, or repeated in the same call: skipped
}

// Totals summarises a store.
type Totals struct {
	Events     uint64
	Recipients uint64
	FirstDay   time.Time // UTC midnight of the earliest dated event; zero if none
	LastDay    time.Time // UTC midnight of the latest dated event; zero if none
}

// dropPages drops the value log's pages from the process's RSS, once no
// asyncBatch commit is in flight, and asks the kernel to reclaim those of
// the tables (releaseMappedPages).
func (db *DB) dropPages() {
	if db.dir == "" {
		return
	}
	db.vlogMu.Lock()
	defer db.vlogMu.Unlock()
	releaseMappedPages(db.mapDir, false)
	db.drops++
}

// tablePageOutEvery is how often pageOutTables asks the kernel to reclaim
// the tables' pages.
var tablePageOutEvery = 100 * time.Millisecond // a variable for the tests

// pageOutTables asks the kernel to reclaim the pages of the tables every
// tablePageOutEvery, on a goroutine of its own, until the returned
// function is called. Commits and the value log's collection run it: the
// compactions their writes set off read and build tables through
// mappings (Badger builds a table in a mapping of the new file, then
// keeps it mapped), whole tables resident until the next dropPages. In
// the commits of a 1 GB log into a store of 4 they peaked at 140 MiB of
// the scan's 250-300 MiB; paged out every 100 ms, the peak was 25-40 MiB
// lower, in the same time. Tables need no lock (see releaseMappedPages),
// and the kernel takes clean pages out of the page cache too, so a
// compaction that reads them again reads the disk.
func (db *DB) pageOutTables() (stop func()) {
	if db.mapDir == "" || db.ro {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(tablePageOutEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				releaseMappedPages(db.mapDir, true)
				db.tablePageOuts.Add(1)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
