package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"bouncelens/report"
)

// samplesPostfix is the shared corpus of real Postfix logs.
const samplesPostfix = "../../../shared/samples/postfix"

// jsonReport is the json format as read back.
type jsonReport map[string][]map[string]any

// scanInto scans paths into a new store with the binary and returns its
// directory.
func scanInto(t *testing.T, paths ...string) string {
	t.Helper()
	db := t.TempDir()
	if r := bin(t, db, nil, append([]string{"scan", "-q", "--year", "2026"}, paths...)...); r.code != 0 {
		t.Fatalf("scan %v: exit %d: %s", paths, r.code, r.stderr)
	}
	return db
}

// readJSONReport runs report --format json with args and decodes it.
func readJSONReport(t *testing.T, db string, args ...string) jsonReport {
	t.Helper()
	out := reportJSON(t, db, args...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	return rep
}

// totalsOf returns the totals section as item -> count.
func totalsOf(t *testing.T, rep jsonReport) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, row := range rep["totals"] {
		n, ok := row["count"].(float64)
		if !ok {
			t.Fatalf("totals row %v: count is not a number", row)
		}
		out[row["item"].(string)] = n
	}
	return out
}

// TestReportSectionsHaveRowsAndReconcile is issue 6's done-when: on the
// fixtures and on the shared Postfix samples, every section of the default
// report has rows, and the totals reconcile:
// delivered + bounced + expired + deferred-final (+ other-final) = sends.
func TestReportSectionsHaveRowsAndReconcile(t *testing.T) {
	inputs := map[string]string{"fixtures": fixturesDir, "samples": samplesPostfix}
	for _, name := range []string{"fixtures", "samples"} {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(inputs[name]); err != nil {
				t.Skipf("no %s: %v", inputs[name], err)
			}
			db := scanInto(t, inputs[name])
			rep := readJSONReport(t, db, "--top", "0")
			var keys []string
			for _, id := range report.DefaultSections {
				rows, ok := rep[id]
				if !ok {
					t.Errorf("no section %s in the default report", id)
				}
				if len(rows) == 0 {
					t.Errorf("section %s has no rows", id)
				}
				keys = append(keys, id)
			}
			if len(rep) != len(keys) {
				t.Errorf("default report has %d sections, want %v", len(rep), keys)
			}

			tot := totalsOf(t, rep)
			if name == "fixtures" { // they hold every kind of event
				for item, n := range tot {
					// other-final: logs and bounces state every outcome.
					if n == 0 && item != "other-final" {
						t.Errorf("totals %s = 0", item)
					}
				}
			}
			sum := tot["delivered"] + tot["bounced"] + tot["expired"] + tot["deferred-final"] + tot["other-final"]
			if tot["sends"] == 0 || sum != tot["sends"] {
				t.Errorf("totals do not reconcile: sends %v, delivered + bounced + expired + deferred-final + other-final = %v (%v)",
					tot["sends"], sum, tot)
			}
			// Events counted from the store's events and from its daily
			// counts agree.
			events := map[string]float64{}
			for _, row := range rep["summary"] {
				events[row["status"].(string)] = row["events"].(float64)
			}
			for status, item := range map[string]string{"deferred": "deferred", "rejected": "rejected", "complained": "complained"} {
				if events[status] != tot[item] {
					t.Errorf("summary %s %v, totals %s %v", status, events[status], item, tot[item])
				}
			}
			if tot["delivered"] > events["sent"] || tot["bounced"] > events["bounced"] {
				t.Errorf("more sends delivered or bounced than events: %v vs %v", tot, events)
			}
			if tot["deferred-sends"] > tot["deferred"] || tot["deferred-sends"] > tot["sends"] {
				t.Errorf("deferred-sends %v of %v deferrals, %v sends", tot["deferred-sends"], tot["deferred"], tot["sends"])
			}
			var hours float64
			for _, row := range rep["by_hour"] {
				hours += row["delivered"].(float64)
			}
			if len(rep["by_hour"]) != 24 || hours != events["sent"] {
				t.Errorf("by_hour: %d rows, %v delivered; want 24 rows, %v", len(rep["by_hour"]), hours, events["sent"])
			}
		})
	}
}

