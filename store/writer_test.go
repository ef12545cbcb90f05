package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"bouncelens/classify"
	"bouncelens/parser"
)

// addAll feeds recs to w in Adds of the given sizes (cycled) and commits.
func addAll(t testing.TB, w *Writer, recs []Record, sizes ...int) IngestStats {
	t.Helper()
	var total IngestStats
	for i, k := 0, 0; i < len(recs); k++ {
		n := min(sizes[k%len(sizes)], len(recs)-i)
		st, err := w.Add(context.Background(), recs[i:i+n])
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		total.New += st.New
		total.Duplicate += st.Duplicate
		i += n
	}
	if err := w.Commit(context.Background()); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return total
}

// histories returns the History of a few addresses of recs.
func histories(t testing.TB, db *DB, recs []Record) map[string][]Record {
	t.Helper()
	out := make(map[string][]Record)
	for _, r := range recs[:20] {
		var got []Record
		err := db.History(context.Background(), r.Recipient, Filter{}, func(r Record) error {
			r.Source, r.Line = "", 0
			got = append(got, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		out[r.Recipient] = got
	}
	return out
}

func TestWriterSplitAndOrderIndependence(t *testing.T) {
	all := synth(3000, 21)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)
	wantHist := histories(t, ref, all)

	doubled := append(shuffled(all, 5), all[:1000]...)
	tests := []struct {
		name     string
		opts     WriterOptions
		recs     []Record
		sizes    []int
		want     IngestStats
		splitMin int // fewest recipients for a split commit, if not the default
	}{
		{"one add", WriterOptions{}, all, []int{len(all)}, IngestStats{New: 3000}, 0},
		{"adds of 1, 7 and 500", WriterOptions{}, all, []int{1, 7, 500}, IngestStats{New: 3000}, 0},
		{"shuffled, checkpoint every 333", WriterOptions{CheckpointEvents: 333}, shuffled(all, 1), []int{100}, IngestStats{New: 3000}, 0},
		{"checkpoint every event", WriterOptions{CheckpointEvents: 1}, all[:300], []int{64}, IngestStats{New: 300}, 0},
		{"few recipients per checkpoint", WriterOptions{CheckpointRecipients: 50}, shuffled(all, 2), []int{2048}, IngestStats{New: 3000}, 0},
		{"duplicates across checkpoints", WriterOptions{CheckpointEvents: 700}, doubled, []int{999}, IngestStats{New: 3000, Duplicate: 1000}, 0},
		{"recipients spilled every 7", WriterOptions{SpillRecipients: 7}, shuffled(all, 3), []int{100}, IngestStats{New: 3000}, 0},
		{"spilled and checkpointed", WriterOptions{SpillRecipients: 60, CheckpointEvents: 900}, all, []int{256}, IngestStats{New: 3000}, 0},
		{"spills, duplicates", WriterOptions{SpillRecipients: 150}, doubled, []int{999}, IngestStats{New: 3000, Duplicate: 1000}, 0},
		{"split commit", WriterOptions{}, shuffled(all, 4), []int{700}, IngestStats{New: 3000}, 2},
		{"split commits of one recipient and more", WriterOptions{CheckpointEvents: 1}, all[:300], []int{64}, IngestStats{New: 300}, 1},
		{"split commits over stored recipients", WriterOptions{CheckpointEvents: 500}, doubled, []int{999}, IngestStats{New: 3000, Duplicate: 1000}, 3},
	}
	// The value log's pages are dropped every few states written, also
	// while the two halves of a split commit write at once.
	defer func(n int) { dropEvery = n }(dropEvery)
	dropEvery = 2 << 10
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openT(t)
			w := db.NewWriter(tt.opts)
			if tt.splitMin > 0 {
				w.splitMin = tt.splitMin
			}
			st := addAll(t, w, tt.recs, tt.sizes...)
			w.Close()
			if db.drops == 0 {
				t.Error("the value log's pages were never dropped")
			}
			if st != tt.want {
				t.Errorf("stats %+v, want %+v", st, tt.want)
			}
			if len(tt.recs) < len(all) {
				ref2, _ := openT(t)
				ingest(t, ref2, tt.recs)
				sameSnapshot(t, snap(t, db), snap(t, ref2))
				return
			}
			sameSnapshot(t, snap(t, db), want)
			if got := histories(t, db, all); !reflect.DeepEqual(got, wantHist) {
				t.Errorf("histories differ")
			}
		})
	}
}

