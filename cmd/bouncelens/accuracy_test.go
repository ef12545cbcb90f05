package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"bouncelens/classify"
)

// samplesDir is the shared corpus of real bounces with Sisimai's readings
// (expected.tsv); TestAccuracy skips without it.
const samplesDir = "../../../shared/samples/dsn"

// The bars of issue 4 on the whole sample set. Rows where we disagree with
// Sisimai on purpose count as agreement only when testdata/disagreements.tsv
// records the row, our reading and why.
const (
	barReason = 0.97
	barHard   = 0.99
)

// Floors: the test fails below them. They are the bars: measured 97.7%
// reason and 99.2% hard/soft (377 and 383 of 386 rows).
const (
	floorReason = barReason
	floorHard   = barHard
)

// expectedRow is one row of expected.tsv.
type expectedRow struct {
	file                        string
	index                       int
	status, reply, reason, hard string
	feedback, other, expectedBy string
}

func readExpected(t *testing.T) (rows []expectedRow) {
	t.Helper()
	f, err := os.Open(filepath.Join(samplesDir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 9 {
			t.Fatalf("expected.tsv: short row %q", sc.Text())
		}
		n, _ := strconv.Atoi(c[1])
		rows = append(rows, expectedRow{file: c[0], index: n, status: c[2], reply: c[3], reason: c[4],
			hard: c[5], feedback: c[6], expectedBy: c[7], other: c[8]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// disagreement is one row of testdata/disagreements.tsv: a row of
// expected.tsv where bouncelens reads the reason (and hard/soft) otherwise
// on purpose; reason and class "-" say bouncelens gives no record for it.
type disagreement struct {
	reason, class, why string
}

func readDisagreements(t *testing.T) map[string]disagreement {
	t.Helper()
	b, err := os.ReadFile("testdata/disagreements.tsv")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]disagreement{}
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 5 || strings.TrimSpace(c[4]) == "" {
			t.Fatalf("testdata/disagreements.tsv:%d: want file, index, our reason, our class, why", i+1)
		}
		out[c[0]+"#"+c[1]] = disagreement{reason: c[2], class: c[3], why: c[4]}
	}
	return out
}

// sisimaiReason maps a reason of expected.tsv to ours: the aliases of
// taxonomy.md section 1.2 (old Sisimai names), nothing else.
func sisimaiReason(s string) string {
	r, ok := classify.ParseReason(s)
	if !ok {
		return s
	}
	return r.String()
}

// accTally counts agreement for a family or the whole set.
type accTally struct {
	rows, reason, hard, status, statusAll, code, codeAll, files, filesOK int
}

func (a *accTally) add(b *accTally) {
	a.rows += b.rows
	a.reason += b.reason
	a.hard += b.hard
	a.status += b.status
	a.statusAll += b.statusAll
	a.code += b.code
	a.codeAll += b.codeAll
	a.files += b.files
	a.filesOK += b.filesOK
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// TestAccuracy decodes every sample bounce as 'bouncelens decode' does and
// compares, row by row, the reason, hard/soft, status and reply code with
// Sisimai's reading in expected.tsv. Run with -v for the per-family table
// and every disagreement.
func TestAccuracy(t *testing.T) {
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("no sample corpus: %v", err)
	}
	rows := readExpected(t)
	agreed := readDisagreements(t)
	files := map[string][]decoded{}
	for _, r := range rows {
		files[r.file] = nil
	}
	var names []string
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	for _, f := range names {
		var recs []decoded
		skipped, failed, err := decodeInputs(context.Background(), e, []input{{path: filepath.Join(samplesDir, f)}},
			func(d decoded) error { recs = append(recs, d); return nil })
		if err != nil || len(failed) > 0 {
			t.Errorf("%s: %v %v", f, err, failed)
		}
		if len(recs) == 0 && testing.Verbose() {
			t.Logf("%s: no record %v", f, skipped)
		}
		files[f] = recs
	}
	fams := map[string]*accTally{}
	tally := func(file string) *accTally {
		fam := path.Dir(file)
		if fams[fam] == nil {
			fams[fam] = &accTally{}
		}
		return fams[fam]
	}
	for _, f := range names {
		ft := tally(f)
		ft.files++
		if len(files[f]) > 0 {
			ft.filesOK++
		}
	}
	var usedAgreed int
	for _, r := range rows {
		ft := tally(r.file)
		ft.rows++
		recs := files[r.file]
		var d decoded
		if r.index-1 < len(recs) {
			d = recs[r.index-1]
		}
		wantReason := sisimaiReason(r.reason)
		wantClass := "hard"
		if r.hard != "1" {
			wantClass = "soft-or-none"
		}
		gotClass := d.Class
		if gotClass != "hard" {
			gotClass = "soft-or-none"
		}
		reasonOK, hardOK := d.Reason == wantReason, gotClass == wantClass
		key := r.file + "#" + strconv.Itoa(r.index)
		if a, ok := agreed[key]; ok && (!reasonOK || !hardOK) && (a.reason == d.Reason && a.class == d.Class ||
			a.reason == "-" && r.index > len(recs)) { // "-": no record for this row, on purpose
			reasonOK, hardOK = true, true
			usedAgreed++
		}
		if reasonOK {
			ft.reason++
		}
		if hardOK {
			ft.hard++
		}
		if r.status != "" && !isPseudo(r.status) {
			ft.statusAll++
			if d.Status == r.status {
				ft.status++
			}
		}
		if r.reply != "" {
			ft.codeAll++
			if strconv.Itoa(d.Code) == r.reply {
				ft.code++
			}
		}
		if (!reasonOK || !hardOK) && testing.Verbose() {
			t.Logf("%s: %s/%s, want %s/%s (%s %d) [%s] %.160q", key, d.Reason, d.Class, wantReason, r.hard, d.Status, d.Code, d.Family, d.Text)
		}
	}
	var fnames []string
	for n := range fams {
		fnames = append(fnames, n)
	}
	sort.Strings(fnames)
	var b strings.Builder
	var total accTally
	fmt.Fprintf(&b, "%-24s %5s %5s %9s %9s %9s %9s\n", "family", "files", "rows", "reason", "hard", "status", "code")
	line := func(n string, a *accTally) {
		fmt.Fprintf(&b, "%-24s %2d/%-2d %5d %4d %3.0f%% %4d %3.0f%% %4d/%-4d %4d/%-4d\n", n, a.filesOK, a.files, a.rows,
			a.reason, 100*ratio(a.reason, a.rows), a.hard, 100*ratio(a.hard, a.rows), a.status, a.statusAll, a.code, a.codeAll)
	}
	for _, n := range fnames {
		line(n, fams[n])
		total.add(fams[n])
	}
	line("TOTAL", &total)
	t.Logf("agreement with Sisimai per family:\n%s", b.String())
	reason, hard := ratio(total.reason, total.rows), ratio(total.hard, total.rows)
	t.Logf("reason %d/%d = %.1f%% (bar %.0f%%), hard/soft %d/%d = %.1f%% (bar %.0f%%), status %.1f%% (Sisimai pseudo-codes left out), reply code %.1f%%, files with a record %d/%d; %d rows agreed by testdata/disagreements.tsv",
		total.reason, total.rows, 100*reason, 100*barReason, total.hard, total.rows, 100*hard, 100*barHard,
		100*ratio(total.status, total.statusAll), 100*ratio(total.code, total.codeAll), total.filesOK, total.files, usedAgreed)
	if reason < floorReason {
		t.Errorf("reason agreement %.1f%% fell below %.0f%%", 100*reason, 100*floorReason)
	}
	if hard < floorHard {
		t.Errorf("hard/soft agreement %.1f%% fell below %.0f%%", 100*hard, 100*floorHard)
	}
}

// isPseudo reports whether a Sisimai status is one of its pseudo-codes
// (third part 900 and up) for "the message has no code".
func isPseudo(s string) bool {
	i := strings.LastIndexByte(s, '.')
	n, err := strconv.Atoi(s[i+1:])
	return i > 0 && err == nil && n >= 900
}
