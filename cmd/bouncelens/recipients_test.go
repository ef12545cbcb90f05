package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scannedFixtures returns a store holding the fixtures, scanned in-process
// with the tests' fixed clock (as TestReportGolden does). One worker: the
// fixtures hold one bounce in several files, and an event keeps the source
// it was first stored from, which with more workers depends on the schedule.
func scannedFixtures(t *testing.T) string {
	t.Helper()
	db := t.TempDir()
	if r := inproc(t, db, "scan", "-q", "--workers", "1", fixturesDir); r.code != 0 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	return db
}

// recipientRow is a row of recipients --format json.
type recipientRow struct {
	Email, State, Action, NewAddress, LastEnhanced, LastReason, LastSeen, Why string
	LastCode                                                                  *int
	Events, Delivered, Hard, Soft                                             int
}

func recipientsJSON(t *testing.T, db string, args ...string) []recipientRow {
	t.Helper()
	r := inproc(t, db, append([]string{"recipients", "--format", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("recipients %v: exit %d: %s", args, r.code, r.stderr)
	}
	var got map[string][]map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("recipients JSON: %v\n%s", err, r.stdout)
	}
	// Re-decode the rows into a struct, keys as the table names them.
	raw, _ := json.Marshal(got["recipients"])
	raw = []byte(strings.NewReplacer(`"new_address"`, `"NewAddress"`, `"last_code"`, `"LastCode"`,
		`"last_enhanced"`, `"LastEnhanced"`, `"last_reason"`, `"LastReason"`, `"last_seen"`, `"LastSeen"`).Replace(string(raw)))
	var rows []recipientRow
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatalf("rows: %v\n%s", err, raw)
	}
	if len(got) != 1 || got["recipients"] == nil {
		t.Fatalf("recipients JSON has keys %v", got)
	}
	return rows
}

