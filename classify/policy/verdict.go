package policy

import (
	"fmt"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// Verdict is what a recipient's history amounts to.
type Verdict struct {
	State      State
	Action     classify.Action // none, retry, investigate, suppress or update-address
	Why        string          // for people: "2 suspend bounces 9 days apart"
	NewAddress string          // with Moved: the address a server named

	// The last event that bears on the address (a delivery, a counted
	// failure, a complaint, an auto-reply, a move), else the last event.
	LastStatus   parser.Status
	LastCode     int
	LastEnhanced string
	LastReason   classify.Reason

	FirstSeen, LastSeen time.Time // first and last event
	FirstBounce         time.Time // first counted failure; zero if none
	LastBounce          time.Time // last counted failure
	LastDelivered       time.Time // last delivery

	Events      int // every event
	Delivered   int // deliveries
	Deferrals   int // deferrals (never counted)
	Hard        int // counted hard failures (groups hard and weak-hard, and 551 moves)
	Soft        int // counted soft failures (every other group)
	NotCounted  int // failures held against the sending setup, the content or the network, or a domain incident
	Complaints  int
	AutoReplies int
	ByGroup     map[Group]int // counted failures per group; nil if none

	Evidence []Evidence // up to the Tracker's evidence count, oldest first, since the last delivery
}

// Verdict returns the state of the history so far. It does not change the
// Tracker; more outcomes may be added after it.
func (t *Tracker) Verdict() Verdict {
	v := Verdict{
		LastStatus: t.lastStatus, LastCode: int(t.lastCode), LastEnhanced: t.lastEnhanced, LastReason: t.lastReason,
		FirstSeen: unstamp(t.first), LastSeen: unstamp(t.last), LastDelivered: unstamp(t.lastDelivered),
		Events: int(t.events), Delivered: int(t.delivered), Deferrals: int(t.deferrals),
		NotCounted: int(t.notCounted), AutoReplies: int(t.autoReplies),
	}
	x := t.x
	if x != nil {
		v.Hard, v.Soft, v.Complaints = int(x.hard), int(x.soft), int(x.complaints)
		v.FirstBounce, v.LastBounce = unstamp(x.firstBounce), unstamp(x.lastBounce)
		for g, n := range x.byGroup {
			if n > 0 {
				if v.ByGroup == nil {
					v.ByGroup = map[Group]int{}
				}
				v.ByGroup[Group(g)] = int(n)
			}
		}
		v.Evidence = append([]Evidence(nil), x.evidence...)
	}
	var pend []pendingGroup
	if x != nil {
		pend = t.pending()
	}
	switch {
	case x != nil && x.complaints > 0:
		v.State, v.Action = Complained, classify.ActionSuppress
		v.Why = "complaint on " + date(x.complainedAt)
		if x.complaints > 1 {
			v.Why = fmt.Sprintf("%d complaints, the last on %s", x.complaints, date(x.complainedAt))
		}
	case x != nil && x.forward != "":
		v.State, v.Action, v.NewAddress = Moved, classify.ActionUpdateAddress, x.forward
		if x.forwardCode == 251 || x.forwardCode/100 == 2 {
			v.Why = fmt.Sprintf("delivered, and the server forwards to %s (%d, %s)", x.forward, x.forwardCode, date(x.forwardAt))
		} else {
			v.Why = fmt.Sprintf("moved: the server names %s (%s)", x.forward, codeDate(x.forwardCode, x.forwardAt))
		}
	case x != nil && x.reached != GroupNone:
		info := groupInfos[x.reached]
		v.State, v.Action, v.Why = info.state, info.action, x.why
	case len(pend) > 0:
		v.State, v.Action = SoftBouncing, classify.ActionRetry
		var whys []string
		for _, p := range pend {
			if groupInfos[p.g].pending == classify.ActionInvestigate {
				v.Action = classify.ActionInvestigate
			}
			whys = append(whys, pendingWhy(t.p, p))
		}
		v.Why = strings.Join(whys, "; ")
	case t.lastAutoReply != 0 && (t.p.AutoReplyWindow == 0 || t.last-t.lastAutoReply <= int64(t.p.AutoReplyWindow/time.Second)):
		v.State, v.Action = AutoReply, classify.ActionNone
		v.Why = "auto-reply on " + date(t.lastAutoReply)
	default:
		v.State, v.Action = Active, classify.ActionNone
		switch {
		case t.delivered > 0:
			v.Why = "delivered on " + date(t.lastDelivered)
		case t.deferrals > 0 && t.notCounted == 0:
			v.Why = "deferred, no final outcome yet"
		default:
			v.Why = "no recipient-side failure"
		}
		if t.notCounted > 0 {
			v.Why += fmt.Sprintf("; %d other %s not counted", t.notCounted, plural(int(t.notCounted), "failure"))
		}
	}
	return v
}

// pendingGroup is a group with counted failures still inside its window.
type pendingGroup struct {
	g              Group
	n              int
	oldest, newest int64
}

// pending returns the groups whose marks can still reach their rule: those
// within the group's window of the last event of the history.
func (t *Tracker) pending() []pendingGroup {
	var out []pendingGroup
	for _, m := range t.x.marks {
		if w := t.p.rule(m.g).Window; w > 0 && m.at < t.last-int64(w/time.Second) {
			continue
		}
		i := 0
		for i < len(out) && out[i].g != m.g {
			i++
		}
		if i == len(out) {
			out = append(out, pendingGroup{g: m.g, oldest: m.at})
		}
		out[i].n++
		out[i].newest = m.at
	}
	return out
}

func pendingWhy(p *Policy, pg pendingGroup) string {
	info := groupInfos[pg.g]
	s := fmt.Sprintf("%d %s", pg.n, plural(pg.n, info.noun))
	if pg.n > 1 {
		s += " " + ago(time.Duration(pg.newest-pg.oldest)*time.Second) + " apart"
	}
	r := p.Rule(pg.g)
	if r.Limit == 0 {
		return s + " (rule off)"
	}
	what := info.state.String()
	if info.state == SoftBouncing {
		what = info.action.String()
	}
	return s + " (" + what + " at " + ruleText(r) + ")"
}

// reachedWhy says why group g's rule was reached by n failures over span,
// the last being o.
func reachedWhy(g Group, n int, span time.Duration, o *Outcome) string {
	info := groupInfos[g]
	var s string
	if n == 1 {
		s = info.noun + ": " + o.Reason.String()
		if c := codeText(o.Code, o.Enhanced); c != "" {
			s += " " + c
		}
		s += " on " + date(stamp(o.Time))
	} else {
		s = fmt.Sprintf("%d %s", n, plural(n, info.noun))
		if g == GroupHard || g == GroupWeakHard || g == GroupTempUnknown {
			s += " (" + o.Reason.String() + ")"
		}
		if n == 2 {
			s += " " + ago(span) + " apart"
		} else {
			s += " over " + ago(span)
		}
	}
	switch g {
	case GroupSoft:
		s += " with no delivery: check the domain before suppressing"
	case GroupOnHold:
		s += ": read the texts"
	}
	return s
}

// ruleText writes r for people: "3 spanning ≥15d within 60d".
func ruleText(r Rule) string {
	s := fmt.Sprint(r.Limit)
	if r.Span > 0 {
		s += " spanning ≥" + FormatDuration(r.Span)
	}
	if r.Window > 0 {
		s += " within " + FormatDuration(r.Window)
	}
	return s
}

// ago writes a span for people, in the largest whole unit: "9 days".
func ago(d time.Duration) string {
	switch {
	case d >= 2*day:
		n := int(d / day)
		return fmt.Sprintf("%d days", n)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d/time.Second))
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	if strings.HasSuffix(noun, "y") {
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}

func date(s int64) string {
	if s == 0 {
		return "an undated day"
	}
	return unstamp(s).Format("2006-01-02")
}

func codeText(code int, enhanced string) string {
	switch {
	case code != 0 && enhanced != "":
		return fmt.Sprintf("%d %s", code, enhanced)
	case code != 0:
		return fmt.Sprint(code)
	}
	return enhanced
}

func codeDate(code int, at int64) string {
	if code == 0 {
		return date(at)
	}
	return fmt.Sprintf("%d, %s", code, date(at))
}
