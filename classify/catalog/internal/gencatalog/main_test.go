package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestCodesUpToDate regenerates the catalog from the shared reference, when
// it is present, and compares it with the committed codes.tsv.
func TestCodesUpToDate(t *testing.T) {
	const doc = "../../../../../shared/reference/smtp-codes.md"
	f, err := os.Open(doc)
	if err != nil {
		t.Skipf("reference not available: %v", err)
	}
	defer f.Close()
	var got bytes.Buffer
	if err := generate(&got, f); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../codes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("codes.tsv is stale; run go generate ./classify/catalog")
	}
}

func TestParse(t *testing.T) {
	const md = "## 2.5 Permanent\n\n### 551\n- title: User not local\n- class: permanent negative (5xx)\n" +
		"- severity: hard\n- source: RFC 5321\n- meaning: m\t1\n- when: w\n- fix: f\n- action: update-address\n- related: 251\n" +
		"## 3.2 Addressing\n### X.1.6\n- title: Moved\n- class: used with 5\n- severity: 5=hard\n- source: RFC 3463\n" +
		"- basic-codes: not given\n- meaning: m\n- when: w\n- fix: f\n- action: 5=suppress\n- related: 551\n" +
		"### 4.1 251 vs 551\n- title: not a code\n"
	var out bytes.Buffer
	if err := generate(&out, strings.NewReader(md)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		header,
		"551\tbasic\tUser not local\tpermanent negative (5xx)\thard\tRFC 5321\t\tm 1\tw\tf\tupdate-address\t251",
		"X.1.6\tenhanced\tMoved\tused with 5\t5=hard\tRFC 3463\tnot given\tm\tw\tf\t5=suppress\t551",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[i], want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"missing key", "### 550\n- title: t\n", `has no "class"`},
		{"unknown key", "### 550\n- colour: red\n", `unknown key "colour"`},
		{"duplicate code", "### 550\n" + full + "### 550\n" + full, "already defined"},
		{"empty", "# nothing\n", "no code blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := generate(&bytes.Buffer{}, strings.NewReader(tt.md))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("generate error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

const full = "- title: t\n- class: c\n- severity: s\n- source: s\n- meaning: m\n- when: w\n- fix: f\n- action: a\n- related: r\n"
