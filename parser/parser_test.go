package parser

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestForwardAddress(t *testing.T) {
	tests := []struct {
		code           int
		enhanced, text string
		rcpt, want     string
	}{
		{551, "5.1.6", "User not local; please try <jane@New.Example.ORG>", "jane@example.com", "jane@new.example.org"},
		{251, "2.1.5", "<jane@example.com>: user not local; will forward to <jane@example.net>", "jane@example.com", "jane@example.net"},
		{551, "", "551-5.1.6 The mailbox <old@example.com> has moved. 551 5.1.6 Please try <new@example.org>", "old@example.com", "new@example.org"},
		{551, "5.1.6", "User has moved to new@example.org.", "old@example.com", "new@example.org"},
		{551, "5.1.6", "host relay.example.net[192.0.2.7] said: 551 5.1.6 please try <n@example.org>", "o@example.com", "n@example.org"},
		{551, "5.7.1", "User not local; please try <jane@example.org>", "", ""}, // X.7.x: a relay refusal
		{551, "", "551 User not local; relaying denied", "", ""},
		{551, "", "User not local", "", ""},
		{550, "5.1.1", "please try <jane@example.org>", "", ""},            // only 251 and 551
		{551, "", "please try <jane@example.com>", "jane@example.com", ""}, // the failed recipient itself
		{551, "", "please try <postmaster@example.org>", "", ""},
		{551, "", "please try <nodomain@localhost>", "", ""},
	}
	for _, tt := range tests {
		if got := ForwardAddress(tt.code, tt.enhanced, tt.text, tt.rcpt); got != tt.want {
			t.Errorf("ForwardAddress(%d, %q, %q, %q) = %q, want %q", tt.code, tt.enhanced, tt.text, tt.rcpt, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	for s := StatusUnknown; s <= StatusRejected; s++ {
		got, ok := ParseStatus(s.String())
		if !ok || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s, got, ok)
		}
	}
	for word, want := range map[string]Status{"delivered": StatusSent, "relayed": StatusSent, "delayed": StatusDeferred, "failed": StatusBounced} {
		if got, _ := ParseStatus(word); got != want {
			t.Errorf("ParseStatus(%q) = %v, want %v", word, got, want)
		}
	}
	if _, ok := ParseStatus("undeliverable"); ok {
		t.Error("undeliverable is a Postfix probe result, not a status")
	}
}

func TestOpenDetectsGzipByContent(t *testing.T) {
	dir := t.TempDir()
	text := "line one\nline two\n"
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	plain := filepath.Join(dir, "maillog.gz") // a misleading name: plain text
	gz := filepath.Join(dir, "maillog.1")     // no suffix: gzip
	trunc := filepath.Join(dir, "cut")
	os.WriteFile(plain, []byte(text), 0o644)
	os.WriteFile(gz, buf.Bytes(), 0o644)
	os.WriteFile(trunc, buf.Bytes()[:buf.Len()-6], 0o644)
	for _, name := range []string{plain, gz} {
		counted := 0
		in, err := OpenCounted(name, nil, func(n int) { counted += n })
		if err != nil {
			t.Fatal(err)
		}
		if bufio.NewReaderSize(in.Reader, BufferSize) != in.Reader {
			t.Errorf("%s: the ingesters' bufio.NewReaderSize would add a second buffer", name)
		}
		got, err := io.ReadAll(in)
		in.Close()
		if err != nil || string(got) != text {
			t.Errorf("%s: read %q, %v", name, got, err)
		}
		if in.Gzipped != (name == gz) {
			t.Errorf("%s: Gzipped = %v", name, in.Gzipped)
		}
		if int64(counted) != in.Size {
			t.Errorf("%s: counted %d raw bytes, file has %d", name, counted, in.Size)
		}
	}
	in, err := Open(trunc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if _, err := io.ReadAll(in); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated gzip: %v, want io.ErrUnexpectedEOF", err)
	}
	in, err = Open("-", strings.NewReader(text))
	if err != nil || in.Name != "<stdin>" {
		t.Fatalf("stdin: %v %q", err, in.Name)
	}
	if _, err := Open(dir, nil); err == nil {
		t.Error("Open of a directory: no error")
	}
}

func TestErrorNamesFileAndLine(t *testing.T) {
	e := &Error{Source: "maillog.1", Line: 10423, Err: ErrLineTooLong}
	if e.Error() != "maillog.1:10423: line too long" || !errors.Is(e, ErrLineTooLong) || !IsSkip(e) {
		t.Errorf("Error = %q", e.Error())
	}
	if (&Error{Source: "a.eml", Err: ErrNotReport}).Error() != "a.eml: "+ErrNotReport.Error() {
		t.Error("an Error without a line should print file: text")
	}
	if IsSkip(io.ErrUnexpectedEOF) {
		t.Error("a plain error is not a skip")
	}
}

func FuzzForwardAddress(f *testing.F) {
	f.Add(551, "5.1.6", "User not local; please try <jane@example.org>", "jane@example.com")
	f.Add(251, "", "will forward to jane@example.net", "")
	f.Fuzz(func(t *testing.T, code int, enhanced, text, rcpt string) {
		got := ForwardAddress(code, enhanced, text, rcpt)
		if got == "" {
			return
		}
		if strings.Count(got, "@") != 1 || strings.EqualFold(got, rcpt) || (code != 251 && code != 551) {
			t.Fatalf("ForwardAddress(%d, %q, %q, %q) = %q", code, enhanced, text, rcpt, got)
		}
	})
}

// TestInputSkip checks Skip on a plain file (seek), a gzip'ed file and
// standard input (read and discarded), including a skip past the end, and
// that the progress count adds up to the file size.
func TestInputSkip(t *testing.T) {
	dir := t.TempDir()
	var content []byte
	for i := range 20000 {
		content = fmt.Appendf(content, "line %05d\n", i)
	}
	plain := filepath.Join(dir, "log")
	if err := os.WriteFile(plain, content, 0o644); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write(content)
	zw.Close()
	gz := filepath.Join(dir, "log.gz")
	if err := os.WriteFile(gz, zbuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		stdin      []byte
		size       int64
	}{
		{"plain", plain, nil, int64(len(content))},
		{"gzip", gz, nil, int64(zbuf.Len())},
		{"stdin", "-", content, -1},
	} {
		for _, skip := range []int64{0, 11, 100_000, int64(len(content)), int64(len(content)) + 5} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, skip), func(t *testing.T) {
				var counted int64
				in, err := OpenWith(tc.path, bytes.NewReader(tc.stdin), OpenOptions{Count: func(n int) { counted += int64(n) }})
				if err != nil {
					t.Fatal(err)
				}
				defer in.Close()
				if head, _ := in.Peek(10); string(head) != "line 00000" {
					t.Fatalf("head %q", head)
				}
				got, err := in.Skip(skip)
				if err != nil {
					t.Fatal(err)
				}
				if want := min(skip, int64(len(content))); got != want {
					t.Errorf("Skip(%d) = %d, want %d", skip, got, want)
				}
				rest, err := io.ReadAll(in)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(rest, content[min(skip, int64(len(content))):]) {
					t.Errorf("after Skip(%d): %d bytes, not the rest of the file", skip, len(rest))
				}
				if tc.size >= 0 && counted != tc.size {
					t.Errorf("progress counted %d bytes, want the file's %d", counted, tc.size)
				}
				if tc.path != "-" && (in.ModTime.IsZero() || in.Ino == 0) {
					t.Errorf("ModTime %v, Ino %d: not set for a file", in.ModTime, in.Ino)
				}
			})
		}
	}
}
