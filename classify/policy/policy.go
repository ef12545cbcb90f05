package policy

import (
	"fmt"
	"time"

	"bouncelens/classify"
)

// Group is a counter of recipient-side failures with a rule of its own
// (taxonomy.md 5.2, "Default rules").
type Group uint8

// The groups. GroupNone is for what does not count against the recipient.
const (
	GroupNone        Group = iota // not counted against the recipient
	GroupHard                     // hard bounce, high confidence: userunknown, hostunknown, notaccept 5xx, hasmoved without a new address, suppressed
	GroupWeakHard                 // the same hard reasons, low confidence (generic text, a bare reply code)
	GroupSuspend                  // account disabled or suspended
	GroupMailboxFull              // over quota
	GroupFiltered                 // recipient-side filter or preference
	GroupTempUnknown              // userunknown, hostunknown, notaccept or hasmoved with a 4xx code
	GroupSoft                     // generic soft: expiries with a transient or unknown cause
	GroupOnHold                   // onhold, undefined: the classifier recognised nothing
	numGroups
)

var groupNames = [numGroups]string{
	"none", "hard", "weak-hard", "suspend", "mailboxfull", "filtered", "temp-unknown", "soft", "onhold",
}

// String returns the group's name, as used in policy keys ("weak-hard").
func (g Group) String() string {
	if g < numGroups {
		return groupNames[g]
	}
	return fmt.Sprintf("group(%d)", uint8(g))
}

// MarshalText makes Group print as its name in JSON (also as a map key).
func (g Group) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// Groups returns the counting groups (not GroupNone), in order.
func Groups() []Group {
	out := make([]Group, 0, numGroups-1)
	for g := GroupHard; g < numGroups; g++ {
		out = append(out, g)
	}
	return out
}

// groupInfo is what reaching or approaching a group's rule means.
type groupInfo struct {
	noun    string          // one counted failure, for why texts: "suspend bounce"
	doc     string          // what the group counts, for documentation
	pending classify.Action // action while the rule is not reached
	state   State           // state once it is reached
	action  classify.Action // action once it is reached
}

var groupInfos = [numGroups]groupInfo{
	GroupHard: {"hard bounce",
		"hard bounces the classifier is sure of (5.1.1, a known text...), suppression lists",
		classify.ActionInvestigate, Dead, classify.ActionSuppress},
	GroupWeakHard: {"low-confidence hard bounce",
		"hard bounces read from a bare reply code or a generic text",
		classify.ActionInvestigate, Dead, classify.ActionSuppress},
	GroupSuspend: {"suspend bounce", "disabled or suspended accounts",
		classify.ActionRetry, Dead, classify.ActionSuppress},
	GroupMailboxFull: {"mailboxfull bounce", "mailboxes over quota",
		classify.ActionRetry, Dead, classify.ActionSuppress},
	GroupFiltered: {"filtered bounce", "refusals by the recipient's own filter",
		classify.ActionInvestigate, Dead, classify.ActionSuppress},
	GroupTempUnknown: {"4xx unknown-address bounce", "unknown user or host, with a 4xx code",
		classify.ActionRetry, Dead, classify.ActionSuppress},
	GroupSoft: {"expiry", "expiries with a transient cause; then dead, investigate",
		classify.ActionRetry, Dead, classify.ActionInvestigate},
	GroupOnHold: {"unrecognised bounce", "failures nothing was recognised in; then investigate",
		classify.ActionRetry, SoftBouncing, classify.ActionInvestigate},
}

// severity orders what reaching a group means: a group that suppresses
// outranks one that asks to investigate, which outranks one that does not
// make the address dead.
func (g Group) severity() int {
	info := groupInfos[g]
	switch {
	case info.state == Dead && info.action == classify.ActionSuppress:
		return 3
	case info.state == Dead:
		return 2
	case g != GroupNone:
		return 1
	}
	return 0
}

// Rule is when a group's counted failures make its verdict: Limit failures
// on distinct sends, the first and the last at least Span apart, all within
// Window of the last. Window 0 means no limit; Limit 0 switches the group
// off (its failures are still counted, never acted on).
type Rule struct {
	Limit  int
	Span   time.Duration
	Window time.Duration
}

// Policy holds every number of taxonomy.md 5.2. Default returns the
// taxonomy's values; ParsePolicy and Set change them.
type Policy struct {
	Hard        Rule // high-confidence hard bounces: 1
	WeakHard    Rule // low-confidence hard bounces: 2 on sends at least 24h apart
	Suspend     Rule // 2 at least 7 days apart within 60 days
	MailboxFull Rule // 3 spanning at least 15 days within 60 days
	Filtered    Rule // 3 within 90 days
	TempUnknown Rule // 3 within 30 days
	Soft        Rule // 5 expiries over at least 30 days
	OnHold      Rule // 3 within 60 days, then investigate

	// AutoReplyWindow is how long after its last auto-reply, in the
	// recipient's own history, an otherwise active address stays
	// auto-reply (0: for ever).
	AutoReplyWindow time.Duration

	// The domain incident guard (taxonomy.md 5.2 principle 4): on one day,
	// if more than IncidentShare percent of a destination domain's final
	// outcomes, and at least IncidentMin of them, failed with the same
	// reason, those failures do not count. IncidentShare 0 turns it off.
	IncidentShare float64
	IncidentMin   int
}

