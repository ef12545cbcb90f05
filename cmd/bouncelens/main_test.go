package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bouncelens/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// binPath is the bouncelens binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "bouncelens-bin")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "bouncelens")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		panic("building bouncelens: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixedNow is the clock of every test: the fixtures' year is 2026.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// result is what one run of the binary printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// bin runs the built binary with args and a store in db; stdin may be nil.
func bin(t *testing.T, db string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "BOUNCELENS_DB="+db, "HOME="+t.TempDir(), "XDG_DATA_HOME=")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running bouncelens %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// inproc runs the command in-process with buffers, a fixed clock and db.
func inproc(t *testing.T, db string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	home := t.TempDir()
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string {
			switch k {
			case "BOUNCELENS_DB":
				return db
			case "HOME":
				return home
			}
			return ""
		},
		now: func() time.Time { return fixedNow },
	}
	code := run(context.Background(), args, e)
	return result{out.String(), errb.String(), code}
}

const fixturesDir = "../../fixtures"

func TestScanTwiceChangesNothing(t *testing.T) {
	db := t.TempDir()
	first := bin(t, db, nil, "scan", "--year", "2026", fixturesDir)
	if first.code != 0 {
		t.Fatalf("first scan: exit %d, stderr:\n%s", first.code, first.stderr)
	}
	if !strings.Contains(first.stderr, "already stored") || strings.Contains(first.stderr, " 0 events") {
		t.Fatalf("first scan summary: %q", first.stderr)
	}
	rep1 := bin(t, db, nil, "report", "--format", "json", "--top", "0")
	if rep1.code != 0 {
		t.Fatalf("report: exit %d: %s", rep1.code, rep1.stderr)
	}
	second := bin(t, db, nil, "scan", "--year", "2026", fixturesDir)
	if second.code != 0 {
		t.Fatalf("second scan: exit %d, stderr:\n%s", second.code, second.stderr)
	}
	if !strings.Contains(second.stderr, "(0 new,") {
		t.Errorf("second scan stored new events: %q", second.stderr)
	}
	rep2 := bin(t, db, nil, "report", "--format", "json", "--top", "0")
	if rep1.stdout != rep2.stdout {
		t.Errorf("report changed after re-scan:\nfirst:\n%s\nsecond:\n%s", rep1.stdout, rep2.stdout)
	}

	var rep map[string][]map[string]any
	if err := json.Unmarshal([]byte(rep1.stdout), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, rep1.stdout)
	}
	statuses := map[string]float64{}
	for _, row := range rep["summary"] {
		statuses[row["status"].(string)] = row["events"].(float64)
	}
	for _, s := range []string{"sent", "deferred", "bounced", "expired", "rejected"} {
		if statuses[s] == 0 {
			t.Errorf("fixtures give no %s events: %v", s, statuses)
		}
	}
	reasons := map[string]bool{}
	for _, row := range rep["by_reason"] {
		reasons[row["reason"].(string)] = true
	}
	for _, r := range []string{"userunknown", "mailboxfull", "hasmoved"} {
		if !reasons[r] {
			t.Errorf("report has no %s row; reasons: %v", r, reasons)
		}
	}
}

func TestReportGolden(t *testing.T) {
	db := t.TempDir()
	if r := inproc(t, db, "scan", "-q", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	for _, tc := range []struct{ name, golden string }{
		{"table", "report.golden.txt"},
		{"markdown", "report.golden.md"},
		{"json", "report.golden.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := inproc(t, db, "report", "--top", "0", "--format", tc.name)
			if r.code != 0 {
				t.Fatalf("report: exit %d: %s", r.code, r.stderr)
			}
			checkGolden(t, filepath.Join("testdata", tc.golden), r.stdout)
		})
	}
	r := inproc(t, db, "moved", "--format", "csv")
	if r.code != 0 {
		t.Fatalf("moved: exit %d: %s", r.code, r.stderr)
	}
	checkGolden(t, filepath.Join("testdata", "moved.golden.csv"), r.stdout)
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s; run go test -update and review git diff\ngot:\n%s", path, got)
	}
}