var errCrash = errors.New("simulated crash")

func TestWriterCrashThenRerun(t *testing.T) {
	all := synth(3000, 22)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	// Checkpoints of 1000 events: the crash hits the n-th time a stage is
	// reached, so some checkpoints are committed before it.
	tests := []struct {
		stage string
		n     int
	}{
		{"block", 1}, {"block", 5},
		{"blocks", 1}, {"blocks", 3},
		{"fingerprints", 2},
		{"counts", 2},
		{"recipients", 1}, {"recipients", 3},
		{"commit", 1}, {"commit", 3},
	}
	// Segments of the default size, and small ones rotated several times
	// per checkpoint.
	for _, tt := range tests {
		for _, v := range []struct {
			segMax  int64
			liveIDs int
		}{{segmentSize, 0}, {16 << 10, 0}, {segmentSize, 300}} {
			t.Run(fmt.Sprintf("%s#%d/seg%d/live%d", tt.stage, tt.n, v.segMax, v.liveIDs), func(t *testing.T) {
				crashThenRerun(t, all, want, tt.stage, tt.n, v.segMax, v.liveIDs)
			})
		}
	}
}

// crashThenRerun ingests all, crashes the n-th time the writer reaches
// stage, reopens, checks that only whole checkpoints are left, and that a
// re-run gives want.
func crashThenRerun(t *testing.T, all []Record, want snapshot, stage string, n int, segMax int64, liveIDs int) {
	{
		{
			db, dir := openT(t)
			db.segs.max = segMax
			db.liveIDs = liveIDs
			w := db.NewWriter(WriterOptions{CheckpointEvents: 1000})
			seen := 0
			w.crash = func(s string) error {
				if s == stage {
					if seen++; seen == n {
						return errCrash
					}
				}
				return nil
			}
			_, err := w.Add(context.Background(), shuffled(all, 3))
			if err == nil {
				err = w.Commit(context.Background())
			}
			if !errors.Is(err, errCrash) {
				t.Fatalf("no crash: %v", err)
			}
			// Segment bytes were written past the committed end.
			if cs, err := db.loadCommitState(); err != nil {
				t.Fatal(err)
			} else if w.db.segs.wseg == cs.segEnd.seg && uint64(w.db.segs.wsize) <= cs.segEnd.size {
				t.Fatalf("nothing written past the committed end %+v", cs.segEnd)
			}
			// A crash: Badger is closed without the Writer finishing.
			if err := db.kv.Close(); err != nil {
				t.Fatal(err)
			}
			db = openDir(t, dir)
			before, err := db.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if before.Events%1000 != 0 || before.Events >= 3000 {
				t.Errorf("after the crash %d events are visible, want whole checkpoints", before.Events)
			}
			checkOnlyCommitted(t, db)
			st := ingest(t, db, all)
			if st.New != 3000-int(before.Events) || st.Duplicate != int(before.Events) {
				t.Errorf("re-run: %+v after %d events", st, before.Events)
			}
			sameSnapshot(t, snap(t, db), want)
		}
	}
}

