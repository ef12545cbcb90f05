package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/classify/policy"
	"bouncelens/parser"
	"bouncelens/store"
)

// rday is day 0 of the recipient histories below.
var rday = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

// rrec builds a stored record: rcpt's outcome d days after rday.
func rrec(d float64, rcpt string, st parser.Status, reason classify.Reason, class classify.Class, code int, enh string) store.Record {
	t := rday.Add(time.Duration(d * float64(24*time.Hour)))
	return store.Record{
		Event: parser.Event{
			Source: "maillog", Line: int(d*100) + 1, Time: t,
			QueueID: fmt.Sprintf("Q%d", t.Unix()), MessageID: fmt.Sprintf("m%d@example.org", t.Unix()),
			Recipient: rcpt, Status: st, Code: code, Enhanced: enh,
			RemoteMTA: "mx." + parser.DomainOf(rcpt),
			Text:      fmt.Sprintf("%d %s %s for %s", code, enh, reason, rcpt),
		},
		Result: classify.Result{Reason: reason, Class: class, Code: code, Enhanced: enh, MatchedBy: "text",
			Side: classify.Describe(reason).Side},
	}
}

func sentTo(d float64, rcpt string) store.Record {
	return rrec(d, rcpt, parser.StatusSent, classify.Delivered, classify.None, 250, "2.0.0")
}

func hardTo(d float64, rcpt string) store.Record {
	return rrec(d, rcpt, parser.StatusBounced, classify.UserUnknown, classify.Hard, 550, "5.1.1")
}

// recipientStore is a store on disk with a hand-built history:
//
//	a@example.com   delivered, then a hard bounce          dead
//	b@example.com   two suspend bounces 9 days apart        dead
//	c@example.com   two blocks (sender side)               active
//	d@example.net   551 naming d@example.org               moved
//	e@example.net   a complaint                            complained
//	f@example.net   one mailboxfull bounce                 soft-bouncing
//	u01..u30@incident.example  hard bounces on one day, with 10 deliveries:
//	                a domain incident                      active
//
// plus an event without a recipient (a message received).
func recipientStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	recs := []store.Record{
		sentTo(0, "a@example.com"), hardTo(1, "a@example.com"),
		rrec(0, "b@example.com", parser.StatusBounced, classify.Suspend, classify.Soft, 550, "5.2.1"),
		rrec(9, "b@example.com", parser.StatusBounced, classify.Suspend, classify.Soft, 550, "5.2.1"),
		rrec(1, "c@example.com", parser.StatusRejected, classify.Blocked, classify.Soft, 554, "5.7.1"),
		rrec(2, "c@example.com", parser.StatusBounced, classify.Blocked, classify.Soft, 554, "5.7.1"),
		rrec(3, "e@example.net", parser.StatusComplained, classify.Feedback, classify.None, 0, ""),
		rrec(4, "f@example.net", parser.StatusBounced, classify.MailboxFull, classify.Soft, 552, "5.2.2"),
		{Event: parser.Event{Source: "maillog", Line: 1, Time: rday, QueueID: "QR", Status: parser.StatusReceived}},
	}
	moved := rrec(2, "d@example.net", parser.StatusBounced, classify.HasMoved, classify.Hard, 551, "5.1.6")
	moved.Forward = "d@example.org"
	recs = append(recs, moved)
	for i := 1; i <= 30; i++ {
		recs = append(recs, hardTo(5+float64(i)/1000, fmt.Sprintf("u%02d@incident.example", i)))
	}
	for i := 1; i <= 10; i++ {
		recs = append(recs, sentTo(5+float64(i)/1000, fmt.Sprintf("ok%02d@incident.example", i)))
	}
	if _, err := db.Ingest(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return db
}