func TestMovedListsForwardAddresses(t *testing.T) {
	db := t.TempDir()
	if r := inproc(t, db, "scan", "-q", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	r := inproc(t, db, "moved", "--format", "json")
	if r.code != 0 {
		t.Fatalf("moved: exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Moved []struct {
			Address, NewAddress, LastStatus, Code string
		} `json:"moved"`
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(r.stdout, "new_address", "newaddress")), &got); err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, m := range got.Moved {
		if m.NewAddress == "" || m.NewAddress == m.Address {
			t.Errorf("bad moved row %+v", m)
		}
		codes[m.Code] = true
	}
	if !codes["551"] || !codes["251"] {
		t.Errorf("want moved recipients from a 551 and a 251 reply, got %+v", got.Moved)
	}
}

func TestGzipAndStdinMatchPlainFile(t *testing.T) {
	log, err := os.ReadFile(filepath.Join(fixturesDir, "postfix", "maillog"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gz := filepath.Join(dir, "maillog.1") // no .gz suffix: detected by content
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(log)
	zw.Close()
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(db string) string {
		r := bin(t, db, nil, "report", "--format", "csv", "--section", "summary")
		if r.code != 0 {
			t.Fatalf("report: %s", r.stderr)
		}
		return r.stdout
	}
	plainDB, gzDB, stdinDB := t.TempDir(), t.TempDir(), t.TempDir()
	for _, c := range []struct {
		db    string
		stdin []byte
		arg   string
	}{
		{plainDB, nil, filepath.Join(fixturesDir, "postfix", "maillog")},
		{gzDB, nil, gz},
		{stdinDB, buf.Bytes(), "-"},
	} {
		if r := bin(t, c.db, c.stdin, "scan", "--year", "2026", c.arg); r.code != 0 {
			t.Fatalf("scan %s: exit %d: %s", c.arg, r.code, r.stderr)
		}
	}
	want := report(plainDB)
	if !strings.Contains(want, "bounced,") {
		t.Fatalf("plain report has no bounced row:\n%s", want)
	}
	if got := report(gzDB); got != want {
		t.Errorf("gzip report differs:\n%s\nwant:\n%s", got, want)
	}
	if got := report(stdinDB); got != want {
		t.Errorf("stdin (gzip) report differs:\n%s\nwant:\n%s", got, want)
	}
}

func TestBadInputNamesFileAndGoesOn(t *testing.T) {
	dir := t.TempDir()
	good := "Nov 23 10:00:01 mx postfix/smtp[1]: 4A1B2C3D4E: to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n"
	garbage := []byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3, 0, 0xff, 0xfe}
	var gzbuf bytes.Buffer
	zw := gzip.NewWriter(&gzbuf)
	for i := 0; i < 200; i++ {
		zw.Write([]byte(strings.ReplaceAll(good, "a@example.com", "u"+string(rune('a'+i%26))+"@example.com")))
	}
	zw.Close()
	truncated := gzbuf.Bytes()[:gzbuf.Len()/2]
	notReport := "From: friend@example.org\r\nTo: me@example.com\r\nSubject: lunch?\r\nMessage-ID: <x1@example.org>\r\nContent-Type: text/plain\r\n\r\nAre you free on Tuesday?\r\n"
	badLine := "Nov 23 10:00:02 mx postfix/smtp[1]: 4A1B2C3D4F: relay=none, delay=1, dsn=5.0.0, status=bounced (no recipient here)\n"
	files := map[string][]byte{
		"a-good.log":         []byte(good + badLine),
		"b-garbage.bin":      garbage,
		"c-truncated.gz":     truncated,
		"d-not-a-report.eml": []byte(notReport),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := t.TempDir()
	r := bin(t, db, nil, "scan", "-v", "--year", "2026", dir)
	if r.code != exitError {
		t.Errorf("exit %d, want %d (an input could not be read to the end)", r.code, exitError)
	}
	for _, want := range []string{
		filepath.Join(dir, "a-good.log") + ": 2 lines, 1 event, 1 skipped", // -v: per-log counts
		filepath.Join(dir, "a-good.log") + ":2: ",                          // the bad status line, by line
		filepath.Join(dir, "b-garbage.bin") + ":1: binary data",            // garbage
		filepath.Join(dir, "c-truncated.gz") + ":",                         // truncated gzip
		"unexpected EOF", // ...and why
		filepath.Join(dir, "d-not-a-report.eml") + ": not a bounce, complaint or auto-reply", // plain mail
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Fatalf("stack trace on stderr:\n%s", r.stderr)
	}
	// The good file and the readable part of the truncated one were stored.
	rep := bin(t, db, nil, "report", "--format", "csv", "--section", "summary")
	if !strings.Contains(rep.stdout, "bounced,") {
		t.Errorf("nothing stored from the good inputs:\n%s", rep.stdout)
	}
	// A path that does not exist is named; the other paths are scanned.
	missing := filepath.Join(dir, "no-such-file")
	r = bin(t, t.TempDir(), nil, "scan", missing, filepath.Join(dir, "a-good.log"))
	if r.code != exitError || !strings.Contains(r.stderr, missing) || !strings.Contains(r.stderr, "1 input, 1 event") {
		t.Errorf("missing path: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	// --strict turns skipped records into exit status 3 when nothing failed.
	r = bin(t, t.TempDir(), nil, "scan", "--strict", filepath.Join(dir, "a-good.log"))
	if r.code != exitSkipped {
		t.Errorf("--strict with a skipped line: exit %d, want %d; stderr %s", r.code, exitSkipped, r.stderr)
	}
}

func TestLockedStoreIsOneLine(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, args := range [][]string{{"report"}, {"scan", fixturesDir}} {
		r := bin(t, dir, nil, args...)
		if r.code != exitLocked {
			t.Errorf("%v on a locked store: exit %d, want %d", args, r.code, exitLocked)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], dir) || !strings.Contains(lines[0], "in use") {
			t.Errorf("%v: want one line naming %s, got:\n%s", args, dir, r.stderr)
		}
	}
}

func TestReportBeforeAnyScan(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range []string{"report", "moved"} {
		r := inproc(t, dir, cmd)
		if r.code != exitError || !strings.Contains(r.stderr, "no store in "+dir+" yet") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s before any scan: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, c := range commands {
		for _, args := range [][]string{{c.Name, "-h"}, {c.Name, "--help"}, {"help", c.Name}} {
			r := inproc(t, t.TempDir(), args...)
			if r.code != 0 {
				t.Errorf("%v: exit %d", args, r.code)
			}
			if !strings.Contains(r.stdout, "usage: bouncelens "+c.Name) || !strings.Contains(r.stdout, "Examples:") {
				t.Errorf("%v: usage without examples:\n%s", args, r.stdout)
			}
		}
	}
	r := inproc(t, t.TempDir(), "help")
	if r.code != 0 || !strings.Contains(r.stdout, "Commands:") {
		t.Errorf("help: exit %d\n%s", r.code, r.stdout)
	}
	if r := inproc(t, t.TempDir()); r.code != exitUsage {
		t.Errorf("no arguments: exit %d, want %d", r.code, exitUsage)
	}
	if r := inproc(t, t.TempDir(), "frobnicate"); r.code != exitUsage || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := inproc(t, t.TempDir(), "report", "--format", "xml"); r.code != exitUsage || !strings.Contains(r.stderr, "run 'bouncelens help report'") {
		t.Errorf("bad format: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"explain", "551"}, []string{"551", "meaning", "fix", "update-address"}},
		{[]string{"explain", "5.1.6"}, []string{"5.1.6 (X.1.6)", "meaning"}},
		{[]string{"explain", "5.7.26"}, []string{"severity  hard", "action    fix-sender-config"}},
		{[]string{"explain", "4.7.26"}, []string{"severity  soft", "action    retry"}},
		{[]string{"explain", "X.1.6"}, []string{"4=soft; 5=hard"}},
		{[]string{"explain", "551 5.1.6 User not local; please try <new@example.org>"},
			[]string{"hasmoved", "hard", "update-address", "new@example.org"}},
		{[]string{"explain", "251 2.1.5 User not local; will forward to <jane@example.net>"},
			[]string{"forwarded", "jane@example.net"}},
		{[]string{"explain", "550 5.1.1 The email account that you tried to reach does not exist"},
			[]string{"userunknown", "hard", "suppress"}},
		{[]string{"explain", "--format", "json", "550", "5.1.1"}, []string{`"codes"`, `"fix"`}},
		{[]string{"compare", "251", "551"}, []string{"251", "551", "meaning"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := inproc(t, t.TempDir(), tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	if r := inproc(t, t.TempDir(), "explain", "hello"); r.code != exitUsage {
		t.Errorf("explain without a code: exit %d, want %d", r.code, exitUsage)
	}
}

func TestParseWhen(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"today", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"yesterday", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
		{"7d", time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)},
		{"36h", fixedNow.Add(-36 * time.Hour)},
		{"2026-11-20T08:30:00Z", time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseWhen(tt.in, fixedNow)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"soon", "-3d", "2026-13-01"} {
		if _, err := parseWhen(bad, fixedNow); err == nil {
			t.Errorf("parseWhen(%q): no error", bad)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want kind
	}{
		{"Nov 23 10:00:01 mx postfix/smtp[1]: ABC: to=<a@b>", kindLog},
		{"2026-03-02T10:00:01.123456+00:00 mx postfix/smtp[1]: ABC: to=<a@b>", kindLog},
		{"Return-Path: <>\nReceived: from x", kindMessage},
		{"From MAILER-DAEMON Mon Nov 23 10:00:01 2026\nReturn-Path: <>", kindMessage},
		{"X-Original-To: a@example.com\n", kindMessage},
		{"From () 2020-03-03 07:50:45 +0000\nDelivered-To: a@example.com\n", kindMessage}, // an export's odd "From " line
		{"From: a@example.com\n", kindMessage},
		{"\x7fELF\x00\x00", kindBinary},
		{"", kindLog},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

// TestScanProfiles runs a scan with --cpuprofile, --memprofile and --trace:
// each file is written in its format, and a file that cannot be created
// fails the scan with a message naming what it was for.
func TestScanProfiles(t *testing.T) {
	out := t.TempDir()
	cpu, mem, tr := filepath.Join(out, "cpu.out"), filepath.Join(out, "mem.out"), filepath.Join(out, "trace.out")
	r := bin(t, t.TempDir(), nil, "scan", "-q", "--year", "2026", "--cpuprofile", cpu, "--memprofile", mem, "--trace", tr, fixturesDir)
	if r.code != 0 {
		t.Fatalf("scan with profiles: exit %d\n%s", r.code, r.stderr)
	}
	for _, f := range []struct {
		path, what string
		ok         func([]byte) bool
	}{
		{cpu, "gzip'ed pprof", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }},
		{mem, "gzip'ed pprof", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }},
		{tr, "execution trace", func(b []byte) bool {
			head, _, _ := bytes.Cut(b, []byte{0})
			return bytes.HasPrefix(head, []byte("go 1.")) && bytes.HasSuffix(head, []byte(" trace"))
		}},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !f.ok(b) {
			t.Errorf("%s: not a %s (%d bytes, starts %q)", f.path, f.what, len(b), b[:min(len(b), 16)])
		}
	}
	bad := filepath.Join(out, "no-such-dir", "trace.out")
	r = bin(t, t.TempDir(), nil, "scan", "-q", "--trace", bad, fixturesDir)
	if r.code == 0 || !strings.Contains(r.stderr, "execution trace") || !strings.Contains(r.stderr, bad) {
		t.Errorf("--trace into a missing directory: exit %d, stderr %q", r.code, r.stderr)
	}
}
