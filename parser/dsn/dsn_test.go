package dsn

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"bouncelens/parser"
	"bouncelens/parser/mbox"

	"github.com/emersion/go-message"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// dump runs a Reader over data and returns one JSON line per event or
// error; a final error ends the output.
func dump(t *testing.T, r parser.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for ev, err := range parser.All(r) {
		if err != nil {
			if !parser.IsSkip(err) {
				t.Errorf("final error: %v", err)
			}
			enc.Encode(map[string]string{"error": err.Error()})
			continue
		}
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, _ := os.ReadFile(golden); !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review git diff\n%s", golden, got)
	}
}

func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.eml")
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.eml")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data := readFile(t, in)
			got := dump(t, NewReader(bytes.NewReader(data), filepath.Base(in)))
			checkGolden(t, strings.TrimSuffix(in, ".eml")+".golden", got)
		})
	}
}

const fixtures = "../../fixtures/dsn"

// TestFixtures pins the events of the fixtures: each message file, the
// mbox, and the Maildir, file by file.
func TestFixtures(t *testing.T) {
	emls, _ := filepath.Glob(fixtures + "/*.eml")
	if len(emls) < 6 {
		t.Fatalf("%d fixture messages, want at least 6", len(emls))
	}
	var all []byte
	for _, in := range append(emls, fixtures+"/bounces.mbox") {
		name := filepath.Base(in)
		all = append(all, dump(t, NewReader(bytes.NewReader(readFile(t, in)), name))...)
	}
	checkGolden(t, "testdata/fixtures-files.golden", all)

	files, err := mbox.MaildirFiles(fixtures + "/Maildir")
	if err != nil {
		t.Fatal(err)
	}
	var md []byte
	for _, f := range files {
		rel, _ := filepath.Rel(fixtures, f)
		md = append(md, dump(t, NewReader(bytes.NewReader(readFile(t, f)), filepath.ToSlash(rel)))...)
	}
	checkGolden(t, "testdata/fixtures-maildir.golden", md)
}

// TestMboxBadMessage checks that a message that is not a report, in the
// middle of an mbox, is one *parser.Error naming the source and its line,
// and that the next message's events follow.
func TestMboxBadMessage(t *testing.T) {
	r := NewReader(bytes.NewReader(readFile(t, fixtures+"/bounces.mbox")), "bounces.mbox")
	var got []string
	for ev, err := range parser.All(r) {
		var perr *parser.Error
		switch {
		case errors.As(err, &perr):
			if !errors.Is(err, parser.ErrNotReport) || perr.Source != "bounces.mbox" || perr.Line != 74 {
				t.Errorf("error %#v, want ErrNotReport at bounces.mbox:74", perr)
			}
			got = append(got, "error")
		case err != nil:
			t.Fatalf("final error %v", err)
		default:
			if ev.Source != "bounces.mbox" {
				t.Errorf("event source %q", ev.Source)
			}
			got = append(got, ev.Recipient+"@"+itoa(ev.Line))
		}
	}
	want := "bob@example.net@1 error frank@example.net@88"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestMboxTooLarge(t *testing.T) {
	data := readFile(t, fixtures+"/bounces.mbox")
	r := NewReader(bytes.NewReader(data), "big.mbox")
	r.MaxMessageBytes = 1000 // the two DSNs are larger, the plain message is not
	var errs, evs, notReport int
	for _, err := range parser.All(r) {
		switch {
		case err == nil:
			evs++
		case errors.Is(err, parser.ErrBadMessage) && errors.Is(err, mbox.ErrMessageTooLarge):
			errs++
		case errors.Is(err, parser.ErrNotReport):
			notReport++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if errs != 2 || evs != 0 || notReport != 1 {
		t.Errorf("%d events, %d too-large errors; want 0 and 2 (and one ErrNotReport)", evs, errs)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", parser.ErrBadMessage},
		{"binary", "\x00\x01\x02\x03", parser.ErrBadMessage},
		{"plain", "Subject: hi\n\nhello\n", parser.ErrNotReport},
		{"read receipt", "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\nContent-Type: message/disposition-notification\n\nDisposition: manual-action/MDN-sent-manually; displayed\n--b--\n", parser.ErrNotReport},
		{"header too large", "Subject: " + strings.Repeat("x", DefaultMaxHeaderBytes) + "\n\n", parser.ErrBadMessage},
		{"report without recipients", "Content-Type: message/delivery-status\n\nReporting-MTA: dns; x\n", parser.ErrNoRecipientDSN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := ParseWithOptions(strings.NewReader(tt.in), "in.eml", &Options{Line: 7})
			var perr *parser.Error
			if !errors.As(err, &perr) || !errors.Is(err, tt.want) || perr.Line != 7 || perr.Source != "in.eml" {
				t.Fatalf("Parse = %v, %v; want a *parser.Error at in.eml:7 wrapping %v", evs, err, tt.want)
			}
		})
	}
}

// TestParseReadError checks that an I/O error is final, not a *parser.Error.
func TestParseReadError(t *testing.T) {
	data := readFile(t, "testdata/rfc3464-single.eml")
	r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(io.ErrUnexpectedEOF))
	_, err := Parse(r, "cut.eml")
	if err == nil || parser.IsSkip(err) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Parse = %v, want a final error wrapping io.ErrUnexpectedEOF", err)
	}
	rd := NewReader(io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(io.ErrUnexpectedEOF)), "cut.eml")
	for range 2 {
		if _, err := rd.Next(); err == nil || parser.IsSkip(err) {
			t.Fatalf("Reader.Next = %v, want the final error", err)
		}
	}
}

