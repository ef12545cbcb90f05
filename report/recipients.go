package report

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/classify/policy"
	"bouncelens/parser"
	"bouncelens/store"
)

// RecipientVerdict is one recipient's address with its verdict.
type RecipientVerdict struct {
	Address string
	policy.Verdict
}

// FoldStats says what FoldRecipients read.
type FoldStats struct {
	Events     uint64 // events read (with a recipient)
	Recipients int    // distinct recipients
	// SenderSide counts, by reason, the final failures (bounced, expired,
	// rejected) whose reason is on the sending side or about the content:
	// never held against a recipient.
	SenderSide map[classify.Reason]uint64
}

// FoldRecipients reads every stored event once, in time order, into a
// policy.Tracker per recipient, then calls fn for each recipient in
// address order with its verdict. Events without a recipient (received,
// warning) are skipped. The domain incident guard (policy.Incident) is
// computed from the store's daily counts first. An error from fn stops the
// fold and is returned as is.
//
// Memory is a Tracker per recipient (about a hundred bytes for one that
// only takes mail) plus its address; no event is kept.
func FoldRecipients(ctx context.Context, db *store.DB, p *policy.Policy, fn func(RecipientVerdict) error) (FoldStats, error) {
	stats := FoldStats{SenderSide: map[classify.Reason]uint64{}}
	incident, err := incidentGuard(ctx, db, p, store.Filter{}, "")
	if err != nil {
		return stats, err
	}
	index := map[string]int32{}
	var addrs []string
	var trackers []policy.Tracker
	enhanced := map[string]string{} // interned: a few dozen codes for millions of events
	err = db.Events(ctx, store.Filter{}, func(rec store.Record) error {
		if rec.Recipient == "" || rec.Status == parser.StatusReceived || rec.Status == parser.StatusWarning {
			return nil
		}
		stats.Events++
		i, ok := index[rec.Recipient]
		if !ok {
			i = int32(len(trackers))
			index[rec.Recipient] = i
			addrs = append(addrs, rec.Recipient)
			trackers = append(trackers, policy.NewTracker(p, 0))
		}
		o := outcomeOf(&rec, incident)
		if e, ok := enhanced[o.Enhanced]; ok {
			o.Enhanced = e
		} else {
			enhanced[o.Enhanced] = o.Enhanced
		}
		o.Text = "" // not kept without evidence
		if finalFailure(rec.Status) {
			if side := classify.Describe(o.Reason).Side; side == classify.SideSender || side == classify.SideMessage {
				stats.SenderSide[o.Reason]++
			}
		}
		trackers[i].Add(o)
		return nil
	})
	if err != nil {
		return stats, fmt.Errorf("reading events: %w", err)
	}
	index = nil // the fold no longer needs it; let the GC have it
	stats.Recipients = len(addrs)
	order := make([]int32, len(addrs))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool { return addrs[order[a]] < addrs[order[b]] })
	for n, i := range order {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return stats, err
			}
		}
		if err := fn(RecipientVerdict{Address: addrs[i], Verdict: trackers[i].Verdict()}); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// outcomeOf is what a Tracker needs of rec. The codes are the event's,
// else the classifier's (as store counts take them); the send is the
// Message-ID, which a log line and the bounce message about it share.
func outcomeOf(rec *store.Record, incident incidentFunc) policy.Outcome {
	o := policy.Outcome{
		Time: rec.Time, Status: rec.Status, Reason: rec.Result.Reason, Class: rec.Result.Class,
		MatchedBy: rec.Result.MatchedBy, Forward: rec.Forward,
		Text: rec.Text, Send: rec.MessageID,
	}
	o.Code, o.Enhanced = rec.Reply()
	if o.Forward == "" {
		o.Forward = rec.Result.Forward
	}
	if incident != nil && finalFailure(rec.Status) {
		o.Incident = incident(rec.Domain(), rec.Time, o.Reason)
	}
	return o
}

