package dsn

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"bouncelens/parser"
)

// samplesDir holds the shared real-bounce corpus (Sisimai's set-of-emails
// with Sisimai's readings in expected.tsv); the test skips without it.
const samplesDir = "../../../shared/samples/dsn"

// Floors on the whole sample set, measured and rounded down: a drop below
// them is a regression. The reason and hard/soft agreement (which need
// classify) are checked by cmd/bouncelens's TestAccuracy.
const (
	minFilesWithEvents = 1.00 // every file yields at least one event; the goal is every file
	minStatusAgreement = 0.98 // of rows whose expected status is a real code
	minCodeAgreement   = 0.98 // reply code, rows where Sisimai has one
	minCountAgreement  = 0.96 // files with as many events as expected rows
)

// sampleRow is one row of expected.tsv.
type sampleRow struct {
	status, reply, reason, hard, feedback string
}

// expectedRows reads expected.tsv: file -> rows, in recipient order.
func expectedRows(t *testing.T) map[string][]sampleRow {
	t.Helper()
	f, err := os.Open(filepath.Join(samplesDir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string][]sampleRow{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 7 {
			continue
		}
		rows[c[0]] = append(rows[c[0]], sampleRow{status: c[2], reply: c[3], reason: c[4], hard: c[5], feedback: c[6]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// isPseudoStatus reports whether a Sisimai status is one of its own
// pseudo-codes (third part 900 and up) for "the message has no code".
func isPseudoStatus(s string) bool {
	i := strings.LastIndexByte(s, '.')
	n, err := strconv.Atoi(s[i+1:])
	return i > 0 && err == nil && n >= 900
}

// tally counts agreement for one family or the whole set.
type tally struct {
	files, withEvents, countOK      int
	statusOK, statusAll, pseudo     int
	codeOK, codeAll, feedbackOK, fb int
}

func (a *tally) add(b tally) {
	a.files += b.files
	a.withEvents += b.withEvents
	a.countOK += b.countOK
	a.statusOK += b.statusOK
	a.statusAll += b.statusAll
	a.pseudo += b.pseudo
	a.codeOK += b.codeOK
	a.codeAll += b.codeAll
	a.feedbackOK += b.feedbackOK
	a.fb += b.fb
}

func pct(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// TestSamples decodes every sample bounce and compares, row by row, what
// the decoders extract (recipient count, status, reply code, feedback type)
// with expected.tsv. It logs a table per family (go test -v); run it with
// -run TestSamples -v while working on a family decoder.
func TestSamples(t *testing.T) {
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("no sample corpus: %v", err)
	}
	want := expectedRows(t)
	fams := map[string]*tally{}
	var total tally
	err := filepath.WalkDir(samplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") {
			return err
		}
		rel, _ := filepath.Rel(samplesDir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fam := path.Dir(rel)
		ft := fams[fam]
		if ft == nil {
			ft = &tally{}
			fams[fam] = ft
		}
		ft.files++
		var evs []parser.Event
		var skipped []string
		for ev, err := range parser.All(NewReader(bytes.NewReader(data), rel)) {
			if err != nil {
				if !parser.IsSkip(err) {
					t.Errorf("%s: final error %v", rel, err)
				}
				skipped = append(skipped, err.Error())
				continue
			}
			evs = append(evs, ev)
		}
		if len(evs) == 0 {
			if testing.Verbose() {
				t.Logf("%s: no event %v", rel, skipped)
			}
		} else {
			ft.withEvents++
		}
		exp := want[rel]
		if len(exp) == len(evs) {
			ft.countOK++
		} else if testing.Verbose() && len(evs) > 0 {
			t.Logf("%s: %d recipients, want %d", rel, len(evs), len(exp))
		}
		for i, row := range exp {
			var ev parser.Event
			if i < len(evs) {
				ev = evs[i]
			}
			switch {
			case row.feedback != "":
				ft.fb++
				if ev.Feedback == row.feedback {
					ft.feedbackOK++
				}
			case row.status == "":
			case isPseudoStatus(row.status):
				ft.pseudo++
			default:
				ft.statusAll++
				if ev.Enhanced == row.status {
					ft.statusOK++
				} else if testing.Verbose() && i < len(evs) {
					t.Logf("%s #%d: status %q, want %s (%s)", rel, i+1, ev.Enhanced, row.status, ev.Text)
				}
			}
			if row.reply != "" {
				ft.codeAll++
				if strconv.Itoa(ev.Code) == row.reply {
					ft.codeOK++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %5s %7s %7s %9s %9s\n", "family", "files", "events", "count", "status", "code")
	line := func(n string, a *tally) {
		fmt.Fprintf(&b, "%-24s %5d %7d %7d %4d/%-4d %4d/%-4d\n", n, a.files, a.withEvents, a.countOK, a.statusOK, a.statusAll, a.codeOK, a.codeAll)
	}
	for _, n := range names {
		line(n, fams[n])
		total.add(*fams[n])
	}
	line("TOTAL", &total)
	t.Logf("per family (files, files with events, recipient count as expected, status, reply code):\n%s", b.String())
	t.Logf("files with events %d/%d = %.1f%%; recipient count %.1f%%; status %.1f%% (%d rows with Sisimai pseudo-codes left out); reply code %.1f%%; feedback type %d/%d",
		total.withEvents, total.files, 100*pct(total.withEvents, total.files), 100*pct(total.countOK, total.files),
		100*pct(total.statusOK, total.statusAll), total.pseudo, 100*pct(total.codeOK, total.codeAll), total.feedbackOK, total.fb)
	for _, c := range []struct {
		name     string
		got, min float64
	}{
		{"files with events", pct(total.withEvents, total.files), minFilesWithEvents},
		{"status agreement", pct(total.statusOK, total.statusAll), minStatusAgreement},
		{"reply code agreement", pct(total.codeOK, total.codeAll), minCodeAgreement},
		{"recipient count agreement", pct(total.countOK, total.files), minCountAgreement},
	} {
		if c.got < c.min {
			t.Errorf("%s %.1f%% fell below %.0f%%", c.name, 100*c.got, 100*c.min)
		}
	}
}
