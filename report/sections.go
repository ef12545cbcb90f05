package report

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/classify/catalog"
	"bouncelens/parser"
	"bouncelens/store"
)

// Options tunes the sections Build and Traffic return.
type Options struct {
	Top int // rows per ranked section (domains, codes, senders, texts); 0 means all
}

// Build returns the sections computed from daily counts, in the order of
// CountSections: summary, by_reason, by_domain, by_code, by_day.
func Build(counts []store.Count, opts Options) []Table {
	return []Table{
		Summary(counts),
		ByReason(counts),
		ByDomain(counts, opts.Top),
		ByCode(counts, opts.Top),
		ByDay(counts),
	}
}

// statusColumns are the outcomes shown as columns, in this order.
var statusColumns = []parser.Status{
	parser.StatusSent, parser.StatusDeferred, parser.StatusBounced,
	parser.StatusExpired, parser.StatusRejected,
}

// isDelivery reports whether s is the outcome of a delivery attempt: not
// an auto-reply or a complaint, which the summary counts apart, and not a
// received message or a warning, which have no recipient.
func isDelivery(s parser.Status) bool {
	switch s {
	case parser.StatusAutoReplied, parser.StatusComplained, parser.StatusReceived, parser.StatusWarning:
		return false
	}
	return true
}

// isEvent reports whether s is the status of a recipient event, which
// the summary counts: not a received message or a warning.
func isEvent(s parser.Status) bool {
	return s != parser.StatusReceived && s != parser.StatusWarning
}

// isFailure reports whether s is a failure outcome: not sent, and not an
// auto-reply or a complaint, which say nothing failed.
func isFailure(s parser.Status) bool {
	return isDelivery(s) && s != parser.StatusSent && s != parser.StatusUnknown
}

// Summary counts recipient events by status, with each status's share.
// Received messages and warnings are not recipient events: they are left
// out of the rows and the shares, and named in the note (the totals
// section counts them).
func Summary(counts []store.Count) Table {
	by := map[parser.Status]uint64{}
	var total uint64
	for _, c := range counts {
		by[c.Status] += c.N
		if isEvent(c.Status) {
			total += c.N
		}
	}
	t := Table{
		ID:    "summary",
		Title: "Events by status",
		Columns: []Column{
			{Name: "STATUS"}, {Name: "EVENTS", Numeric: true}, {Name: "SHARE %", Key: "share_pct", Numeric: true},
		},
	}
	statuses := append(append([]parser.Status{}, statusColumns...),
		parser.StatusAutoReplied, parser.StatusComplained, parser.StatusUnknown)
	for _, s := range statuses {
		n, ok := by[s]
		if !ok && (s == parser.StatusUnknown || s == parser.StatusAutoReplied || s == parser.StatusComplained) {
			continue
		}
		t.Rows = append(t.Rows, []string{s.String(), u(n), pct(n, total)})
	}
	t.Rows = append(t.Rows, []string{"total", u(total), pct(total, total)})
	if by[parser.StatusReceived] > 0 || by[parser.StatusWarning] > 0 {
		t.Note = "(not counted above: " + u(by[parser.StatusReceived]) + " received messages, " +
			u(by[parser.StatusWarning]) + " warnings; see totals)"
	}
	return t
}

// ByReason counts failure events (everything but sent) by reason, split by
// hard/soft and by status, with the reason's side, default action and
// meaning from the taxonomy.
func ByReason(counts []store.Count) Table {
	type agg struct {
		hard, soft, total uint64
		status            map[parser.Status]uint64
	}
	by := map[classify.Reason]*agg{}
	for _, c := range counts {
		if !isFailure(c.Status) {
			continue
		}
		a := by[c.Reason]
		if a == nil {
			a = &agg{status: map[parser.Status]uint64{}}
			by[c.Reason] = a
		}
		switch c.Class {
		case classify.Hard:
			a.hard += c.N
		case classify.Soft:
			a.soft += c.N
		}
		a.total += c.N
		a.status[c.Status] += c.N
	}
	reasons := make([]classify.Reason, 0, len(by))
	for r := range by {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if by[reasons[i]].total != by[reasons[j]].total {
			return by[reasons[i]].total > by[reasons[j]].total
		}
		return reasons[i].String() < reasons[j].String()
	})
	t := Table{
		ID:    "by_reason",
		Title: "Failures by reason",
		Columns: []Column{
			{Name: "REASON"}, {Name: "SIDE"},
			{Name: "HARD", Numeric: true}, {Name: "SOFT", Numeric: true},
			{Name: "BOUNCED", Numeric: true}, {Name: "DEFERRED", Numeric: true},
			{Name: "EXPIRED", Numeric: true}, {Name: "REJECTED", Numeric: true},
			{Name: "TOTAL", Numeric: true}, {Name: "ACTION"}, {Name: "MEANING"},
		},
	}
	for _, r := range reasons {
		a := by[r]
		info := classify.Describe(r)
		t.Rows = append(t.Rows, []string{
			r.String(), info.Side.String(), u(a.hard), u(a.soft),
			u(a.status[parser.StatusBounced]), u(a.status[parser.StatusDeferred]),
			u(a.status[parser.StatusExpired]), u(a.status[parser.StatusRejected]),
			u(a.total), info.Action.String(), info.Meaning,
		})
	}
	return t
}

