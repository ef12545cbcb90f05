package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"bouncelens/store"
)

// exportHeader is the CSV header of bouncelens export.
const exportHeader = "email,state,action,new_address,last_code,last_enhanced,last_reason,first_seen,last_seen,events,delivered,hard,soft\n"

// moreLog is new input for a store that holds the fixtures: rupert (dead)
// is delivered again, newbie bounces hard, dan (one suspend bounce in
// November) is suspended again 47 days later, and olivia's mail is blocked
// by a blocklist again (sender side: no change).
const moreLog = `2027-01-10T10:00:00.000000+00:00 mail postfix/smtp[100]: 1A2B3C4D5E: to=<rupert@gmail.example>, relay=gmail-smtp-in.l.gmail.example[198.51.100.27]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 OK 1736503200 - gsmtp)
2027-01-10T10:05:00.000000+00:00 mail postfix/smtp[100]: 1A2B3C4D5F: to=<newbie@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <newbie@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))
2027-01-10T10:10:00.000000+00:00 mail postfix/smtp[100]: 1A2B3C4D60: to=<dan@example.net>, relay=mx.example.net[198.51.100.20]:25, delay=1, delays=0/0/0/1, dsn=5.2.1, status=bounced (host mx.example.net[198.51.100.20] said: 550 5.2.1 <dan@example.net>: mailbox disabled, account suspended (in reply to RCPT TO command))
2027-01-10T10:15:00.000000+00:00 mail postfix/smtp[100]: 1A2B3C4D61: to=<olivia@yahoo.example>, relay=mta5.am0.yahoodns.example[198.51.100.40]:25, delay=1, delays=0/0/0/1, dsn=5.7.1, status=bounced (host mta5.am0.yahoodns.example[198.51.100.40] said: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org (in reply to RCPT TO command))
`

// exportRows parses an export's CSV into "email=state/action" strings,
// sorted, checking the header.
func exportRows(t *testing.T, out string) []string {
	t.Helper()
	if !strings.HasPrefix(out, exportHeader) {
		t.Fatalf("export output does not start with the header:\n%s", out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export CSV: %v\n%s", err, out)
	}
	var rows []string
	for _, r := range recs[1:] {
		rows = append(rows, r[0]+"="+r[1]+"/"+r[2])
	}
	sort.Strings(rows)
	return rows
}

// TestExportSinceLast is the "done when": export --since-last run
// twice without new input exports nothing the second time; after more
// input it exports exactly the recipients whose state changed.
func TestExportSinceLast(t *testing.T) {
	db := t.TempDir()
	if r := bin(t, db, nil, "scan", "--year", "2026", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	first := bin(t, db, nil, "export", "--since-last")
	if first.code != 0 {
		t.Fatalf("first export: exit %d: %s", first.code, first.stderr)
	}
	rows := exportRows(t, first.stdout)
	want := map[string]bool{ // a few of the fixtures' recipients, by kind
		"rupert@gmail.example=dead/suppress":             true, // 550 5.1.1 in the log
		"bob@yahoo.example=soft-bouncing/investigate":    true, // one filtered bounce
		"old@example.net=moved/update-address":           true, // 551 in a DSN
		"oldname@example.org=moved/update-address":       true, // 251 in the log
		"helen@example.net=complained/suppress":          true, // ARF
		"dan@example.net=soft-bouncing/retry":            true, // one suspend bounce
		"frank@lists.example.org=soft-bouncing/retry":    true, // one expiry
		"ivan@outlook.example=soft-bouncing/investigate": true, // 550 5.5.0 "user unknown": low confidence
	}
	for _, r := range rows {
		if strings.Contains(r, "=active/") {
			t.Errorf("first export lists an active recipient: %s", r)
		}
		delete(want, r)
	}
	if len(want) > 0 {
		t.Errorf("first export lacks %v; rows:\n%s", want, strings.Join(rows, "\n"))
	}
	if !strings.Contains(first.stderr, "(first export)") || !strings.Contains(first.stderr, "watermark advanced") {
		t.Errorf("first export summary: %q", first.stderr)
	}

	second := bin(t, db, nil, "export", "--since-last")
	if second.code != 0 || second.stdout != exportHeader {
		t.Errorf("second export: exit %d, output:\n%s", second.code, second.stdout)
	}
	if !strings.Contains(second.stderr, "0 recipients changed since the export of ") {
		t.Errorf("second export summary: %q", second.stderr)
	}

	log := filepath.Join(t.TempDir(), "more.log")
	if err := os.WriteFile(log, []byte(moreLog), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := bin(t, db, nil, "scan", log); r.code != 0 {
		t.Fatalf("scan more: exit %d: %s", r.code, r.stderr)
	}
	changed := "dan@example.net=dead/suppress newbie@example.com=dead/suppress rupert@gmail.example=active/none"
	dry := bin(t, db, nil, "export", "--since-last", "--dry-run")
	if got := strings.Join(exportRows(t, dry.stdout), " "); dry.code != 0 || got != changed {
		t.Errorf("dry run after more input: exit %d, rows %s; want %s", dry.code, got, changed)
	}
	third := bin(t, db, nil, "export", "--since-last", "-q")
	if got := strings.Join(exportRows(t, third.stdout), " "); third.code != 0 || got != changed {
		t.Errorf("export after more input (the dry run must not have moved the watermark): exit %d, rows %s; want %s", third.code, got, changed)
	}
	if third.stderr != "" {
		t.Errorf("-q: stderr %q", third.stderr)
	}
	if r := bin(t, db, nil, "export", "--since-last"); r.stdout != exportHeader {
		t.Errorf("fourth export:\n%s", r.stdout)
	}

	// A plain export lists every recipient that is not active, and moves
	// no watermark.
	all := bin(t, db, nil, "export", "--format", "jsonl")
	if all.code != 0 || strings.Count(all.stdout, "\n") != len(rows) || strings.Contains(all.stdout, `"state": "active"`) {
		t.Errorf("plain export: exit %d, %d lines (first export had %d rows):\n%s", all.code, strings.Count(all.stdout, "\n"), len(rows), all.stdout)
	}
	if r := bin(t, db, nil, "export", "--since-last"); r.stdout != exportHeader {
		t.Errorf("a plain export moved the watermark:\n%s", r.stdout)
	}
}

func TestExportStoreInUse(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, args := range [][]string{{"export", "--since-last"}, {"recipients"}, {"recipient", "a@example.com"}} {
		if r := bin(t, dir, nil, args...); r.code != exitLocked || !strings.Contains(r.stderr, "in use") {
			t.Errorf("%v on a store in use: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestRecipientCommandsBeforeAnyScan(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"recipients"}, {"recipient", "a@example.com"}, {"export"}, {"export", "--since-last"}} {
		r := inproc(t, dir, args...)
		if r.code != exitError || !strings.Contains(r.stderr, "no store in "+dir+" yet") {
			t.Errorf("%v before any scan: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("export --since-last created a store in %s", dir)
	}
}
