package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"bouncelens/classify"
)

// A Threshold is one --fail-if condition, such as "bounce-rate>5%",
// "deferred>=1000" or "blocked>0": a metric, a comparison and a limit,
// checked against the Totals of a report's range.
//
// Metrics are the items of the totals section: the counts received,
// sends, delivered, bounced, expired, deferred-final, other-final,
// deferred (deferral attempts), deferred-sends, rejected, complained,
// autoreplied, warnings, recipients, domains and senders; the rates
// bounce-rate and defer-rate, whose limit is a percentage ("5%"); and any
// reason of the taxonomy ("blocked", "userunknown"), which counts the
// failure events (deferred, bounced, expired, rejected) with that reason.
// Where a reason has a metric's name (expired, rejected), the metric wins;
// write "reason:expired" for the reason. "_" may stand for "-". The
// comparisons are >, >=, <, <= and = (== is accepted).
type Threshold struct {
	Expr   string  // as written, spaces trimmed
	Metric string  // the metric's canonical name: "bounce-rate", "bounced", "reason:blocked"
	Op     string  // ">", ">=", "<", "<=" or "="
	Limit  float64 // a count, or a percentage for the rates
	reason classify.Reason
}

// countMetrics maps each count metric to its value in Totals.
var countMetrics = map[string]func(Totals) uint64{
	"received":       func(x Totals) uint64 { return x.Received },
	"sends":          func(x Totals) uint64 { return x.Sends },
	"delivered":      func(x Totals) uint64 { return x.Delivered },
	"bounced":        func(x Totals) uint64 { return x.Bounced },
	"expired":        func(x Totals) uint64 { return x.Expired },
	"deferred-final": func(x Totals) uint64 { return x.DeferredFinal },
	"other-final":    func(x Totals) uint64 { return x.OtherFinal },
	"deferred":       func(x Totals) uint64 { return x.Deferrals },
	"deferred-sends": func(x Totals) uint64 { return x.DeferredSends },
	"rejected":       func(x Totals) uint64 { return x.Rejected },
	"complained":     func(x Totals) uint64 { return x.Complained },
	"autoreplied":    func(x Totals) uint64 { return x.AutoReplied },
	"warnings":       func(x Totals) uint64 { return x.Warnings },
	"recipients":     func(x Totals) uint64 { return x.Recipients },
	"domains":        func(x Totals) uint64 { return x.Domains },
	"senders":        func(x Totals) uint64 { return x.Senders },
}

// rateMetrics maps each rate metric to its value and fraction.
var rateMetrics = map[string]func(Totals) (float64, uint64, uint64){
	"bounce-rate": Totals.BounceRate,
	"defer-rate":  Totals.DeferRate,
}

// ops are the comparisons, longest first so that ">=" is not read as ">".
var ops = []string{">=", "<=", "==", ">", "<", "="}

