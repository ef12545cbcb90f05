package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkersGiveTheSameResults scans the same inputs with 1, 2 and 5
// workers into fresh stores: the summary line, every report section and
// the moved list must be the same, byte for byte. The inputs are the
// fixtures (many small inputs of every kind) and, when the shared
// generator is there, a genlog log given twice, plain and gzip'ed, so that
// two workers parse the same events at the same time. The run with 5
// workers gets 4 CPUs (GOMAXPROCS), so that it also reads logs with
// postfix.Options.ScanAhead (see scanAhead).
func TestWorkersGiveTheSameResults(t *testing.T) {
	inputs := []string{fixturesDir}
	if log := genlogFile(t); log != "" {
		gz := log + ".gz"
		if out, err := exec.Command("sh", "-c", "gzip -c "+log+" > "+gz).CombinedOutput(); err != nil {
			t.Fatalf("gzip: %v %s", err, out)
		}
		inputs = append(inputs, log, gz)
	}
	var want []string
	for _, workers := range []string{"1", "2", "5"} {
		if workers == "5" {
			t.Setenv("GOMAXPROCS", "4")
		}
		db := t.TempDir()
		args := append([]string{"scan", "--year", "2026", "--workers", workers}, inputs...)
		scan := bin(t, db, nil, args...)
		if scan.code != 0 {
			t.Fatalf("scan --workers %s: exit %d\n%s", workers, scan.code, scan.stderr)
		}
		got := []string{
			scan.stderr,
			bin(t, db, nil, "report", "--format", "json", "--top", "0").stdout,
			bin(t, db, nil, "moved", "--format", "csv").stdout,
		}
		if want == nil {
			want = got
			if !strings.Contains(got[0], "new") || len(got[1]) < 1000 {
				t.Fatalf("scan with 1 worker found little: %q, report of %d bytes", got[0], len(got[1]))
			}
			continue
		}
		for i, name := range []string{"scan summary", "report", "moved"} {
			if got[i] != want[i] {
				t.Errorf("--workers %s: %s differs from --workers 1:\n%s\nwant:\n%s", workers, name, clip(got[i]), clip(want[i]))
			}
		}
	}
}

// genlogFile writes a 20,000-line genlog log into a temporary directory and
// returns its name, or "" when python3 or ../shared is missing.
func genlogFile(t *testing.T) string {
	t.Helper()
	path, err := writeGenlog(t.TempDir(), "--lines", "20000", "--seed", "7")
	if errors.Is(err, errNoGenlog) {
		t.Logf("%v: fixtures only", err)
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// errNoGenlog says that the log generator cannot run here.
var errNoGenlog = errors.New("python3 or ../shared/bench/genlog.py missing")

// writeGenlog runs ../shared/bench/genlog.py with args into dir/maillog and
// returns the file's name; errNoGenlog when it cannot run.
func writeGenlog(dir string, args ...string) (string, error) {
	script := "../../../shared/bench/genlog.py"
	if _, err := os.Stat(script); err != nil {
		return "", errNoGenlog
	}
	if _, err := exec.LookPath("python3"); err != nil {
		return "", errNoGenlog
	}
	path := filepath.Join(dir, "maillog")
	args = append([]string{script}, append(args, "--out", path)...)
	if out, err := exec.Command("python3", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("genlog: %v\n%s", err, out)
	}
	return path, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}