func TestRecipientsJSON(t *testing.T) {
	db := scannedFixtures(t)
	all := recipientsJSON(t, db, "--state", "all")
	by := map[string]recipientRow{}
	states := map[string]int{}
	for _, r := range all {
		by[r.Email] = r
		states[r.State]++
		if r.Why == "" || r.Events == 0 || r.LastSeen == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
	for _, s := range []string{"active", "dead", "soft-bouncing", "moved", "complained"} {
		if states[s] == 0 {
			t.Errorf("no %s recipient in the fixtures: %v", s, states)
		}
	}
	if r := by["rupert@gmail.example"]; r.State != "dead" || r.Action != "suppress" || r.LastCode == nil || *r.LastCode != 550 || r.Hard != 1 {
		t.Errorf("rupert: %+v", r)
	}
	if r := by["sybil@example.org"]; r.State != "moved" || r.NewAddress != "sybil.new@example.net" {
		t.Errorf("sybil: %+v", r)
	}
	// Sender-side failures are not held against the address.
	if r := by["carol@gmail.example"]; r.State != "active" || r.LastReason != "authfailure" || !strings.Contains(r.Why, "1 other failure not counted") {
		t.Errorf("carol (5.7.26): %+v", r)
	}

	for _, c := range []struct {
		args []string
		ok   func(recipientRow) bool
	}{
		{nil, func(r recipientRow) bool { return r.State != "active" }},
		{[]string{"--state", "dead,moved"}, func(r recipientRow) bool { return r.State == "dead" || r.State == "moved" }},
		{[]string{"--domain", "example.net", "--state", "all"}, func(r recipientRow) bool { return strings.HasSuffix(r.Email, "@example.net") }},
		{[]string{"--reason", "mailboxfull,suspend"}, func(r recipientRow) bool { return r.LastReason == "mailboxfull" || r.LastReason == "suspend" }},
	} {
		rows := recipientsJSON(t, db, c.args...)
		if len(rows) == 0 {
			t.Errorf("%v: no rows", c.args)
		}
		for _, r := range rows {
			if !c.ok(r) {
				t.Errorf("%v: row %+v", c.args, r)
			}
		}
	}
	if rows := recipientsJSON(t, db, "--top", "2"); len(rows) != 2 || rows[0].State != "dead" {
		t.Errorf("--top 2: %+v", rows)
	}
	// The policy flags change verdicts: with --hard-limit 2 one sure hard
	// bounce is not enough.
	if r := inproc(t, db, "recipient", "--hard-limit", "2", "--format", "json", "rupert@gmail.example"); !strings.Contains(r.stdout, `"state": "soft-bouncing"`) {
		t.Errorf("--hard-limit 2: exit %d\n%s", r.code, r.stdout)
	}
	// jsonl: one object a line, the same rows.
	r := inproc(t, db, "recipients", "--format", "jsonl", "--state", "all")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != len(all) || !json.Valid([]byte(lines[0])) {
		t.Errorf("jsonl: exit %d, %d lines for %d rows", r.code, len(lines), len(all))
	}
}

func TestRecipientsTableNote(t *testing.T) {
	db := scannedFixtures(t)
	r := inproc(t, db, "recipients")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"EMAIL", "WHY", "rupert@gmail.example", " recipients: ", " dead, ",
		"Held against no recipient: ", "final failures on the sending side or about content (blocked ", "see 'bouncelens report'"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	checkGolden(t, filepath.Join("testdata", "recipients.golden.csv"), inproc(t, db, "recipients", "--state", "all", "--format", "csv").stdout)
}

func TestRecipientGolden(t *testing.T) {
	db := scannedFixtures(t)
	var text strings.Builder
	// A hard bounce in the log; four DSNs and a log line for one address;
	// a 551 move; a 251 forward; a complaint; a sender-side failure.
	for _, addr := range []string{"rupert@gmail.example", "bob@example.net", "old@example.net", "oldname@example.org", "helen@example.net", "carol@gmail.example"} {
		r := inproc(t, db, "recipient", addr)
		if r.code != 0 {
			t.Fatalf("recipient %s: exit %d: %s", addr, r.code, r.stderr)
		}
		text.WriteString(r.stdout + "\n")
	}
	checkGolden(t, filepath.Join("testdata", "recipient.golden.txt"), text.String())
	r := inproc(t, db, "recipient", "--format", "json", "BOB@example.net")
	if r.code != 0 || !json.Valid([]byte(r.stdout)) {
		t.Fatalf("recipient --format json: exit %d: %s\n%s", r.code, r.stderr, r.stdout)
	}
	checkGolden(t, filepath.Join("testdata", "recipient.golden.json"), r.stdout)

	r = inproc(t, db, "recipient", "stranger@nowhere.example")
	if r.code != exitError || !strings.Contains(r.stderr, "stranger@nowhere.example is not in the store") || r.stdout != "" {
		t.Errorf("unknown address: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestRecipientUsageErrors(t *testing.T) {
	db := scannedFixtures(t)
	bad := filepath.Join(t.TempDir(), "policy.conf")
	if err := os.WriteFile(bad, []byte("# ours\nsoft-limit = 3\nsoft-limt = 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.conf")
	if err := os.WriteFile(good, []byte("hard-limit = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"recipients", "--state", "zombie"}, exitUsage, `unknown state "zombie"`},
		{[]string{"recipients", "--reason", "nope"}, exitUsage, `unknown reason "nope"`},
		{[]string{"recipients", "--format", "xml"}, exitUsage, "jsonl"},
		{[]string{"recipients", "--top", "-1"}, exitUsage, "--top"},
		{[]string{"recipients", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"recipients", "--soft-limit", "x"}, exitUsage, "soft-limit"},
		{[]string{"recipients", "--soft-window", "5d"}, exitUsage, "soft-span 30d is longer than soft-window 5d"},
		{[]string{"recipients", "--policy", bad}, exitUsage, bad + `:3: unknown key "soft-limt"`},
		{[]string{"export", "--policy", filepath.Join(t.TempDir(), "missing.conf")}, exitError, "--policy: open "},
		{[]string{"recipient"}, exitUsage, "which address"},
		{[]string{"recipient", "a@example.com", "b@example.com"}, exitUsage, "one address at a time"},
		{[]string{"recipient", "--format", "csv", "a@example.com"}, exitUsage, "want table or json"},
		{[]string{"export", "--format", "yaml"}, exitUsage, "unknown format"},
	} {
		r := inproc(t, db, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	// Flags win over the file: the file says hard-limit 3, the flag 1.
	r := inproc(t, db, "recipient", "--policy", good, "--format", "json", "rupert@gmail.example")
	if !strings.Contains(r.stdout, `"state": "soft-bouncing"`) {
		t.Errorf("--policy hard-limit 3: %s", r.stdout)
	}
	r = inproc(t, db, "recipient", "--policy", good, "--hard-limit", "1", "--format", "json", "rupert@gmail.example")
	if !strings.Contains(r.stdout, `"state": "dead"`) {
		t.Errorf("--policy hard-limit 3 --hard-limit 1: %s", r.stdout)
	}
}

func TestRecipientsHelpListsThePolicy(t *testing.T) {
	r := inproc(t, t.TempDir(), "help", "recipients")
	for _, want := range []string{"--soft-limit", "--soft-window", "--hard-limit", "--policy file",
		"soft-limit          5", "mailboxfull-span    15d", "incident-share      20"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help recipients lacks %q:\n%s", want, r.stdout)
		}
	}
}