// TestHugeLine feeds a 10 MB single-line body in several places: it must
// give events or an error quickly, without a panic.
func TestHugeLine(t *testing.T) {
	line := strings.Repeat("A", 10<<20)
	single := string(readFile(t, "testdata/rfc3464-single.eml"))
	inputs := map[string]string{
		"preamble":    strings.Replace(single, "This is a MIME-encapsulated message.", line, 1),
		"report":      strings.Replace(single, "Diagnostic-Code: smtp; 550", "Diagnostic-Code: smtp; 550 "+line, 1),
		"part header": strings.Replace(single, "Content-Type: message/delivery-status", "X-Long: "+line+"\nContent-Type: message/delivery-status", 1),
		"no newline":  "Subject: x\n\n" + line,
		"mbox":        "From a@example.com Mon Nov 23 10:00:01 2026\n" + single + "\n" + line,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			for _, err := range parser.All(NewReader(strings.NewReader(in), name)) {
				if err != nil && !parser.IsSkip(err) {
					t.Fatalf("final error %v", err)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.eml")
	more, _ := filepath.Glob(fixtures + "/*.eml")
	for _, s := range append(append(seeds, more...), fixtures+"/bounces.mbox") {
		f.Add(readFile(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		for calls := 0; ; calls++ {
			if calls > len(data)+1 {
				t.Fatalf("no progress after %d calls to Next", calls)
			}
			ev, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !parser.IsSkip(err) {
					t.Fatalf("final error on in-memory input: %v", err)
				}
				continue
			}
			switch ev.Status {
			case parser.StatusUnknown, parser.StatusSent, parser.StatusDeferred, parser.StatusBounced, parser.StatusExpired,
				parser.StatusAutoReplied, parser.StatusComplained:
			default:
				t.Fatalf("event with status %v: %+v", ev.Status, ev)
			}
			if ev.Recipient == "" && ev.Status != parser.StatusComplained || ev.Recipient != strings.ToLower(ev.Recipient) {
				t.Fatalf("bad event %+v", ev)
			}
			if ev.Source != "fuzz" {
				t.Fatalf("event source %q", ev.Source)
			}
		}
	})
}

// benchMessages returns the fixture messages both benchmarks read, and
// their total size.
func benchMessages(b *testing.B) (msgs [][]byte, size int64) {
	files, _ := filepath.Glob(fixtures + "/*.eml")
	for _, f := range files {
		d := readFile(b, f)
		msgs = append(msgs, d)
		size += int64(len(d))
	}
	return msgs, size
}

func BenchmarkParse(b *testing.B) {
	msgs, size := benchMessages(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			if _, err := Parse(bytes.NewReader(m), "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkWalk is the floor for BenchmarkParse: go-message reads the same
// messages and walks their parts, draining every body.
func BenchmarkWalk(b *testing.B) {
	msgs, size := benchMessages(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			e, err := message.Read(bytes.NewReader(m))
			if err != nil {
				b.Fatal(err)
			}
			e.Walk(func(_ []int, p *message.Entity, _ error) error {
				if p.MultipartReader() == nil {
					io.Copy(io.Discard, p.Body)
				}
				return nil
			})
		}
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
