package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decodeJSONL runs the built binary's decode with --format jsonl.
func decodeJSONL(t *testing.T, stdin []byte, args ...string) ([]decoded, result) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "never-created")
	res := bin(t, db, stdin, append([]string{"decode", "--format", "jsonl"}, args...)...)
	var recs []decoded
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		if line == "" {
			continue
		}
		var d decoded
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		recs = append(recs, d)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("decode created a store in %s", db)
	}
	return recs, res
}

func TestDecodeRecords(t *testing.T) {
	tests := []struct {
		file                                   string
		recipient, action, reason, class, todo string
		code                                   int
		extra                                  func(d decoded) bool
	}{
		{"postfix-user-unknown.eml", "bob@example.net", "failed", "userunknown", "hard", "suppress", 550,
			func(d decoded) bool { return d.MessageID != "" && d.Meaning != "" && d.Fix != "" }},
		{"hasmoved-551.eml", "old@example.net", "failed", "hasmoved", "hard", "update-address", 551,
			func(d decoded) bool { return d.Forward == "new@example.org" }},
		{"arf-abuse.eml", "helen@example.net", "complained", "feedback", "none", "suppress", 0,
			func(d decoded) bool {
				return d.Family == "arf" && d.FeedbackType == "abuse" && d.Subject == "November newsletter"
			}},
		{"vacation.eml", "ivan@example.org", "autoreplied", "vacation", "none", "none", 0,
			func(d decoded) bool { return d.Family == "rfc3834" && strings.Contains(d.Text, "out of the office") }},
		{"exim-unrouteable.eml", "jane@example.net", "failed", "userunknown", "hard", "suppress", 550,
			func(d decoded) bool { return d.Status == "5.1.1" && d.To == "jane@example.net" }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, res := decodeJSONL(t, nil, filepath.Join(fixturesDir, "dsn", tt.file))
			if res.code != exitOK || len(recs) != 1 {
				t.Fatalf("exit %d, %d records, stderr %q", res.code, len(recs), res.stderr)
			}
			d := recs[0]
			if d.Recipient != tt.recipient || d.Action != tt.action || d.Reason != tt.reason ||
				d.Class != tt.class || d.RecipientAction != tt.todo || d.Code != tt.code || !tt.extra(d) {
				t.Errorf("got %+v", d)
			}
		})
	}
}

// TestDecodeContainers reads the fixture mbox and Maildir and one message
// on standard input: each record names its source, and mbox records their
// message's number in the mbox.
func TestDecodeContainers(t *testing.T) {
	recs, res := decodeJSONL(t, nil, filepath.Join(fixturesDir, "dsn", "bounces.mbox"), filepath.Join(fixturesDir, "dsn", "Maildir"))
	if res.code != exitSkipped {
		t.Errorf("exit %d, want %d: the mbox holds a message that is not a bounce", res.code, exitSkipped)
	}
	if !strings.Contains(res.stderr, "bounces.mbox:74") {
		t.Errorf("stderr %q does not name the skipped message", res.stderr)
	}
	var idx []int
	maildir := 0
	for _, d := range recs {
		if strings.HasSuffix(d.Source, "bounces.mbox") {
			idx = append(idx, d.Index)
		}
		if strings.Contains(d.Source, "Maildir") {
			maildir++
		}
	}
	if len(idx) != 2 || idx[0] != 1 || idx[1] != 2 || maildir != 2 {
		t.Errorf("mbox indexes %v, %d Maildir records; want [1 2] and 2", idx, maildir)
	}
	msg, err := os.ReadFile(filepath.Join(fixturesDir, "dsn", "hasmoved-551.eml"))
	if err != nil {
		t.Fatal(err)
	}
	recs, res = decodeJSONL(t, msg, "-")
	if res.code != exitOK || len(recs) != 1 || recs[0].Source != "<stdin>" && recs[0].Source != "-" {
		t.Errorf("stdin: exit %d, records %+v", res.code, recs)
	}
}

// TestDecodeFormats checks that json is one array of the jsonl records, csv
// has a header and one row per record, and the table names the reason and
// the catalog's meaning.
func TestDecodeFormats(t *testing.T) {
	in := filepath.Join(fixturesDir, "dsn")
	lines, _ := decodeJSONL(t, nil, in)
	db := filepath.Join(t.TempDir(), "db")
	res := bin(t, db, nil, "decode", in, "--format", "json")
	var arr []decoded
	if err := json.Unmarshal([]byte(res.stdout), &arr); err != nil || len(arr) != len(lines) || len(arr) < 10 {
		t.Fatalf("json: %d records (jsonl %d), %v", len(arr), len(lines), err)
	}
	res = bin(t, db, nil, "decode", "--format=csv", in)
	rows, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	if err != nil || len(rows) != len(lines)+1 || rows[0][0] != "source" || rows[0][len(rows[0])-1] != "fix" {
		t.Fatalf("csv: %d rows, header %v, %v", len(rows), rows[:min(1, len(rows))], err)
	}
	res = bin(t, db, nil, "decode", filepath.Join(in, "hasmoved-551.eml"))
	for _, want := range []string{"hasmoved", "update-address", "new@example.org", "551 5.1.6"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, res.stdout)
		}
	}
	if res := bin(t, db, nil, "decode", "--format", "xml", in); res.code != exitUsage {
		t.Errorf("--format xml: exit %d", res.code)
	}
	if res := bin(t, db, nil, "decode"); res.code != exitUsage || !bytes.Contains([]byte(res.stderr), []byte("no PATH")) {
		t.Errorf("no args: exit %d, %q", res.code, res.stderr)
	}
}
