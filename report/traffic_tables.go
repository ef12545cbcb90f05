package report

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// textsPerDomain is how many deferral texts the deferrals section shows
// per domain when --top is not 0.
const textsPerDomain = 3

// Tables returns the sections of the events folded so far, in the order of
// TrafficSections: totals, by_hour, traffic_by_day, domains_by_deferrals,
// domains_by_bounces, deferrals, rejects, senders, warnings.
func (t *Traffic) Tables() []Table {
	return []Table{
		t.totalsTable(),
		t.byHour(),
		t.byDay(),
		t.domainsBy("domains_by_deferrals", "Recipient domains by deferrals", func(d *domainAgg) uint64 { return d.deferrals }),
		t.domainsBy("domains_by_bounces", "Recipient domains by bounces", func(d *domainAgg) uint64 { return d.bounced + d.expired }),
		t.deferralDetail(),
		t.rejectDetail(),
		t.senderTable(),
		t.warningTable(),
	}
}

// totalsTable is the totals section: one row per number, named as
// --fail-if names it.
func (t *Traffic) totalsTable() Table {
	x := t.Totals()
	tb := Table{
		ID:    "totals",
		Title: "Totals",
		Columns: []Column{
			{Name: "ITEM"}, {Name: "COUNT", Numeric: true}, {Name: "%", Key: "pct", Numeric: true}, {Name: "WHAT"},
		},
	}
	ofSends := func(n uint64) string { return pct(n, x.Sends) }
	add := func(item string, n uint64, share, what string) {
		tb.Rows = append(tb.Rows, []string{item, u(n), share, what})
	}
	add("received", x.Received, "", "messages that entered the queue")
	add("sends", x.Sends, ofSends(x.Sends), "recipients of messages (one per queue id, else Message-ID, and recipient) = delivered + bounced + expired + deferred-final + other-final")
	add("delivered", x.Delivered, ofSends(x.Delivered), "sends whose last outcome is delivered (sent)")
	add("bounced", x.Bounced, ofSends(x.Bounced), "sends whose last outcome is bounced")
	add("expired", x.Expired, ofSends(x.Expired), "sends that expired in the queue")
	add("deferred-final", x.DeferredFinal, ofSends(x.DeferredFinal), "sends still deferred at the end of the range")
	add("other-final", x.OtherFinal, ofSends(x.OtherFinal), "sends whose last event states no outcome")
	add("deferred", x.Deferrals, "", "deferrals: delivery attempts that will be retried")
	add("deferred-sends", x.DeferredSends, ofSends(x.DeferredSends), "sends deferred at least once")
	add("rejected", x.Rejected, "", "recipients our smtpd rejected (not sends)")
	add("complained", x.Complained, "", "complaints (feedback reports)")
	add("autoreplied", x.AutoReplied, "", "auto-replies (vacation, out of office)")
	add("warnings", x.Warnings, "", "Postfix warning lines")
	add("recipients", x.Recipients, "", "distinct recipient addresses")
	add("domains", x.Domains, "", "distinct recipient domains")
	add("senders", x.Senders, "", "distinct envelope senders")
	rate, failed, _ := x.BounceRate()
	add("bounce-rate", failed, fmt1(rate), "(bounced + expired) / (delivered + bounced + expired)")
	rate, deferred, _ := x.DeferRate()
	add("defer-rate", deferred, fmt1(rate), "deferred-sends / sends")
	tb.Note = fmt.Sprintf("sends %d = delivered %d + bounced %d + expired %d + deferred-final %d + other-final %d",
		x.Sends, x.Delivered, x.Bounced, x.Expired, x.DeferredFinal, x.OtherFinal)
	if !x.Reconciles() { // cannot happen; say so rather than print a wrong identity
		tb.Note = "DOES NOT RECONCILE: " + tb.Note
	}
	return tb
}