// ByDomain counts events per recipient domain and status, with the bounce
// rate: (bounced + expired) / (sent + bounced + expired), the share of final
// outcomes that failed. Deferrals are attempts, not outcomes.
func ByDomain(counts []store.Count, top int) Table {
	by := map[string]map[parser.Status]uint64{}
	totals := map[string]uint64{}
	for _, c := range counts {
		if !isDelivery(c.Status) {
			continue
		}
		d := c.Domain
		if d == "" {
			d = "(none)"
		}
		m := by[d]
		if m == nil {
			m = map[parser.Status]uint64{}
			by[d] = m
		}
		m[c.Status] += c.N
		totals[d] += c.N
	}
	domains := sortedKeys(totals)
	if top > 0 && len(domains) > top {
		domains = domains[:top]
	}
	t := Table{
		ID:    "by_domain",
		Title: "Recipient domains",
		Columns: []Column{
			{Name: "DOMAIN"}, {Name: "EVENTS", Numeric: true},
			{Name: "SENT", Numeric: true}, {Name: "DEFERRED", Numeric: true},
			{Name: "BOUNCED", Numeric: true}, {Name: "EXPIRED", Numeric: true},
			{Name: "REJECTED", Numeric: true}, {Name: "BOUNCE RATE %", Key: "bounce_rate_pct", Numeric: true},
		},
	}
	for _, d := range domains {
		m := by[d]
		failed := m[parser.StatusBounced] + m[parser.StatusExpired]
		final := failed + m[parser.StatusSent]
		rate := ""
		if final > 0 {
			rate = pct(failed, final)
		}
		t.Rows = append(t.Rows, []string{
			d, u(totals[d]), u(m[parser.StatusSent]), u(m[parser.StatusDeferred]),
			u(m[parser.StatusBounced]), u(m[parser.StatusExpired]), u(m[parser.StatusRejected]), rate,
		})
	}
	if top > 0 && len(totals) > top {
		t.Note = "(" + strconv.Itoa(len(totals)-top) + " more domains; use --top 0 for all)"
	}
	return t
}

// ByCode counts failure events by reply code and enhanced code, with the
// catalog's title and one-line meaning (the first sentence of its Meaning)
// for the most specific of the two, and the most frequent reason seen with
// them.
func ByCode(counts []store.Count, top int) Table {
	type key struct {
		code     int
		enhanced string
	}
	totals := map[key]uint64{}
	reasons := map[key]map[classify.Reason]uint64{}
	for _, c := range counts {
		if !isFailure(c.Status) {
			continue
		}
		k := key{c.Code, c.Enhanced}
		totals[k] += c.N
		if reasons[k] == nil {
			reasons[k] = map[classify.Reason]uint64{}
		}
		reasons[k][c.Reason] += c.N
	}
	keys := make([]key, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if totals[a] != totals[b] {
			return totals[a] > totals[b]
		}
		if a.code != b.code {
			return a.code < b.code
		}
		return a.enhanced < b.enhanced
	})
	more := 0
	if top > 0 && len(keys) > top {
		more = len(keys) - top
		keys = keys[:top]
	}
	t := Table{
		ID:    "by_code",
		Title: "Failures by code",
		Columns: []Column{
			{Name: "CODE"}, {Name: "ENHANCED"}, {Name: "FAILURES", Numeric: true},
			{Name: "TOP REASON"}, {Name: "TITLE"}, {Name: "MEANING"},
		},
	}
	for _, k := range keys {
		var best classify.Reason
		var bestN uint64
		for r, n := range reasons[k] {
			if n > bestN || (n == bestN && r.String() < best.String()) {
				best, bestN = r, n
			}
		}
		code := ""
		if k.code != 0 {
			code = strconv.Itoa(k.code)
		}
		e, _ := CodeEntry(k.code, k.enhanced)
		t.Rows = append(t.Rows, []string{code, k.enhanced, u(totals[k]), best.String(), e.Title, firstSentence(e.Meaning)})
	}
	if more > 0 {
		t.Note = "(" + strconv.Itoa(more) + " more codes; use --top 0 for all)"
	}
	return t
}

