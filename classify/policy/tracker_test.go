package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// t0 is day 0 of every history below.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// on returns t0 plus d days (fractions allowed).
func on(d float64) time.Time { return t0.Add(time.Duration(d * float64(24*time.Hour))) }

// The outcome builders: each is a final outcome of a send of its own
// (Send "s<day>") unless a test sets Send.
func out(d float64, st parser.Status, reason classify.Reason, class classify.Class, code int, enh, by string) Outcome {
	return Outcome{Time: on(d), Status: st, Reason: reason, Class: class, Code: code, Enhanced: enh,
		MatchedBy: by, Text: fmt.Sprintf("%d %s %s", code, enh, reason), Send: fmt.Sprintf("s%g", d)}
}

func sent(d float64) Outcome {
	return out(d, parser.StatusSent, classify.Delivered, classify.None, 250, "2.0.0", "status")
}
func hard(d float64) Outcome {
	return out(d, parser.StatusBounced, classify.UserUnknown, classify.Hard, 550, "5.1.1", "text")
}
func weak(d float64) Outcome {
	return out(d, parser.StatusBounced, classify.UserUnknown, classify.Hard, 550, "", "reply")
}
func bounce(d float64, r classify.Reason) Outcome {
	return out(d, parser.StatusBounced, r, classify.Soft, 550, "5.2.0", "text")
}
func expired(d float64, r classify.Reason) Outcome {
	return out(d, parser.StatusExpired, r, classify.Soft, 0, "4.4.7", "status")
}
func deferred(d float64, r classify.Reason) Outcome {
	return out(d, parser.StatusDeferred, r, classify.Soft, 452, "4.2.2", "text")
}
func complaint(d float64) Outcome {
	return out(d, parser.StatusComplained, classify.Feedback, classify.None, 0, "", "status")
}
func vacation(d float64) Outcome {
	return out(d, parser.StatusAutoReplied, classify.Vacation, classify.None, 0, "", "status")
}
func moved551(d float64, to string) Outcome {
	o := out(d, parser.StatusBounced, classify.HasMoved, classify.Hard, 551, "5.1.6", "structural")
	o.Forward = to
	return o
}
func fwd251(d float64, to string) Outcome {
	o := out(d, parser.StatusSent, classify.Forwarded, classify.None, 251, "2.1.5", "status")
	o.Forward = to
	return o
}

func with(o Outcome, f func(*Outcome)) Outcome { f(&o); return o }

