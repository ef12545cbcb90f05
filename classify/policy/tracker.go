package policy

import (
	"fmt"
	"hash/fnv"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// Outcome is one classified event of a recipient: what a Tracker needs of
// a store record.
type Outcome struct {
	Time      time.Time
	Status    parser.Status
	Reason    classify.Reason
	Class     classify.Class
	Code      int    // reply code (the event's, else the classifier's)
	Enhanced  string // enhanced code (likewise)
	MatchedBy string // classify.Result.MatchedBy: how sure the classifier was (HighConfidence)
	Forward   string // new address a 251/551 reply named
	Text      string // diagnostic text, kept as evidence
	// Send identifies the send the event is about: the Message-ID, else the
	// queue id. Failures with the Send of a failure already counted (a log
	// line and the bounce message about it) count once. "" makes every
	// failure a send of its own.
	Send string
	// Incident is the caller's domain incident guard (Policy.Incident):
	// true for a failure that many recipients of its domain had the same
	// day. It does not count.
	Incident bool
}

// Effect is what Add did with one Outcome, for showing a history.
type Effect struct {
	Counted bool   // counted against the recipient (a 551 move counts, in no group)
	Group   Group  // the group it counted in; GroupNone if not counted
	Note    string // why, for people: "suspend bounce 1 of 2", "sender side (blocked): not held against the address"
}

// MaxEvidence is the most evidence events a Verdict carries.
const MaxEvidence = 3

// maxMarks bounds the counted failures a Tracker keeps per group (see mark).
const maxMarks = 2 * maxLimit

// Tracker folds one recipient's outcomes, oldest first, into a Verdict.
// It is small: an address that only ever took mail costs about a hundred
// bytes; failures allocate the rest. The zero Tracker is not usable: call
// NewTracker.
type Tracker struct {
	p *Policy

	first, last, lastDelivered, lastAutoReply int64 // Unix seconds; 0: none

	events, delivered, deferrals, autoReplies, notCounted uint32

	lastCode     int32
	lastStatus   parser.Status
	lastReason   classify.Reason
	lastBears    bool  // Last* come from an event that bears on the address
	evidenceCap  uint8 // evidence events to keep
	lastEnhanced string

	x *failures // nil until a failure, complaint or forward is seen
}

// failures is the part of a Tracker only addresses with trouble need.
type failures struct {
	hard, soft, complaints  uint32
	byGroup                 [numGroups]uint32
	firstBounce, lastBounce int64
	complainedAt            int64
	forward                 string
	forwardAt               int64
	forwardCode             int
	marks                   []mark    // counted failures since the last reset, oldest first
	sends                   [4]uint64 // hashes of the last counted sends, newest first
	nsends                  uint8
	reached                 Group  // the most severe group whose rule was reached since the last reset
	why                     string // why it was reached
	evidence                []Evidence
	reachedAt               int64
}

// mark is one counted failure.
type mark struct {
	at int64
	g  Group
}

// Evidence is an event that made the state what it is.
type Evidence struct {
	Time     time.Time
	Status   parser.Status
	Code     int
	Enhanced string
	Reason   classify.Reason
	Text     string
}

var defaultPolicy = Default()

// NewTracker returns a Tracker that judges by p (Default if nil; p must
// not change while the Tracker is in use) and keeps up to evidence events
// (at most MaxEvidence) as evidence for its Verdict.
func NewTracker(p *Policy, evidence int) Tracker {
	if p == nil {
		p = &defaultPolicy
	}
	return Tracker{p: p, evidenceCap: uint8(min(max(evidence, 0), MaxEvidence))}
}

// stamp returns t in Unix seconds, 0 for the zero time.
func stamp(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func unstamp(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// Add folds o into the history. Outcomes must come oldest first (the order
// of store.DB.Events and History); Effect says what o did.
func (t *Tracker) Add(o Outcome) Effect {
	at := stamp(o.Time)
	if at != 0 && (t.first == 0 || at < t.first) {
		t.first = at
	}
	if at > t.last {
		t.last = at
	}
	t.events++
	switch {
	case o.Status == parser.StatusComplained || o.Reason == classify.Feedback:
		x := t.fail()
		x.complaints++
		x.complainedAt = at
		t.touch(&o, true)
		t.addEvidence(&o)
		return Effect{Note: "complaint: the recipient reported our mail; suppress, whatever comes later"}
	case o.Status == parser.StatusAutoReplied || o.Reason == classify.Vacation:
		t.autoReplies++
		t.lastAutoReply = at
		t.touch(&o, true)
		return Effect{Note: "auto-reply: the address exists; never a failure"}
	case o.Status == parser.StatusSent:
		return t.addDelivery(&o, at)
	case o.Status == parser.StatusDeferred:
		t.deferrals++
		t.touch(&o, false)
		return Effect{Note: "deferral: only a send's final outcome counts"}
	case o.Status == parser.StatusBounced || o.Status == parser.StatusExpired:
		return t.addFailure(&o, at)
	case o.Status == parser.StatusRejected:
		// Our own smtpd refused the recipient before queueing: mostly
		// inbound mail to unknown local users or relay attempts, not a
		// send of ours. It never counts against the address.
		t.notCounted++
		t.touch(&o, false)
		return Effect{Note: "rejected by our own server before queueing: not a send, not held against the address"}
	}
	t.touch(&o, false)
	return Effect{Note: "not a delivery outcome"}
}

func (t *Tracker) addDelivery(o *Outcome, at int64) Effect {
	t.delivered++
	t.lastDelivered = at
	t.touch(o, true)
	note := "delivered"
	if x := t.x; x != nil {
		if n := len(x.marks); n > 0 {
			note = fmt.Sprintf("delivered: resets %d counted %s", n, plural(n, "failure"))
		}
		x.marks = x.marks[:0]
		x.reached, x.why, x.reachedAt = GroupNone, "", 0
		x.nsends = 0
		x.evidence = x.evidence[:0]
		x.forward, x.forwardAt, x.forwardCode = "", 0, 0
	}
	if o.Forward != "" {
		t.setForward(o, at)
		note = "delivered, and the server forwards to " + o.Forward + ": update the address"
	}
	return Effect{Note: note}
}

func (t *Tracker) addFailure(o *Outcome, at int64) Effect {
	if o.Reason == classify.HasMoved && o.Forward != "" {
		x := t.fail()
		x.hard++
		t.setForward(o, at)
		t.touch(o, true)
		t.addEvidence(o)
		return Effect{Counted: true, Note: "moved: the server names " + o.Forward + ": update the address"}
	}
	g, why := groupOf(o)
	if g == GroupNone {
		t.notCounted++
		t.touch(o, false)
		return Effect{Note: why + ": not held against the address"}
	}
	if o.Incident {
		t.notCounted++
		t.touch(o, false)
		return Effect{Note: "domain incident: many recipients of the domain failed with " + o.Reason.String() + " that day; not counted"}
	}
	x := t.fail()
	if o.Send != "" {
		h := fnv.New64a()
		h.Write([]byte(o.Send))
		sum := h.Sum64()
		for _, s := range x.sends[:x.nsends] {
			if s == sum {
				t.touch(o, true)
				return Effect{Note: "same send as a failure already counted"}
			}
		}
		if int(x.nsends) < len(x.sends) {
			x.nsends++
		}
		copy(x.sends[1:], x.sends[:]) // newest first; the oldest falls off
		x.sends[0] = sum
	}
	if g == GroupHard || g == GroupWeakHard {
		x.hard++
	} else {
		x.soft++
	}
	x.byGroup[g]++
	if x.firstBounce == 0 {
		x.firstBounce = at
	}
	x.lastBounce = at
	t.touch(o, true)
	t.addEvidence(o)

	info := groupInfos[g]
	r := t.p.rule(g)
	if x.reached != GroupNone && x.reached.severity() >= g.severity() {
		return Effect{Counted: true, Group: g, Note: info.noun + ", already " + groupInfos[x.reached].state.String()}
	}
	n, span := x.mark(g, at, r.Window)
	note := fmt.Sprintf("%s %d of %d", info.noun, n, r.Limit)
	switch {
	case r.Limit == 0:
		note = info.noun + " (its rule is off)"
	case n >= r.Limit && span >= r.Span:
		x.reached, x.reachedAt = g, at
		x.why = reachedWhy(g, n, span, o)
		note += ": " + info.state.String() + ", " + info.action.String()
	}
	return Effect{Counted: true, Group: g, Note: note}
}

// groupOf says which group a final failure counts in, or why it does not.
func groupOf(o *Outcome) (Group, string) {
	switch classify.Describe(o.Reason).Side {
	case classify.SideRecipient:
		switch o.Reason {
		case classify.Suspend:
			return GroupSuspend, ""
		case classify.MailboxFull:
			return GroupMailboxFull, ""
		case classify.Filtered:
			return GroupFiltered, ""
		case classify.Suppressed:
			return GroupHard, "" // mirror the upstream list
		}
		if o.Class != classify.Hard {
			return GroupTempUnknown, ""
		}
		if HighConfidence(o.MatchedBy, o.Enhanced) {
			return GroupHard, ""
		}
		return GroupWeakHard, ""
	case classify.SideSender:
		return GroupNone, "sender side (" + o.Reason.String() + ")"
	case classify.SideMessage:
		return GroupNone, "content (" + o.Reason.String() + ")"
	}
	// Transient, unknown or not-a-bounce reasons: an expiry counts in the
	// generic soft group, an unrecognised failure in onhold, the rest
	// (network errors, greylisting, ...) never.
	if o.Status == parser.StatusExpired || o.Reason == classify.Expired {
		return GroupSoft, ""
	}
	if o.Reason == classify.OnHold || o.Reason == classify.Undefined {
		return GroupOnHold, ""
	}
	return GroupNone, "transient (" + o.Reason.String() + ")"
}

// mark records a counted failure of group g at time at, drops g's marks
// older than window, and returns how many of g's marks are left and the
// time from the oldest to at. A group keeps at most maxMarks: past that the
// second oldest goes (the oldest is what the span is measured from; the
// count stays above any limit).
func (x *failures) mark(g Group, at int64, window time.Duration) (int, time.Duration) {
	cut := int64(-1 << 63)
	if window > 0 {
		cut = at - int64(window/time.Second)
	}
	kept, n, second := x.marks[:0], 0, -1
	for _, m := range x.marks {
		if m.g == g {
			if m.at < cut {
				continue
			}
			n++
			if n == 2 {
				second = len(kept)
			}
		}
		kept = append(kept, m)
	}
	x.marks = kept
	if n >= maxMarks && second >= 0 {
		x.marks = append(x.marks[:second], x.marks[second+1:]...)
		n--
	}
	x.marks = append(x.marks, mark{at, g})
	n++
	oldest := at
	for _, m := range x.marks {
		if m.g == g {
			oldest = m.at
			break
		}
	}
	return n, time.Duration(max(at-oldest, 0)) * time.Second
}

func (t *Tracker) fail() *failures {
	if t.x == nil {
		t.x = &failures{}
	}
	return t.x
}

func (t *Tracker) setForward(o *Outcome, at int64) {
	x := t.fail()
	x.forward, x.forwardAt, x.forwardCode = o.Forward, at, o.Code
}

// touch makes o the last event if it bears on the address (bears), or if
// nothing that does was seen yet.
func (t *Tracker) touch(o *Outcome, bears bool) {
	if !bears && t.lastBears {
		return
	}
	t.lastBears = t.lastBears || bears
	t.lastStatus, t.lastCode, t.lastReason = o.Status, int32(o.Code), o.Reason
	t.lastEnhanced = o.Enhanced
}

func (t *Tracker) addEvidence(o *Outcome) {
	if t.evidenceCap == 0 {
		return
	}
	x := t.fail()
	ev := Evidence{Time: o.Time, Status: o.Status, Code: o.Code, Enhanced: o.Enhanced, Reason: o.Reason, Text: o.Text}
	if len(x.evidence) >= int(t.evidenceCap) {
		copy(x.evidence, x.evidence[1:])
		x.evidence[len(x.evidence)-1] = ev
		return
	}
	x.evidence = append(x.evidence, ev)
}