func fold(t *testing.T, db *store.DB, p *policy.Policy) (map[string]policy.Verdict, []string, FoldStats) {
	t.Helper()
	got := map[string]policy.Verdict{}
	var order []string
	stats, err := FoldRecipients(context.Background(), db, p, func(rv RecipientVerdict) error {
		got[rv.Address] = rv.Verdict
		order = append(order, rv.Address)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, order, stats
}

func TestFoldRecipients(t *testing.T) {
	db := recipientStore(t)
	def := policy.Default()
	got, order, stats := fold(t, db, &def)
	for _, c := range []struct {
		addr  string
		state policy.State
		why   string
	}{
		{"a@example.com", policy.Dead, "hard bounce: userunknown 550 5.1.1 on 2026-10-02"},
		{"b@example.com", policy.Dead, "2 suspend bounces 9 days apart"},
		{"c@example.com", policy.Active, "no recipient-side failure; 2 other failures not counted"},
		{"d@example.net", policy.Moved, "d@example.org"},
		{"e@example.net", policy.Complained, "complaint on 2026-10-04"},
		{"f@example.net", policy.SoftBouncing, "1 mailboxfull bounce"},
		{"u07@incident.example", policy.Active, "1 other failure not counted"},
	} {
		v := got[c.addr]
		if v.State != c.state || !strings.Contains(v.Why, c.why) {
			t.Errorf("%s: %v %q, want %v ...%q...", c.addr, v.State, v.Why, c.state, c.why)
		}
	}
	if len(order) != 46 || stats.Recipients != 46 || stats.Events != 49 {
		t.Errorf("%d recipients (stats %d), %d events; want 46, 46, 49", len(order), stats.Recipients, stats.Events)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Fatalf("not in address order: %s before %s", order[i-1], order[i])
		}
	}
	if stats.SenderSide[classify.Blocked] != 2 || len(stats.SenderSide) != 1 {
		t.Errorf("SenderSide = %v, want blocked 2", stats.SenderSide)
	}
	// Without the incident guard, the incident's hard bounces count.
	off := policy.Default()
	off.IncidentShare = 0
	got, _, _ = fold(t, db, &off)
	if v := got["u07@incident.example"]; v.State != policy.Dead {
		t.Errorf("guard off: u07 is %v (%s), want dead", v.State, v.Why)
	}
}

func TestRecipientsTable(t *testing.T) {
	db := recipientStore(t)
	p := policy.Default()
	ctx := context.Background()
	addrs := func(tb Table) string {
		var out []string
		for _, r := range tb.Rows {
			out = append(out, r[0]+"="+r[1])
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		name string
		opts RecipientsOptions
		want string
	}{
		{"default: all but active, most pressing first", RecipientsOptions{},
			"a@example.com=dead b@example.com=dead e@example.net=complained d@example.net=moved f@example.net=soft-bouncing"},
		{"states", RecipientsOptions{States: []policy.State{policy.Moved, policy.SoftBouncing}},
			"d@example.net=moved f@example.net=soft-bouncing"},
		{"domain", RecipientsOptions{Domain: "EXAMPLE.NET"},
			"e@example.net=complained d@example.net=moved f@example.net=soft-bouncing"},
		{"reason", RecipientsOptions{States: policy.States(), Reasons: []classify.Reason{classify.Blocked, classify.Suspend}},
			"b@example.com=dead c@example.com=active"},
		{"top", RecipientsOptions{Top: 3}, "a@example.com=dead b@example.com=dead e@example.net=complained"},
	} {
		tb, err := Recipients(ctx, db, &p, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := addrs(tb); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if !strings.Contains(tb.Note, "46 recipients: 2 dead, 1 complained, 1 moved, 1 soft-bouncing, 41 active") ||
			!strings.Contains(tb.Note, "Held against no recipient: 2 final failures on the sending side or about content (blocked 2)") {
			t.Errorf("%s: note %q", c.name, tb.Note)
		}
		if c.opts.Top > 0 && !strings.Contains(tb.Note, "(2 more; use --top 0 for all)") {
			t.Errorf("%s: note %q", c.name, tb.Note)
		}
	}
	tb, _ := Recipients(ctx, db, &p, RecipientsOptions{States: []policy.State{policy.Dead}})
	want := []string{"b@example.com", "dead", "suppress", "", "550", "5.2.1", "suspend", "2", "0", "0", "2", "2026-10-10T09:00:00Z", "2 suspend bounces 9 days apart"}
	if fmt.Sprint(tb.Rows[1]) != fmt.Sprint(want) {
		t.Errorf("row\n got %q\nwant %q", tb.Rows[1], want)
	}
}

func TestExportSinceLast(t *testing.T) {
	db := recipientStore(t)
	p := policy.Default()
	ctx := context.Background()
	export := func(now time.Time, commit bool) ExportResult {
		t.Helper()
		res, err := Export(ctx, db, &p, ExportOptions{SinceLast: true, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if commit {
			w := db.NewWriter(store.WriterOptions{})
			if err := w.CommitWith(ctx, res.Meta); err != nil {
				t.Fatal(err)
			}
			w.Close()
		}
		return res
	}
	rows := func(res ExportResult) string {
		var out []string
		for _, r := range ExportTable(res.Rows).Rows {
			out = append(out, r[0]+"="+r[1]+"/"+r[2])
		}
		return strings.Join(out, " ")
	}
	now := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)

	first := export(now, true)
	if got, want := rows(first), "a@example.com=dead/suppress b@example.com=dead/suppress d@example.net=moved/update-address e@example.net=complained/suppress f@example.net=soft-bouncing/retry"; got != want {
		t.Errorf("first export:\n got %s\nwant %s", got, want)
	}
	if first.Previous != nil || first.Current.Rows != 5 || first.Current.Tracked != 5 || first.Current.Recipients != 46 {
		t.Errorf("first export: previous %v, current %+v", first.Previous, first.Current)
	}
	dry := export(now.Add(time.Hour), false)
	if len(dry.Rows) != 0 {
		t.Errorf("second export: %s", rows(dry))
	}
	if dry.Previous == nil || !dry.Previous.ExportedAt.Equal(now) || dry.Previous.Rows != 5 {
		t.Errorf("second export: previous watermark %+v", dry.Previous)
	}

	// New events: a is delivered again, g bounces hard, f bounces for the
	// second time (still soft-bouncing), c is blocked again.
	more := []store.Record{
		sentTo(20, "a@example.com"), hardTo(20, "g@example.org"),
		rrec(21, "f@example.net", parser.StatusBounced, classify.MailboxFull, classify.Soft, 552, "5.2.2"),
		rrec(21, "c@example.com", parser.StatusBounced, classify.Blocked, classify.Soft, 554, "5.7.1"),
	}
	if _, err := db.Ingest(ctx, more); err != nil {
		t.Fatal(err)
	}
	third := export(now.Add(24*time.Hour), true)
	if got, want := rows(third), "a@example.com=active/none g@example.org=dead/suppress"; got != want {
		t.Errorf("after new events:\n got %s\nwant %s", got, want)
	}
	if third.Previous == nil || !third.Previous.ExportedAt.Equal(now) {
		t.Errorf("the dry run moved the watermark: %+v", third.Previous)
	}
	if fourth := export(now.Add(48*time.Hour), true); len(fourth.Rows) != 0 {
		t.Errorf("fourth export: %s", rows(fourth))
	}
	// A stricter policy changes states: the export says so.
	p.MailboxFull = policy.Rule{Limit: 2}
	if got := rows(export(now.Add(72*time.Hour), false)); got != "f@example.net=dead/suppress" {
		t.Errorf("with mailboxfull-limit 2: %s", got)
	}
	// Without SinceLast: every recipient not active, and nothing to store.
	all, err := Export(ctx, db, &p, ExportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Rows) != 5 || all.Meta != nil || all.Previous != nil { // b, d, e, f, g
		t.Errorf("full export: %d rows, meta %v", len(all.Rows), all.Meta != nil)
	}
}

func TestExportTableColumns(t *testing.T) {
	tb := ExportTable(nil)
	var keys []string
	for _, c := range tb.Columns {
		keys = append(keys, c.key())
	}
	if got := strings.Join(keys, ","); got != "email,state,action,new_address,last_code,last_enhanced,last_reason,first_seen,last_seen,events,delivered,hard,soft" {
		t.Errorf("export columns %s", got)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	defer func(n int) { snapChunk = n }(snapChunk)
	snapChunk = 4096 // several chunks
	var w snapWriter
	var want []snapEntry
	for i := 0; i < 20000; i++ {
		e := snapEntry{addr: fmt.Sprintf("user%06d@d%d.example", i, i%7), state: policy.State(i % 6), action: classify.Action(i % 8)}
		if e.state == policy.Moved {
			e.newAddress = "new" + e.addr
		}
		want = append(want, e)
		w.add(e)
	}
	meta, err := w.meta(1000)
	if err != nil {
		t.Fatal(err)
	}
	n, rawLen, chunks, err := parseSnapHeader(meta[ExportSnapshotMeta])
	if err != nil || n != len(want) || chunks < 2 {
		t.Fatalf("header: %d entries, %d chunks, %v", n, chunks, err)
	}
	if len(meta[snapChunkName(999)]) != 0 || len(meta) != 1001 {
		t.Errorf("the previous snapshot's chunks are not emptied: %d values", len(meta))
	}
	var z []byte
	for i := 0; i < chunks; i++ {
		z = append(z, meta[snapChunkName(i)]...)
	}
	t.Logf("%d entries: %d raw bytes, %d compressed", n, rawLen, len(z))
	r, err := decodeSnapshot(n, rawLen, z)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range want {
		got, ok, err := r.peek()
		if err != nil || !ok || got != e {
			t.Fatalf("entry %d: %+v, %v, %v; want %+v", i, got, ok, err, e)
		}
		r.skip()
	}
	if _, ok, err := r.peek(); ok || err != nil {
		t.Errorf("after the last entry: %v, %v", ok, err)
	}
	// Damage is an error, never a panic or a wrong snapshot.
	if _, err := decodeSnapshot(n, rawLen, z[:len(z)/2]); err == nil {
		t.Error("half a snapshot decodes")
	}
	if _, err := decodeSnapshot(n, rawLen+1, z); err == nil {
		t.Error("a snapshot of the wrong length decodes")
	}
	if _, _, _, err := parseSnapHeader([]byte{2, 1, 1, 1}); err == nil {
		t.Error("version 2 header parses")
	}
}

func TestRecipientHistory(t *testing.T) {
	db := recipientStore(t)
	p := policy.Default()
	ctx := context.Background()
	h, ok, err := ReadRecipientHistory(ctx, db, "B@Example.com", &p)
	if err != nil || !ok {
		t.Fatalf("ReadRecipientHistory: %v, %v", ok, err)
	}
	if h.Address != "b@example.com" || len(h.Events) != 2 || h.Stored != 2 || h.Verdict.State != policy.Dead || len(h.Verdict.Evidence) != 2 {
		t.Fatalf("history %+v", h)
	}
	if n := h.Events[1].Effect.Note; n != "suspend bounce 2 of 2: dead, suppress" {
		t.Errorf("second event: %q", n)
	}
	var text bytes.Buffer
	if err := h.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"state        dead\n", "why          2 suspend bounces 9 days apart\n",
		"2  2026-10-10T09:00:00Z  bounced  550  5.2.1  suspend  (soft, recipient side)\n",
		"   counted   yes: suspend bounce 1 of 2\n",
		"   text      550 5.2.1 suspend for b@example.com\n",
		"   source    maillog:901\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := h.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		State  string
		Counts struct{ Soft int }
		Events []struct {
			Counted bool
			Group   string
			Source  string
			Line    int
		}
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if got.State != "dead" || got.Counts.Soft != 2 || len(got.Events) != 2 || !got.Events[0].Counted || got.Events[0].Group != "suspend" || got.Events[1].Line != 901 {
		t.Errorf("json %+v", got)
	}
	// The incident guard applies to a history too.
	h, _, _ = ReadRecipientHistory(ctx, db, "u01@incident.example", &p)
	if h.Verdict.State != policy.Active || !strings.HasPrefix(h.Events[0].Effect.Note, "domain incident") {
		t.Errorf("incident history: %v, %q", h.Verdict.State, h.Events[0].Effect.Note)
	}
	if _, ok, err := ReadRecipientHistory(ctx, db, "nobody@example.com", &p); ok || err != nil {
		t.Errorf("unknown address: %v, %v", ok, err)
	}
}

func TestJSONLines(t *testing.T) {
	tb := Table{Columns: []Column{{Name: "EMAIL"}, {Name: "LAST CODE", Numeric: true}, {Name: "WHY"}},
		Rows: [][]string{{"a@example.com", "550", `said "<no>"`}, {"b@example.com", "", ""}}}
	var buf bytes.Buffer
	if err := JSONLines(&buf, tb); err != nil {
		t.Fatal(err)
	}
	want := `{"email": "a@example.com", "last_code": 550, "why": "said \"<no>\""}` + "\n" +
		`{"email": "b@example.com", "last_code": null, "why": ""}` + "\n"
	if buf.String() != want {
		t.Errorf("JSONLines:\n%s\nwant\n%s", buf.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("invalid JSON line %s", line)
		}
	}
}