func TestVerdict(t *testing.T) {
	lenient := Default()
	lenient.Hard.Limit = 2
	suspendOff := Default()
	suspendOff.Suspend.Limit = 0
	flat := Default() // "5 soft bounces within 30 days"
	flat.Soft = Rule{Limit: 5, Window: 30 * day}

	tests := []struct {
		name   string
		policy *Policy // nil: Default
		events []Outcome
		state  State
		action classify.Action
		why    string // a substring of Why
	}{
		// Deliveries and nothing else.
		{"delivered", nil, []Outcome{sent(0), sent(1)}, Active, classify.ActionNone, "delivered on 2026-03-02"},
		{"nothing final", nil, []Outcome{deferred(0, classify.NetworkError)}, Active, classify.ActionNone, "deferred, no final outcome yet"},

		// Hard bounces, high confidence: one is enough.
		{"hard", nil, []Outcome{sent(0), hard(1)}, Dead, classify.ActionSuppress, "hard bounce: userunknown 550 5.1.1 on 2026-03-02"},
		{"hard by enhanced code alone", nil, []Outcome{out(0, parser.StatusBounced, classify.HostUnknown, classify.Hard, 550, "5.1.2", "enhanced")},
			Dead, classify.ActionSuppress, "hostunknown"},
		{"hard by provider table", nil, []Outcome{out(0, parser.StatusBounced, classify.UserUnknown, classify.Hard, 550, "5.0.0", "provider")},
			Dead, classify.ActionSuppress, "hard bounce"},
		{"hasmoved without a new address", nil, []Outcome{out(0, parser.StatusBounced, classify.HasMoved, classify.Hard, 551, "5.1.6", "structural")},
			Dead, classify.ActionSuppress, "hasmoved"},
		{"suppressed upstream", nil, []Outcome{out(0, parser.StatusBounced, classify.Suppressed, classify.Hard, 550, "5.1.1", "structural")},
			Dead, classify.ActionSuppress, "suppressed"},
		{"rejected by our smtpd: not a send", nil, []Outcome{out(0, parser.StatusRejected, classify.UserUnknown, classify.Hard, 550, "5.1.1", "text")},
			Active, classify.ActionNone, ""},
		{"hard limit 2: one is not enough", &lenient, []Outcome{hard(0)}, SoftBouncing, classify.ActionInvestigate, "1 hard bounce (dead at 2)"},
		{"hard limit 2: two are", &lenient, []Outcome{hard(0), hard(3)}, Dead, classify.ActionSuppress, "2 hard bounces (userunknown) 3 days apart"},

		// A delivery resets, in order.
		{"hard then delivered", nil, []Outcome{hard(0), sent(1)}, Active, classify.ActionNone, "delivered on 2026-03-02"},
		{"delivered then hard", nil, []Outcome{sent(0), hard(1)}, Dead, classify.ActionSuppress, "hard bounce"},

		// Low confidence: two sends at least a day apart, no delivery between.
		{"weak once", nil, []Outcome{weak(0)}, SoftBouncing, classify.ActionInvestigate, "1 low-confidence hard bounce (dead at 2 spanning ≥1d)"},
		{"weak twice the same day", nil, []Outcome{weak(0), weak(0.5)}, SoftBouncing, classify.ActionInvestigate, "2 low-confidence hard bounces 12 hours apart"},
		{"weak twice a day apart", nil, []Outcome{weak(0), weak(1)}, Dead, classify.ActionSuppress, "2 low-confidence hard bounces (userunknown) 24 hours apart"},
		{"weak, delivered, weak", nil, []Outcome{weak(0), sent(1), weak(2)}, SoftBouncing, classify.ActionInvestigate, "1 low-confidence"},
		{"weak twice, one send", nil, []Outcome{weak(0), with(weak(2), func(o *Outcome) { o.Send = "s0" })},
			SoftBouncing, classify.ActionInvestigate, "1 low-confidence"},
		{"weak without send ids", nil, []Outcome{with(weak(0), func(o *Outcome) { o.Send = "" }), with(weak(2), func(o *Outcome) { o.Send = "" })},
			Dead, classify.ActionSuppress, "2 low-confidence"},

		// Suspend: 2 at least 7 days apart within 60 days.
		{"suspend once", nil, []Outcome{bounce(0, classify.Suspend)}, SoftBouncing, classify.ActionRetry, "1 suspend bounce (dead at 2 spanning ≥7d within 60d)"},
		{"suspend twice, 3 days", nil, []Outcome{bounce(0, classify.Suspend), bounce(3, classify.Suspend)}, SoftBouncing, classify.ActionRetry, "2 suspend bounces 3 days apart"},
		{"suspend twice, 9 days", nil, []Outcome{bounce(0, classify.Suspend), bounce(9, classify.Suspend)}, Dead, classify.ActionSuppress, "2 suspend bounces 9 days apart"},
		{"suspend twice, 70 days", nil, []Outcome{bounce(0, classify.Suspend), bounce(70, classify.Suspend)}, SoftBouncing, classify.ActionRetry, "1 suspend bounce ("},
		{"suspend rule off", &suspendOff, []Outcome{bounce(0, classify.Suspend), bounce(9, classify.Suspend)}, SoftBouncing, classify.ActionRetry, "2 suspend bounces 9 days apart (rule off)"},

		// Mailboxfull: 3 spanning at least 15 days within 60 days.
		{"full 3 in 10 days", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(5, classify.MailboxFull), bounce(10, classify.MailboxFull)},
			SoftBouncing, classify.ActionRetry, "3 mailboxfull bounces 10 days apart"},
		{"full 3 in 16 days", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(5, classify.MailboxFull), bounce(16, classify.MailboxFull)},
			Dead, classify.ActionSuppress, "3 mailboxfull bounces over 16 days"},
		{"full: the span counts from the oldest", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(10, classify.MailboxFull), bounce(11, classify.MailboxFull), bounce(16, classify.MailboxFull)},
			Dead, classify.ActionSuppress, "4 mailboxfull bounces over 16 days"},
		{"full beyond the window", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(50, classify.MailboxFull), bounce(65, classify.MailboxFull)},
			SoftBouncing, classify.ActionRetry, "2 mailboxfull bounces 15 days apart"},
		{"full expiries count as mailboxfull", nil, []Outcome{expired(0, classify.MailboxFull), expired(8, classify.MailboxFull), expired(16, classify.MailboxFull)},
			Dead, classify.ActionSuppress, "3 mailboxfull bounces over 16 days"},
		{"full deferrals never count", nil, []Outcome{deferred(0, classify.MailboxFull), deferred(8, classify.MailboxFull), deferred(16, classify.MailboxFull), deferred(17, classify.MailboxFull)},
			Active, classify.ActionNone, "deferred, no final outcome yet"},
		{"full, then delivered", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(8, classify.MailboxFull), sent(9), bounce(16, classify.MailboxFull)},
			SoftBouncing, classify.ActionRetry, "1 mailboxfull bounce ("},
		{"a pending failure out of its window is stale", nil, []Outcome{bounce(0, classify.MailboxFull), bounce(90, classify.Blocked)},
			Active, classify.ActionNone, "1 other failure not counted"},

		// Filtered: 3 within 90 days; investigate before.
		{"filtered twice", nil, []Outcome{bounce(0, classify.Filtered), bounce(40, classify.Filtered)}, SoftBouncing, classify.ActionInvestigate, "2 filtered bounces 40 days apart (dead at 3 within 90d)"},
		{"filtered 3 times", nil, []Outcome{bounce(0, classify.Filtered), bounce(40, classify.Filtered), bounce(80, classify.Filtered)}, Dead, classify.ActionSuppress, "3 filtered bounces over 80 days"},

		// 4xx user unknown: 3 within 30 days.
		{"4xx unknown 3 times", nil, []Outcome{
			out(0, parser.StatusBounced, classify.UserUnknown, classify.Soft, 450, "4.1.1", "text"),
			out(1, parser.StatusExpired, classify.UserUnknown, classify.Soft, 450, "4.1.1", "text"),
			out(2, parser.StatusBounced, classify.NotAccept, classify.Soft, 421, "", "reply")},
			Dead, classify.ActionSuppress, "3 4xx unknown-address bounces (notaccept) over 2 days"},

		// Generic soft: expiries with a transient cause, 5 over at least 30 days.
		{"5 expiries in 20 days", nil, []Outcome{expired(0, classify.NetworkError), expired(5, classify.NetworkError), expired(10, classify.Expired), expired(15, classify.SystemError), expired(20, classify.NetworkError)},
			SoftBouncing, classify.ActionRetry, "5 expiries 20 days apart (dead at 5 spanning ≥30d)"},
		{"5 expiries in 32 days", nil, []Outcome{expired(0, classify.NetworkError), expired(8, classify.NetworkError), expired(16, classify.Expired), expired(24, classify.SystemError), expired(32, classify.NetworkError)},
			Dead, classify.ActionInvestigate, "5 expiries over 32 days with no delivery: check the domain"},
		{"5 expiries within 30 days, flat rule", &flat, []Outcome{expired(0, classify.NetworkError), expired(5, classify.NetworkError), expired(10, classify.Expired), expired(15, classify.SystemError), expired(20, classify.NetworkError)},
			Dead, classify.ActionInvestigate, "5 expiries over 20 days"},
		{"a DSN failed with 4.4.7 is an expiry", nil, []Outcome{out(0, parser.StatusBounced, classify.Expired, classify.Soft, 0, "4.4.7", "enhanced")},
			SoftBouncing, classify.ActionRetry, "1 expiry"},
		{"expiries after a block never count", nil, []Outcome{expired(0, classify.Blocked), expired(10, classify.RateLimited), expired(20, classify.BadReputation), expired(30, classify.AuthFailure), expired(40, classify.Blocked)},
			Active, classify.ActionNone, "5 other failures not counted"},

		// Unrecognised failures: investigate after 3 within 60 days.
		{"onhold 3 times", nil, []Outcome{bounce(0, classify.OnHold), bounce(1, classify.Undefined), bounce(2, classify.OnHold)},
			SoftBouncing, classify.ActionInvestigate, "3 unrecognised bounces over 2 days: read the texts"},
		{"onhold reached, then hard", nil, []Outcome{bounce(0, classify.OnHold), bounce(1, classify.OnHold), bounce(2, classify.OnHold), hard(3)},
			Dead, classify.ActionSuppress, "hard bounce: userunknown"},
		{"soft reached, then hard", nil, []Outcome{expired(0, classify.NetworkError), expired(8, classify.NetworkError), expired(16, classify.Expired), expired(24, classify.SystemError), expired(32, classify.NetworkError), hard(33)},
			Dead, classify.ActionSuppress, "hard bounce"},
		{"hard, then soft reached: stays suppress", nil, []Outcome{hard(0), expired(1, classify.NetworkError), expired(8, classify.NetworkError), expired(16, classify.Expired), expired(24, classify.SystemError), expired(32, classify.NetworkError)},
			Dead, classify.ActionSuppress, "hard bounce: userunknown 550 5.1.1 on 2026-03-01"},

		// Sender side, content and transient failures never count.
		{"sender side", nil, []Outcome{bounce(0, classify.Blocked), bounce(1, classify.AuthFailure), bounce(2, classify.RateLimited), bounce(3, classify.Rejected), bounce(4, classify.NoRelaying)},
			Active, classify.ActionNone, "5 other failures not counted"},
		{"content", nil, []Outcome{sent(0), bounce(1, classify.SpamDetected), bounce(2, classify.VirusDetected), bounce(3, classify.EmailTooLarge)},
			Active, classify.ActionNone, "delivered on 2026-03-01; 3 other failures not counted"},
		{"transient", nil, []Outcome{bounce(0, classify.NetworkError), bounce(1, classify.Greylisted), bounce(2, classify.SystemFull)},
			Active, classify.ActionNone, "3 other failures not counted"},
		{"domain incident", nil, []Outcome{with(hard(0), func(o *Outcome) { o.Incident = true })},
			Active, classify.ActionNone, "1 other failure not counted"},

		// Complaints: suppress, never reset.
		{"complaint", nil, []Outcome{sent(0), complaint(1), sent(2)}, Complained, classify.ActionSuppress, "complaint on 2026-03-02"},
		{"complaint outranks dead", nil, []Outcome{hard(0), complaint(1)}, Complained, classify.ActionSuppress, "complaint"},

		// Moves.
		{"551 with a new address", nil, []Outcome{moved551(0, "new@example.org")}, Moved, classify.ActionUpdateAddress, "moved: the server names new@example.org (551, 2026-03-01)"},
		{"251 forward", nil, []Outcome{fwd251(0, "new@example.org")}, Moved, classify.ActionUpdateAddress, "server forwards to new@example.org (251"},
		{"251, then a plain delivery", nil, []Outcome{fwd251(0, "new@example.org"), sent(1)}, Active, classify.ActionNone, "delivered"},
		{"moved outranks dead", nil, []Outcome{moved551(0, "new@example.org"), hard(1)}, Moved, classify.ActionUpdateAddress, "new@example.org"},

		// Auto-replies: only when nothing else applies.
		{"auto-reply", nil, []Outcome{sent(0), vacation(0.1)}, AutoReply, classify.ActionNone, "auto-reply on 2026-03-01"},
		{"auto-reply, deliveries within the window", nil, []Outcome{sent(0), vacation(0.1), sent(10)}, AutoReply, classify.ActionNone, "auto-reply"},
		{"auto-reply long ago", nil, []Outcome{sent(0), vacation(0.1), sent(20)}, Active, classify.ActionNone, "delivered on 2026-03-21"},
		{"auto-reply and soft-bouncing", nil, []Outcome{vacation(0), bounce(1, classify.MailboxFull)}, SoftBouncing, classify.ActionRetry, "mailboxfull"},
		{"auto-reply and dead", nil, []Outcome{vacation(0), hard(1)}, Dead, classify.ActionSuppress, "hard bounce"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker(tt.policy, 0)
			for _, o := range tt.events {
				tr.Add(o)
			}
			v := tr.Verdict()
			if v.State != tt.state || v.Action != tt.action || !strings.Contains(v.Why, tt.why) {
				t.Errorf("verdict = %v, %v, %q\nwant %v, %v, ...%q...", v.State, v.Action, v.Why, tt.state, tt.action, tt.why)
			}
			// The verdict depends on the history alone: the same events
			// folded again give the same verdict.
			again := NewTracker(tt.policy, 0)
			for _, o := range tt.events {
				again.Add(o)
			}
			if w := again.Verdict(); w.State != v.State || w.Why != v.Why || w.Action != v.Action {
				t.Errorf("not deterministic: %+v then %+v", v, w)
			}
		})
	}
}

