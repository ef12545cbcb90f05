package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatTable(t *testing.T) {
	bl := result{tool: "bouncelens", emails: 1000, records: []int{990, 990, 990},
		walls: []float64{0.5, 0.4, 2}, rss: []float64{20 << 20, 21 << 20, 19 << 20}}
	ss := result{tool: "Sisimai", emails: 1000, records: []int{1001},
		walls: []float64{4}, rss: []float64{40 << 20}}

	one := formatTable([]result{bl})
	lines := strings.Split(strings.TrimSuffix(one, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("one tool: %d lines, want header and one row:\n%s", len(lines), one)
	}
	for _, col := range []string{"tool", "emails", "median wall s", "emails/s", "peak RSS MiB"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %q", lines[0], col)
		}
	}
	// Medians: wall 0.5 s, so 2000 emails/s and 1980 records/s; RSS 20 MiB.
	if got := strings.Fields(lines[1]); strings.Join(got, " ") != "bouncelens 1000 990 0.500 2000 1980 20.0 3" {
		t.Errorf("row = %q", lines[1])
	}
	if strings.Contains(one, "ratio") {
		t.Errorf("ratio with one tool:\n%s", one)
	}

	two := formatTable([]result{bl, ss})
	if !strings.Contains(two, "ratio bouncelens/Sisimai: 8.00x emails/s, 0.50x peak RSS") {
		t.Errorf("no or wrong ratio line:\n%s", two)
	}
	// Columns line up: every line of the table has the same width.
	rows := strings.Split(two, "\n")[:3]
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			t.Errorf("ragged table:\n%s", two)
			break
		}
	}
}

func TestRatioAndRate(t *testing.T) {
	if got := ratio(1, 0); got != "n/a" {
		t.Errorf("ratio(1, 0) = %q", got)
	}
	if got := rate(10, 0); got != 0 {
		t.Errorf("rate(10, 0) = %v", got)
	}
}

func TestCountAndLastNumber(t *testing.T) {
	if n, err := countLines(strings.NewReader("{}\n{}\n{}\n")); n != 3 || err != nil {
		t.Errorf("countLines = %d, %v", n, err)
	}
	if n, err := lastNumber(strings.NewReader("warning\n42\n")); n != 42 || err != nil {
		t.Errorf("lastNumber = %d, %v", n, err)
	}
	if _, err := lastNumber(strings.NewReader("")); err == nil {
		t.Error("lastNumber of nothing: no error")
	}
}

func TestCopySamples(t *testing.T) {
	src := t.TempDir()
	for _, p := range []string{"a/x.eml", "b/x.eml", "b/notes.txt"} {
		full := filepath.Join(src, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("Subject: "+p+"\n\nbody\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := emlFiles(src)
	if err != nil || len(files) != 2 {
		t.Fatalf("emlFiles = %v, %v; want the two .eml", files, err)
	}
	dst := filepath.Join(t.TempDir(), "mail")
	n, size, err := copySamples(files, src, dst, 3)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dst)
	if n != 6 || len(entries) != 6 || size != 6*int64(len("Subject: a/x.eml\n\nbody\n")) {
		t.Errorf("copied %d files (%d on disk), %d bytes; want 6 distinct files", n, len(entries), size)
	}
}
