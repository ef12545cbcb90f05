package mbox

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type msg struct {
	Line int
	Text string
}

// split runs a Reader over input and returns the messages, or the error
// text for a skipped one.
func split(t *testing.T, r *Reader) []msg {
	t.Helper()
	var out []msg
	for {
		b, line, err := r.Next()
		if err == io.EOF {
			return out
		}
		if errors.Is(err, ErrMessageTooLarge) {
			out = append(out, msg{line, "ERROR " + err.Error()})
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, msg{line, string(b)})
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name, in string
		want     []msg
	}{
		{"empty", "", nil},
		{"blank", "\n\n", nil},
		{"one", "From a@example.com Mon Nov 23 10:00:01 2026\nSubject: x\n\nbody\n\n",
			[]msg{{1, "Subject: x\n\nbody\n"}}},
		{"two", "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\none\n\nFrom b@example.com Mon Nov 23 10:00:02 2026\nB: 2\n\ntwo\n",
			[]msg{{1, "A: 1\n\none\n"}, {6, "B: 2\n\ntwo\n"}}},
		{"no trailing newline", "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\nlast line",
			[]msg{{1, "A: 1\n\nlast line"}}},
		{"leading blank lines", "\n\nFrom a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n",
			[]msg{{3, "A: 1\n"}}},
		{"mboxrd unquoting", "From - Mon Nov 23 10:00:01 2026\nA: 1\n\n>From here\n>>From there\n> From not\nFrom inside\n",
			[]msg{{1, "A: 1\n\nFrom here\n>From there\n> From not\nFrom inside\n"}}},
		{"From line without blank line before is body", "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\nFrom b@example.com Mon Nov 23 10:00:02 2026\n",
			[]msg{{1, "A: 1\nFrom b@example.com Mon Nov 23 10:00:02 2026\n"}}},
		{"From line without date is body", "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\nFrom the desk of Bob\n",
			[]msg{{1, "A: 1\n\nFrom the desk of Bob\n"}}},
		{"crlf", "From a@example.com Mon Nov 23 10:00:01 2026\r\nA: 1\r\n\r\nx\r\n\r\nFrom b@example.com Mon Nov 23 10:00:02 2026\r\nB: 2\r\n",
			[]msg{{1, "A: 1\r\n\r\nx\r\n"}, {6, "B: 2\r\n"}}},
		{"text before the first separator", "Subject: stray\n\nFrom a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n",
			[]msg{{1, "Subject: stray\n"}, {3, "A: 1\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				if got := split(t, NewReader(r)); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %q\nwant %q", got, tt.want)
				}
			}
		})
	}
}

func TestReaderLongLines(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than the 64 KiB buffer
	in := "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\n" + long + "\n\n" +
		"From b@example.com Mon Nov 23 10:00:02 2026\nB: 2\n\n>From " + long + "\n"
	got := split(t, NewReader(strings.NewReader(in)))
	want := []msg{{1, "A: 1\n\n" + long + "\n"}, {6, "B: 2\n\nFrom " + long + "\n"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("long lines: got %d messages, want 2 with the long lines intact", len(got))
	}
}

func TestReaderTooLarge(t *testing.T) {
	in := "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\n" + strings.Repeat("x", 100) + "\n\n" +
		"From b@example.com Mon Nov 23 10:00:02 2026\nB: 2\n"
	r := NewReader(strings.NewReader(in))
	r.MaxMessageBytes = 50
	got := split(t, r)
	want := []msg{{1, "ERROR mbox: message too large: more than 50 bytes"}, {6, "B: 2\n"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestReaderReadError(t *testing.T) {
	in := "From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n"
	r := NewReader(io.MultiReader(strings.NewReader(in), iotest.ErrReader(io.ErrUnexpectedEOF)))
	if _, _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Next = %v, want the read error", err)
	}
	if _, _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("second Next = %v, want the read error again", err)
	}
}

func TestIsMbox(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"From MAILER-DAEMON Mon Nov 23 10:00:01 2026\n", true},
		{"From - Mon Nov 23 10:00:01 2026\n", true},
		{"From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\n", true},
		{"From bob@example.com Mon Nov 23 10:00:01 2026 +0100\nA: 1\n", true},
		{"\r\nFrom bob@example.com Mon Nov 23 10:00:01 2026", true},
		{"From: bob@example.com\n", false},
		{"From bob@example.com\n", false},
		{"From the desk of Bob, 2026\n", false},
		{"Return-Path: <>\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsMbox([]byte(tt.in)); got != tt.want {
			t.Errorf("IsMbox(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFixtureMbox(t *testing.T) {
	data := readFile(t, "../../fixtures/dsn/bounces.mbox")
	got := split(t, NewReader(bytes.NewReader(data)))
	var lines []int
	for _, m := range got {
		lines = append(lines, m.Line)
	}
	if want := []int{1, 74, 88}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("separator lines %v, want %v", lines, want)
	}
	if !strings.Contains(got[1].Text, "\nFrom now on") || !strings.Contains(got[1].Text, "\n>From the newsletter") {
		t.Errorf(">From lines not unquoted:\n%s", got[1].Text)
	}
}

func TestMaildir(t *testing.T) {
	dir := "../../fixtures/dsn/Maildir"
	if !IsMaildir(dir) {
		t.Fatalf("IsMaildir(%s) = false", dir)
	}
	if IsMaildir("../../fixtures/dsn") {
		t.Errorf("IsMaildir(fixtures/dsn) = true")
	}
	files, err := MaildirFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{
		"cur/1795424403.M512345P4711.mail.example.com,S=2457!2,S",
		"new/1795611603.M998877P4712.mail.example.com,S=2369",
	}
	if !reflect.DeepEqual(rel, want) {
		t.Errorf("MaildirFiles = %q, want %q", rel, want)
	}
}

func TestMaildirFolders(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"cur/b", "cur/a", "cur/.hidden", "new/c", "tmp/partial", ".Bounces/cur/d", ".Bounces/tmp/e", ".notmaildir/f"} {
		writeFile(t, filepath.Join(dir, p))
	}
	files, err := MaildirFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	if want := []string{"cur/a", "cur/b", "new/c", ".Bounces/cur/d"}; !reflect.DeepEqual(rel, want) {
		t.Errorf("MaildirFiles = %q, want %q", rel, want)
	}
}

func FuzzMbox(f *testing.F) {
	f.Add([]byte("From a@example.com Mon Nov 23 10:00:01 2026\nA: 1\n\n>From x\n\nFrom b@example.com Mon Nov 23 10:00:02 2026\nB: 2"))
	f.Add([]byte("\r\n\r\nFrom - Mon Nov 23 10:00:01 2026\r\n\r\n\r\nFrom - Mon Nov 23 10:00:01 2026\r\n"))
	f.Add(readFile(f, "../../fixtures/dsn/bounces.mbox"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxMessageBytes = 1 << 10
		lines := bytes.Count(data, []byte("\n")) + 1
		prev := 0
		for calls := 0; ; calls++ {
			if calls > lines+1 {
				t.Fatalf("%d messages from %d lines", calls, lines)
			}
			msg, line, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil && !errors.Is(err, ErrMessageTooLarge) {
				t.Fatalf("final error on in-memory input: %v", err)
			}
			if line <= prev || line > lines {
				t.Fatalf("message at line %d after line %d (of %d)", line, prev, lines)
			}
			if len(msg) > len(data) || len(msg) > r.MaxMessageBytes {
				t.Fatalf("message of %d bytes from %d bytes of input", len(msg), len(data))
			}
			prev = line
		}
	})
}