func TestVerdictCounts(t *testing.T) {
	tr := NewTracker(nil, 2)
	events := []Outcome{
		sent(0),
		deferred(1, classify.MailboxFull), deferred(1.1, classify.MailboxFull),
		bounce(1.2, classify.MailboxFull),
		bounce(2, classify.Blocked),
		with(weak(3), func(o *Outcome) { o.Text = "550 mailbox unavailable" }),
		with(weak(3.1), func(o *Outcome) { o.Send = "s3" }), // the same send again
		vacation(3.2),
		bounce(4, classify.SpamDetected),
	}
	for _, o := range events {
		tr.Add(o)
	}
	v := tr.Verdict()
	want := Verdict{
		State: SoftBouncing, Action: classify.ActionInvestigate,
		LastStatus: parser.StatusAutoReplied, LastReason: classify.Vacation,
		FirstSeen: on(0), LastSeen: on(4), FirstBounce: on(1.2), LastBounce: on(3), LastDelivered: on(0),
		Events: 9, Delivered: 1, Deferrals: 2, Hard: 1, Soft: 1, NotCounted: 2, AutoReplies: 1,
	}
	got := v
	got.Why, got.ByGroup, got.Evidence = "", nil, nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("verdict\n got %+v\nwant %+v", got, want)
	}
	if v.ByGroup[GroupMailboxFull] != 1 || v.ByGroup[GroupWeakHard] != 1 || len(v.ByGroup) != 2 {
		t.Errorf("ByGroup = %v", v.ByGroup)
	}
	if v.Why != "1 mailboxfull bounce (dead at 3 spanning ≥15d within 60d); 1 low-confidence hard bounce (dead at 2 spanning ≥1d)" {
		t.Errorf("Why = %q", v.Why)
	}
	// Two evidence events kept: the newest counted ones, oldest first.
	if len(v.Evidence) != 2 || v.Evidence[0].Reason != classify.MailboxFull || v.Evidence[1].Text != "550 mailbox unavailable" {
		t.Errorf("Evidence = %+v", v.Evidence)
	}
	// A delivery clears the evidence and the counters, not the totals; the
	// auto-reply of two days before is what is left.
	tr.Add(sent(5))
	v = tr.Verdict()
	if v.State != AutoReply || len(v.Evidence) != 0 || v.Hard != 1 || v.Soft != 1 || v.LastStatus != parser.StatusSent {
		t.Errorf("after a delivery: %+v", v)
	}
}

