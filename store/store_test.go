package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"bouncelens/classify"
	"bouncelens/parser"
)

const (
	sent     = parser.StatusSent
	deferred = parser.StatusDeferred
	bounced  = parser.StatusBounced
)

func TestIngestCountsAndRecipients(t *testing.T) {
	a, b, c := "a@example.com", "b@example.com", "c@example.net"
	tests := []struct {
		name  string
		recs  []Record
		stats IngestStats
		count []Count
		rcpts []Recipient
	}{
		{
			name:  "empty",
			recs:  nil,
			stats: IngestStats{},
		},
		{
			name: "one day two domains",
			recs: []Record{
				mk(at(0, 1, 0), a, sent, 250, "2.0.0", classify.Delivered, classify.None),
				mk(at(0, 2, 0), b, sent, 250, "2.0.0", classify.Delivered, classify.None),
				mk(at(0, 3, 0), c, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
				mk(at(0, 4, 0), a, deferred, 452, "4.2.2", classify.MailboxFull, classify.Soft),
			},
			stats: IngestStats{New: 4},
			count: []Count{
				{Day: at(0, 0, 0), Domain: "example.com", Status: sent, Reason: classify.Delivered, Code: 250, Enhanced: "2.0.0", N: 2},
				{Day: at(0, 0, 0), Domain: "example.com", Status: deferred, Reason: classify.MailboxFull, Class: classify.Soft, Code: 452, Enhanced: "4.2.2", N: 1},
				{Day: at(0, 0, 0), Domain: "example.net", Status: bounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 1},
			},
			rcpts: []Recipient{
				{Address: a, FirstSeen: at(0, 1, 0), LastSeen: at(0, 4, 0), Events: 2,
					ByStatus:   map[parser.Status]uint64{sent: 1, deferred: 1},
					LastStatus: deferred, LastCode: 452, LastEnhanced: "4.2.2", LastReason: classify.MailboxFull,
					LastClass: classify.Soft, LastText: "452 4.2.2 mailboxfull"},
				{Address: b, FirstSeen: at(0, 2, 0), LastSeen: at(0, 2, 0), Events: 1,
					ByStatus:   map[parser.Status]uint64{sent: 1},
					LastStatus: sent, LastCode: 250, LastEnhanced: "2.0.0", LastReason: classify.Delivered,
					LastText: "250 2.0.0 delivered"},
				{Address: c, FirstSeen: at(0, 3, 0), LastSeen: at(0, 3, 0), Events: 1,
					ByStatus:   map[parser.Status]uint64{bounced: 1},
					LastStatus: bounced, LastCode: 550, LastEnhanced: "5.1.1", LastReason: classify.UserUnknown,
					LastClass: classify.Hard, LastText: "550 5.1.1 userunknown"},
			},
		},
		{
			name: "same key over two days, duplicate in the call, undated event",
			recs: []Record{
				mk(at(1, 0, 0), a, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
				mk(at(0, 23, 59), a, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
				mk(at(0, 12, 0), a, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
				mk(at(0, 12, 0), a, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
				mk(time.Time{}, a, bounced, 550, "5.1.1", classify.UserUnknown, classify.Hard),
			},
			stats: IngestStats{New: 4, Duplicate: 1},
			count: []Count{
				{Day: time.Time{}, Domain: "example.com", Status: bounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 1},
				{Day: at(0, 0, 0), Domain: "example.com", Status: bounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 2},
				{Day: at(1, 0, 0), Domain: "example.com", Status: bounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 1},
			},
			rcpts: []Recipient{
				{Address: a, FirstSeen: at(0, 12, 0), LastSeen: at(1, 0, 0), Events: 4,
					ByStatus:   map[parser.Status]uint64{bounced: 4},
					LastStatus: bounced, LastCode: 550, LastEnhanced: "5.1.1", LastReason: classify.UserUnknown,
					LastClass: classify.Hard, LastText: "550 5.1.1 userunknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openT(t)
			ctx := context.Background()
			if st := ingest(t, db, tt.recs); st != tt.stats {
				t.Errorf("IngestStats = %+v, want %+v", st, tt.stats)
			}
			counts, err := db.Counts(ctx, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(counts, tt.count) {
				t.Errorf("Counts:\n got %+v\nwant %+v", counts, tt.count)
			}
			rcpts, err := db.Recipients(ctx, RecipientFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rcpts, tt.rcpts) {
				t.Errorf("Recipients:\n got %+v\nwant %+v", rcpts, tt.rcpts)
			}
			for _, want := range tt.rcpts {
				got, ok, err := db.Recipient(ctx, want.Address)
				if err != nil || !ok || !reflect.DeepEqual(got, want) {
					t.Errorf("Recipient(%q) = %+v, %v, %v; want %+v", want.Address, got, ok, err, want)
				}
			}
			var n int
			if err := db.Events(ctx, Filter{}, func(Record) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if n != tt.stats.New {
				t.Errorf("Events returned %d records, want %d", n, tt.stats.New)
			}
		})
	}
}

func TestIdempotence(t *testing.T) {
	all := synth(3000, 1)
	db, _ := openT(t)
	if st := ingest(t, db, all); st != (IngestStats{New: len(all)}) {
		t.Fatalf("first ingest: %+v", st)
	}
	want := snap(t, db)
	if len(want.Counts) == 0 || len(want.Recipients) == 0 || len(want.Events) != len(all) {
		t.Fatalf("implausible reference: %d counts, %d recipients, %d events", len(want.Counts), len(want.Recipients), len(want.Events))
	}

	doubled := append(append([]Record(nil), all...), shuffled(all, 7)...)
	tests := []struct {
		name  string
		steps [][]Record
		stats []IngestStats
	}{
		{"twice", [][]Record{all, all}, []IngestStats{{New: 3000}, {Duplicate: 3000}}},
		{"shuffled duplicate", [][]Record{all, shuffled(all, 3)}, []IngestStats{{New: 3000}, {Duplicate: 3000}}},
		{"shuffled once", [][]Record{shuffled(all, 4)}, []IngestStats{{New: 3000}}},
		{"duplicates in one call", [][]Record{doubled}, []IngestStats{{New: 3000, Duplicate: 3000}}},
		{"subset then superset", [][]Record{all[1000:2000], all}, []IngestStats{{New: 1000}, {New: 2000, Duplicate: 1000}}},
		{"reversed halves", [][]Record{all[1500:], all[:1500], all}, []IngestStats{{New: 1500}, {New: 1500}, {Duplicate: 3000}}},
		{"source and line differ", [][]Record{all, renamed(all)}, []IngestStats{{New: 3000}, {Duplicate: 3000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openT(t)
			for i, recs := range tt.steps {
				if st := ingest(t, db, recs); st != tt.stats[i] {
					t.Errorf("ingest %d: %+v, want %+v", i, st, tt.stats[i])
				}
			}
			sameSnapshot(t, snap(t, db), want)
		})
	}
}

// renamed returns recs as if read from another file at other lines.
func renamed(recs []Record) []Record {
	out := append([]Record(nil), recs...)
	for i := range out {
		out[i].Source = "maillog.1.gz"
		out[i].Line += 100000
	}
	return out
}

func TestCrashThenRerun(t *testing.T) {
	all := synth(2000, 2)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	db, dir := openT(t)
	db.batch = 300 // several transactions per call
	ingest(t, db, all[:1000])
	// A crash mid-Ingest leaves whole batches: simulate "some batches
	// committed" by closing after half, then re-run everything.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir)
	if st := ingest(t, db, all); st != (IngestStats{New: 1000, Duplicate: 1000}) {
		t.Errorf("re-run: %+v", st)
	}
	sameSnapshot(t, snap(t, db), want)
}

func TestCancelBetweenBatches(t *testing.T) {
	db, _ := openT(t)
	db.batch = 100
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := db.Ingest(ctx, synth(500, 3))
	if !errors.Is(err, context.Canceled) || st != (IngestStats{}) {
		t.Fatalf("Ingest with cancelled ctx = %+v, %v", st, err)
	}
	tot, err := db.Stats(context.Background())
	if err != nil || tot.Events != 0 {
		t.Fatalf("Stats after cancelled ingest = %+v, %v", tot, err)
	}
}

func TestTxnTooBigSplits(t *testing.T) {
	all := synth(6000, 4)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	db, _ := openT(t)
	db.batch = len(all) // more entries than one Badger transaction holds
	if st := ingest(t, db, all); st != (IngestStats{New: len(all)}) {
		t.Errorf("IngestStats = %+v", st)
	}
	sameSnapshot(t, snap(t, db), want)
}

func TestConcurrentIngest(t *testing.T) {
	all := synth(2000, 5)
	ref, _ := openT(t)
	ingest(t, ref, all)
	want := snap(t, ref)

	db, _ := openT(t)
	db.batch = 200
	var wg sync.WaitGroup
	stats := make([]IngestStats, 4)
	for i := range stats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := db.Ingest(context.Background(), shuffled(all, uint64(i)))
			if err != nil {
				t.Error(err)
			}
			stats[i] = st
		}()
	}
	wg.Wait()
	var total IngestStats
	for _, st := range stats {
		total.New += st.New
		total.Duplicate += st.Duplicate
	}
	if total != (IngestStats{New: 2000, Duplicate: 6000}) {
		t.Errorf("total stats = %+v", total)
	}
	sameSnapshot(t, snap(t, db), want)
}

func TestPersistence(t *testing.T) {
	all := synth(500, 6)
	db, dir := openT(t)
	ingest(t, db, all)
	want := snap(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir)
	sameSnapshot(t, snap(t, db), want)
	if want.Totals.Events != 500 || want.Totals.Recipients == 0 ||
		!want.Totals.FirstDay.Equal(day0) || !want.Totals.LastDay.Equal(at(29, 0, 0)) {
		t.Errorf("Totals = %+v", want.Totals)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	sameSnapshot(t, snap(t, ro), want)
	if _, err := ro.Ingest(context.Background(), all[:1]); err == nil {
		t.Error("Ingest into a read-only store succeeded")
	}
}

func TestLockInProcess(t *testing.T) {
	_, dir := openT(t)
	for _, opts := range []Options{{}, {ReadOnly: true}} {
		db, err := Open(dir, opts)
		if err == nil {
			db.Close()
			t.Fatalf("second Open(%+v) succeeded", opts)
		}
		if !errors.Is(err, ErrLocked) {
			t.Errorf("second Open(%+v): %v, want ErrLocked", opts, err)
		}
		if want := "store " + dir + " is in use by another bouncelens process"; err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	}
}

const helperEnv = "BOUNCELENS_STORE_TEST_HELPER_DIR"

// TestHelperProcess is not a test: TestLockOtherProcess runs the test
// binary again with it, as a second process opening the store.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	db, err := Open(dir, Options{})
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(4)
	}
	db.Close()
	os.Exit(0)
}

func TestLockOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	_, dir := openT(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("helper: %v (stdout %q, stderr %q), want a non-zero exit", err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], dir) || !strings.Contains(lines[0], "in use") {
		t.Errorf("helper stderr = %q, want one line naming %s and \"in use\"", stderr.String(), dir)
	}

	// Once released, the other process gets in.
	t.Run("after close", func(t *testing.T) {
		dir := t.TempDir()
		db := openDir(t, dir)
		db.Close()
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("helper after close: %v, %s", err, out)
		}
	})
}

func TestNewerSchema(t *testing.T) {
	db, dir := openT(t)
	err := db.kv.Update(func(txn *badger.Txn) error {
		return txn.Set(metaSchema, binary.BigEndian.AppendUint16(nil, schemaVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer store: %v, want ErrNewerSchema", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "newer") {
		t.Errorf("error %q should name the directory and say newer", msg)
	}
	// The refused store is closed again: a new Open is not locked out.
	if _, err := Open(dir, Options{}); errors.Is(err, ErrLocked) {
		t.Errorf("refused Open left the store locked: %v", err)
	}
}

func TestSchemaWritten(t *testing.T) {
	db, _ := openT(t)
	err := db.kv.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaSchema)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err == nil && binary.BigEndian.Uint16(v) != schemaVersion {
			t.Errorf("schema version %x", v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCountFilterByDay(t *testing.T) {
	a := "a@example.com"
	db, _ := openT(t)
	var recs []Record
	for d := range 5 {
		recs = append(recs,
			mk(at(d, 0, 0), a, sent, 250, "2.0.0", classify.Delivered, classify.None),
			mk(at(d, 23, 59), a, sent, 250, "2.0.0", classify.Delivered, classify.None))
	}
	recs = append(recs, mk(time.Time{}, a, sent, 250, "2.0.0", classify.Delivered, classify.None))
	ingest(t, db, recs)
	tests := []struct {
		name string
		f    Filter
		days []time.Time
	}{
		{"all", Filter{}, []time.Time{{}, at(0, 0, 0), at(1, 0, 0), at(2, 0, 0), at(3, 0, 0), at(4, 0, 0)}},
		{"since midnight", Filter{Since: at(2, 0, 0)}, []time.Time{at(2, 0, 0), at(3, 0, 0), at(4, 0, 0)}},
		{"since midday takes the whole day", Filter{Since: at(2, 12, 0)}, []time.Time{at(2, 0, 0), at(3, 0, 0), at(4, 0, 0)}},
		{"until midnight excludes that day", Filter{Since: at(1, 0, 0), Until: at(3, 0, 0)}, []time.Time{at(1, 0, 0), at(2, 0, 0)}},
		{"until midday includes that day", Filter{Since: at(1, 0, 0), Until: at(3, 12, 0)}, []time.Time{at(1, 0, 0), at(2, 0, 0), at(3, 0, 0)}},
		{"until only", Filter{Until: at(1, 0, 0)}, []time.Time{{}, at(0, 0, 0)}},
		{"empty window", Filter{Since: at(3, 0, 0), Until: at(3, 0, 0)}, nil},
		{"after the data", Filter{Since: at(10, 0, 0)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counts, err := db.Counts(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var days []time.Time
			for _, c := range counts {
				days = append(days, c.Day)
				if want := uint64(2); c.Day.IsZero() {
					want = 1
					if c.N != want {
						t.Errorf("undated N = %d", c.N)
					}
				} else if c.N != want {
					t.Errorf("day %s N = %d, want %d", c.Day, c.N, want)
				}
			}
			if !reflect.DeepEqual(days, tt.days) {
				t.Errorf("days = %v, want %v", days, tt.days)
			}
		})
	}
}

func TestEventsFilterByTime(t *testing.T) {
	db, _ := openT(t)
	all := synth(1000, 8)
	ingest(t, db, shuffled(all, 9))
	since, until := at(3, 7, 30), at(11, 2, 15)
	var want int
	for _, r := range all {
		if !r.Time.Before(since) && r.Time.Before(until) {
			want++
		}
	}
	var got []time.Time
	err := db.Events(context.Background(), Filter{Since: since, Until: until}, func(r Record) error {
		got = append(got, r.Time)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want {
		t.Errorf("Events returned %d, want %d", len(got), want)
	}
	for i, tm := range got {
		if tm.Before(since) || !tm.Before(until) || i > 0 && tm.Before(got[i-1]) {
			t.Fatalf("event %d at %s: outside [%s, %s) or out of order", i, tm, since, until)
		}
	}

	stop := errors.New("stop")
	n := 0
	err = db.Events(context.Background(), Filter{}, func(Record) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("Events with a failing fn: %v after %d calls", err, n)
	}
}

func TestEventRoundTrip(t *testing.T) {
	db, _ := openT(t)
	rec := synth(1, 10)[0]
	rec.Time = rec.Time.In(time.FixedZone("X", 3600))
	rec.Subject, rec.OrigRecipient, rec.Forward = "Hello", "alias@example.com", "fwd@example.net"
	rec.Result.Side = classify.SideSender
	ingest(t, db, []Record{rec})
	var got []Record
	if err := db.Events(context.Background(), Filter{}, func(r Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	want := rec
	want.Time = rec.Time.UTC()
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("Events = %+v\nwant %+v", got, want)
	}
}

func TestHistory(t *testing.T) {
	db, _ := openT(t)
	all := synth(2000, 11)
	ingest(t, db, all)
	addr := all[0].Recipient
	var want []time.Time
	for _, r := range all {
		if r.Recipient == addr && !r.Time.Before(at(5, 0, 0)) {
			want = append(want, r.Time.UTC())
		}
	}
	slices.SortFunc(want, time.Time.Compare)
	var got []time.Time
	err := db.History(context.Background(), addr, Filter{Since: at(5, 0, 0)}, func(r Record) error {
		if r.Recipient != addr {
			t.Errorf("history of %s returned %s", addr, r.Recipient)
		}
		got = append(got, r.Time)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("History = %v\nwant %v", got, want)
	}
	stop := errors.New("stop")
	calls := 0
	err = db.History(context.Background(), addr, Filter{}, func(Record) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("History with a failing fn: %v after %d calls, want the fn's own error after 1", err, calls)
	}
}

func TestRecipientFilter(t *testing.T) {
	db, _ := openT(t)
	moved := mk(at(2, 0, 0), "m@example.net", bounced, 551, "5.1.6", classify.HasMoved, classify.Hard)
	moved.Result.Forward = "m2@example.org"
	movedInEvent := mk(at(3, 0, 0), "n@example.com", bounced, 551, "5.1.6", classify.HasMoved, classify.Hard)
	movedInEvent.Forward = "n2@example.org"
	ingest(t, db, []Record{
		mk(at(0, 0, 0), "a@example.com", sent, 250, "", classify.Delivered, classify.None),
		mk(at(1, 0, 0), "b@example.com", sent, 250, "", classify.Delivered, classify.None),
		mk(at(4, 0, 0), "c@example.com", sent, 250, "", classify.Delivered, classify.None),
		mk(at(1, 0, 0), "d@sub.example.com", sent, 250, "", classify.Delivered, classify.None),
		moved, movedInEvent,
	})
	tests := []struct {
		name string
		f    RecipientFilter
		want []string
	}{
		{"all", RecipientFilter{}, []string{"a@example.com", "b@example.com", "c@example.com", "d@sub.example.com", "m@example.net", "n@example.com"}},
		{"moved", RecipientFilter{Moved: true}, []string{"m@example.net", "n@example.com"}},
		{"domain exact", RecipientFilter{Domain: "Example.COM"}, []string{"a@example.com", "b@example.com", "c@example.com", "n@example.com"}},
		{"domain and moved", RecipientFilter{Domain: "example.com", Moved: true}, []string{"n@example.com"}},
		{"limit", RecipientFilter{Limit: 2}, []string{"a@example.com", "b@example.com"}},
		{"domain limit", RecipientFilter{Domain: "example.com", Limit: 3}, []string{"a@example.com", "b@example.com", "c@example.com"}},
		{"since", RecipientFilter{Since: at(2, 0, 0)}, []string{"c@example.com", "m@example.net", "n@example.com"}},
		{"until", RecipientFilter{Until: at(2, 0, 0)}, []string{"a@example.com", "b@example.com", "d@sub.example.com"}},
		{"unknown domain", RecipientFilter{Domain: "nowhere.example"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := db.Recipients(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rs {
				got = append(got, r.Address)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Recipients(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
	r, ok, err := db.Recipient(context.Background(), "M@Example.NET")
	if err != nil || !ok || r.Forward != "m2@example.org" || !r.ForwardSeen.Equal(at(2, 0, 0)) {
		t.Errorf("Recipient(M@Example.NET) = %+v, %v, %v", r, ok, err)
	}
	if _, ok, err := db.Recipient(context.Background(), "nobody@example.com"); ok || err != nil {
		t.Errorf("Recipient(nobody) = %v, %v", ok, err)
	}
}

func TestLastByEventTime(t *testing.T) {
	addr := "x@example.com"
	early := mk(at(0, 8, 0), addr, bounced, 551, "5.1.6", classify.HasMoved, classify.Hard)
	early.Result.Forward = "old@example.org"
	mid := mk(at(1, 8, 0), addr, bounced, 551, "5.1.6", classify.HasMoved, classify.Hard)
	mid.Forward = "new@example.org"
	late := mk(at(2, 8, 0), addr, deferred, 452, "4.2.2", classify.MailboxFull, classify.Soft)
	late.Result.Action = classify.ActionRetry
	// Same nanosecond as late: the tie goes to the greater fingerprint,
	// whatever the order.
	tie := mk(at(2, 8, 0), addr, sent, 250, "2.0.0", classify.Delivered, classify.None)

	var want Recipient
	for i, order := range [][]Record{
		{early, mid, late, tie},
		{tie, late, mid, early},
		{late, early, tie, mid},
	} {
		db, _ := openT(t)
		for _, r := range order {
			ingest(t, db, []Record{r}) // one call each: order of ingestion matters most
		}
		got, ok, err := db.Recipient(context.Background(), addr)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if got.Forward != "new@example.org" || !got.ForwardSeen.Equal(at(1, 8, 0)) {
			t.Errorf("order %d: Forward %q at %s", i, got.Forward, got.ForwardSeen)
		}
		if !got.FirstSeen.Equal(at(0, 8, 0)) || !got.LastSeen.Equal(at(2, 8, 0)) || got.Events != 4 {
			t.Errorf("order %d: first %s last %s events %d", i, got.FirstSeen, got.LastSeen, got.Events)
		}
		if got.LastStatus != deferred && got.LastStatus != sent {
			t.Errorf("order %d: LastStatus %s, want one of the latest", i, got.LastStatus)
		}
		if i == 0 {
			want = got
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("order %d: %+v\nwant %+v", i, got, want)
		}
	}

	db, _ := openT(t)
	ingest(t, db, []Record{late, early})
	got, _, _ := db.Recipient(context.Background(), addr)
	if got.LastStatus != deferred || got.LastReason != classify.MailboxFull || got.LastAction != classify.ActionRetry ||
		got.LastCode != 452 || got.LastEnhanced != "4.2.2" || got.LastText != late.Text {
		t.Errorf("last after out-of-order ingest = %+v", got)
	}
}

// TestFingerprint: both kinds of ids (Fingerprint, of schema 3, and
// SHA-256, which stores of schema 2 keep) depend on what identifies an
// event and on nothing else, and are pinned.
func TestFingerprint(t *testing.T) {
	// Pinned: a change here changes every stored key and needs a schema bump.
	pinned := parser.Event{Time: time.Date(2024, 3, 1, 12, 0, 0, 5, time.UTC), QueueID: "3F2A1",
		MessageID: "m@x", Recipient: "a@example.com", Status: parser.StatusBounced, Code: 550,
		Enhanced: "5.1.1", Text: "User unknown"}
	for _, k := range []struct {
		name   string
		ids    idKind
		pinned string
	}{
		{"xxh3 (schema 3)", idXXH3, "d861b678944a3dcdb07f52d53d721406"},
		{"sha256 (schema 2)", idSHA256, "6e52b3eb6f2d0a8a52af47f2b667ae54"},
	} {
		t.Run(k.name, func(t *testing.T) {
			base := synth(1, 12)[0].Event
			id := k.ids.of(&base)
			same := base
			same.Source, same.Line, same.Sender, same.Subject, same.RemoteMTA = "other", 99, "x@y", "s", "mx"
			same.Time = base.Time.In(time.FixedZone("CET", 3600))
			if k.ids.of(&same) != id {
				t.Error("fingerprint depends on source, line, sender, subject, relay or time zone")
			}
			changes := map[string]func(*parser.Event){
				"time":      func(e *parser.Event) { e.Time = e.Time.Add(time.Nanosecond) },
				"no time":   func(e *parser.Event) { e.Time = time.Time{} },
				"recipient": func(e *parser.Event) { e.Recipient = "other@example.com" },
				"status":    func(e *parser.Event) { e.Status = parser.StatusExpired },
				"queue id":  func(e *parser.Event) { e.QueueID = "ABC" },
				"messageid": func(e *parser.Event) { e.MessageID = "other@x" },
				"code":      func(e *parser.Event) { e.Code = 421 },
				"enhanced":  func(e *parser.Event) { e.Enhanced = "4.4.1" },
				"text":      func(e *parser.Event) { e.Text += "." },
				// Length prefixes keep field boundaries: moving bytes between
				// fields changes the id.
				"boundary": func(e *parser.Event) { e.QueueID, e.MessageID = e.QueueID+e.MessageID[:1], e.MessageID[1:] },
			}
			for name, change := range changes {
				ev := base
				change(&ev)
				if k.ids.of(&ev) == id {
					t.Errorf("fingerprint unchanged when %s changes", name)
				}
			}
			if got := fmt.Sprintf("%x", k.ids.of(&pinned)); got != k.pinned {
				t.Errorf("id of pinned = %s: the hash changed; bump schemaVersion and fingerprintTag", got)
			}
		})
	}
	if Fingerprint(&pinned) != idXXH3.of(&pinned) {
		t.Error("Fingerprint is not the id of schema 3")
	}
}

func TestKeysRoundTrip(t *testing.T) {
	id := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	ck := countKey{day: 19783, domain: "example.com", status: bounced, reason: classify.UserUnknown,
		class: classify.Hard, code: 550, enhanced: "5.1.1"}
	tests := []struct {
		k    []byte
		want key
	}{
		{metaSchema, key{kind: kindMeta, name: "schema"}},
		{eventKey(tsOf(at(1, 2, 3)), id), key{kind: kindEvent, ts: tsOf(at(1, 2, 3)), id: id}},
		{ck.bytes(), key{kind: kindCount, count: ck}},
		{countKey{}.bytes(), key{kind: kindCount}},
		{rcptKey("a@example.com"), key{kind: kindRcpt, address: "a@example.com"}},
		{blockKey(7, 9, 3), key{kind: kindBlock, hour: 7, seq: 9, part: 3}},
		{fprintKey(1<<32-1, 1<<64-1, 7), key{kind: kindFprint, hour: 1<<32 - 1, seq: 1<<64 - 1, part: 7}},
	}
	for _, tt := range tests {
		got, err := parseKey(tt.k)
		if err != nil || got != tt.want {
			t.Errorf("parseKey(%x) = %+v, %v; want %+v", tt.k, got, err, tt.want)
		}
	}
	for _, bad := range [][]byte{nil, {0x09}, {kindEvent, 1, 2}, {kindCount, 0, 0, 0, 1, 'x'}, {kindHist, 'a'}, {kindBlock, 1, 2}, {kindFprint, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 5}} {
		if _, err := parseKey(bad); err == nil {
			t.Errorf("parseKey(%x) succeeded", bad)
		}
	}
}

func TestKeyOrder(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, 1),
		at(0, 0, 0),
		at(0, 0, 0).Add(time.Nanosecond),
		at(400, 0, 0),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		a, b := tsOf(times[i-1]), tsOf(times[i])
		if a >= b {
			t.Errorf("tsOf(%s) = %d >= tsOf(%s) = %d", times[i-1], a, times[i], b)
		}
		if i < len(times)-1 && !times[i].IsZero() && !tsTime(b).Equal(times[i]) {
			t.Errorf("tsTime(tsOf(%s)) = %s", times[i], tsTime(b))
		}
	}
	for _, tm := range []time.Time{at(0, 0, 0), at(0, 23, 59), at(365, 12, 0)} {
		if d := dayTime(dayOf(tm)); !d.Equal(tm.Truncate(24 * time.Hour)) {
			t.Errorf("dayTime(dayOf(%s)) = %s", tm, d)
		}
	}
	if dayOf(time.Time{}) != 0 || !dayTime(0).IsZero() {
		t.Error("undated day is not 0")
	}
}

func TestRecipientCodec(t *testing.T) {
	var s rcptState
	s.r.Address = "a@example.com"
	for _, r := range synth(50, 13) {
		r.Recipient = s.r.Address
		s.apply(&r, tsOf(r.Time), Fingerprint(&r.Event))
	}
	got, err := decodeRcpt(s.r.Address, s.encode(nil))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("decodeRcpt(encode) = %+v, %v\nwant %+v", got, err, s)
	}
	enc := s.encode(nil)
	for i := range enc {
		if _, err := decodeRcpt("x", enc[:i]); err == nil {
			t.Fatalf("decodeRcpt of %d of %d bytes succeeded", i, len(enc))
		}
	}
	rec := synth(1, 14)[0]
	renc := encodeRecord(nil, &rec)
	for i := range renc {
		if _, err := decodeRecord(renc[:i]); err == nil {
			t.Fatalf("decodeRecord of %d of %d bytes succeeded", i, len(renc))
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("BOUNCELENS_DB", "/tmp/x")
	if d, err := DefaultDir(); err != nil || d != "/tmp/x" {
		t.Errorf("with BOUNCELENS_DB: %q, %v", d, err)
	}
	t.Setenv("BOUNCELENS_DB", "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, err := DefaultDir(); err != nil || d != "/data/bouncelens" {
		t.Errorf("with XDG_DATA_HOME: %q, %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if d, err := DefaultDir(); err != nil || d != filepath.Join("/home/u", ".local", "share", "bouncelens") {
		t.Errorf("with HOME: %q, %v", d, err)
	}
}

func TestInMemory(t *testing.T) {
	db, err := Open("ignored", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st := ingest(t, db, synth(100, 15)); st.New != 100 {
		t.Errorf("%+v", st)
	}
	if _, err := os.Stat("ignored"); err == nil {
		t.Error("in-memory Open created a directory")
	}
}

func TestOpenNested(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	db := openDir(t, dir)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), Options{ReadOnly: true}); err == nil {
		t.Error("read-only Open of a missing directory succeeded")
	}
}

// TestRecordCodecCoversAllFields fills every field of Event and Result by
// reflection: a field added to either type fails here until codec.go
// stores it (with a new encoding version).
func TestRecordCodecCoversAllFields(t *testing.T) {
	var rec Record
	fill := func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(fmt.Sprintf("s%d", i))
			case reflect.Int:
				f.SetInt(int64(i + 1))
			case reflect.Uint8:
				f.SetUint(uint64(i + 1))
			case reflect.Struct:
				if f.Type() != reflect.TypeOf(time.Time{}) {
					t.Fatalf("field %s: unexpected struct", v.Type().Field(i).Name)
				}
			default:
				t.Fatalf("field %s of kind %s: teach this test and codec.go", v.Type().Field(i).Name, f.Kind())
			}
		}
	}
	fill(reflect.ValueOf(&rec.Event).Elem())
	fill(reflect.ValueOf(&rec.Result).Elem())
	got, err := decodeRecord(encodeRecord(nil, &rec))
	if err != nil || !reflect.DeepEqual(got, rec) {
		t.Errorf("decodeRecord(encodeRecord(r)) = %+v, %v\nwant %+v", got, err, rec)
	}
}

func TestReadOnlyWithoutStore(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), t.TempDir()} {
		_, err := Open(dir, Options{ReadOnly: true})
		if !errors.Is(err, ErrNoStore) || !strings.Contains(err.Error(), dir) {
			t.Errorf("read-only Open(%s) = %v, want ErrNoStore naming the directory", dir, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err == nil {
			t.Errorf("read-only Open created a store in %s", dir)
		}
	}
}

// storedIDs returns the ids of the fingerprint blocks of db.
func storedIDs(t *testing.T, db *DB) map[[16]byte]bool {
	t.Helper()
	ids := make(map[[16]byte]bool)
	err := db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindFprint}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if v, err = db.block(v, nil); err != nil {
				return err
			}
			if err := decodeFprints(v, func(_ uint64, id *[16]byte) { ids[*id] = true }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestSchema2KeepsItsIDs: a store of schema 2 (ids by SHA-256, as
// bouncelens wrote them before schema 3) is opened as it is, read-only
// too, and keeps getting SHA-256 ids, also for records prepared for a
// store of schema 3: re-reading a log it holds adds nothing.
func TestSchema2KeepsItsIDs(t *testing.T) {
	recs := synth(3000, 61)
	db, dir := openT(t)
	err := db.kv.Update(func(txn *badger.Txn) error {
		return txn.Set(metaSchema, binary.BigEndian.AppendUint16(nil, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openDir(t, dir)
	ingest(t, db, recs[:2000])
	db.Close()

	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open of a schema 2 store: %v", err)
	}
	ids := storedIDs(t, ro)
	ro.Close()
	if len(ids) != 2000 {
		t.Fatalf("%d ids stored, want 2000", len(ids))
	}
	for i := range recs[:2000] {
		if !ids[fingerprintSHA256(&recs[i].Event)] {
			t.Fatalf("record %d is not stored under its SHA-256 id", i)
		}
	}

	// Records prepared for a schema 3 store, added to the schema 2 one.
	db3, _ := openT(t)
	batch := slices.Clone(recs)
	db3.Prepare(batch)
	db = openDir(t, dir)
	w := db.NewWriter(WriterOptions{})
	st, err := w.Add(context.Background(), batch)
	if err == nil {
		err = w.Commit(context.Background())
	}
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.New != 1000 || st.Duplicate != 2000 {
		t.Errorf("re-reading into the schema 2 store: %+v, want 1000 new, 2000 duplicates", st)
	}
	ids = storedIDs(t, db)
	for i := range recs {
		if !ids[fingerprintSHA256(&recs[i].Event)] {
			t.Fatalf("record %d is not stored under its SHA-256 id", i)
		}
	}
	var schema uint16
	err = db.kv.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaSchema)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		schema = binary.BigEndian.Uint16(v)
		return err
	})
	if err != nil || schema != 2 {
		t.Errorf("schema %d (%v) after writing, want 2 as it was", schema, err)
	}
}
