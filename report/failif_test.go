package report

import (
	"bytes"
	"strings"
	"testing"

	"bouncelens/classify"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		expr   string
		metric string
		op     string
		limit  float64
		err    string // part of the error; "" for none
	}{
		{"bounce-rate>5%", "bounce-rate", ">", 5, ""},
		{" bounce_rate >= 0.5 % ", "bounce-rate", ">=", 0.5, ""},
		{"defer-rate>20%", "defer-rate", ">", 20, ""},
		{"bounced>100", "bounced", ">", 100, ""},
		{"deferred>=1000", "deferred", ">=", 1000, ""},
		{"rejected>0", "rejected", ">", 0, ""},
		{"expired>0", "expired", ">", 0, ""},
		{"complained>0", "complained", ">", 0, ""},
		{"warnings>0", "warnings", ">", 0, ""},
		{"Deferred_Final<=3", "deferred-final", "<=", 3, ""},
		{"sends<10", "sends", "<", 10, ""},
		{"delivered=0", "delivered", "=", 0, ""},
		{"delivered==0", "delivered", "=", 0, ""},
		{"blocked>0", "reason:blocked", ">", 0, ""},
		{"userunknown>50", "reason:userunknown", ">", 50, ""},
		{"reason:expired>0", "reason:expired", ">", 0, ""}, // the reason, not the metric
		{"reason:rejected>=2", "reason:rejected", ">=", 2, ""},

		{"bounce-rate>5", "", "", 0, "is a percentage: write bounce-rate>5%"},
		{"bounced>5%", "", "", 0, "is a count, not a percentage"},
		{"bounced>1.5", "", "", 0, "whole number"},
		{"bounced", "", "", 0, "want METRIC OP LIMIT"},
		{"", "", "", 0, "want METRIC OP LIMIT"},
		{">5", "", "", 0, "no metric"},
		{"bounced!=5", "", "", 0, "bad comparison"},
		{"bounced=>5", "", "", 0, "bad comparison"},
		{"bounced>>5", "", "", 0, "bad comparison"},
		{"bounced>", "", "", 0, "not a number"},
		{"bounced>-1", "", "", 0, "not a number"},
		{"bounced>NaN", "", "", 0, "not a number"},
		{"bounced>0x10", "", "", 0, "not a number"},
		{"bounce-rate>inf%", "", "", 0, "not a number"},
		{"bounces>5", "", "", 0, `unknown metric "bounces"`},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.expr)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseThreshold(%q) error %v, want one with %q", tt.expr, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseThreshold(%q): %v", tt.expr, err)
			continue
		}
		if th.Metric != tt.metric || th.Op != tt.op || th.Limit != tt.limit || th.Expr != strings.TrimSpace(tt.expr) {
			t.Errorf("ParseThreshold(%q) = %+v, want %s %s %v", tt.expr, th, tt.metric, tt.op, tt.limit)
		}
	}
}

func TestParseThresholdsList(t *testing.T) {
	ths, err := ParseThresholds("bounce-rate>5%, blocked>0,,warnings>0")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, th := range ths {
		got = append(got, th.Expr)
	}
	if strings.Join(got, "|") != "bounce-rate>5%|blocked>0|warnings>0" {
		t.Errorf("ParseThresholds = %q", got)
	}
	if _, err := ParseThresholds("bounced>1,nope>2"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("a bad item in a list: error %v", err)
	}
}

func TestThresholdCheck(t *testing.T) {
	x := Totals{
		Sends: 1000, Delivered: 927, Bounced: 70, Expired: 3, DeferredSends: 250, Deferrals: 400, Rejected: 0,
		FailuresByReason: map[classify.Reason]uint64{classify.Blocked: 12},
	}
	tests := []struct {
		expr    string
		crossed bool
		why     string
	}{
		{"bounce-rate>5%", true, "bounce rate 7.3% (73 of 1000)"},
		{"bounce-rate>7.3%", false, "bounce rate 7.3% (73 of 1000)"},
		{"bounce-rate>7.29%", true, "bounce rate 7.3% (73 of 1000)"}, // 7.3 > 7.29 reads right
		{"bounce-rate<=7.3%", true, "bounce rate 7.3% (73 of 1000)"},
		{"defer-rate>20%", true, "defer rate 25.0% (250 of 1000)"},
		{"bounced>100", false, "70 bounced"},
		{"bounced>=70", true, "70 bounced"},
		{"deferred>=400", true, "400 deferred"},
		{"rejected>0", false, "0 rejected"},
		{"rejected=0", true, "0 rejected"},
		{"blocked>0", true, "12 failures with reason blocked"},
		{"userunknown>50", false, "0 failures with reason userunknown"},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		crossed, why := th.Check(x)
		if crossed != tt.crossed || why != tt.why {
			t.Errorf("%s: Check = %v, %q; want %v, %q", tt.expr, crossed, why, tt.crossed, tt.why)
		}
	}
	// 5.04% is over 5%: shown with the decimals that say so.
	th, _ := ParseThreshold("bounce-rate>5%")
	if crossed, why := th.Check(Totals{Delivered: 9496, Bounced: 504}); !crossed || why != "bounce rate 5.04% (504 of 10000)" {
		t.Errorf("5.04%%: %v, %q", crossed, why)
	}
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"bounce-rate>5%", "blocked>0", "deferred>=1000", "reason:expired<=2", "a=b", "x>1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			return
		}
		again, err := ParseThreshold(th.Expr)
		if err != nil || again != th {
			t.Fatalf("%q parses to %+v, its Expr to %+v, %v", s, th, again, err)
		}
		th.Check(Totals{}) // must not panic
	})
}

func TestHTMLEscapesAndBalances(t *testing.T) {
	tb := Table{
		ID: "x<y", Title: `T & "t"`, Note: "<b>note</b>",
		Columns: []Column{{Name: "A<"}, {Name: "N", Numeric: true}},
		Rows:    [][]string{{"<script>alert(1)</script> & <a@b>", "1"}, {"short"}},
	}
	var buf bytes.Buffer
	if err := (htmlFormat{}).Write(&buf, []Table{tb, {ID: "empty", Title: "Empty"}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script", "<b>", "<a@b>", `"t"`, "x<y", "A<<"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML holds %q unescaped:\n%s", bad, out)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a@b&gt;", "T &amp; &#34;t&#34;", "&lt;b&gt;note&lt;/b&gt;", "No rows."} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q:\n%s", want, out)
		}
	}
	for _, tag := range []string{"table", "tr", "td", "th", "thead", "tbody", "h2", "p", "html", "body", "head", "style"} {
		open := strings.Count(out, "<"+tag+">") + strings.Count(out, "<"+tag+" ")
		if closed := strings.Count(out, "</"+tag+">"); open != closed {
			t.Errorf("<%s>: %d opened, %d closed", tag, open, closed)
		}
	}
	if strings.Count(out, "<td") != 4 { // the short row is padded
		t.Errorf("want 4 cells:\n%s", out)
	}
}