// TestLastEvent: the Last fields come from the last event that bears on the
// address, not from a sender-side failure or a deferral after it.
func TestLastEvent(t *testing.T) {
	tr := NewTracker(nil, 0)
	tr.Add(deferred(0, classify.Greylisted))
	if v := tr.Verdict(); v.LastReason != classify.Greylisted {
		t.Errorf("only a deferral: last reason %v", v.LastReason)
	}
	tr.Add(hard(1))
	tr.Add(bounce(2, classify.Blocked))
	tr.Add(deferred(3, classify.NetworkError))
	v := tr.Verdict()
	if v.LastReason != classify.UserUnknown || v.LastCode != 550 || v.LastEnhanced != "5.1.1" || !v.LastSeen.Equal(on(3)) {
		t.Errorf("last = %v %d %s seen %v", v.LastReason, v.LastCode, v.LastEnhanced, v.LastSeen)
	}
}

func TestEffects(t *testing.T) {
	tr := NewTracker(nil, 0)
	for _, c := range []struct {
		o       Outcome
		counted bool
		note    string
	}{
		{deferred(0, classify.MailboxFull), false, "deferral: only a send's final outcome counts"},
		{bounce(0.5, classify.Blocked), false, "sender side (blocked): not held against the address"},
		{bounce(0.6, classify.SpamDetected), false, "content (spamdetected)"},
		{bounce(0.7, classify.NetworkError), false, "transient (networkerror)"},
		{with(hard(0.8), func(o *Outcome) { o.Incident = true }), false, "domain incident"},
		{bounce(1, classify.Suspend), true, "suspend bounce 1 of 2"},
		{with(bounce(1.5, classify.Suspend), func(o *Outcome) { o.Send = "s1" }), false, "same send as a failure already counted"},
		{bounce(9, classify.Suspend), true, "suspend bounce 2 of 2: dead, suppress"},
		{hard(10), true, "hard bounce, already dead"},
		{sent(11), false, "delivered: resets 2 counted failures"},
		{fwd251(12, "n@example.org"), false, "forwards to n@example.org"},
		{vacation(13), false, "auto-reply"},
		{complaint(14), false, "complaint"},
		{Outcome{Time: on(15), Status: parser.StatusUnknown}, false, "not a delivery outcome"},
	} {
		e := tr.Add(c.o)
		if e.Counted != c.counted || !strings.Contains(e.Note, c.note) {
			t.Errorf("Add(%v %v) = %+v, want counted %v, note ...%q...", c.o.Status, c.o.Reason, e, c.counted, c.note)
		}
	}
}

