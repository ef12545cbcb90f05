package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// day0 is the first day of the synthetic data.
var day0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// at returns day0 plus d days, h hours and m minutes.
func at(d, h, m int) time.Time {
	return day0.Add(time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// mk builds a record with the fields the store aggregates on.
func mk(t time.Time, rcpt string, st parser.Status, code int, enh string, reason classify.Reason, class classify.Class) Record {
	return Record{
		Event: parser.Event{
			Source: "maillog", Line: 1, Time: t,
			QueueID: fmt.Sprintf("Q%d", t.Unix()), MessageID: "m@example.org",
			Recipient: rcpt, Status: st, Code: code, Enhanced: enh,
			Text: fmt.Sprintf("%d %s %s", code, enh, reason),
		},
		Result: classify.Result{Reason: reason, Class: class, Code: code, Enhanced: enh},
	}
}

// synth returns n varied records: a few hundred recipients over 30 days,
// a mix of statuses and reasons.
func synth(n int, seed uint64) []Record {
	r := rand.New(rand.NewPCG(seed, 1))
	type kind struct {
		st     parser.Status
		code   int
		enh    string
		reason classify.Reason
		class  classify.Class
		action classify.Action
	}
	kinds := []kind{
		{parser.StatusSent, 250, "2.0.0", classify.Delivered, classify.None, classify.ActionNone},
		{parser.StatusSent, 250, "2.0.0", classify.Delivered, classify.None, classify.ActionNone},
		{parser.StatusSent, 250, "2.0.0", classify.Delivered, classify.None, classify.ActionNone},
		{parser.StatusBounced, 550, "5.1.1", classify.UserUnknown, classify.Hard, classify.ActionSuppress},
		{parser.StatusDeferred, 452, "4.2.2", classify.MailboxFull, classify.Soft, classify.ActionRetry},
		{parser.StatusDeferred, 450, "4.7.1", classify.Greylisted, classify.Soft, classify.ActionRetry},
		{parser.StatusBounced, 554, "5.7.1", classify.Blocked, classify.Hard, classify.ActionContactPostmaster},
		{parser.StatusBounced, 551, "5.1.6", classify.HasMoved, classify.Hard, classify.ActionUpdateAddress},
	}
	domains := []string{"example.com", "example.net", "example.org", "mail.example", "big.example"}
	out := make([]Record, n)
	for i := range out {
		k := kinds[r.IntN(len(kinds))]
		u := r.IntN(400)
		rcpt := fmt.Sprintf("user%d@%s", u, domains[u%len(domains)])
		t := day0.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
		rec := Record{
			Event: parser.Event{
				Source: "maillog", Line: i + 1, Time: t,
				QueueID: fmt.Sprintf("%X", r.Uint32()), MessageID: fmt.Sprintf("%d.%d@sender.example", i, r.Uint32()),
				Sender: "news@sender.example", Recipient: rcpt, Status: k.st, Code: k.code, Enhanced: k.enh,
				RemoteMTA: "mx." + domains[u%len(domains)], Command: "RCPT",
				Text: fmt.Sprintf("%d %s recipient %s: some diagnostic text from the remote server", k.code, k.enh, rcpt),
			},
			Result: classify.Result{
				Reason: k.reason, Class: k.class, Action: k.action, Side: classify.SideRecipient,
				Code: k.code, Enhanced: k.enh, MatchedBy: "enhanced",
			},
		}
		if k.reason == classify.HasMoved {
			rec.Result.Forward = fmt.Sprintf("new%d@%s", u, domains[(u+1)%len(domains)])
		}
		out[i] = rec
	}
	return out
}

// openT opens a store in a new temporary directory, closed at cleanup.
func openT(t testing.TB) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	return openDir(t, dir), dir
}

// openDir opens the store in dir, closed at cleanup unless closed before.
func openDir(t testing.TB, dir string) *DB {
	t.Helper()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.closeSegments(); db.kv.Close() }) // no-op errors if already closed
	return db
}

func ingest(t testing.TB, db *DB, recs []Record) IngestStats {
	t.Helper()
	st, err := db.Ingest(context.Background(), recs)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return st
}

// snapshot is everything a query can see, for deep comparison.
type snapshot struct {
	Counts     []Count
	Recipients []Recipient
	Events     []Record
	Totals     Totals
}

func snap(t testing.TB, db *DB) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Counts, err = db.Counts(ctx, Filter{}); err != nil {
		t.Fatal(err)
	}
	if s.Recipients, err = db.Recipients(ctx, RecipientFilter{}); err != nil {
		t.Fatal(err)
	}
	err = db.Events(ctx, Filter{}, func(r Record) error {
		// Source and Line are those of the first ingest: not compared.
		r.Source, r.Line = "", 0
		s.Events = append(s.Events, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Totals, err = db.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func sameSnapshot(t *testing.T, got, want snapshot) {
	t.Helper()
	if !reflect.DeepEqual(got.Counts, want.Counts) {
		t.Errorf("counts differ:\n got %d rows %v\nwant %d rows %v", len(got.Counts), got.Counts, len(want.Counts), want.Counts)
	}
	if !reflect.DeepEqual(got.Recipients, want.Recipients) {
		t.Errorf("recipients differ:\n got %d %+v\nwant %d %+v", len(got.Recipients), got.Recipients, len(want.Recipients), want.Recipients)
	}
	if !reflect.DeepEqual(got.Events, want.Events) {
		t.Errorf("events differ: got %d, want %d", len(got.Events), len(want.Events))
	}
	if got.Totals != want.Totals {
		t.Errorf("totals = %+v, want %+v", got.Totals, want.Totals)
	}
}

func shuffled(recs []Record, seed uint64) []Record {
	out := append([]Record(nil), recs...)
	r := rand.New(rand.NewPCG(seed, 2))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// apply merges one new event into s, as the store did before accumulators
// (ingestV1, and the reference the Writer's recipients are checked
// against). Merging is commutative: the same set of events gives the same
// state in any order.
func (s *rcptState) apply(rec *Record, ts uint64, id [16]byte) {
	r := &s.r
	first := r.Events == 0
	r.Events++
	if r.ByStatus == nil {
		r.ByStatus = make(map[parser.Status]uint64)
	}
	r.ByStatus[rec.Status]++
	if ts != 0 && (s.firstTS == 0 || ts < s.firstTS) {
		s.firstTS = ts
	}
	if first || later(ts, id, s.lastTS, s.lastID) {
		s.lastTS, s.lastID = ts, id
		code, enh := rec.Reply()
		r.LastStatus = rec.Status
		r.LastCode = code
		r.LastEnhanced = enh
		r.LastReason = rec.Result.Reason
		r.LastClass = rec.Result.Class
		r.LastAction = rec.Result.Action
		r.LastText = rec.Text
	}
	fwd := rec.Forward
	if fwd == "" {
		fwd = rec.Result.Forward
	}
	if fwd != "" && (r.Forward == "" || later(ts, id, s.fwdTS, s.fwdID)) {
		r.Forward, s.fwdTS, s.fwdID = fwd, ts, id
	}
	s.fill()
}
