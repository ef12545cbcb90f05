package dsn

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bouncelens/parser"
)

// samplesDir holds the shared real-bounce corpus (Sisimai's set-of-emails
// with Sisimai's readings in expected.tsv); the test skips without it.
const samplesDir = "../../../shared/samples/dsn"

// Agreement floors on the RFC 3464 samples, measured and rounded down: a
// drop below them is a regression.
const (
	minStatusAgreement = 0.92 // measured 92.6% (189/204)
	minCountAgreement  = 0.98 // measured 98.5% (193/196)
)

// expectedRows reads expected.tsv: file -> status column, one per recipient.
func expectedRows(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(samplesDir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 {
			continue
		}
		rows[cols[0]] = append(rows[cols[0]], cols[2])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSamples(t *testing.T) {
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("no sample corpus: %v", err)
	}
	want := expectedRows(t)
	var files, reports, statusOK, statusAll, countOK int
	kinds := map[string]int{}
	err := filepath.WalkDir(samplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".eml") {
			return err
		}
		rel, _ := filepath.Rel(samplesDir, path)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		var evs []parser.Event
		var skipped []error
		for ev, err := range parser.All(NewReader(bytes.NewReader(data), rel)) {
			if err != nil {
				if !parser.IsSkip(err) {
					t.Errorf("%s: final error %v", rel, err)
				}
				skipped = append(skipped, err)
				continue
			}
			evs = append(evs, ev)
		}
		if len(evs) == 0 {
			for _, err := range skipped[:min(1, len(skipped))] {
				switch {
				case errors.Is(err, parser.ErrNotReport):
					kinds["not a report"]++
				case errors.Is(err, parser.ErrNoRecipientDSN):
					kinds["no recipient"]++
					reports++
				default:
					kinds["bad message"]++
					t.Logf("%v", err)
				}
			}
			return nil
		}
		reports++
		exp := want[rel]
		if len(exp) == len(evs) {
			countOK++
		} else if testing.Verbose() {
			t.Logf("%s: %d recipients, want %d", rel, len(evs), len(exp))
		}
		for i, st := range exp {
			statusAll++
			if i < len(evs) && evs[i].Enhanced == st {
				statusOK++
			} else if testing.Verbose() {
				got := ""
				if i < len(evs) {
					got = evs[i].Enhanced + " " + evs[i].Text
				}
				t.Logf("%s #%d: status %q, want %s", rel, i+1, got, st)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	statusPct := float64(statusOK) / float64(max(statusAll, 1))
	countPct := float64(countOK) / float64(max(reports, 1))
	t.Logf("%d files, %d with a delivery-status part; not parsed: %v", files, reports, kinds)
	t.Logf("status agreement %d/%d = %.1f%%, recipient count agreement %d/%d = %.1f%%",
		statusOK, statusAll, 100*statusPct, countOK, reports, 100*countPct)
	if statusPct < minStatusAgreement {
		t.Errorf("status agreement %.1f%% fell below %.0f%%", 100*statusPct, 100*minStatusAgreement)
	}
	if countPct < minCountAgreement {
		t.Errorf("recipient count agreement %.1f%% fell below %.0f%%", 100*countPct, 100*minCountAgreement)
	}
}