func TestReportFailIf(t *testing.T) {
	db := scanInto(t, fixturesDir)
	plain := bin(t, db, nil, "report")
	if plain.code != 0 || plain.stdout == "" {
		t.Fatalf("report: exit %d: %s", plain.code, plain.stderr)
	}
	line := regexp.MustCompile(`^bouncelens report: --fail-if bounce-rate>1%: bounce rate \d+\.\d% \(\d+ of \d+\)$`)

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout bool     // the report is printed
		stderr []string // regexps, one per line, in order
	}{
		{"crossed", []string{"--fail-if", "bounce-rate>1%"}, exitThreshold, true, []string{line.String()}},
		{"not crossed", []string{"--fail-if", "bounce-rate>99%"}, exitOK, true, nil},
		{"quiet, not crossed", []string{"-q", "--fail-if", "bounce-rate>99%,rejected>1000000"}, exitOK, false, nil},
		{"quiet, no threshold", []string{"-q"}, exitOK, false, nil},
		{"quiet, crossed", []string{"-q", "--fail-if", "bounce-rate>1%"}, exitThreshold, true, []string{line.String()}},
		{"repeated and comma-separated", []string{"--fail-if", "rejected>0,expired>=1", "--fail-if", "userunknown>0", "--fail-if", "warnings>0"},
			exitThreshold, true, []string{
				`^bouncelens report: --fail-if rejected>0: \d+ rejected$`,
				`^bouncelens report: --fail-if expired>=1: 1 expired$`,
				`^bouncelens report: --fail-if userunknown>0: \d+ failures with reason userunknown$`,
				`^bouncelens report: --fail-if warnings>0: \d+ warnings$`,
			}},
		{"with a section", []string{"--section", "summary", "--format", "csv", "--fail-if", "deferred>0"},
			exitThreshold, true, []string{`^bouncelens report: --fail-if deferred>0: \d+ deferred$`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bin(t, db, nil, append([]string{"report"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if (r.stdout != "") != tt.stdout {
				t.Errorf("stdout printed = %v, want %v:\n%s", r.stdout != "", tt.stdout, r.stdout)
			}
			var lines []string
			if s := strings.TrimSuffix(r.stderr, "\n"); s != "" {
				lines = strings.Split(s, "\n")
			}
			if len(lines) != len(tt.stderr) {
				t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(tt.stderr), r.stderr)
			}
			for i, re := range tt.stderr {
				if !regexp.MustCompile(re).MatchString(lines[i]) {
					t.Errorf("stderr line %q does not match %s", lines[i], re)
				}
			}
		})
	}
	// The report printed with a crossed threshold is the plain report.
	if r := bin(t, db, nil, "report", "--fail-if", "bounce-rate>1%"); r.stdout != plain.stdout {
		t.Errorf("--fail-if changed the report:\n%s\nwant:\n%s", r.stdout, plain.stdout)
	}

	for _, bad := range []struct{ arg, want string }{
		{"bounce-rate>5", "is a percentage"},
		{"bounces>5", `unknown metric "bounces"`},
		{"bounced>>1", "bad comparison"},
		{"bounced>100000,", ""}, // a trailing comma is fine
	} {
		r := bin(t, db, nil, "report", "-q", "--fail-if", bad.arg)
		if bad.want == "" {
			if r.code != exitOK {
				t.Errorf("--fail-if %s: exit %d: %s", bad.arg, r.code, r.stderr)
			}
			continue
		}
		if r.code != exitUsage || !strings.HasPrefix(r.stderr, "bouncelens report: --fail-if ") ||
			!strings.Contains(r.stderr, bad.want) || r.stdout != "" {
			t.Errorf("--fail-if %s: exit %d, stderr %q; want exit %d naming %q", bad.arg, r.code, r.stderr, exitUsage, bad.want)
		}
	}
}

func TestReportSections(t *testing.T) {
	db := t.TempDir()
	if r := inproc(t, db, "scan", "-q", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	// Old and new ids select, in the order given.
	r := inproc(t, db, "report", "--format", "json", "--section", "by_day,totals,summary")
	var rep map[string]json.RawMessage
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || len(rep) != 3 {
		t.Fatalf("--section by_day,totals,summary: exit %d, %s\n%s", r.code, r.stderr, r.stdout)
	}
	if i, j := strings.Index(r.stdout, `"by_day"`), strings.Index(r.stdout, `"totals"`); i < 0 || j < i {
		t.Errorf("sections not in the order asked:\n%s", r.stdout)
	}
	r = inproc(t, db, "report", "--section", "totals,nope")
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown section "nope"`) || !strings.Contains(r.stderr, "deferrals") {
		t.Errorf("unknown section: exit %d, stderr %q", r.code, r.stderr)
	}
	// The help names every section and the new exit status.
	r = inproc(t, db, "help", "report")
	for _, id := range report.SectionIDs() {
		if !strings.Contains(r.stdout, "\t"+id) {
			t.Errorf("help report does not describe section %s", id)
		}
	}
	for _, want := range []string{"--fail-if", "the exit status is 5", "--format html", "jq"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help report lacks %q", want)
		}
	}
}

// TestReportFixturesGolden pins the html and csv output of the default
// report on the fixtures (main_test.go pins table, markdown and json).
func TestReportFixturesGolden(t *testing.T) {
	db := t.TempDir()
	if r := inproc(t, db, "scan", "-q", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	for _, format := range []string{"html", "csv"} {
		t.Run(format, func(t *testing.T) {
			r := inproc(t, db, "report", "--top", "5", "--format", format)
			if r.code != 0 {
				t.Fatalf("report: exit %d: %s", r.code, r.stderr)
			}
			checkGolden(t, filepath.Join("testdata", "report-fixtures."+format), r.stdout)
		})
	}
}

// TestReportRangeIsByDay checks that the sections from events and those
// from counts cover the same days when --since names a time of day.
func TestReportRangeIsByDay(t *testing.T) {
	db := scanInto(t, fixturesDir)
	rep := readJSONReport(t, db, "--since", "2026-12-31T12:00:00Z", "--until", "2026-12-31T13:00:00Z", "--section", "summary,totals,traffic_by_day")
	events := map[string]float64{}
	for _, row := range rep["summary"] {
		events[row["status"].(string)] = row["events"].(float64)
	}
	tot := totalsOf(t, rep)
	if events["total"] == 0 || events["rejected"] != tot["rejected"] || events["deferred"] != tot["deferred"] {
		t.Errorf("summary %v and totals %v disagree", events, tot)
	}
	if days := rep["traffic_by_day"]; len(days) != 1 || days[0]["day"] != "2026-12-31" {
		t.Errorf("traffic_by_day %v, want 2026-12-31 alone", days)
	}
}
