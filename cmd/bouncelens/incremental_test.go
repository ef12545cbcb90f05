package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Incremental scans (filestate.go, scaninput.go): a nightly re-run reads
// only what is new, and whatever the cuts, rotations and kills, the report
// equals the report of one clean scan of the same content.

// testLog returns the content of a log to cut into parts: a genlog log when
// it can be generated, else the fixture log.
func testLog(t *testing.T, lines int) []byte {
	t.Helper()
	path, err := writeGenlog(t.TempDir(), "--lines", fmt.Sprint(lines), "--seed", "11")
	if errors.Is(err, errNoGenlog) {
		t.Logf("%v: using the fixture log", err)
		path = filepath.Join(fixturesDir, "postfix", "maillog")
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fullReport returns every report section as JSON.
func fullReport(t *testing.T, db string) string {
	t.Helper()
	return reportJSON(t, db, "--top", "0")
}

// reportJSON runs report --format json with args and returns its output.
func reportJSON(t *testing.T, db string, args ...string) string {
	t.Helper()
	r := bin(t, db, nil, append([]string{"report", "--format", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("report %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return r.stdout
}

// scanOK runs scan with args and fails the test unless it exits 0.
func scanOK(t *testing.T, db string, args ...string) string {
	t.Helper()
	r := bin(t, db, nil, append([]string{"scan", "--year", "2026"}, args...)...)
	if r.code != 0 {
		t.Fatalf("scan %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return r.stderr
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// oneScanReport returns the full report of one scan of content, as a log,
// into a fresh store.
func oneScanReport(t *testing.T, content []byte) string {
	t.Helper()
	ref := t.TempDir()
	whole := filepath.Join(t.TempDir(), "maillog")
	writeFile(t, whole, content)
	scanOK(t, ref, whole)
	return fullReport(t, ref)
}

func TestGrowingLogGivesTheReportOfOneScan(t *testing.T) {
	content := testLog(t, 20000)
	want := oneScanReport(t, content)

	n := len(content)
	for _, cuts := range [][]int{
		{n / 2},                         // two nights
		{n / 7, n / 3, n/2 + 17, n - 5}, // mid-line cuts: the unfinished line waits
		{1, 40, n/3 + 1},                // a first night of less than a line
	} {
		t.Run(fmt.Sprint(cuts), func(t *testing.T) {
			db := t.TempDir()
			log := filepath.Join(t.TempDir(), "maillog")
			writeFile(t, log, nil)
			prev := 0
			for i, cut := range append(cuts, n) {
				appendFile(t, log, content[prev:cut])
				prev = cut
				summary := scanOK(t, db, "--workers", fmt.Sprint(1+i%2), log)
				// A night continues the last one when that one read a whole line.
				if i > 0 && bytes.IndexByte(content[:cuts[i-1]], '\n') >= 0 && !strings.Contains(summary, "continued where the last scan stopped") {
					t.Errorf("night %d: not continued: %s", i+1, summary)
				}
			}
			if got := fullReport(t, db); got != want {
				t.Errorf("report after %d scans of a growing log differs from one scan:\n%s\nwant:\n%s", len(cuts)+1, clip(got), clip(want))
			}
			again := scanOK(t, db, log)
			if !strings.Contains(again, "1 unchanged since the last scan") || !strings.Contains(again, "0 events") {
				t.Errorf("scan of an unchanged log: %s", again)
			}
		})
	}
}

func TestRotatedLogsAreReadOnce(t *testing.T) {
	content := testLog(t, 20000)
	// Cut at line ends: the new maillog after a rotation starts a line.
	cut1 := bytes.IndexByte(content[len(content)/3:], '\n') + len(content)/3 + 1
	cut2 := bytes.IndexByte(content[2*len(content)/3:], '\n') + 2*len(content)/3 + 1
	dir := t.TempDir()

	// The reference: the rotated log and the new one, scanned once.
	ref := t.TempDir()
	writeFile(t, filepath.Join(dir, "old"), content[:cut2])
	writeFile(t, filepath.Join(dir, "new"), content[cut2:])
	scanOK(t, ref, filepath.Join(dir, "old"), filepath.Join(dir, "new"))
	want := fullReport(t, ref)

	db := t.TempDir()
	logs := t.TempDir()
	maillog := filepath.Join(logs, "maillog")
	writeFile(t, maillog, content[:cut1])
	scanOK(t, db, maillog)
	// The day goes on, then logrotate: maillog -> maillog.1, a new maillog.
	appendFile(t, maillog, content[cut1:cut2])
	if err := os.Rename(maillog, maillog+".1"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, maillog, content[cut2:])
	s := scanOK(t, db, maillog+".1", maillog)
	if !strings.Contains(s, "1 continued where the last scan stopped") {
		t.Errorf("maillog.1 was not continued: %s", s)
	}
	// Next night: maillog.1 -> maillog.2.gz, maillog -> maillog.1.
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(content[:cut2])
	zw.Close()
	writeFile(t, maillog+".2.gz", z.Bytes())
	os.Remove(maillog + ".1")
	if err := os.Rename(maillog, maillog+".1"); err != nil {
		t.Fatal(err)
	}
	s = scanOK(t, db, maillog+".2.gz", maillog+".1")
	if !strings.Contains(s, "2 inputs (2 unchanged since the last scan), 0 events") {
		t.Errorf("rotated logs were read again: %s", s)
	}
	if got := fullReport(t, db); got != want {
		t.Errorf("report after rotations differs from one scan:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}

func TestTruncatedOrReplacedLogIsReadFromTheStart(t *testing.T) {
	content := testLog(t, 8000)
	cut := bytes.IndexByte(content[len(content)/2:], '\n') + len(content)/2 + 1
	db := t.TempDir()
	log := filepath.Join(t.TempDir(), "maillog")
	writeFile(t, log, content)
	scanOK(t, db, log)
	before := fullReport(t, db)

	// Truncated to its first half (same first bytes, shorter than read):
	// read from the start, nothing new.
	writeFile(t, log, content[:cut])
	s := scanOK(t, db, log)
	if strings.Contains(s, "unchanged") || strings.Contains(s, "continued") || !strings.Contains(s, "(0 new,") {
		t.Errorf("truncated log: %s", s)
	}
	if after := fullReport(t, db); after != before {
		t.Errorf("report changed after re-reading the same lines:\n%s\nwant:\n%s", clip(after), clip(before))
	}
	// Replaced by another log (logrotate's copytruncate, then new lines):
	// read from its start.
	other, err := os.ReadFile(filepath.Join(fixturesDir, "postfix", "maillog-iso.log"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, log, other)
	s = scanOK(t, db, log)
	if strings.Contains(s, "unchanged") || strings.Contains(s, "continued") || strings.Contains(s, "(0 new,") {
		t.Errorf("replaced log: %s", s)
	}
}

func TestSeenMessagesAreSkipped(t *testing.T) {
	md := filepath.Join(t.TempDir(), "Maildir")
	if out, err := exec.Command("cp", "-r", filepath.Join(fixturesDir, "dsn", "Maildir"), md).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	db := t.TempDir()
	first := scanOK(t, db, md)
	report := fullReport(t, db)
	// The MUA reads a message: new/X moves to cur/X:2,S. Same content.
	news, _ := filepath.Glob(filepath.Join(md, "new", "*"))
	if len(news) == 0 {
		t.Fatal("fixture Maildir has no new/ message")
	}
	if err := os.Rename(news[0], filepath.Join(md, "cur", filepath.Base(news[0])+":2,S")); err != nil {
		t.Fatal(err)
	}
	second := scanOK(t, db, md)
	inputs := strings.Fields(strings.TrimPrefix(second, "bouncelens scan: "))[0]
	if !strings.Contains(second, "("+inputs+" unchanged since the last scan), 0 events") {
		t.Errorf("second scan of the Maildir read messages again: %s (first: %s)", second, first)
	}
	if got := fullReport(t, db); got != report {
		t.Errorf("report changed")
	}
	// A new bounce arrives: only it is read.
	eml, err := os.ReadFile(filepath.Join(fixturesDir, "dsn", "hasmoved-551.eml"))
	if err != nil {
		t.Fatal(err)
	}
	// Not a copy of a message the Maildir holds: one more header line.
	writeFile(t, filepath.Join(md, "new", "1700000000.M1P1.test"), append([]byte("X-Test: new\n"), eml...))
	third := scanOK(t, db, md)
	if !strings.Contains(third, inputs+" unchanged since the last scan") {
		t.Errorf("third scan: %s", third)
	}
}

func TestScanSinceUntil(t *testing.T) {
	db := t.TempDir()
	s := scanOK(t, db, "--since", "2026-12-31", "--until", "2027-01-01", fixturesDir+"/postfix/maillog")
	if !strings.Contains(s, "outside --since/--until not stored") {
		t.Errorf("filtered scan: %s", s)
	}
	rep := readJSONReport(t, db, "--section", "by_day")
	if len(rep["by_day"]) == 0 {
		t.Error("no by_day rows")
	}
	for _, row := range rep["by_day"] {
		if d := row["day"]; d != "2026-12-31" {
			t.Errorf("by_day has %v after --since 2026-12-31 --until 2027-01-01", d)
		}
	}
	// A filtered scan does not record how far it read: the next scan
	// stores the rest.
	all := scanOK(t, db, fixturesDir+"/postfix/maillog")
	if strings.Contains(all, "unchanged") || strings.Contains(all, "(0 new,") {
		t.Errorf("scan after a filtered scan: %s", all)
	}
}

func TestYearFromModificationTime(t *testing.T) {
	dir := t.TempDir()
	line := func(stamp, qid, rcpt string) string {
		return stamp + " mx postfix/smtp[1]: " + qid + ": to=<" + rcpt + ">, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 ok)\n"
	}
	newYear := filepath.Join(dir, "maillog")
	writeFile(t, newYear, []byte(line("Dec 31 23:59:58", "AAAA1", "a@example.org")+line("Jan  1 00:00:03", "AAAA2", "b@example.org")))
	old := filepath.Join(dir, "maillog.9")
	writeFile(t, old, []byte(line("Mar 20 10:00:00", "BBBB1", "c@example.org")))
	for path, mtime := range map[string]time.Time{
		newYear: time.Date(2027, 1, 1, 6, 0, 0, 0, time.UTC),
		old:     time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC),
	} {
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	db := t.TempDir()
	if r := bin(t, db, nil, "scan", newYear, old); r.code != 0 {
		t.Fatalf("scan: %d %s", r.code, r.stderr)
	}
	rep := readJSONReport(t, db, "--section", "by_day")
	var days []string
	for _, row := range rep["by_day"] {
		days = append(days, fmt.Sprint(row["day"]))
	}
	want := []string{"2025-03-20", "2026-12-31", "2027-01-01"}
	if strings.Join(days, " ") != strings.Join(want, " ") {
		t.Errorf("days %v, want %v", days, want)
	}
	// --year overrides the file's time.
	db2 := t.TempDir()
	bin(t, db2, nil, "scan", "--year", "2024", old)
	rep = readJSONReport(t, db2, "--section", "by_day")
	if len(rep["by_day"]) != 1 || rep["by_day"][0]["day"] != "2024-03-20" {
		t.Errorf("--year 2024: %v", rep["by_day"])
	}
}

// TestKill9AnywhereThenRescan kills real scans (SIGKILL) at random points,
// scans again, and requires the report of one clean scan, number for
// number. Half of the kills hit a scan that continues a log an earlier
// scan read in part (the nightly case).
func TestKill9AnywhereThenRescan(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	content := testLog(t, 120000)
	dir := t.TempDir()
	log := filepath.Join(dir, "maillog")
	writeFile(t, log, content)
	ref := t.TempDir()
	start := time.Now()
	scanOK(t, ref, "--checkpoint", "3000", log)
	clean := time.Since(start)
	want := fullReport(t, ref)
	half := bytes.IndexByte(content[len(content)/2:], '\n') + len(content)/2 + 1

	seed := time.Now().UnixNano()
	t.Logf("seed %d, clean scan %v", seed, clean)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	kills := 0
	for point := 0; kills < 12 && point < 40; point++ {
		db := t.TempDir()
		target := log
		if point%2 == 1 {
			// The first night read half of the log; the second night is
			// killed while it reads the rest.
			target = filepath.Join(t.TempDir(), "maillog")
			writeFile(t, target, content[:half])
			scanOK(t, db, "--checkpoint", "3000", target)
			appendFile(t, target, content[half:])
		}
		cmd := exec.Command(binPath, "scan", "--year", "2026", "--checkpoint", "3000", target)
		cmd.Env = append(os.Environ(), "BOUNCELENS_DB="+db)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(float64(clean) * (0.05 + 0.9*rng.Float64()))
		if point%2 == 1 {
			delay /= 2
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			continue // it finished before the kill: not a kill point
		}
		kills++
		scanOK(t, db, "--checkpoint", "3000", target)
		if got := fullReport(t, db); got != want {
			t.Fatalf("kill point %d (after %v): report after the re-run differs from one clean scan:\n%s\nwant:\n%s", point, delay, clip(got), clip(want))
		}
	}
	if kills < 10 {
		t.Fatalf("only %d scans were killed before they finished (clean scan %v)", kills, clean)
	}
	t.Logf("%d scans killed, each re-run gave the clean scan's report", kills)
}

// TestRereadGivesTheReportOfOneScan: a log read again with --reread after
// it grew. Its first part is stored: those records go to the store
// unclassified (mostlyStored) and, with two workers, the log is read
// ahead (scanAhead). The store holds what one scan of the whole log gives,
// and it finds every event of the first scan stored.
func TestRereadGivesTheReportOfOneScan(t *testing.T) {
	content := testLog(t, 20000)
	want := oneScanReport(t, content)
	cut := bytes.LastIndexByte(content[:len(content)/2], '\n') + 1
	t.Setenv("GOMAXPROCS", "2")
	for _, workers := range []string{"1", "2"} {
		t.Run(workers, func(t *testing.T) {
			db := t.TempDir()
			log := filepath.Join(t.TempDir(), "maillog")
			writeFile(t, log, content[:cut])
			first := newCount(t, scanOK(t, db, "--workers", workers, log))
			appendFile(t, log, content[cut:])
			summary := scanOK(t, db, "--workers", workers, "--reread", log)
			if !strings.Contains(summary, fmt.Sprintf(", %d already stored)", first)) {
				t.Errorf("reread after a first scan of %d new events: %s", first, summary)
			}
			if got := fullReport(t, db); got != want {
				t.Errorf("report after a reread differs from one scan:\n%s\nwant:\n%s", clip(got), clip(want))
			}
		})
	}
}

// newCount returns the number of new events a scan summary states.
func newCount(t *testing.T, summary string) int {
	t.Helper()
	var n int
	i := strings.LastIndex(summary, "(")
	if i < 0 {
		t.Fatalf("no new events in summary %q", summary)
	}
	if _, err := fmt.Sscanf(summary[i:], "(%d new", &n); err != nil {
		t.Fatalf("summary %q: %v", summary, err)
	}
	return n
}