// Metrics returns the metric names ParseThreshold knows, sorted, without
// the reasons.
func Metrics() []string {
	var names []string
	for n := range countMetrics {
		names = append(names, n)
	}
	for n := range rateMetrics {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ParseThresholds parses a comma-separated list of conditions
// ("bounce-rate>5%,blocked>0"); empty items are skipped.
func ParseThresholds(list string) ([]Threshold, error) {
	var out []Threshold
	for _, item := range strings.Split(list, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		th, err := ParseThreshold(item)
		if err != nil {
			return nil, err
		}
		out = append(out, th)
	}
	return out, nil
}

// ParseThreshold parses one condition: METRIC OP LIMIT, spaces allowed
// around the parts.
func ParseThreshold(expr string) (Threshold, error) {
	th := Threshold{Expr: strings.TrimSpace(expr)}
	i := strings.IndexAny(th.Expr, "<>=!")
	if i < 0 {
		return th, fmt.Errorf("%q: want METRIC OP LIMIT, such as bounce-rate>5%% or blocked>0 (OP is >, >=, <, <= or =)", th.Expr)
	}
	name := strings.ToLower(strings.TrimSpace(th.Expr[:i]))
	rest := th.Expr[i:]
	for _, op := range ops {
		if strings.HasPrefix(rest, op) {
			th.Op, rest = op, rest[len(op):]
			break
		}
	}
	if th.Op == "" || strings.ContainsAny(rest, "<>=!") {
		return th, fmt.Errorf("%q: bad comparison (want >, >=, <, <= or =)", th.Expr)
	}
	if th.Op == "==" {
		th.Op = "="
	}
	if name == "" {
		return th, fmt.Errorf("%q: no metric before %s", th.Expr, th.Op)
	}
	name = strings.ReplaceAll(name, "_", "-")
	value := strings.TrimSpace(rest)
	percent := strings.HasSuffix(value, "%")
	value = strings.TrimSpace(strings.TrimSuffix(value, "%"))
	limit, err := strconv.ParseFloat(value, 64)
	if value == "" || err != nil || math.IsNaN(limit) || math.IsInf(limit, 0) || limit < 0 || strings.ContainsAny(value, "xXpP_") {
		return th, fmt.Errorf("%q: the limit %q is not a number of 0 or more", th.Expr, strings.TrimSpace(rest))
	}
	th.Limit = limit
	_, isRate := rateMetrics[name]
	switch {
	case isRate:
		if !percent {
			return th, fmt.Errorf("%q: %s is a percentage: write %s%s%s%%", th.Expr, name, name, th.Op, value)
		}
		th.Metric = name
		return th, nil
	case percent:
		return th, fmt.Errorf("%q: %s is a count, not a percentage (the rates are bounce-rate and defer-rate)", th.Expr, name)
	case limit != math.Trunc(limit):
		return th, fmt.Errorf("%q: %s is a count: the limit must be a whole number", th.Expr, name)
	}
	if _, ok := countMetrics[name]; ok {
		th.Metric = name
		return th, nil
	}
	r, ok := classify.ParseReason(strings.TrimPrefix(name, "reason:"))
	if !ok {
		return th, fmt.Errorf("%q: unknown metric %q (want one of %s, or a reason such as blocked or userunknown)",
			th.Expr, name, strings.Join(Metrics(), ", "))
	}
	th.reason = r
	th.Metric = "reason:" + r.String()
	return th, nil
}

// Check compares the metric's value in x with the limit. It returns
// whether the condition holds (the threshold is crossed) and the value in
// words: "bounce rate 7.3% (73 of 1000)", "120 bounced", "12 failures
// with reason blocked".
func (th Threshold) Check(x Totals) (bool, string) {
	if f, ok := rateMetrics[th.Metric]; ok {
		rate, n, d := f(x)
		crossed := compare(rate, th.Op, th.Limit)
		return crossed, fmt.Sprintf("%s %s%% (%d of %d)", strings.ReplaceAll(th.Metric, "-", " "), showRate(rate, th.Op, th.Limit, crossed), n, d)
	}
	if f, ok := countMetrics[th.Metric]; ok {
		n := f(x)
		return compare(float64(n), th.Op, th.Limit), fmt.Sprintf("%d %s", n, th.Metric)
	}
	n := x.FailuresByReason[th.reason]
	return compare(float64(n), th.Op, th.Limit), fmt.Sprintf("%d failures with reason %s", n, th.reason)
}

// showRate formats rate with one decimal, or more where one decimal would
// show a value that reads as the other verdict (5.04 > 5 shown as "5.0").
func showRate(rate float64, op string, limit float64, crossed bool) string {
	for prec := 1; prec < 6; prec++ {
		s := strconv.FormatFloat(rate, 'f', prec, 64)
		shown, _ := strconv.ParseFloat(s, 64)
		if compare(shown, op, limit) == crossed {
			return s
		}
	}
	return strconv.FormatFloat(rate, 'g', -1, 64)
}

func compare(v float64, op string, limit float64) bool {
	switch op {
	case ">":
		return v > limit
	case ">=":
		return v >= limit
	case "<":
		return v < limit
	case "<=":
		return v <= limit
	}
	return v == limit
}
