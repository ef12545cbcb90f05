package main

import (
	"bouncelens/cmd/internal/benchutil"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseSummary(t *testing.T) {
	tests := []struct {
		name   string
		stderr string
		want   summary
		err    bool
	}{
		{"first scan", "bouncelens scan: 1 input, 15169 events (15169 new, 0 already stored)\n",
			summary{1, 15169, 15169, 0}, false},
		{"rescan", "bouncelens scan: 1 input, 15169 events (0 new, 15169 already stored)\n",
			summary{1, 15169, 0, 15169}, false},
		{"singular", "bouncelens scan: 1 input, 1 event (1 new, 0 already stored)\n",
			summary{1, 1, 1, 0}, false},
		{"skips and complaints after", "bouncelens scan: 2 inputs, 10 events (7 new, 3 already stored), 4 records skipped (first: x:3: bad line), 1 complaint without a recipient not stored\n",
			summary{2, 10, 7, 3}, false},
		{"grouped digits", "bouncelens scan: 1 input, 1,234,567 events (1,000,000 new, 234,567 already stored)\n",
			summary{1, 1234567, 1000000, 234567}, false},
		{"received and warnings", "bouncelens scan: 1 input, 15169 events, 4,100 messages received, 12 warnings (19281 new, 0 already stored)\n",
			summary{1, 15169, 19281, 0}, false},
		{"incremental notes", "bouncelens scan: 3 inputs (1 unchanged since the last scan, 2 continued where the last scan stopped), 9 events, 2 messages received, 1 warning (12 new, 0 already stored)\n",
			summary{3, 9, 12, 0}, false},
		{"no parenthesis", "bouncelens scan: 1 input, 42 events\n",
			summary{1, 42, -1, -1}, false},
		{"after -v lines and errors, last wins",
			"bouncelens scan: open nope: no such file or directory\n" +
				"bouncelens scan: 1 input, 5 events (5 new, 0 already stored)\n" +
				"  a.log: 10 lines, 5 events, 0 skipped\n" +
				"bouncelens scan: 1 input, 6 events (6 new, 0 already stored)\n  skipped x\n",
			summary{1, 6, 6, 0}, false},
		{"no summary", "bouncelens scan: open nope: no such file or directory\n", summary{}, true},
		{"empty", "", summary{}, true},
		{"not at line start", "note: bouncelens scan: 1 input, 5 events\n", summary{}, true},
		{"overflow", "bouncelens scan: 1 input, 99999999999999999999999 events\n", summary{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSummary(tt.stderr)
			if (err != nil) != tt.err {
				t.Fatalf("parseSummary: err = %v, want error %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("parseSummary = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMedianInt(t *testing.T) {
	if got := medianInt([]int{7, 1, 4}); got != 4 {
		t.Errorf("medianInt = %v, want 4", got)
	}
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		in   string
		want string // names joined by commas
		err  bool
	}{
		{"medium,large", "medium,large", false},
		{" small ", "small", false},
		{"large,small,large", "large,small", false},
		{"tiny,", "tiny", false},
		{"", "", true},
		{",", "", true},
		{"huge", "", true},
		{"small,Medium", "", true},
	}
	for _, tt := range tests {
		got, err := parseSizes(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("parseSizes(%q): err = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		var names []string
		for _, s := range got {
			names = append(names, s.name)
		}
		if strings.Join(names, ",") != tt.want {
			t.Errorf("parseSizes(%q) = %v, want %s", tt.in, names, tt.want)
		}
	}
}

func TestGroup(t *testing.T) {
	tests := map[float64]string{
		0: "0", 7: "7", 999.6: "1,000", 1234: "1,234", 123456: "123,456",
		1234567.8: "1,234,568", -4321: "-4,321",
	}
	for in, want := range tests {
		if got := group(in); got != want {
			t.Errorf("group(%v) = %q, want %q", in, got, want)
		}
	}
}

// mk builds a row of one run per wall (seconds) over an input of mb MB
// and 1000 lines a MB; rss in MiB (0: not measured); events per run.
func mk(input, sz string, order int, format string, gz bool, tool string, mb float64, walls []float64, rss float64, events int, ceiling float64) row {
	r := row{input: input, size: sz, order: order, format: format, gz: gz, tool: tool,
		bytes: int64(mb * 1e6), lines: int64(mb * 1000), walls: walls, ceiling: ceiling}
	if rss > 0 {
		for range walls {
			r.rss = append(r.rss, rss*(1<<20))
		}
	}
	if events > 0 {
		for range walls {
			r.events = append(r.events, events)
		}
	}
	return r
}

func TestFormatTable(t *testing.T) {
	rows := []row{
		mk("m-classic.log", "medium", 2, "classic", false, toolCeiling, 200, []float64{0.5, 0.4, 0.2}, 0, 0, 500),
		mk("m-classic.log", "medium", 2, "classic", false, toolScan, 200, []float64{1, 2, 0.5}, 100, 400000, 500),
	}
	got := formatTable(rows, false)
	want := "| input | tool | MB/s | lines/s | events/s | peak RSS MiB | vs ceiling |\n" +
		"| --- | --- | ---: | ---: | ---: | ---: | ---: |\n" +
		"| m-classic.log | ceiling: Go line scan | 500.0 | 500,000 | - | - | 100% |\n" +
		"| m-classic.log | bouncelens scan | 200.0 | 200,000 | 400,000 | 100.0 | 40% |\n"
	if got != want {
		t.Errorf("formatTable:\n%s\nwant:\n%s", got, want)
	}

	v := formatTable(rows, true)
	lines := strings.Split(strings.TrimSuffix(v, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("verbose table has %d lines, want 4:\n%s", len(lines), v)
	}
	for _, col := range []string{"MB/s min", "MB/s max", "median s", "runs"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("verbose header %q lacks %q", lines[0], col)
		}
	}
	if !strings.HasSuffix(lines[3], "| 40% | 100.0 | 400.0 | 1.000 | 3 |") {
		t.Errorf("verbose row = %q, want min 100.0, max 400.0, median 1.000 s, 3 runs", lines[3])
	}
	// Every line of a markdown table has the same number of cells.
	for _, l := range lines {
		if n := strings.Count(l, "|"); n != 12 {
			t.Errorf("line %q has %d pipes, want 12", l, n)
		}
	}
}

// benchRows is a full run on medium and large where every bar passes:
// the tests below make one bar fail at a time.
func benchRows() []row {
	return []row{
		// Rows no bar reads, placed first, faster and fatter than any.
		mk("large-classic.log", "large", 3, "classic", false, toolDryRun, 1000, []float64{0.1}, 900, 5000, 1000),
		mk("large-classic.log", "large", 3, "classic", false, toolText, 1000, []float64{0.1}, 0, 0, 1000),
		mk("large-classic.log.gz", "large", 3, "classic", true, toolDryRun, 1000, []float64{0.1}, 900, 5000, 250),
		mk("large-iso.log", "large", 3, "iso", false, toolDryRun, 1000, []float64{0.1}, 900, 5000, 1000),
		mk("medium-classic.log", "medium", 2, "classic", false, toolCeiling, 200, []float64{0.2}, 0, 0, 1000),
		mk("medium-classic.log", "medium", 2, "classic", false, toolScan, 200, []float64{1}, 100, 1000, 1000),
		mk("medium-classic.log", "medium", 2, "classic", false, toolRescan, 200, []float64{0.4}, 90, 1000, 1000),
		mk("medium-classic.log", "medium", 2, "classic", false, toolPflogsumm, 200, []float64{25}, 400, 0, 1000),
		mk("large-classic.log", "large", 3, "classic", false, toolCeiling, 1000, []float64{1}, 0, 0, 1000),
		mk("large-classic.log", "large", 3, "classic", false, toolScan, 1000, []float64{2}, 200, 5000, 1000),
		mk("large-classic.log", "large", 3, "classic", false, toolRescan, 1000, []float64{0.8}, 150, 5000, 1000),
		mk("large-iso.log", "large", 3, "iso", false, toolScan, 1000, []float64{2.1}, 210, 5000, 1000),
		mk("large-classic.log.gz", "large", 3, "classic", true, toolCeilingGz, 1000, []float64{4}, 0, 0, 250),
		mk("large-classic.log.gz", "large", 3, "classic", true, toolScan, 1000, []float64{4.5}, 220, 5000, 250),
		func() row {
			r := mk("5 x large-classic.log, seeds 1-5 (stdin)", "large", 3, "classic", false, toolScan, 5000, []float64{10}, 230, 25000, 1000)
			r.concat = 5
			return r
		}(),
		func() row {
			r := mk("large-classic-seed2-day13.log, into a store of 1 log", "large", 3, "classic", false, toolScan, 1000, []float64{2.5}, 240, 5000, 1000)
			r.grown = 1
			return r
		}(),
	}
}

func TestEvalBars(t *testing.T) {
	// set changes the walls (or RSS, when rss > 0) of the row of input and
	// tool.
	set := func(rows []row, input, tool string, wall, rss float64) []row {
		for i := range rows {
			if rows[i].input == input && rows[i].tool == tool {
				if wall > 0 {
					rows[i].walls = []float64{wall}
				}
				if rss > 0 {
					rows[i].rss = []float64{rss * (1 << 20)}
				}
			}
		}
		return rows
	}
	without := func(rows []row, drop func(r *row) bool) []row {
		var out []row
		for i := range rows {
			if !drop(&rows[i]) {
				out = append(out, rows[i])
			}
		}
		return out
	}
	// first moves the rows that satisfy keep to the front (ties of size
	// go to the first row).
	first := func(rows []row, keep func(r *row) bool) []row {
		var front, back []row
		for i := range rows {
			if keep(&rows[i]) {
				front = append(front, rows[i])
			} else {
				back = append(back, rows[i])
			}
		}
		return append(front, back...)
	}
	all := func(res string) []string { return []string{res, res, res, res, res, res, res} }
	tests := []struct {
		name     string
		rows     []row
		note     string
		want     []string // results, in the order of the bars
		measured []string // substrings of the measured values, "" for any
	}{
		{"all pass", benchRows(), "", all(pass),
			[]string{"50% (large-classic.log: 500.0 of 1000.0 MB/s)", "89% (large-classic.log.gz: 222.2 of 250.0 MB/s)",
				"25.0x (medium-classic.log: 200.0 vs 8.0 MB/s; pflogsumm 400.0 MiB)", "95% of classic (large: 476.2 vs 500.0 MB/s)",
				"220.0 MiB (largest of the large inputs: large-classic.log.gz, scan)", "230.0 MiB at 500.0 MB/s on 5 x large-classic.log, seeds 1-5 (stdin); 1.15x the RSS of one file",
				"2.50x (large-classic.log: 2.00 s vs 0.80 s)"}},
		{"slow scan", set(benchRows(), "large-classic.log", toolScan, 3, 0), "",
			// 333 MB/s: 33% of the ceiling; ISO now faster than classic; rescan 3.75x.
			[]string{fail, pass, pass, pass, pass, pass, pass}, []string{"33%", "", "", "143% of classic", "", "", "3.75x"}},
		{"slow gzip", set(benchRows(), "large-classic.log.gz", toolScan, 5.1, 0), "", []string{pass, fail, pass, pass, pass, pass, pass}, nil},
		{"fast pflogsumm", set(benchRows(), "medium-classic.log", toolPflogsumm, 19, 0), "", []string{pass, pass, fail, pass, pass, pass, pass}, []string{"", "", "19.0x", "", "", "", ""}},
		{"slow iso", set(benchRows(), "large-iso.log", toolScan, 2.3, 0), "", []string{pass, pass, pass, fail, pass, pass, pass}, []string{"", "", "", "87%", "", "", ""}},
		{"fat rescan", set(benchRows(), "large-classic.log", toolRescan, 0, 256), "", []string{pass, pass, pass, pass, fail, pass, pass}, []string{"", "", "", "", "256.0 MiB", "", ""}},
		{"fat medium does not count", set(benchRows(), "medium-classic.log", toolScan, 0, 900), "", all(pass), []string{"", "", "", "", "220.0 MiB", "", ""}},
		{"fat concat", set(benchRows(), "5 x large-classic.log, seeds 1-5 (stdin)", toolScan, 0, 300), "", []string{pass, pass, pass, pass, pass, fail, pass}, nil},
		// Under the limit, but 1.25x the RSS of one file: not flat.
		{"growing concat", set(benchRows(), "5 x large-classic.log, seeds 1-5 (stdin)", toolScan, 0, 250), "", []string{pass, pass, pass, pass, pass, fail, pass},
			[]string{"", "", "", "", "", "250.0 MiB at 500.0 MB/s on 5 x large-classic.log, seeds 1-5 (stdin); 1.25x the RSS of one file", ""}},
		{"flat concat at the ratio", set(benchRows(), "5 x large-classic.log, seeds 1-5 (stdin)", toolScan, 0, 240), "", all(pass), []string{"", "", "", "", "", "1.20x", ""}},
		// A scan into a store of earlier logs is not the scan of one file.
		{"slow, fat grown store does not count", first(set(benchRows(), "large-classic-seed2-day13.log, into a store of 1 log", toolScan, 100, 900), func(r *row) bool { return r.grown > 0 }), "", all(pass),
			[]string{"50% (large-classic.log: 500.0 of 1000.0 MB/s)", "", "", "95% of classic", "220.0 MiB (largest of the large inputs: large-classic.log.gz, scan)", "", "2.50x"}},
		{"slow rescan", set(benchRows(), "large-classic.log", toolRescan, 1.01, 0), "", []string{pass, pass, pass, pass, pass, pass, fail}, []string{"", "", "", "", "", "", "1.98x"}},
		{"nothing", nil, "pflogsumm: not installed (apt install pflogsumm)", all(notMeasured),
			[]string{"not measured", "not measured", "pflogsumm: not installed (apt install pflogsumm)", "not measured", "not measured", "--concat 5", "not measured"}},
		{"no pflogsumm, no concat, no gzip",
			without(benchRows(), func(r *row) bool { return r.tool == toolPflogsumm || r.concat > 0 || r.gz }), "pflogsumm: not installed (apt install pflogsumm)",
			[]string{pass, notMeasured, notMeasured, pass, pass, notMeasured, pass},
			[]string{"", "no .gz input", "not installed", "", "210.0 MiB (largest of the large inputs: large-iso.log, scan)", "", ""}},
		{"no ceiling", without(benchRows(), func(r *row) bool { return r.tool == toolScan && r.format == "classic" }), "",
			// no classic scan: no ceiling bar, no ISO comparison, no rescan ratio
			[]string{notMeasured, notMeasured, notMeasured, notMeasured, pass, notMeasured, notMeasured}, nil},
		{"small only, taken on the largest measured", []row{
			mk("small-classic.log", "small", 1, "classic", false, toolScan, 10, []float64{1}, 60, 10, 1000),
			mk("small-classic.log", "small", 1, "classic", false, toolRescan, 10, []float64{0.25}, 50, 10, 2000),
			mk("small-iso.log", "small", 1, "iso", false, toolScan, 10, []float64{1}, 70, 10, 2000),
		}, "", []string{fail, notMeasured, notMeasured, pass, pass, notMeasured, pass},
			[]string{"1% (small-classic.log: 10.0 of 1000.0 MB/s)", "", "", "100% of classic (small: 10.0 vs 10.0 MB/s)", "70.0 MiB (largest of the small inputs: small-iso.log, scan)", "", "4.00x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bars := evalBars(tt.rows, tt.note)
			if len(bars) != 7 {
				t.Fatalf("%d bars, want 7", len(bars))
			}
			for i, b := range bars {
				if b.result != tt.want[i] {
					t.Errorf("bar %q: %s (%s), want %s", b.name, b.result, b.measured, tt.want[i])
				}
				if tt.measured != nil && !strings.Contains(b.measured, tt.measured[i]) {
					t.Errorf("bar %q: measured %q, want it to contain %q", b.name, b.measured, tt.measured[i])
				}
			}
		})
	}
}

func TestFormatStages(t *testing.T) {
	scan := mk("large-classic.log", "large", 3, "classic", false, toolScan, 1000, []float64{4}, 200, 5000, 4000)
	dry := mk("large-classic.log", "large", 3, "classic", false, toolDryRun, 1000, []float64{1}, 50, 5000, 4000)
	text := mk("large-classic.log", "large", 3, "classic", false, toolText, 1000, []float64{0.5}, 0, 0, 4000)
	gzScan := mk("large-classic.log.gz", "large", 3, "classic", true, toolScan, 1000, []float64{5}, 200, 5000, 400)
	gzDry := mk("large-classic.log.gz", "large", 3, "classic", true, toolDryRun, 1000, []float64{2.5}, 50, 5000, 400)
	grown := scan
	grown.input, grown.grown = "large-classic-seed2-day13.log, into a store of 1 log", 1
	grownDry := dry
	grownDry.input, grownDry.grown = grown.input, 1
	line := "- large-classic.log: --dry-run (parse and classify, nothing stored) 1000.0 MB/s = 25% of the ceiling, 50% of the line scan with a string per line; the scan's 4.00 s are 1.00 s of that and 3.00 s (75%) of storing\n"
	tests := []struct {
		name string
		rows []row
		want string
	}{
		{"scan, dry run, text scan", []row{scan, text, dry}, line},
		{"gzip, no text scan", []row{gzScan, gzDry}, "- large-classic.log.gz: --dry-run (parse and classify, nothing stored) 400.0 MB/s = 100% of the ceiling; the scan's 5.00 s are 2.50 s of that and 2.50 s (50%) of storing\n"},
		{"in the order of the dry runs", []row{gzDry, scan, text, dry, gzScan}, "- large-classic.log.gz: --dry-run (parse and classify, nothing stored) 400.0 MB/s = 100% of the ceiling; the scan's 5.00 s are 2.50 s of that and 2.50 s (50%) of storing\n" + line},
		{"no dry run", []row{scan, text}, ""},
		{"no scan", []row{dry, text}, ""},
		// Scans into a grown store are not the dry run's file alone.
		{"grown store", []row{grown, grownDry}, ""},
	}
	for _, tt := range tests {
		if got := formatStages(tt.rows); got != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

func TestFormatBars(t *testing.T) {
	got := formatBars([]bar{{"a >= 1", "2 (x)", pass}, {"b", "not measured", notMeasured}})
	want := "| bar | measured | result |\n|---|---|---|\n| a >= 1 | 2 (x) | PASS |\n| b | not measured | n/a |\n"
	if got != want {
		t.Errorf("formatBars:\n%s\nwant:\n%s", got, want)
	}
}

func TestLineScan(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte, gz bool) string {
		p := filepath.Join(dir, name)
		if gz {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(data)
			zw.Close()
			data = b.Bytes()
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	text := []byte("one\ntwo two\n\nfour\n")
	long := append(bytes.Repeat([]byte("x"), 2<<20), '\n')
	tests := []struct {
		name         string
		data         []byte
		gz           bool
		lines, bytes int64
		err          bool
	}{
		{"a.log", text, false, 4, 18, false},
		{"a.log.gz", text, true, 4, 18, false},
		{"empty.log", nil, false, 0, 0, false},
		{"nonl.log", []byte("a\nb"), false, 2, 4, false}, // the last line is counted with a newline
		{"long.log", long, false, 0, 0, true},
		{"bad.log.gz", text, false, 0, 0, true}, // not gzip
	}
	for _, tt := range tests {
		p := write(tt.name, tt.data, tt.gz)
		lines, n, err := lineScan(p)
		if (err != nil) != tt.err {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.err)
			continue
		}
		if !tt.err && (lines != tt.lines || n != tt.bytes) {
			t.Errorf("%s: %d lines, %d bytes, want %d, %d", tt.name, lines, n, tt.lines, tt.bytes)
		}
		// The scan with a string per line counts the same.
		lines, n, err = scanLines(p, true)
		if (err != nil) != tt.err || (!tt.err && (lines != tt.lines || n != tt.bytes)) {
			t.Errorf("%s, a string per line: %d lines, %d bytes, %v; want %d, %d, error %v", tt.name, lines, n, err, tt.lines, tt.bytes, tt.err)
		}
	}
	// The strings are made: the last one is kept.
	if _, _, err := scanLines(filepath.Join(dir, "a.log"), true); err != nil || textSink != "four" {
		t.Errorf("text scan of a.log: last line %q, %v; want \"four\"", textSink, err)
	}
	if _, _, err := lineScan(filepath.Join(dir, "missing.log")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestEnsureInputsErrors(t *testing.T) {
	files := inputsFor([]size{allSizes[0]})
	t.Run("no python3", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		err := ensureInputs(config{dir: t.TempDir(), genlog: "genlog.py", stderr: &bytes.Buffer{}}, files)
		if err == nil || !strings.Contains(err.Error(), "python3 not found") {
			t.Errorf("err = %v, want python3 not found", err)
		}
	})
	t.Run("no script", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("python3 not installed")
		}
		err := ensureInputs(config{dir: t.TempDir(), genlog: filepath.Join(t.TempDir(), "genlog.py"), stderr: &bytes.Buffer{}}, files)
		if err == nil || !strings.Contains(err.Error(), "genlog.py is needed") {
			t.Errorf("err = %v, want genlog.py is needed", err)
		}
	})
	t.Run("all present", func(t *testing.T) {
		dir := t.TempDir()
		for _, f := range files {
			os.WriteFile(filepath.Join(dir, f.name()), nil, 0o644)
		}
		t.Setenv("PATH", t.TempDir())
		if err := ensureInputs(config{dir: dir, genlog: "nowhere", stderr: &bytes.Buffer{}}, files); err != nil {
			t.Errorf("files present: %v", err)
		}
	})
}

// TestEndToEnd builds bouncelens and runs the benchmark on 2000-line logs.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bouncelens")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	root, err := benchutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "bench", "genlog.py")); err != nil {
		t.Skipf("no ../shared/bench/genlog.py: %v", err)
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	cfg := config{dir: dir, sizes: []size{allSizes[0]}, runs: 1, concat: 2, grow: 3, stdout: &stdout, stderr: &stderr}
	if err := run(cfg); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	t.Log("\n" + out)

	for _, f := range []string{"tiny-classic.log", "tiny-iso.log", "tiny-classic.log.gz", "tiny-classic-seed2.log"} {
		lines, _, err := lineScan(filepath.Join(dir, f))
		if err != nil || lines != 2000 {
			t.Errorf("%s: %d lines, %v; want 2000 generated lines", f, lines, err)
		}
	}
	// The concatenation's second log is other traffic than the first.
	one, _ := os.ReadFile(filepath.Join(dir, "tiny-classic.log"))
	two, _ := os.ReadFile(filepath.Join(dir, "tiny-classic-seed2.log"))
	if bytes.Equal(one, two) {
		t.Error("tiny-classic-seed2.log is tiny-classic.log")
	}
	// The grown store's later logs are other traffic, a day later each.
	for _, f := range []struct{ name, start string }{{"tiny-classic.log", "Mar  2 "}, {"tiny-classic-seed2-day1.log", "Mar  3 "}, {"tiny-classic-seed3-day2.log", "Mar  4 "}} {
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil || !bytes.HasPrefix(data, []byte(f.start)) || bytes.Count(data, []byte("\n")) != 2000 {
			t.Errorf("%s: %.20q..., %d lines, %v; want 2000 lines from %q", f.name, data, bytes.Count(data, []byte("\n")), err, f.start)
		}
	}
	// A bouncelens row: MB/s, lines/s, events/s, RSS all positive numbers.
	num := `[1-9][\d,.]*|0\.\d*[1-9]\d*`
	for _, in := range []string{"tiny-classic.log", "tiny-iso.log", "tiny-classic.log.gz", `2 x tiny-classic.log, seeds 1-2 \(stdin\)`,
		"tiny-classic-seed2-day1.log, into a store of 1 log", "tiny-classic-seed3-day2.log, into a store of 2 logs"} {
		re := regexp.MustCompile(`(?m)^\| ` + in + ` \| bouncelens scan \| (` + num + `) \| (` + num + `) \| (` + num + `) \| (` + num + `) \| \d+% \|$`)
		if !re.MatchString(out) {
			t.Errorf("no complete bouncelens scan row for %s", in)
		}
	}
	// The rows no bar reads: the dry runs (events, RSS), the text scans.
	for _, in := range []string{"tiny-classic.log", "tiny-iso.log", "tiny-classic.log.gz"} {
		re := regexp.MustCompile(`(?m)^\| ` + in + ` \| bouncelens scan --dry-run \| (` + num + `) \| (` + num + `) \| (` + num + `) \| (` + num + `) \| \d+% \|$`)
		if !re.MatchString(out) {
			t.Errorf("no complete dry-run row for %s", in)
		}
		if !regexp.MustCompile(`(?m)^- ` + in + `: --dry-run \(parse and classify, nothing stored\) (` + num + `) MB/s = \d+% of the ceiling, \d+% of the line scan with a string per line; the scan's`).MatchString(out) {
			t.Errorf("no line on what bounds the scan of %s", in)
		}
	}
	for _, want := range []string{
		"| tiny-classic.log | Go line scan, a string per line |",
		"| tiny-classic.log.gz | gunzip + line scan, a string per line |",
		"| tiny-classic.log | ceiling: Go line scan |",
		"| tiny-classic.log.gz | ceiling: gunzip + line scan |",
		"| tiny-classic.log | bouncelens rescan |",
		"| bar | measured | result |",
		"GOMAXPROCS",
		"1 run after one warm-up",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`(?m)\| (PASS|FAIL|n/a) \|$`).FindAllString(out, -1)); n != 7 {
		t.Errorf("%d bar lines, want 7", n)
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("warnings on stderr:\n%s", stderr.String())
	}
	// The stores were temporary.
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "benchscan-db-*")); len(m) > 0 {
		t.Logf("left-over stores (maybe of a parallel run): %v", m)
	}
}
