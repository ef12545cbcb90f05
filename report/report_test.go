package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
	"bouncelens/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var day1 = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
var day2 = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// sampleCounts is a small, hand-checked store extract.
func sampleCounts() []store.Count {
	return []store.Count{
		{Day: day1, Domain: "example.com", Status: parser.StatusSent, Reason: classify.Delivered, Class: classify.None, Code: 250, Enhanced: "2.0.0", N: 90},
		{Day: day1, Domain: "example.com", Status: parser.StatusBounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 6},
		{Day: day2, Domain: "example.com", Status: parser.StatusBounced, Reason: classify.UserUnknown, Class: classify.Hard, Code: 550, Enhanced: "5.1.1", N: 4},
		{Day: day2, Domain: "example.org", Status: parser.StatusSent, Reason: classify.Delivered, Class: classify.None, Code: 250, Enhanced: "2.0.0", N: 30},
		{Day: day2, Domain: "example.org", Status: parser.StatusDeferred, Reason: classify.MailboxFull, Class: classify.Soft, Code: 452, Enhanced: "4.2.2", N: 8},
		{Day: day2, Domain: "example.org", Status: parser.StatusExpired, Reason: classify.MailboxFull, Class: classify.Soft, Code: 452, Enhanced: "4.2.2", N: 2},
		{Day: day2, Domain: "example.net", Status: parser.StatusBounced, Reason: classify.HasMoved, Class: classify.Hard, Code: 551, Enhanced: "5.1.6", N: 1},
		{Day: day2, Domain: "example.net", Status: parser.StatusRejected, Reason: classify.Blocked, Class: classify.Soft, Code: 554, Enhanced: "5.7.1", N: 3},
	}
}

func cell(t *testing.T, tb Table, key, col string) string {
	t.Helper()
	ci := -1
	for i, c := range tb.Columns {
		if c.Name == col {
			ci = i
		}
	}
	if ci < 0 {
		t.Fatalf("%s has no column %s", tb.ID, col)
	}
	for _, r := range tb.Rows {
		if r[0] == key {
			return r[ci]
		}
	}
	t.Fatalf("%s has no row %q", tb.ID, key)
	return ""
}

func TestBuilders(t *testing.T) {
	counts := sampleCounts()
	sum := Summary(counts)
	for _, c := range []struct{ key, col, want string }{
		{"sent", "EVENTS", "120"}, {"bounced", "EVENTS", "11"}, {"deferred", "EVENTS", "8"},
		{"expired", "EVENTS", "2"}, {"rejected", "EVENTS", "3"}, {"total", "EVENTS", "144"},
		{"sent", "SHARE %", "83.3"},
	} {
		if got := cell(t, sum, c.key, c.col); got != c.want {
			t.Errorf("summary %s %s = %s, want %s", c.key, c.col, got, c.want)
		}
	}
	br := ByReason(counts)
	// mailboxfull and userunknown both have 10 failures: ties sort by name.
	if br.Rows[0][0] != "mailboxfull" || br.Rows[1][0] != "userunknown" {
		t.Errorf("by_reason rows start %v, %v; want mailboxfull, userunknown", br.Rows[0], br.Rows[1])
	}
	for _, c := range []struct{ key, col, want string }{
		{"userunknown", "HARD", "10"}, {"userunknown", "TOTAL", "10"}, {"userunknown", "SIDE", "recipient"},
		{"mailboxfull", "SOFT", "10"}, {"mailboxfull", "DEFERRED", "8"}, {"mailboxfull", "EXPIRED", "2"},
		{"hasmoved", "ACTION", "update-address"}, {"blocked", "REJECTED", "3"}, {"blocked", "SIDE", "sender"},
	} {
		if got := cell(t, br, c.key, c.col); got != c.want {
			t.Errorf("by_reason %s %s = %s, want %s", c.key, c.col, got, c.want)
		}
	}
	for _, r := range br.Rows {
		if r[0] == "delivered" {
			t.Errorf("by_reason lists delivered events: %v", r)
		}
	}
	bd := ByDomain(counts, 0)
	// example.com: 10 bounced of 100 final outcomes.
	if got := cell(t, bd, "example.com", "BOUNCE RATE %"); got != "10.0" {
		t.Errorf("example.com bounce rate %s, want 10.0", got)
	}
	// example.org: 2 expired of 32 final outcomes; deferrals do not count.
	if got := cell(t, bd, "example.org", "BOUNCE RATE %"); got != "6.2" {
		t.Errorf("example.org bounce rate %s, want 6.2", got)
	}
	if top := ByDomain(counts, 1); len(top.Rows) != 1 || top.Rows[0][0] != "example.com" || !strings.Contains(top.Note, "2 more") {
		t.Errorf("ByDomain top 1 = %v note %q", top.Rows, top.Note)
	}
	bc := ByCode(counts, 0)
	if got := cell(t, bc, "550", "FAILURES"); got != "10" {
		t.Errorf("by_code 550 = %s", got)
	}
	if got := cell(t, bc, "452", "TOP REASON"); got != "mailboxfull" {
		t.Errorf("by_code 452 top reason = %s", got)
	}
	if got := cell(t, bc, "550", "TITLE"); got == "" {
		t.Errorf("by_code 550 5.1.1 has no catalog title")
	}
	days := ByDay(counts)
	if len(days.Rows) != 2 || days.Rows[0][0] != "2026-11-22" || cell(t, days, "2026-11-22", "TOTAL") != "96" {
		t.Errorf("by_day rows %v", days.Rows)
	}
}