// checkOnlyCommitted checks that no block or fingerprint key of an
// uncommitted checkpoint is left after a read-write Open, and that the
// counts and recipients add up to the events.
func checkOnlyCommitted(t *testing.T, db *DB) {
	t.Helper()
	cs, err := db.loadCommitState()
	if err != nil {
		t.Fatal(err)
	}
	if cs.next-1 > cs.commit {
		if _, found := slicesContains(cs.aborted, cs.next-1); !found {
			t.Errorf("seq %d started, not committed, not aborted: %+v", cs.next-1, cs)
		}
	}
	checkSegmentsTruncated(t, db, cs.segEnd)
	err = db.kv.View(func(txn *badger.Txn) error {
		for _, kind := range []byte{kindBlock, kindFprint} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
			for it.Rewind(); it.Valid(); it.Next() {
				pk, err := parseKey(it.Item().Key())
				if err != nil || !cs.visible(pk.seq) {
					t.Errorf("key %x of an uncommitted checkpoint (%v)", it.Item().Key(), err)
				}
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := snap(t, db)
	var n, r uint64
	for _, c := range s.Counts {
		n += c.N
	}
	for _, rc := range s.Recipients {
		r += rc.Events
	}
	if n != s.Totals.Events || r != s.Totals.Events || uint64(len(s.Events)) != s.Totals.Events {
		t.Errorf("counts sum to %d, recipients to %d, %d events listed; Stats says %d", n, r, len(s.Events), s.Totals.Events)
	}
}

// checkSegmentsTruncated checks that the segment files hold nothing past
// the committed end.
func checkSegmentsTruncated(t *testing.T, db *DB, end segEnd) {
	t.Helper()
	ents, err := os.ReadDir(db.segs.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		var n uint32
		if _, err := fmt.Sscanf(e.Name(), "%06d.seg", &n); err != nil {
			t.Errorf("unexpected file %s in segments", e.Name())
			continue
		}
		want := int64(0)
		switch {
		case n < end.seg:
			continue
		case n == end.seg:
			want = int64(end.size)
		}
		if got := db.segs.size(n); got != want {
			t.Errorf("segment %s: %d bytes, committed end %+v", e.Name(), got, end)
		}
	}
}

func slicesContains(s []uint64, v uint64) (int, bool) {
	for i, x := range s {
		if x == v {
			return i, true
		}
	}
	return -1, false
}

func TestWriterCloseWithoutCommit(t *testing.T) {
	all := synth(2000, 23)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	db, _ := openT(t)
	ingest(t, db, all[:500])
	w := db.NewWriter(WriterOptions{})
	if st, err := w.Add(context.Background(), all); err != nil || st.New != 1500 {
		t.Fatalf("Add: %+v, %v", st, err)
	}
	w.Close() // lost, as in a crash
	if tot, _ := db.Stats(context.Background()); tot.Events != 500 {
		t.Errorf("after Close without Commit, %d events visible, want 500", tot.Events)
	}
	if st := ingest(t, db, all); st.New != 1500 || st.Duplicate != 500 {
		t.Errorf("re-run: %+v", st)
	}
	checkOnlyCommitted(t, db)
	sameSnapshot(t, snap(t, db), want)
}

func TestWriterCancel(t *testing.T) {
	all := synth(5000, 24)
	db, _ := openT(t)
	w := db.NewWriter(WriterOptions{})
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if st, err := w.Add(ctx, all[:100]); err != nil || st.New != 100 {
		t.Fatalf("Add: %+v, %v", st, err)
	}
	cancel()
	if st, err := w.Add(ctx, all[100:]); !errors.Is(err, context.Canceled) || st.New != 0 {
		t.Fatalf("Add with a cancelled ctx: %+v, %v", st, err)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if tot, _ := db.Stats(context.Background()); tot.Events != 100 {
		t.Errorf("%d events committed, want 100", tot.Events)
	}
}

func TestCommitWithIsAtomic(t *testing.T) {
	all := synth(1000, 25)
	db, dir := openT(t)
	w := db.NewWriter(WriterOptions{})
	w.crash = func(stage string) error {
		if stage == "commit" {
			return errCrash
		}
		return nil
	}
	if _, err := w.Add(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	meta := map[string][]byte{"offset:/var/log/maillog": []byte("12345")}
	if err := w.CommitWith(context.Background(), meta); !errors.Is(err, errCrash) {
		t.Fatalf("CommitWith: %v, want the crash", err)
	}
	db.kv.Close()
	db = openDir(t, dir)
	ctx := context.Background()
	if v, ok, err := db.Meta(ctx, "offset:/var/log/maillog"); ok || err != nil {
		t.Errorf("meta after a crash before commit: %q, %v, %v", v, ok, err)
	}
	if tot, _ := db.Stats(ctx); tot.Events != 0 {
		t.Errorf("%d events after a crash before commit", tot.Events)
	}

	w = db.NewWriter(WriterOptions{})
	if _, err := w.Add(ctx, all); err != nil {
		t.Fatal(err)
	}
	if err := w.CommitWith(ctx, meta); err != nil {
		t.Fatal(err)
	}
	// Nothing new: the meta alone is stored.
	if _, err := w.Add(ctx, all); err != nil {
		t.Fatal(err)
	}
	if err := w.CommitWith(ctx, map[string][]byte{"other": {1}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if v, ok, err := db.Meta(ctx, "offset:/var/log/maillog"); !ok || err != nil || string(v) != "12345" {
		t.Errorf("meta after commit: %q, %v, %v", v, ok, err)
	}
	if v, ok, _ := db.Meta(ctx, "other"); !ok || !bytes.Equal(v, []byte{1}) {
		t.Errorf("meta of an empty commit: %q, %v", v, ok)
	}
	if tot, _ := db.Stats(ctx); tot.Events != 1000 {
		t.Errorf("%d events after commit", tot.Events)
	}
}

func TestHistoryCap(t *testing.T) {
	addr := "busy@example.com"
	const n = maxRefs + 76
	recs := make([]Record, n)
	for i := range recs { // one per hour: one block each
		recs[i] = mk(day0.Add(time.Duration(i)*time.Hour), addr, sent, 250, "2.0.0", classify.Delivered, classify.None)
	}
	db, _ := openT(t)
	ingest(t, db, recs)
	var got []time.Time
	err := db.History(context.Background(), addr, Filter{}, func(r Record) error {
		got = append(got, r.Time)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxRefs || !got[0].Equal(recs[n-maxRefs].Time) || !got[len(got)-1].Equal(recs[n-1].Time) {
		t.Errorf("History returned %d events (%v .. %v), want the newest %d", len(got), got[0], got[len(got)-1], maxRefs)
	}
	r, _, _ := db.Recipient(context.Background(), addr)
	if r.Events != n {
		t.Errorf("Events = %d, want %d: the cap is on History only", r.Events, n)
	}
	err = db.kv.View(func(txn *badger.Txn) error {
		cs, _ := readCommitState(txn)
		s, _, err := cs.getRcpt(txn, addr)
		if err == nil && (len(s.refs) != maxRefs || s.dropped != n-maxRefs) {
			t.Errorf("%d refs, %d dropped", len(s.refs), s.dropped)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIDSet(t *testing.T) {
	// reserve only sizes the set: whatever it reserved, every id goes
	// in once and only once.
	for _, reserve := range []int{0, 1, 100, 10000, 50000} {
		var s idSet
		s.reserve(reserve)
		r := rand.New(rand.NewPCG(1, 2))
		var ids []fprint
		for i := range 10000 {
			var fp fprint
			binary.LittleEndian.PutUint64(fp.id[:], r.Uint64())
			binary.LittleEndian.PutUint64(fp.id[8:], uint64(i))
			if i%3 == 0 {
				fp.id[0], fp.id[1] = 0, 0 // collide in the table
			}
			ids = append(ids, fp)
			if !s.insert(fp) {
				t.Fatalf("reserve %d: insert %d: already there", reserve, i)
			}
		}
		for i, fp := range ids {
			if s.insert(fp) {
				t.Fatalf("reserve %d: second insert of %d succeeded", reserve, i)
			}
		}
		if len(s.fps) != len(ids) {
			t.Errorf("reserve %d: %d ids, want %d", reserve, len(s.fps), len(ids))
		}
		s.reserve(5) // not empty: no effect
		if len(s.fps) != len(ids) || s.insert(ids[0]) {
			t.Errorf("reserve on a full set lost ids")
		}
	}
}

const killEnv = "BOUNCELENS_STORE_TEST_KILL_DIR"

// TestKillHelper is not a test: TestKill9 runs the test binary with it, as
// a process that ingests until it is killed.
func TestKillHelper(t *testing.T) {
	dir := os.Getenv(killEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	db, err := Open(dir, Options{})
	if err != nil {
		fmt.Println(err)
		os.Exit(4)
	}
	w := db.NewWriter(WriterOptions{CheckpointEvents: 2000})
	all := synth(40000, 26)
	for i := 0; ; i = (i + 500) % len(all) {
		if _, err := w.Add(context.Background(), all[i:i+500]); err != nil {
			fmt.Println(err)
			os.Exit(5)
		}
		fmt.Println("added", i)
	}
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	all := synth(40000, 26)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
	cmd.Env = append(os.Environ(), killEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	lines := 0
	for lines < 30 && sc.Scan() { // several checkpoints, then mid-way
		if bytes.HasPrefix(sc.Bytes(), []byte("added")) {
			lines++
		}
	}
	if lines < 30 {
		cmd.Process.Kill()
		t.Fatalf("helper stopped after %d Adds: %s", lines, sc.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	db := openDir(t, dir)
	before, err := db.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkOnlyCommitted(t, db)
	st := ingest(t, db, all)
	if st.New != len(all)-int(before.Events) {
		t.Errorf("re-run after kill -9 with %d events stored: %+v", before.Events, st)
	}
	sameSnapshot(t, snap(t, db), want)
	t.Logf("killed after %d Adds; %d events had been committed", lines, before.Events)
}

// v1 store: the schema 1 write path, kept to test the migration.

func histKeyV1(addr string, ts uint64, id [16]byte) []byte {
	k := append([]byte{kindHist}, addr...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, ts)
	return append(k, id[:]...)
}

// ingestV1 writes recs as bouncelens with schema 1 did.
func ingestV1(t *testing.T, db *DB, recs []Record) {
	t.Helper()
	err := db.kv.Update(func(txn *badger.Txn) error {
		counts := make(map[countKey]uint64)
		rcpts := make(map[string]*rcptState)
		for i := range recs {
			rec := &recs[i]
			ts, id := tsOf(rec.Time), Fingerprint(&rec.Event)
			ek := eventKey(ts, id)
			if _, err := txn.Get(ek); err == nil {
				continue
			}
			if err := txn.Set(ek, encodeRecord(nil, rec)); err != nil {
				return err
			}
			addr := keyString(rec.Recipient, maxAddress)
			if err := txn.Set(histKeyV1(addr, ts, id), nil); err != nil {
				return err
			}
			counts[newCountKey(rec)]++
			if rcpts[addr] == nil {
				rcpts[addr] = &rcptState{r: Recipient{Address: addr}}
			}
			rcpts[addr].apply(rec, ts, id)
		}
		for ck, n := range counts {
			if err := txn.Set(ck.bytes(), binary.BigEndian.AppendUint64(nil, n)); err != nil {
				return err
			}
		}
		for addr, s := range rcpts {
			if err := txn.Set(rcptKey(addr), s.encodeVersion(nil, rcptCodecV1)); err != nil {
				return err
			}
		}
		return txn.Set(metaSchema, binary.BigEndian.AppendUint16(nil, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateSchema1(t *testing.T) {
	all := synth(1500, 27)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)
	wantHist := histories(t, ref, all)

	db, dir := openT(t)
	if err := db.kv.DropAll(); err != nil {
		t.Fatal(err)
	}
	ingestV1(t, db, all)
	db.Close()

	_, err := Open(dir, Options{ReadOnly: true})
	if !errors.Is(err, ErrOlderSchema) || !bytes.Contains([]byte(err.Error()), []byte("run `bouncelens scan` once to upgrade it")) {
		t.Fatalf("read-only Open of a schema 1 store: %v", err)
	}

	db = openDir(t, dir)
	sameSnapshot(t, snap(t, db), want)
	if got := histories(t, db, all); !reflect.DeepEqual(got, wantHist) {
		t.Errorf("histories differ after migration")
	}
	err = db.kv.View(func(txn *badger.Txn) error {
		for _, kind := range []byte{kindEvent, kindHist} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
			if it.Rewind(); it.Valid() {
				t.Errorf("schema 1 key %x left", it.Item().Key())
			}
			it.Close()
		}
		item, err := txn.Get(metaSchema)
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if binary.BigEndian.Uint16(v) != schemaVersion {
				t.Errorf("schema %x after migration", v)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := ingest(t, db, all); st.Duplicate != len(all) {
		t.Errorf("re-ingest after migration: %+v", st)
	}
	db.Close()
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	sameSnapshot(t, snap(t, ro), want)
}

func TestAppendCountKey(t *testing.T) {
	for _, r := range synth(200, 28) {
		if got, want := appendCountKey(nil, &r), newCountKey(&r).bytes(); !bytes.Equal(got, want) {
			t.Fatalf("appendCountKey = %x, want %x", got, want)
		}
	}
}

// TestAbortedCheckpointStaysInvisible: the counts and recipients an
// uncommitted checkpoint wrote must stay invisible after later
// checkpoints commit (its seq is then below commit, but aborted).
func TestAbortedCheckpointStaysInvisible(t *testing.T) {
	gen := func(domain string, day int) []Record {
		var out []Record
		for i := range 50 {
			out = append(out, mk(at(day, i%24, i), fmt.Sprintf("u%d@%s", i%7, domain), bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard))
		}
		return out
	}
	a, b, c := gen("a.example", 0), gen("b.example", 1), gen("c.example", 2)
	// B shares recipients with A and C, not count keys.
	for i := range b {
		b[i].Recipient = a[i].Recipient
		if i%2 == 0 {
			b[i].Recipient = c[i].Recipient
		}
	}
	refSnap := func(sets ...[]Record) snapshot {
		db, _ := openT(t)
		for _, s := range sets {
			ingest(t, db, s)
		}
		return snap(t, db)
	}
	for _, stage := range []string{"counts", "recipients", "commit"} {
		t.Run(stage, func(t *testing.T) {
			db, dir := openT(t)
			ingest(t, db, a)
			w := db.NewWriter(WriterOptions{})
			w.crash = func(s string) error {
				if s == stage {
					return errCrash
				}
				return nil
			}
			if _, err := w.Add(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			if err := w.Commit(context.Background()); !errors.Is(err, errCrash) {
				t.Fatalf("Commit: %v", err)
			}
			db.kv.Close()
			db = openDir(t, dir)
			ingest(t, db, c)
			sameSnapshot(t, snap(t, db), refSnap(a, c))
			ingest(t, db, b)
			sameSnapshot(t, snap(t, db), refSnap(a, b, c))
		})
	}
}

func TestEncodeNew(t *testing.T) {
	var tab rcptTable
	recs := synth(2000, 29)
	recs[3].Status = 200 // a status past the array
	recs[3].Recipient = recs[0].Recipient
	for i := range recs {
		r := &recs[i]
		j := tab.get(r.Recipient)
		tab.apply(j, r, fprint{ts: tsOf(r.Time), id: Fingerprint(&r.Event)})
		tab.addRef(j, partRef{hour: uint32(i / 300), part: uint16(i % 3)})
	}
	grouped, start := tab.groupRefs()
	for _, i := range tab.sorted() {
		var a rcptAcc
		tab.load(i, &a)
		var rs []blockRef
		for _, r := range grouped[start[i]:start[i+1]] {
			rs = append(rs, blockRef{hour: r.hour, seq: 7, part: r.part})
		}
		s := rcptState{r: Recipient{Address: a.addr}}
		a.mergeInto(&s, rs)
		if got, want := a.encodeNew(nil, rs), s.encode(nil); !bytes.Equal(got, want) {
			t.Fatalf("%s: encodeNew = %x\nwant %x", a.addr, got, want)
		}
	}
}

// TestPrepare: records prepared (on another goroutine, as scan does) give
// the same store as records the Writer fingerprints and encodes itself,
// also when the records are recycled with Reset and prepared again, and
// when every other batch was prepared for another store (whose recipient
// hashes have another seed: the Writer must not mix them with its own).
func TestPrepare(t *testing.T) {
	recs := synth(6000, 41)
	plain, _ := openT(t)
	ingest(t, plain, recs)
	other, _ := openT(t)
	for _, name := range []string{"for this store", "half for another store"} {
		t.Run(name, func(t *testing.T) {
			prepared, _ := openT(t)
			w := prepared.NewWriter(WriterOptions{})
			defer w.Close()
			batch := make([]Record, 0, 1000)
			for lo := 0; lo < len(recs); lo += cap(batch) {
				for i := range batch {
					batch[i].Reset()
				}
				batch = batch[:0]
				for _, r := range recs[lo:min(lo+cap(batch), len(recs))] {
					batch = batch[:len(batch)+1]
					batch[len(batch)-1].Event, batch[len(batch)-1].Result = r.Event, r.Result
				}
				by := prepared
				if name == "half for another store" && lo/cap(batch)%2 == 1 {
					by = other
				}
				done := make(chan struct{})
				go func() { by.Prepare(batch); close(done) }()
				<-done
				if _, err := w.Add(context.Background(), batch); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			sameSnapshot(t, snap(t, prepared), snap(t, plain))
		})
	}
}

// TestSpillManyRefs: a recipient with more block refs than a stored state
// keeps (maxRefs), within one run and across runs, and with forwards,
// comes out of spilled runs exactly as out of one table.
func TestSpillManyRefs(t *testing.T) {
	others := synth(2500, 43)
	var recs []Record
	for i := range 2500 {
		h := others[i]
		h.Recipient = "heavy@example.com"
		h.Text = fmt.Sprintf("451 4.3.0 try %d", i)
		h.Time = day0.Add(time.Duration(i) * time.Hour) // a block part each
		h.QueueID = fmt.Sprintf("Q%d", i)
		recs = append(recs, h, others[i])
	}
	plain, _ := openT(t)
	ingest(t, plain, recs)
	want := snap(t, plain)
	for _, spill := range []int{40, 150, 380} {
		t.Run(fmt.Sprint(spill), func(t *testing.T) {
			db, _ := openT(t)
			w := db.NewWriter(WriterOptions{SpillRecipients: spill})
			addAll(t, w, recs, 300)
			if w.spills == 0 {
				t.Fatal("nothing was spilled")
			}
			w.Close()
			sameSnapshot(t, snap(t, db), want)
		})
	}
}

// TestSpillOnBytes: with long texts, the table is spilled when its
// accumulators take spillBytes, well before SpillRecipients of them, and
// never holds more than that after an Add; the store is the same as
// without spills.
func TestSpillOnBytes(t *testing.T) {
	recs := synth(3000, 53)
	for i := range recs {
		recs[i].Text = fmt.Sprintf("550 5.1.1 %d %s", i, strings.Repeat("long text ", 200))
	}
	plain, _ := openT(t)
	ingest(t, plain, recs)
	db, _ := openT(t)
	w := db.NewWriter(WriterOptions{})
	defer w.Close()
	w.spillBytes = 256 << 10 // about 100 texts of 2 KB
	for lo := 0; lo < len(recs); lo += 100 {
		if _, err := w.Add(context.Background(), recs[lo:lo+100]); err != nil {
			t.Fatal(err)
		}
		if b := w.rcpts.bytes(); b >= w.spillBytes {
			t.Fatalf("after %d records the table takes %d bytes, past %d", lo+100, b, w.spillBytes)
		}
	}
	if w.spills < 10 {
		t.Fatalf("%d spills of 3000 records with 2 KB texts into 256 KB", w.spills)
	}
	if err := w.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, snap(t, db), snap(t, plain))
}

// TestSpillFailure: a run that cannot be written (on the spill's own
// goroutine) fails the Add or Commit after it, abandons the checkpoint,
// and leaves the store as it was: ingesting again stores everything once.
func TestSpillFailure(t *testing.T) {
	recs := synth(3000, 71)
	plain, _ := openT(t)
	ingest(t, plain, recs)
	db, _ := openT(t)
	ingest(t, db, recs[:500]) // committed before the failure
	runs := 0
	spillFault = func() error {
		if runs++; runs == 3 {
			return errors.New("disk full")
		}
		return nil
	}
	defer func() { spillFault = nil }()
	w := db.NewWriter(WriterOptions{SpillRecipients: 50})
	var err error
	for lo := 500; lo < len(recs) && err == nil; lo += 100 {
		_, err = w.Add(context.Background(), recs[lo:lo+100])
	}
	if err == nil {
		err = w.Commit(context.Background())
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Add/Commit after a failed run: %v, want the run's error", err)
	}
	if err := w.Commit(context.Background()); err == nil {
		t.Error("Commit after a failed run succeeded")
	}
	w.Close()
	spillFault = nil
	if st := ingest(t, db, recs); st.New != 2500 || st.Duplicate != 500 {
		t.Errorf("ingesting again: %+v, want 2500 new, 500 duplicates", st)
	}
	sameSnapshot(t, snap(t, db), snap(t, plain))
}

// TestIdleHourParts: in time order, an hour's last part, short of
// blockRecords, is written once the hour has had no record for
// idleRecords, instead of waiting for maxPendingRecords; in any order the
// store holds the same.
func TestIdleHourParts(t *testing.T) {
	const hours, perHour = 120, 200 // fewer than blockRecords an hour
	var recs []Record
	for h := range hours {
		for i := range perHour {
			r := mk(at(h/24, h%24, i%60), fmt.Sprintf("u%d@example.com", (h*perHour+i)%900),
				parser.StatusSent, 250, "2.0.0", classify.Delivered, classify.None)
			r.QueueID = fmt.Sprintf("Q%d-%d", h, i)
			recs = append(recs, r)
		}
	}
	db, _ := openT(t)
	w := db.NewWriter(WriterOptions{})
	most := 0
	for i := 0; i < len(recs); i += 100 {
		if _, err := w.Add(context.Background(), recs[i:i+100]); err != nil {
			t.Fatal(err)
		}
		most = max(most, w.pending)
	}
	// Records of the idle window, of one check interval (checked at the
	// next change of hour) and of the current hour; without idle parts
	// all 24,000 would be pending.
	if limit := 2*idleRecords + 2*perHour; most > limit {
		t.Errorf("up to %d records pending, want at most %d", most, limit)
	}
	if err := w.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := snap(t, db)
	if want.Totals.Events != hours*perHour {
		t.Fatalf("stored %d events, want %d", want.Totals.Events, hours*perHour)
	}
	shuffled := slices.Clone(recs)
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	other, _ := openT(t)
	ingest(t, other, shuffled)
	sameSnapshot(t, snap(t, other), want)
}

// TestPrepareIDs: records given unclassified, with their ids alone (for
// this store or another), are skipped when stored, and the others are
// classified through WriterOptions.Classify, once each, and stored as if
// they had been given classified; without Classify, Add fails naming one.
func TestPrepareIDs(t *testing.T) {
	recs := synth(6000, 47)
	plain, _ := openT(t)
	ingest(t, plain, recs)
	want := snap(t, plain)
	other, _ := openT(t)
	results := make(map[string]classify.Result) // by source:line
	for _, r := range recs {
		results[fmt.Sprintf("%s:%d", r.Source, r.Line)] = r.Result
	}
	for _, name := range []string{"for this store", "half for another store"} {
		t.Run(name, func(t *testing.T) {
			db, _ := openT(t)
			ingest(t, db, recs[:3000]) // the first half is stored
			classified := 0
			w := db.NewWriter(WriterOptions{Classify: func(r *Record) {
				classified++
				r.Result = results[fmt.Sprintf("%s:%d", r.Source, r.Line)]
			}})
			defer w.Close()
			var dups, news int
			for lo := 0; lo < len(recs); lo += 500 {
				batch := make([]Record, 0, 500)
				for _, r := range recs[lo : lo+500] {
					batch = append(batch, Record{Event: r.Event}) // no Result
				}
				by := db
				if name == "half for another store" && lo/500%2 == 1 {
					by = other
				}
				by.PrepareIDs(batch)
				st, err := w.Add(context.Background(), batch)
				if err != nil {
					t.Fatal(err)
				}
				dups, news = dups+st.Duplicate, news+st.New
			}
			if err := w.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if classified != news || news != 3000 || dups != 3000 {
				t.Fatalf("%d classified, %d new, %d duplicates; want 3000 of each", classified, news, dups)
			}
			sameSnapshot(t, snap(t, db), want)
		})
	}
	t.Run("without Classify", func(t *testing.T) {
		db, _ := openT(t)
		w := db.NewWriter(WriterOptions{})
		defer w.Close()
		batch := []Record{{Event: recs[0].Event}}
		db.PrepareIDs(batch)
		_, err := w.Add(context.Background(), batch)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d: record not classified", recs[0].Source, recs[0].Line)) {
			t.Fatalf("Add of an unclassified new record: %v", err)
		}
	})
}

// TestCommittingHook: WriterOptions.Committing brackets every commit of a
// checkpoint (those Add makes at CheckpointEvents, and Commit's), and no
// commit of meta alone.
func TestCommittingHook(t *testing.T) {
	db, _ := openT(t)
	var calls []bool
	w := db.NewWriter(WriterOptions{CheckpointEvents: 1000, Committing: func(on bool) { calls = append(calls, on) }})
	defer w.Close()
	addAll(t, w, synth(2500, 59), 500)
	if err := w.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.SetMeta("x", []byte("y"))
	if err := w.Commit(context.Background()); err != nil { // meta alone
		t.Fatal(err)
	}
	want := []bool{true, false, true, false, true, false}
	if !slices.Equal(calls, want) {
		t.Fatalf("Committing calls %v, want %v (three checkpoints)", calls, want)
	}
}