// maxLimit bounds Rule.Limit: a Tracker keeps at most this many counted
// failures per recipient.
const maxLimit = 32

const day = 24 * time.Hour

// Default returns the policy of taxonomy.md 5.2.
func Default() Policy {
	return Policy{
		Hard:            Rule{Limit: 1},
		WeakHard:        Rule{Limit: 2, Span: day},
		Suspend:         Rule{Limit: 2, Span: 7 * day, Window: 60 * day},
		MailboxFull:     Rule{Limit: 3, Span: 15 * day, Window: 60 * day},
		Filtered:        Rule{Limit: 3, Window: 90 * day},
		TempUnknown:     Rule{Limit: 3, Window: 30 * day},
		Soft:            Rule{Limit: 5, Span: 30 * day},
		OnHold:          Rule{Limit: 3, Window: 60 * day},
		AutoReplyWindow: 14 * day,
		IncidentShare:   20,
		IncidentMin:     20,
	}
}

// Rule returns the rule of group g (the zero Rule for GroupNone).
func (p *Policy) Rule(g Group) Rule {
	if r := p.rule(g); r != nil {
		return *r
	}
	return Rule{}
}

func (p *Policy) rule(g Group) *Rule {
	switch g {
	case GroupHard:
		return &p.Hard
	case GroupWeakHard:
		return &p.WeakHard
	case GroupSuspend:
		return &p.Suspend
	case GroupMailboxFull:
		return &p.MailboxFull
	case GroupFiltered:
		return &p.Filtered
	case GroupTempUnknown:
		return &p.TempUnknown
	case GroupSoft:
		return &p.Soft
	case GroupOnHold:
		return &p.OnHold
	}
	return nil
}

// Validate reports a policy no history can satisfy or a Tracker cannot
// hold: a negative number, a limit above 32, a span longer than its window.
func (p *Policy) Validate() error {
	for _, g := range Groups() {
		r := p.Rule(g)
		switch {
		case r.Limit < 0 || r.Limit > maxLimit:
			return fmt.Errorf("%s-limit %d: want 0 to %d", g, r.Limit, maxLimit)
		case r.Span < 0:
			return fmt.Errorf("%s-span %s is negative", g, FormatDuration(r.Span))
		case r.Window < 0:
			return fmt.Errorf("%s-window %s is negative", g, FormatDuration(r.Window))
		case r.Window > 0 && r.Span > r.Window:
			return fmt.Errorf("%s-span %s is longer than %s-window %s: no history can satisfy both",
				g, FormatDuration(r.Span), g, FormatDuration(r.Window))
		}
	}
	switch {
	case p.AutoReplyWindow < 0:
		return fmt.Errorf("auto-reply-window %s is negative", FormatDuration(p.AutoReplyWindow))
	case !(p.IncidentShare >= 0 && p.IncidentShare <= 100): // also NaN
		return fmt.Errorf("incident-share %v: want 0 to 100", p.IncidentShare)
	case p.IncidentMin < 0:
		return fmt.Errorf("incident-min %d is negative", p.IncidentMin)
	}
	return nil
}

// Incident reports whether failed failures with one reason out of total
// final outcomes, for one destination domain on one day, are a domain
// incident rather than facts about each recipient (taxonomy.md 5.2
// principle 4): more than IncidentShare percent and at least IncidentMin.
func (p *Policy) Incident(failed, total uint64) bool {
	if p.IncidentShare <= 0 || failed == 0 || failed < uint64(p.IncidentMin) || total == 0 {
		return false
	}
	return float64(failed)*100 > p.IncidentShare*float64(total)
}

// highConfidence are the enhanced codes that name an address problem
// precisely (taxonomy.md 5.2, first row of the default rules).
var highConfidence = map[string]bool{
	"5.1.1": true, "5.1.2": true, "5.1.3": true, "5.1.10": true, "5.4.4": true, "5.1.6": true,
}

// HighConfidence reports whether a hard bounce is one the classifier is
// sure of: an enhanced code that names the address problem, or a decision
// by a provider table, a structural signal or a specific text pattern
// (matchedBy is classify.Result.MatchedBy). A bare reply code, a generic
// text or a fallback is low confidence.
func HighConfidence(matchedBy, enhanced string) bool {
	if highConfidence[enhanced] {
		return true
	}
	switch matchedBy {
	case "provider", "structural", "text":
		return true
	}
	return false
}
