package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
	"bouncelens/store"
)

// t0 is the start of the hand-built traffic: 2026-11-22 09:00 UTC.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// ev builds a record; reason and class go into the classification.
func ev(min int, st parser.Status, qid, msgID, sender, rcpt string, code int, enh, text string, reason classify.Reason) store.Record {
	class := classify.None
	switch {
	case st == parser.StatusBounced && code/100 == 5:
		class = classify.Hard
	case st == parser.StatusDeferred || st == parser.StatusExpired || st == parser.StatusRejected:
		class = classify.Soft
	}
	return store.Record{
		Event: parser.Event{
			Source: "maillog", Line: min + 1, Time: at(min), QueueID: qid, MessageID: msgID,
			Sender: sender, Recipient: rcpt, Status: st, Code: code, Enhanced: enh, Text: text,
		},
		Result: classify.Result{Reason: reason, Class: class, Code: code, Enhanced: enh},
	}
}

// trafficRecords is a small, hand-checked day and a half of traffic that
// gives every section rows. Its sends (one recipient of one message):
//
//	A  Q1 a@example.com      deferred twice, then sent           delivered
//	B  Q1 b@example.org      bounced 5.1.1                       bounced
//	C  Q2 c@example.org      deferred, then expired              expired
//	D  Q3 d@example.net      deferred                            deferred-final
//	E  m1 e@example.com      DSN delayed, then failed            bounced
//	F  m2 f@example.com      DSN relayed, then failed            bounced (last wins)
//	G  -  g@example.com      no ids, no status                   other-final
//	A' Q1 a@example.com      the queue id reused the next day    delivered
//
// so sends 8 = delivered 2 + bounced 3 + expired 1 + deferred-final 1 +
// other-final 1; deferrals 5 (A 2, C, D, E), deferred sends 4. Apart:
// 2 received, 3 rejects, 1 complaint, 1 auto-reply, 3 warnings.
func trafficRecords() []store.Record {
	const (
		news  = "news@sender.example"
		alice = "alice@sender.example"
		to    = "connect to mx1.example.org[198.51.100.7]:25: Connection timed out"
	)
	rbl := func(ip string) string {
		return "554 5.7.1 Service unavailable; Client host [" + ip + "] blocked using zen.example.org"
	}
	recs := []store.Record{
		ev(0, parser.StatusReceived, "Q1", "1@sender.example", news, "", 0, "", "", classify.Undefined),
		ev(0, parser.StatusReceived, "Q2", "2@sender.example", alice, "", 0, "", "", classify.Undefined),
		ev(1, parser.StatusDeferred, "Q1", "1@sender.example", news, "a@example.com", 452, "4.2.2", "host mx.example.com[192.0.2.5] said: 452 4.2.2 <a@example.com>: Mailbox full", classify.MailboxFull),
		ev(2, parser.StatusBounced, "Q1", "1@sender.example", news, "b@example.org", 550, "5.1.1", "host mx1.example.org[198.51.100.7] said: 550 5.1.1 <b@example.org>: User unknown", classify.UserUnknown),
		ev(3, parser.StatusDeferred, "Q2", "2@sender.example", alice, "c@example.org", 0, "4.4.1", to, classify.NetworkError),
		ev(4, parser.StatusDeferred, "Q3", "3@sender.example", alice, "d@example.net", 0, "4.4.1", "connect to mx.example.net[2001:db8::25]:25: Connection timed out", classify.NetworkError),
		ev(5, parser.StatusRejected, "", "", "spam@bad.example", "r1@example.com", 554, "5.7.1", rbl("203.0.113.9"), classify.Blocked),
		ev(6, parser.StatusRejected, "", "", "spam@bad.example", "r2@example.com", 554, "5.7.1", rbl("203.0.113.10"), classify.Blocked),
		ev(7, parser.StatusRejected, "", "", "x@else.example", "nobody@example.com", 550, "5.1.1", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table", classify.UserUnknown),
		ev(8, parser.StatusWarning, "", "", "", "", 0, "", "hostname unknown.example does not resolve to address 203.0.113.9", classify.Undefined),
		ev(9, parser.StatusWarning, "", "", "", "", 0, "", "hostname unknown.example does not resolve to address 203.0.113.10", classify.Undefined),
		ev(10, parser.StatusWarning, "", "", "", "", 0, "", "database /etc/postfix/virtual.db is older than source file /etc/postfix/virtual", classify.Undefined),
		ev(30, parser.StatusDeferred, "Q1", "1@sender.example", news, "a@example.com", 452, "4.2.2", "host mx.example.com[192.0.2.6] said: 452 4.2.2 <a@example.com>: Mailbox full", classify.MailboxFull),
		ev(60, parser.StatusSent, "Q1", "1@sender.example", news, "a@example.com", 250, "2.0.0", "250 2.0.0 Ok: queued as 4Xy2", classify.Delivered),
		ev(61, parser.StatusDeferred, "", "m1@sender.example", news, "e@example.com", 0, "4.2.2", "mailbox full", classify.MailboxFull),
		ev(62, parser.StatusSent, "", "m2@sender.example", news, "f@example.com", 0, "2.0.0", "relayed", classify.Delivered),
		ev(63, parser.StatusUnknown, "", "", "", "g@example.com", 0, "", "", classify.Undefined),
		ev(64, parser.StatusComplained, "", "1@sender.example", news, "h@example.com", 0, "", "", classify.Feedback),
		ev(65, parser.StatusAutoReplied, "", "1@sender.example", news, "i@example.com", 0, "", "I am away", classify.Vacation),
		ev(120, parser.StatusBounced, "", "m1@sender.example", news, "e@example.com", 552, "5.2.2", "mailbox full", classify.MailboxFull),
		ev(121, parser.StatusBounced, "", "m2@sender.example", news, "f@example.com", 550, "5.1.1", "no such user", classify.UserUnknown),
		ev(300, parser.StatusExpired, "Q2", "2@sender.example", alice, "c@example.org", 0, "4.4.1", to, classify.NetworkError),
		ev(24*60+30, parser.StatusSent, "Q1", "9@sender.example", news, "a@example.com", 250, "2.0.0", "250 2.0.0 Ok: queued as 7Ab1", classify.Delivered),
	}
	recs[9].Family, recs[10].Family, recs[11].Family = "postfix/smtpd", "postfix/smtpd", "postfix/trivial-rewrite"
	recs[6].RemoteMTA, recs[7].RemoteMTA, recs[8].RemoteMTA = "203.0.113.9", "203.0.113.10", "mail.else.example"
	return recs
}

// storeOf ingests recs into a store in a temporary directory.
func storeOf(t testing.TB, recs []store.Record) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Ingest(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return db
}

// foldTraffic returns the Traffic of every event in db, fed as the report command
// feeds it.
func foldTraffic(t testing.TB, db *store.DB, opts Options) *Traffic {
	t.Helper()
	tr := NewTraffic(opts)
	err := db.Events(context.Background(), store.Filter{}, func(r store.Record) error {
		tr.Add(r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// tableByID returns the table with the given ID.
func tableByID(t *testing.T, tables []Table, id string) Table {
	t.Helper()
	for _, tb := range tables {
		if tb.ID == id {
			return tb
		}
	}
	t.Fatalf("no section %s", id)
	return Table{}
}

func TestTrafficTotalsReconcile(t *testing.T) {
	tr := foldTraffic(t, storeOf(t, trafficRecords()), Options{})
	got := tr.Totals()
	want := Totals{
		Received: 2, Sends: 8, Delivered: 2, Bounced: 3, Expired: 1, DeferredFinal: 1, OtherFinal: 1,
		Deferrals: 5, DeferredSends: 4, Rejected: 3, Complained: 1, AutoReplied: 1, Warnings: 3,
		// a b c d e f g h i r1 r2 nobody; example.com .org .net; news alice (not the rejects' senders)
		Recipients: 12, Domains: 3, Senders: 2,
		FailuresByReason: map[classify.Reason]uint64{
			classify.MailboxFull: 4, classify.UserUnknown: 3, classify.NetworkError: 3, classify.Blocked: 2,
		},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Totals:\n got %+v\nwant %+v", got, want)
	}
	if !got.Reconciles() {
		t.Errorf("totals do not reconcile: %+v", got)
	}
	if rate, n, d := got.BounceRate(); n != 4 || d != 6 || fmt1(rate) != "66.7" {
		t.Errorf("BounceRate = %v, %d, %d; want 66.7 (4 of 6)", rate, n, d)
	}
	if rate, n, d := got.DeferRate(); n != 4 || d != 8 || rate != 50 {
		t.Errorf("DeferRate = %v, %d, %d; want 50 (4 of 8)", rate, n, d)
	}
	totals := tableByID(t, tr.Tables(), "totals")
	for _, c := range []struct{ item, col, want string }{
		{"sends", "COUNT", "8"}, {"delivered", "%", "25.0"}, {"deferred-final", "COUNT", "1"},
		{"deferred", "%", ""}, {"bounce-rate", "%", "66.7"}, {"defer-rate", "COUNT", "4"},
	} {
		if got := cell(t, totals, c.item, c.col); got != c.want {
			t.Errorf("totals %s %s = %q, want %q", c.item, c.col, got, c.want)
		}
	}
	if want := "sends 8 = delivered 2 + bounced 3 + expired 1 + deferred-final 1 + other-final 1"; totals.Note != want {
		t.Errorf("totals note %q, want %q", totals.Note, want)
	}
}

func TestTrafficSections(t *testing.T) {
	tables := foldTraffic(t, storeOf(t, trafficRecords()), Options{}).Tables()
	var ids []string
	for _, tb := range tables {
		ids = append(ids, tb.ID)
		if len(tb.Rows) == 0 {
			t.Errorf("section %s has no rows", tb.ID)
		}
		for _, r := range tb.Rows {
			if len(r) != len(tb.Columns) {
				t.Errorf("%s row %v has %d cells for %d columns", tb.ID, r, len(r), len(tb.Columns))
			}
		}
	}
	if !slices.Equal(ids, TrafficSections) {
		t.Errorf("Tables IDs %v, want TrafficSections %v", ids, TrafficSections)
	}

	hours := tableByID(t, tables, "by_hour")
	if len(hours.Rows) != 24 {
		t.Fatalf("by_hour has %d rows, want 24", len(hours.Rows))
	}
	for _, c := range []struct{ hour, col, want string }{
		{"09", "RECEIVED", "2"}, {"09", "DEFERRED", "4"}, {"09", "REJECTED", "3"}, {"09", "BOUNCED", "1"},
		{"09", "DELIVERED", "1"}, {"10", "DELIVERED", "2"}, {"10", "DEFERRED", "1"}, {"11", "BOUNCED", "2"}, {"14", "EXPIRED", "1"},
		{"00", "DELIVERED", "0"},
	} {
		if got := cell(t, hours, c.hour, c.col); got != c.want {
			t.Errorf("by_hour %s %s = %s, want %s", c.hour, c.col, got, c.want)
		}
	}
	days := tableByID(t, tables, "traffic_by_day")
	if len(days.Rows) != 2 || cell(t, days, "2026-11-22", "DELIVERED") != "2" || cell(t, days, "2026-11-23", "DELIVERED") != "1" {
		t.Errorf("traffic_by_day rows %v", days.Rows)
	}

	byDefer := tableByID(t, tables, "domains_by_deferrals")
	if byDefer.Rows[0][0] != "example.com" || cell(t, byDefer, "example.com", "DEFERRALS") != "3" ||
		cell(t, byDefer, "example.com", "DEFERRED SENDS") != "2" || cell(t, byDefer, "example.net", "DEFERRALS") != "1" {
		t.Errorf("domains_by_deferrals rows %v", byDefer.Rows)
	}
	byBounce := tableByID(t, tables, "domains_by_bounces")
	// example.com: E and F bounced; A, A' and F's relay sent: 2 failed of
	// 5 final events, ByDomain's definition.
	if byBounce.Rows[0][0] != "example.com" || cell(t, byBounce, "example.com", "BOUNCE RATE %") != "40.0" ||
		cell(t, byBounce, "example.org", "BOUNCE RATE %") != "100.0" || cell(t, byBounce, "example.org", "SENDS") != "2" {
		t.Errorf("domains_by_bounces rows %v", byBounce.Rows)
	}
	if slices.ContainsFunc(byBounce.Rows, func(r []string) bool { return r[0] == "example.net" }) {
		t.Errorf("domains_by_bounces lists example.net, which has no bounce: %v", byBounce.Rows)
	}

	defer_ := tableByID(t, tables, "deferrals")
	wantDefer := [][]string{
		{"example.com", "3", "2", "mailboxfull", "host mx.example.com[IP] said: 452 4.2.2 <ADDR>: Mailbox full", "2"},
		{"example.com", "3", "2", "mailboxfull", "mailbox full", "1"},
		{"example.net", "1", "1", "networkerror", "connect to mx.example.net[IP]:N: Connection timed out", "1"},
		{"example.org", "1", "1", "networkerror", "connect to N.example.org[IP]:N: Connection timed out", "1"},
	}
	if fmt.Sprint(defer_.Rows) != fmt.Sprint(wantDefer) {
		t.Errorf("deferrals rows\n got %q\nwant %q", defer_.Rows, wantDefer)
	}

	rejects := tableByID(t, tables, "rejects")
	wantRejects := [][]string{
		{"blocked", "554", "5.7.1", "554 5.7.1 Service unavailable; Client host [IP] blocked using zen.example.org", "2", "2"},
		{"userunknown", "550", "5.1.1", "550 5.1.1 <ADDR>: Recipient address rejected: User unknown in virtual mailbox table", "1", "1"},
	}
	if fmt.Sprint(rejects.Rows) != fmt.Sprint(wantRejects) {
		t.Errorf("rejects rows\n got %q\nwant %q", rejects.Rows, wantRejects)
	}

	senders := tableByID(t, tables, "senders")
	// news: sends A B E F A' (5); bounced B E F, complaint h: 4 failures.
	wantSenders := [][]string{
		{"news@sender.example", "1", "5", "3", "0", "1", "4", "80.0", "3"},
		{"alice@sender.example", "1", "2", "0", "1", "0", "1", "50.0", "2"},
	}
	if fmt.Sprint(senders.Rows) != fmt.Sprint(wantSenders) {
		t.Errorf("senders rows\n got %q\nwant %q", senders.Rows, wantSenders)
	}

	warnings := tableByID(t, tables, "warnings")
	wantWarnings := [][]string{
		{"postfix/smtpd", "hostname unknown.example does not resolve to address IP", "2", "2026-11-22T09:08:00Z", "2026-11-22T09:09:00Z"},
		{"postfix/trivial-rewrite", "database /etc/postfix/virtual.db is older than source file /etc/postfix/virtual", "1", "2026-11-22T09:10:00Z", "2026-11-22T09:10:00Z"},
	}
	if fmt.Sprint(warnings.Rows) != fmt.Sprint(wantWarnings) {
		t.Errorf("warnings rows\n got %q\nwant %q", warnings.Rows, wantWarnings)
	}
}

func TestTrafficTop(t *testing.T) {
	tables := foldTraffic(t, storeOf(t, trafficRecords()), Options{Top: 1}).Tables()
	for id, note := range map[string]string{
		"domains_by_deferrals": "(2 more domains; use --top 0 for all)",
		"rejects":              "(1 more reject texts; use --top 0 for all)",
		"senders":              "(1 more senders; use --top 0 for all)",
		"warnings":             "(1 more warnings; use --top 0 for all)",
		"deferrals":            "(2 more domains; use --top 0 for all)",
	} {
		tb := tableByID(t, tables, id)
		if tb.Note != note {
			t.Errorf("%s note %q, want %q", id, tb.Note, note)
		}
	}
	if rows := tableByID(t, tables, "deferrals").Rows; len(rows) != 2 || rows[1][0] != "example.com" {
		t.Errorf("deferrals with --top 1: %v; want example.com's two texts", rows)
	}
	if rows := tableByID(t, tables, "by_hour").Rows; len(rows) != 24 {
		t.Errorf("--top bounds by_hour: %d rows", len(rows))
	}
}

// TestTrafficReconcilesRandom folds random events over a few queue ids,
// Message-IDs and recipients, in time order, and checks what must hold
// whatever the order of outcomes.
func TestTrafficReconcilesRandom(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		tr := NewTraffic(Options{Top: 3})
		statuses := []parser.Status{
			parser.StatusSent, parser.StatusDeferred, parser.StatusDeferred, parser.StatusBounced,
			parser.StatusExpired, parser.StatusUnknown, parser.StatusRejected, parser.StatusComplained,
			parser.StatusReceived, parser.StatusWarning, parser.StatusAutoReplied,
		}
		var perStatus [nStatus]uint64
		for i := range 2000 {
			st := statuses[r.IntN(len(statuses))]
			perStatus[st]++
			e := ev(i, st, "", "", fmt.Sprintf("s%d@x.example", r.IntN(4)), fmt.Sprintf("u%d@d%d.example", r.IntN(5), r.IntN(3)), 0, "", fmt.Sprintf("text %d", r.IntN(9)), classify.Reasons()[r.IntN(36)])
			switch r.IntN(3) {
			case 0:
				e.QueueID = fmt.Sprintf("Q%d", r.IntN(6))
			case 1:
				e.MessageID = fmt.Sprintf("m%d", r.IntN(6))
			}
			tr.Add(e)
		}
		x := tr.Totals()
		if !x.Reconciles() {
			t.Fatalf("seed %d: no reconciliation: %+v", seed, x)
		}
		const big = 1 << 40 // an underflow shows as a huge count
		for _, n := range []uint64{x.Delivered, x.Bounced, x.Expired, x.DeferredFinal, x.OtherFinal} {
			if n > big {
				t.Fatalf("seed %d: an outcome underflowed: %+v", seed, x)
			}
		}
		if x.DeferredSends > x.Sends || x.DeferredSends > x.Deferrals || x.Deferrals != perStatus[parser.StatusDeferred] {
			t.Errorf("seed %d: deferrals %d, deferred sends %d of %d sends", seed, x.Deferrals, x.DeferredSends, x.Sends)
		}
		if x.Rejected != perStatus[parser.StatusRejected] || x.Warnings != perStatus[parser.StatusWarning] || x.Received != perStatus[parser.StatusReceived] {
			t.Errorf("seed %d: events apart miscounted: %+v vs %v", seed, x, perStatus)
		}
		tables := tr.Tables()
		if again := tr.Tables(); fmt.Sprint(again) != fmt.Sprint(tables) {
			t.Errorf("seed %d: Tables is not stable", seed)
		}
	}
}

// TestCountSectionsIgnoreReceivedAndWarnings adds received and warning
// counts to the sample: no share, rate, reason, domain or code may move.
func TestCountSectionsIgnoreReceivedAndWarnings(t *testing.T) {
	plain := Build(sampleCounts(), Options{})
	more := append(sampleCounts(),
		store.Count{Day: day1, Status: parser.StatusReceived, Reason: classify.Undefined, N: 70},
		store.Count{Day: day2, Status: parser.StatusWarning, Reason: classify.OnHold, N: 5},
		store.Count{Day: day2, Status: parser.StatusWarning, Reason: classify.Undefined, Code: 451, Enhanced: "4.3.0", N: 2},
	)
	got := Build(more, Options{})
	for i := range plain {
		if plain[i].ID == "summary" {
			if got[i].Note != "(not counted above: 70 received messages, 7 warnings; see totals)" {
				t.Errorf("summary note %q", got[i].Note)
			}
			got[i].Note = ""
		}
		if fmt.Sprint(got[i]) != fmt.Sprint(plain[i]) {
			t.Errorf("%s changed with received and warning counts:\n got %v\nwant %v", plain[i].ID, got[i], plain[i])
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"host mx1.example.org[198.51.100.7] said: 550 5.1.1 <bob@example.org>: User unknown (in reply to RCPT TO command)",
			"host N.example.org[IP] said: 550 5.1.1 <ADDR>: User unknown (in reply to RCPT TO command)"},
		{"connect to mx.example.net[2001:db8::25]:25: Connection timed out", "connect to mx.example.net[IP]:N: Connection timed out"},
		{"421-4.7.28 [203.0.113.9  15] Our system has detected\n421-4.7.28 an unusual rate",
			"421-4.7.28 [IP N] Our system has detected 421-4.7.28 an unusual rate"},
		{"250 2.0.0 Ok: queued as 4F2A81C0D2", "250 2.0.0 Ok: queued as N"},
		{"https://support.example/mail/answer/81126 a640c23a62f3a-7f9f7b1d0b5si1.123 - gsmtp", "https://support.example/mail/answer/N N-N.N - gsmtp"},
		{"Client host [IPv6:2001:db8::1] blocked", "Client host [IP] blocked"},
		{"quota 1048576 exceeded; 99.5% used", "quota N exceeded; N.N% used"},
		{"  leading\tand   trailing  ", "leading and trailing"},
		{"", ""},
		{"said:", "said:"},
		{"version 600 of 4.70.1234", "version N of N.N.N"}, // a 6xx is no reply code, 4.70.1234 no enhanced code
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
	long := Mask(strings.Repeat("é word ", 100))
	if len(long) > maxMasked+3 || !strings.HasSuffix(long, "...") || !utf8Valid(long) {
		t.Errorf("long text masked to %d bytes: %q", len(long), long)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func FuzzMask(f *testing.F) {
	for _, r := range trafficRecords() {
		f.Add(r.Text)
	}
	f.Add("421-4.7.0 [IPv6:2001:db8::1]:25 <a@b> 1.2.3.4. ::1 ..:: 5.1.1.")
	f.Fuzz(func(t *testing.T, s string) {
		m := Mask(s)
		if len(m) > maxMasked+3 {
			t.Fatalf("Mask gave %d bytes", len(m))
		}
		if len(m) < maxMasked && Mask(m) != m {
			t.Fatalf("Mask is not idempotent: %q -> %q -> %q", s, m, Mask(m))
		}
	})
}

// TestTrafficGolden writes the whole default report of the hand-built
// traffic (count sections from the same store) in every format.
func TestTrafficGolden(t *testing.T) {
	db := storeOf(t, trafficRecords())
	counts, err := db.Counts(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Top: 2}
	all := append(Build(counts, opts), foldTraffic(t, db, opts).Tables()...)
	tables, err := Select(all, DefaultSections)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			f, _ := ByName(name)
			var buf bytes.Buffer
			if err := f.Write(&buf, tables); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "traffic."+name+".golden"), buf.Bytes())
			// The same store gives the same bytes.
			var again bytes.Buffer
			all2 := append(Build(counts, opts), foldTraffic(t, db, opts).Tables()...)
			tables2, _ := Select(all2, DefaultSections)
			f.Write(&again, tables2)
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("a second fold of the same store writes other bytes")
			}
		})
	}
}

// TestJSONShapeIsDocumented checks that doc.go lists every section and
// every column key, so the documented JSON shape cannot drift.
func TestJSONShapeIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	db := storeOf(t, trafficRecords())
	counts, _ := db.Counts(context.Background(), store.Filter{})
	all := append(Build(counts, Options{}), foldTraffic(t, db, Options{}).Tables()...)
	lines := map[string]string{}
	for _, l := range strings.Split(string(doc), "\n") {
		f := strings.Fields(strings.TrimPrefix(l, "//"))
		if len(f) > 1 {
			lines[f[0]] = strings.Join(f[1:], " ")
		}
	}
	for _, tb := range all {
		var keys []string
		for _, c := range tb.Columns {
			k := c.key()
			if c.Numeric {
				k += "#"
			}
			keys = append(keys, k)
		}
		want := strings.Join(keys, ", ")
		got := lines[tb.ID]
		if got == "(the columns of domains_by_deferrals)" {
			got = lines["domains_by_deferrals"]
		}
		if got != want {
			t.Errorf("doc.go documents %s as %q; its columns are %q", tb.ID, got, want)
		}
	}
	var items []string
	for _, r := range tableByID(t, all, "totals").Rows {
		items = append(items, r[0])
	}
	flat := strings.Join(strings.Fields(strings.ReplaceAll(string(doc), "//", "")), " ")
	if !strings.Contains(flat, "by item: "+strings.Join(items, ", ")+".") {
		t.Errorf("doc.go does not list the totals items in order: %s", strings.Join(items, ", "))
	}
	// And the JSON parses with those keys, numbers as numbers.
	var buf bytes.Buffer
	jsonFormat{}.Write(&buf, all)
	var got map[string][]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if n, ok := got["totals"][1]["count"].(float64); !ok || n != 8 {
		t.Errorf("totals[1].count = %#v, want the number 8", got["totals"][1]["count"])
	}
	if got["totals"][0]["pct"] != nil {
		t.Errorf("totals received pct = %#v, want null", got["totals"][0]["pct"])
	}
}