func TestMoved(t *testing.T) {
	recs := []store.Recipient{
		{Address: "zed@example.com", Forward: "zed@example.net", LastStatus: parser.StatusSent, LastCode: 251, LastEnhanced: "2.1.5", LastReason: classify.Forwarded, LastAction: classify.ActionUpdateAddress, ForwardSeen: day2},
		{Address: "amy@example.com", Forward: "amy@example.org", LastStatus: parser.StatusBounced, LastCode: 551, LastEnhanced: "5.1.6", LastReason: classify.HasMoved, LastAction: classify.ActionUpdateAddress, ForwardSeen: day1},
		{Address: "bob@example.com", LastStatus: parser.StatusBounced, LastReason: classify.UserUnknown},
	}
	m := Moved(recs)
	if len(m.Rows) != 2 || m.Rows[0][0] != "amy@example.com" || m.Rows[0][1] != "amy@example.org" || m.Rows[1][3] != "251" {
		t.Errorf("Moved rows = %v", m.Rows)
	}
}

func TestFormatsGolden(t *testing.T) {
	tables := Build(sampleCounts(), Options{Top: 3})
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			f, err := ByName(name)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Write(&buf, tables); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "sample."+name+".golden"), buf.Bytes())
		})
	}
}

func TestJSONIsValidAndTyped(t *testing.T) {
	f, _ := ByName("json")
	var buf bytes.Buffer
	if err := f.Write(&buf, Build(sampleCounts(), Options{})); err != nil {
		t.Fatal(err)
	}
	var got map[string][]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	for _, id := range []string{"summary", "by_reason", "by_domain", "by_code", "by_day"} {
		if len(got[id]) == 0 {
			t.Errorf("JSON has no %s rows", id)
		}
	}
	if n, ok := got["summary"][0]["events"].(float64); !ok || n != 120 {
		t.Errorf("summary[0].events = %#v, want the number 120", got["summary"][0]["events"])
	}
}

func TestCSVSingleSectionParses(t *testing.T) {
	tables, err := Select(Build(sampleCounts(), Options{}), []string{"by_domain"})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := ByName("csv")
	var buf bytes.Buffer
	if err := f.Write(&buf, tables); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0][0] != "domain" || recs[0][7] != "bounce_rate_pct" {
		t.Errorf("csv = %v", recs)
	}
	if _, err := Select(nil, []string{"nope"}); err == nil {
		t.Error("Select of an unknown section: no error")
	}
	if _, err := ByName("xml"); err == nil || !strings.Contains(err.Error(), "csv") {
		t.Errorf("ByName(xml) error %v should list the formats", err)
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	f, _ := ByName("markdown")
	var buf bytes.Buffer
	tb := Table{ID: "x", Title: "X", Columns: []Column{{Name: "A"}}, Rows: [][]string{{"a|b <c@d>\nnext"}}}
	if err := f.Write(&buf, []Table{tb}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `a\|b &lt;c@d&gt; next`) {
		t.Errorf("markdown cell not escaped:\n%s", buf.String())
	}
}

// checkGolden compares got with the golden file (rewritten under -update).
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review git diff\n%s", golden, got)
	}
}