func fmt1(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// trafficColumns are the columns of by_hour and traffic_by_day after the
// first.
var trafficColumns = []Column{
	{Name: "RECEIVED", Numeric: true}, {Name: "DELIVERED", Numeric: true}, {Name: "DEFERRED", Numeric: true},
	{Name: "BOUNCED", Numeric: true}, {Name: "EXPIRED", Numeric: true}, {Name: "REJECTED", Numeric: true},
}

func (r trafficRow) cells(first string) []string {
	return []string{first, u(r.received), u(r.delivered), u(r.deferred), u(r.bounced), u(r.expired), u(r.rejected)}
}

// byHour is the by_hour section: events per hour of day (UTC), all 24
// hours once any dated event was counted.
func (t *Traffic) byHour() Table {
	tb := Table{
		ID: "by_hour", Title: "Events per hour of day (UTC)",
		Columns: append([]Column{{Name: "HOUR"}}, trafficColumns...),
	}
	if len(t.days) > 0 {
		for h, r := range t.hours {
			tb.Rows = append(tb.Rows, r.cells(fmt.Sprintf("%02d", h)))
		}
	}
	if !t.undated.empty() {
		tb.Note = "(events without a time are left out)"
	}
	return tb
}

// byDay is the traffic_by_day section: events per UTC day, oldest first,
// then events without a time.
func (t *Traffic) byDay() Table {
	tb := Table{
		ID: "traffic_by_day", Title: "Traffic per day (UTC)",
		Columns: append([]Column{{Name: "DAY"}}, trafficColumns...),
	}
	days := make([]int64, 0, len(t.days))
	for d := range t.days {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	for _, d := range days {
		tb.Rows = append(tb.Rows, t.days[d].cells(dayString(time.Unix(d*86400, 0))))
	}
	if !t.undated.empty() {
		tb.Rows = append(tb.Rows, t.undated.cells("(no time)"))
	}
	return tb
}

// domainsBy ranks recipient domains by key, descending, leaving out those
// where it is 0. The bounce rate is ByDomain's: (bounced + expired) /
// (sent + bounced + expired) events.
func (t *Traffic) domainsBy(id, title string, key func(*domainAgg) uint64) Table {
	tb := Table{
		ID: id, Title: title,
		Columns: []Column{
			{Name: "DOMAIN"}, {Name: "SENDS", Numeric: true}, {Name: "DELIVERED", Numeric: true},
			{Name: "DEFERRALS", Numeric: true}, {Name: "DEFERRED SENDS", Numeric: true},
			{Name: "BOUNCED", Numeric: true}, {Name: "EXPIRED", Numeric: true},
			{Name: "BOUNCE RATE %", Key: "bounce_rate_pct", Numeric: true},
		},
	}
	by := map[string]uint64{}
	for name, d := range t.domains {
		if n := key(d); n > 0 {
			by[domainName(name)] += n
		}
	}
	names := sortedKeys(by)
	names, more := topOf(names, t.opts.Top)
	for _, name := range names {
		d := t.domains[domainKey(name)]
		failed := d.bounced + d.expired
		rate := ""
		if final := failed + d.sent; final > 0 {
			rate = pct(failed, final)
		}
		tb.Rows = append(tb.Rows, []string{
			name, u(d.sends), u(d.sent), u(d.deferrals), u(d.deferredSends), u(d.bounced), u(d.expired), rate,
		})
	}
	tb.Note = moreNote(more, "domains")
	return tb
}

// domainName is how a recipient domain is shown: "(none)" for "".
func domainName(d string) string {
	if d == "" {
		return "(none)"
	}
	return d
}

// domainKey is the inverse of domainName.
func domainKey(name string) string {
	if name == "(none)" {
		return ""
	}
	return name
}

// deferralDetail is the deferrals section: per recipient domain (most
// deferrals first), its deferrals and deferred sends, and its most frequent
// deferral texts (masked) with their reason and count.
func (t *Traffic) deferralDetail() Table {
	tb := Table{
		ID: "deferrals", Title: "Deferral detail",
		Columns: []Column{
			{Name: "DOMAIN"}, {Name: "DEFERRALS", Numeric: true}, {Name: "DEFERRED SENDS", Numeric: true},
			{Name: "REASON"}, {Name: "TEXT"}, {Name: "COUNT", Numeric: true},
		},
	}
	groups := groupTexts(t.deferrals)
	byDomain := map[string]uint64{}
	for name, d := range t.domains {
		if d.deferrals > 0 {
			byDomain[domainName(name)] = d.deferrals
		}
	}
	names, more := topOf(sortedKeys(byDomain), t.opts.Top)
	perDomain := textsPerDomain
	if t.opts.Top == 0 {
		perDomain = 0
	}
	hidden := 0
	for _, name := range names {
		d := t.domains[domainKey(name)]
		texts, rest := topOf(groups[name], perDomain)
		hidden += rest
		for _, g := range texts {
			tb.Rows = append(tb.Rows, []string{
				name, u(d.deferrals), u(d.deferredSends), g.key.reason.String(), g.key.text, u(g.agg.n),
			})
		}
	}
	tb.Note = moreNote(more, "domains")
	if hidden > 0 {
		tb.Note = joinNotes(tb.Note, fmt.Sprintf("(%d more texts: %d per domain shown; use --top 0 for all)", hidden, perDomain))
	}
	return tb
}

// textGroup is one textKey and its counts.
type textGroup struct {
	key textKey
	agg *textAgg
}

// groupTexts returns m's groups by textKey.group, each list most frequent
// first (ties by reason, reply, text).
func groupTexts(m map[textKey]*textAgg) map[string][]textGroup {
	out := map[string][]textGroup{}
	for k, a := range m {
		out[k.group] = append(out[k.group], textGroup{k, a})
	}
	for _, gs := range out {
		sortGroups(gs)
	}
	return out
}

// sortGroups sorts by count, descending, then by the key.
func sortGroups(gs []textGroup) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.agg.n != b.agg.n {
			return a.agg.n > b.agg.n
		}
		if a.key.group != b.key.group {
			return a.key.group < b.key.group
		}
		if a.key.reason != b.key.reason {
			return a.key.reason.String() < b.key.reason.String()
		}
		if a.key.code != b.key.code {
			return a.key.code < b.key.code
		}
		if a.key.enhanced != b.key.enhanced {
			return a.key.enhanced < b.key.enhanced
		}
		return a.key.text < b.key.text
	})
}