// BenchmarkTrafficAdd folds log-like traffic: 8 in 10 events delivered,
// 1 deferred, the rest bounced, expired or rejected, over 20000
// recipients, 500 domains and 300 senders. It reports ns per event.
func BenchmarkTrafficAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	recs := make([]store.Record, 100_000)
	for i := range recs {
		u := r.IntN(20000)
		rcpt := fmt.Sprintf("user%d@d%d.example", u, u%500)
		sender := fmt.Sprintf("s%d@sender.example", r.IntN(300))
		qid := fmt.Sprintf("%X", r.Uint32())
		switch k := r.IntN(10); {
		case k < 8:
			recs[i] = ev(i, parser.StatusSent, qid, "", sender, rcpt, 250, "2.0.0", "250 2.0.0 Ok: queued as "+qid, classify.Delivered)
		case k == 8:
			recs[i] = ev(i, parser.StatusDeferred, qid, "", sender, rcpt, 0, "4.4.1", "connect to mx.d.example[198.51.100.7]:25: Connection timed out", classify.NetworkError)
		default:
			st := []parser.Status{parser.StatusBounced, parser.StatusExpired, parser.StatusRejected}[r.IntN(3)]
			recs[i] = ev(i, st, qid, "", sender, rcpt, 550, "5.1.1", "host mx.d.example[198.51.100.7] said: 550 5.1.1 <"+rcpt+">: User unknown", classify.UserUnknown)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		tr := NewTraffic(Options{Top: 10})
		for _, rec := range recs {
			tr.Add(rec)
		}
		tr.Tables()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
}