func finalFailure(s parser.Status) bool {
	return s == parser.StatusBounced || s == parser.StatusExpired || s == parser.StatusRejected
}

// incidentFunc is the domain incident guard: whether failures with reason
// at domain on the UTC day of t are a domain incident.
type incidentFunc func(domain string, t time.Time, reason classify.Reason) bool

type incidentKey struct {
	day    time.Time
	domain string
	reason classify.Reason
}

// incidentGuard computes the domain incident guard of taxonomy.md 5.2
// (principle 4) from the daily counts that pass f (of domain only, if not
// ""): on a UTC day, the final failures of a domain with one
// recipient-side reason against the domain's final outcomes. Counts are
// events, not distinct recipients: close enough for a guard. It returns
// nil when no day is an incident.
func incidentGuard(ctx context.Context, db *store.DB, p *policy.Policy, f store.Filter, domain string) (incidentFunc, error) {
	if p.IncidentShare <= 0 {
		return nil, nil
	}
	counts, err := db.Counts(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("reading counts for the incident guard: %w", err)
	}
	type dayDomain struct {
		day    time.Time
		domain string
	}
	totals := map[dayDomain]uint64{}
	failed := map[incidentKey]uint64{}
	for _, c := range counts {
		if domain != "" && c.Domain != domain {
			continue
		}
		switch {
		case c.Status == parser.StatusSent:
			totals[dayDomain{c.Day, c.Domain}] += c.N
		case finalFailure(c.Status):
			totals[dayDomain{c.Day, c.Domain}] += c.N
			if classify.Describe(c.Reason).Side == classify.SideRecipient {
				failed[incidentKey{c.Day, c.Domain, c.Reason}] += c.N
			}
		}
	}
	set := map[incidentKey]bool{}
	for k, n := range failed {
		if p.Incident(n, totals[dayDomain{k.day, k.domain}]) {
			set[k] = true
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return func(domain string, t time.Time, reason classify.Reason) bool {
		if t.IsZero() {
			return false
		}
		t = t.UTC()
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return set[incidentKey{day, domain, reason}]
	}, nil
}

// RecipientsOptions selects and shapes the recipients table.
type RecipientsOptions struct {
	States  []policy.State    // only these states; nil: every state but active
	Domain  string            // only addresses in this domain (case-insensitive)
	Reasons []classify.Reason // only recipients whose last reason is one of these; nil: any
	Top     int               // at most this many rows (0: all)
}

// stateRank orders the table: what to act on first.
var stateRank = map[policy.State]int{
	policy.Dead: 0, policy.Complained: 1, policy.Moved: 2, policy.SoftBouncing: 3, policy.AutoReply: 4, policy.Active: 5,
}

// Recipients folds the store (FoldRecipients) and returns the recipients
// that pass opts as a table, most pressing state first, then by address.
// The table's note counts the recipients by state and the failures that
// were sender-side or about content, which no recipient is held to.
func Recipients(ctx context.Context, db *store.DB, p *policy.Policy, opts RecipientsOptions) (Table, error) {
	states := map[policy.State]bool{}
	for _, s := range opts.States {
		states[s] = true
	}
	if len(opts.States) == 0 {
		for _, s := range policy.States() {
			states[s] = s != policy.Active
		}
	}
	reasons := map[classify.Reason]bool{}
	for _, r := range opts.Reasons {
		reasons[r] = true
	}
	domain := strings.ToLower(opts.Domain)
	byState := map[policy.State]int{}
	buckets := make([][][]string, len(stateRank)) // table rows: smaller than verdicts
	var matched int
	stats, err := FoldRecipients(ctx, db, p, func(rv RecipientVerdict) error {
		byState[rv.State]++
		if !states[rv.State] || (domain != "" && parser.DomainOf(rv.Address) != domain) ||
			(len(reasons) > 0 && !reasons[rv.LastReason]) {
			return nil
		}
		matched++
		b := &buckets[stateRank[rv.State]]
		if opts.Top <= 0 || len(*b) < opts.Top {
			*b = append(*b, recipientRow(&rv))
		}
		return nil
	})
	if err != nil {
		return Table{}, err
	}
	t := RecipientsTable(nil)
	for _, b := range buckets {
		t.Rows = append(t.Rows, b...)
	}
	if opts.Top > 0 && len(t.Rows) > opts.Top {
		t.Rows = t.Rows[:opts.Top]
	}
	rows := t.Rows
	var notes []string
	if len(rows) < matched {
		notes = append(notes, fmt.Sprintf("(%d more; use --top 0 for all)", matched-len(rows)))
	}
	notes = append(notes, statesNote(stats.Recipients, byState))
	if n := senderSideNote(stats.SenderSide); n != "" {
		notes = append(notes, n)
	}
	t.Note = strings.Join(notes, "\n")
	return t, nil
}

// RecipientsTable is the "recipients" table of rows, in their order.
func RecipientsTable(rows []RecipientVerdict) Table {
	t := Table{
		ID:    "recipients",
		Title: "Recipients",
		Columns: []Column{
			{Name: "EMAIL"}, {Name: "STATE"}, {Name: "ACTION"}, {Name: "NEW ADDRESS"},
			{Name: "LAST CODE", Numeric: true}, {Name: "LAST ENHANCED"}, {Name: "LAST REASON"},
			{Name: "EVENTS", Numeric: true}, {Name: "DELIVERED", Numeric: true},
			{Name: "HARD", Numeric: true}, {Name: "SOFT", Numeric: true},
			{Name: "LAST SEEN"}, {Name: "WHY"},
		},
	}
	for i := range rows {
		t.Rows = append(t.Rows, recipientRow(&rows[i]))
	}
	return t
}

// recipientRow is r's row of the recipients table.
func recipientRow(r *RecipientVerdict) []string {
	return []string{
		r.Address, r.State.String(), r.Action.String(), r.NewAddress,
		replyCode(r.LastCode), r.LastEnhanced, r.LastReason.String(),
		strconv.Itoa(r.Events), strconv.Itoa(r.Delivered), strconv.Itoa(r.Hard), strconv.Itoa(r.Soft),
		timeString(r.LastSeen), r.Why,
	}
}

func replyCode(code int) string {
	if code == 0 {
		return ""
	}
	return strconv.Itoa(code)
}

// statesNote: "12 recipients: 3 dead, 1 moved, 8 active".
func statesNote(total int, byState map[policy.State]int) string {
	var parts []string
	for _, s := range []policy.State{policy.Dead, policy.Complained, policy.Moved, policy.SoftBouncing, policy.AutoReply, policy.Active} {
		if n := byState[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	note := fmt.Sprintf("%d %s", total, countNoun(total, "recipient"))
	if len(parts) > 0 {
		note += ": " + strings.Join(parts, ", ")
	}
	return note
}

// senderSideNote says how many final failures were sender-side or about
// content, with the top reasons, or "" if none.
func senderSideNote(by map[classify.Reason]uint64) string {
	named := map[string]uint64{}
	var total uint64
	for r, n := range by {
		named[r.String()] += n
		total += n
	}
	if total == 0 {
		return ""
	}
	keys := sortedKeys(named)
	var top []string
	for i, k := range keys {
		if i == 3 {
			top = append(top, "...")
			break
		}
		top = append(top, fmt.Sprintf("%s %d", k, named[k]))
	}
	return fmt.Sprintf("Held against no recipient: %d final %s on the sending side or about content (%s); see 'bouncelens report'",
		total, countNoun(int(total), "failure"), strings.Join(top, ", "))
}

// countNoun returns noun, or its plural when n is not 1.
func countNoun(n int, noun string) string {
	switch {
	case n == 1:
		return noun
	case strings.HasSuffix(noun, "y"):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}