// CodeTitle returns the catalog title of the enhanced code when it is
// specific (not X.0.0), else of the reply code, else "".
func CodeTitle(code int, enhanced string) string {
	if e, ok := CodeEntry(code, enhanced); ok {
		return e.Title
	}
	return ""
}

// firstSentence returns s up to its first full stop that is followed by a
// space and a capital letter, or all of s.
func firstSentence(s string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && s[i+2] >= 'A' && s[i+2] <= 'Z' {
			return s[:i+1]
		}
	}
	return s
}

// CodeEntry returns the catalog entry that best explains a reply: the
// enhanced code when it is specific (not X.0.0), else the reply code, else
// the X.0.0 entry; false when the catalog has none of them.
func CodeEntry(code int, enhanced string) (catalog.Entry, bool) {
	if enhanced != "" && !strings.HasSuffix(enhanced, ".0.0") {
		if e, ok := catalog.Lookup(enhanced); ok {
			return e, true
		}
	}
	if code != 0 {
		if e, ok := catalog.Lookup(strconv.Itoa(code)); ok {
			return e, true
		}
	}
	if enhanced != "" {
		return catalog.Lookup(enhanced)
	}
	return catalog.Entry{}, false
}

// ByDay counts events per UTC day and status, oldest day first.
func ByDay(counts []store.Count) Table {
	by := map[time.Time]map[parser.Status]uint64{}
	for _, c := range counts {
		if !isDelivery(c.Status) {
			continue
		}
		m := by[c.Day]
		if m == nil {
			m = map[parser.Status]uint64{}
			by[c.Day] = m
		}
		m[c.Status] += c.N
	}
	days := make([]time.Time, 0, len(by))
	for d := range by {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	cols := []Column{{Name: "DAY"}}
	for _, s := range statusColumns {
		cols = append(cols, Column{Name: strings.ToUpper(s.String()), Numeric: true})
	}
	cols = append(cols, Column{Name: "TOTAL", Numeric: true})
	t := Table{ID: "by_day", Title: "Events per day (UTC)", Columns: cols}
	for _, d := range days {
		m := by[d]
		row := []string{dayString(d)}
		var total uint64
		for _, s := range statusColumns {
			row = append(row, u(m[s]))
		}
		for _, n := range m {
			total += n
		}
		row = append(row, u(total))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Moved lists recipients with a forward address: who to update in a CRM.
func Moved(recs []store.Recipient) Table {
	t := Table{
		ID:    "moved",
		Title: "Moved recipients",
		Columns: []Column{
			{Name: "ADDRESS"}, {Name: "NEW ADDRESS"}, {Name: "LAST STATUS"}, {Name: "CODE"},
			{Name: "ENHANCED"}, {Name: "REASON"}, {Name: "ACTION"}, {Name: "SEEN"},
		},
	}
	sorted := append([]store.Recipient(nil), recs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Address < sorted[j].Address })
	for _, r := range sorted {
		if r.Forward == "" {
			continue
		}
		code := ""
		if r.LastCode != 0 {
			code = strconv.Itoa(r.LastCode)
		}
		t.Rows = append(t.Rows, []string{
			r.Address, r.Forward, r.LastStatus.String(), code, r.LastEnhanced,
			r.LastReason.String(), r.LastAction.String(), timeString(r.ForwardSeen),
		})
	}
	return t
}

// sortedKeys returns m's keys by descending value, then ascending key.
func sortedKeys(m map[string]uint64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func u(n uint64) string { return strconv.FormatUint(n, 10) }

// pct formats n/total as a percentage with one decimal; "0.0" when total is 0.
func pct(n, total uint64) string {
	if total == 0 {
		return "0.0"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64)
}

func dayString(t time.Time) string { return t.UTC().Format("2006-01-02") }

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