func allGroups(m map[textKey]*textAgg) []textGroup {
	gs := make([]textGroup, 0, len(m))
	for k, a := range m {
		gs = append(gs, textGroup{k, a})
	}
	sortGroups(gs)
	return gs
}

// rejectDetail is the rejects section: rejects by reason, reply and masked
// text, most frequent first, with the number of distinct clients.
func (t *Traffic) rejectDetail() Table {
	tb := Table{
		ID: "rejects", Title: "Reject detail",
		Columns: []Column{
			{Name: "REASON"}, {Name: "CODE"}, {Name: "ENHANCED"}, {Name: "TEXT"},
			{Name: "REJECTS", Numeric: true}, {Name: "CLIENTS", Numeric: true},
		},
	}
	gs, more := topOf(allGroups(t.rejects), t.opts.Top)
	for _, g := range gs {
		code := ""
		if g.key.code != 0 {
			code = strconv.Itoa(g.key.code)
		}
		tb.Rows = append(tb.Rows, []string{
			g.key.reason.String(), code, g.key.enhanced, g.key.text, u(g.agg.n), u(g.agg.clients),
		})
	}
	tb.Note = moreNote(more, "reject texts")
	return tb
}

// senderTable is the senders section: envelope senders with failures
// (bounced + expired + complained) or deferrals, most failures first.
func (t *Traffic) senderTable() Table {
	tb := Table{
		ID: "senders", Title: "Senders with the most failures",
		Columns: []Column{
			{Name: "SENDER"}, {Name: "RECEIVED", Numeric: true}, {Name: "SENDS", Numeric: true},
			{Name: "BOUNCED", Numeric: true}, {Name: "EXPIRED", Numeric: true}, {Name: "COMPLAINED", Numeric: true},
			{Name: "FAILURES", Numeric: true}, {Name: "FAILURE RATE %", Key: "failure_rate_pct", Numeric: true},
			{Name: "DEFERRALS", Numeric: true},
		},
	}
	type row struct {
		name string
		s    *senderAgg
		fail uint64
	}
	var rows []row
	for name, s := range t.senders {
		fail := s.bounced + s.expired + s.complained
		if fail > 0 || s.deferrals > 0 {
			rows = append(rows, row{name, s, fail})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.fail != b.fail {
			return a.fail > b.fail
		}
		if a.s.deferrals != b.s.deferrals {
			return a.s.deferrals > b.s.deferrals
		}
		return a.name < b.name
	})
	rows, more := topOf(rows, t.opts.Top)
	for _, r := range rows {
		rate := ""
		if r.s.sends > 0 {
			rate = pct(r.fail, r.s.sends)
		}
		tb.Rows = append(tb.Rows, []string{
			r.name, u(r.s.received), u(r.s.sends), u(r.s.bounced), u(r.s.expired), u(r.s.complained),
			u(r.fail), rate, u(r.s.deferrals),
		})
	}
	tb.Note = moreNote(more, "senders")
	return tb
}

// warningTable is the warnings section: Postfix warnings by program and
// masked text, most frequent first, with the first and last time seen.
func (t *Traffic) warningTable() Table {
	tb := Table{
		ID: "warnings", Title: "Warnings",
		Columns: []Column{
			{Name: "PROGRAM"}, {Name: "TEXT"}, {Name: "COUNT", Numeric: true}, {Name: "FIRST"}, {Name: "LAST"},
		},
	}
	gs, more := topOf(allGroups(t.warnings), t.opts.Top)
	for _, g := range gs {
		program := g.key.group
		if program == "" {
			program = "(unknown)"
		}
		tb.Rows = append(tb.Rows, []string{program, g.key.text, u(g.agg.n), timeString(g.agg.first), timeString(g.agg.last)})
	}
	tb.Note = moreNote(more, "warnings")
	return tb
}

// topOf returns the first top elements of s (all when top is 0) and how
// many it left out.
func topOf[T any](s []T, top int) ([]T, int) {
	if top > 0 && len(s) > top {
		return s[:top], len(s) - top
	}
	return s, 0
}

// moreNote is the note of a ranked section that left out n rows.
func moreNote(n int, what string) string {
	if n == 0 {
		return ""
	}
	return "(" + strconv.Itoa(n) + " more " + what + "; use --top 0 for all)"
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