// TestManyFailures: a recipient failing on every send for months keeps a
// bounded history and still reaches the rule.
func TestManyFailures(t *testing.T) {
	tr := NewTracker(nil, MaxEvidence)
	for i := 0; i < 2000; i++ {
		tr.Add(bounce(float64(i)/200, classify.MailboxFull)) // 200 a day for 10 days
	}
	if n := len(tr.x.marks); n > maxMarks {
		t.Errorf("%d marks kept", n)
	}
	if v := tr.Verdict(); v.State != SoftBouncing || v.Soft != 2000 {
		t.Errorf("after 10 days: %v %d", v.State, v.Soft)
	}
	tr.Add(bounce(16, classify.MailboxFull))
	if v := tr.Verdict(); v.State != Dead || !strings.Contains(v.Why, "over 16 days") {
		t.Errorf("after 16 days: %v %q", v.State, v.Why)
	}
}

func TestHighConfidence(t *testing.T) {
	for _, c := range []struct {
		by, enh string
		want    bool
	}{
		{"reply", "5.1.1", true}, {"reply", "5.1.10", true}, {"fallback", "5.4.4", true},
		{"text", "", true}, {"provider", "5.0.0", true}, {"structural", "", true},
		{"text-generic", "", false}, {"reply", "", false}, {"enhanced", "5.1.0", false}, {"", "", false},
	} {
		if got := HighConfidence(c.by, c.enh); got != c.want {
			t.Errorf("HighConfidence(%q, %q) = %v", c.by, c.enh, got)
		}
	}
}

func TestIncident(t *testing.T) {
	p := Default()
	for _, c := range []struct {
		failed, total uint64
		want          bool
	}{
		{20, 99, true}, {20, 100, false}, {19, 50, false}, {200, 1000, false}, {201, 1000, true}, {0, 0, false},
	} {
		if got := p.Incident(c.failed, c.total); got != c.want {
			t.Errorf("Incident(%d, %d) = %v", c.failed, c.total, got)
		}
	}
	p.IncidentShare = 0
	if p.Incident(100, 100) {
		t.Error("incident-share 0 does not turn the guard off")
	}
}

func TestStates(t *testing.T) {
	for _, s := range States() {
		got, ok := ParseState(strings.ToUpper(s.String()))
		if !ok || got != s {
			t.Errorf("ParseState(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := ParseState("zombie"); ok {
		t.Error("ParseState accepts zombie")
	}
}
