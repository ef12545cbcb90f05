package dsn

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"bouncelens/parser"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Fuzz targets for the decoder's entry points below Parse (FuzzParse in
// dsn_test.go covers the whole reader):
//
//	go test ./parser/dsn -run XXX -fuzz FuzzReportFields -fuzztime 60s
//	go test ./parser/dsn -run XXX -fuzz FuzzDetect -fuzztime 60s
//	go test ./parser/dsn -run XXX -fuzz FuzzARF -fuzztime 60s
//
// Their seeds are the messages of testdata/ (and testdata/families/), the
// fixtures, and the shared sample set when it is present; none of those
// is copied here.

// seedMessages returns the raw messages the fuzz targets take their seeds
// from.
func seedMessages(f *testing.F) [][]byte {
	f.Helper()
	var names []string
	for _, pat := range []string{"testdata/*.eml", "testdata/families/*/*.eml", fixtures + "/*.eml"} {
		m, _ := filepath.Glob(pat)
		names = append(names, m...)
	}
	if _, err := os.Stat(samplesDir); err == nil {
		filepath.WalkDir(samplesDir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".eml") {
				names = append(names, p)
			}
			return nil
		})
	}
	var out [][]byte
	for _, n := range names {
		out = append(out, readFile(f, n))
	}
	return out
}

// seedBounces reads the seed messages into bounces.
func seedBounces(f *testing.F) (raws [][]byte, bounces []*bounce) {
	o := (*Options)(nil).withDefaults()
	for _, raw := range seedMessages(f) {
		if m := readBounce(raw, &o); m != nil {
			raws, bounces = append(raws, raw), append(bounces, m)
		}
	}
	return raws, bounces
}

// FuzzReportFields feeds arbitrary bytes to parseReport, the reader of
// delivery-status fields, and to rfc3464 over them: no panic, no recipient
// group without a field, no value with a line break or surrounding space,
// no event without a recipient.
func FuzzReportFields(f *testing.F) {
	_, bounces := seedBounces(f)
	for _, m := range bounces {
		for _, r := range m.reports {
			f.Add(r)
		}
	}
	f.Add([]byte("Reporting-MTA: dns; mx.example.com\r\rFinal-Recipient: rfc822; a@example.com\rAction: failed\r"))
	f.Add([]byte("Final-Recipient: rfc822; a@example.com\nFinal-Recipient: rfc822; b@example.com\nStatus: 5.1.1\n550-first\n550 second\n"))
	f.Add([]byte("Action:\n\nStatus: \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := parseReport(data)
		lines, emptyField := reportFieldLines(data)
		if len(rep.rcpts) > lines {
			t.Fatalf("%d recipient groups from %d recipient field lines", len(rep.rcpts), lines)
		}
		check := func(what, v string) {
			if strings.ContainsAny(v, "\n") || v != strings.TrimSpace(v) {
				t.Fatalf("%s value %q", what, v)
			}
		}
		for i, v := range rep.msg {
			check(fmt.Sprint("message field ", i), v)
		}
		for g := range rep.rcpts {
			some := false
			for i, v := range rep.rcpts[g] {
				check(fmt.Sprintf("group %d field %d", g, i), v)
				some = some || v != ""
			}
			if !some && !emptyField {
				t.Fatalf("recipient group %d has no field: %q", g, rep.rcpts[g])
			}
		}
		for _, ev := range rfc3464(&bounce{reports: [][]byte{data}}) {
			if ev.Recipient == "" || !utf8.ValidString(ev.Recipient) {
				t.Fatalf("event with recipient %q", ev.Recipient)
			}
		}
	})
}

// reportFieldLines counts, independently of parseReport, the lines of data
// (split at LF and CR) that start with a per-recipient field name and a
// colon, and says whether one of them has an empty value.
func reportFieldLines(data []byte) (n int, empty bool) {
	for _, line := range bytes.FieldsFunc(data, func(r rune) bool { return r == '\n' || r == '\r' }) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		if _, ok := rcptFieldIndex[strings.ToLower(string(bytes.TrimRight(name, " \t")))]; ok {
			n++
			empty = empty || len(bytes.TrimSpace(value)) == 0
		}
	}
	return n, empty
}

// fuzzBounce builds a bounce the way the walker does, from a header block,
// the text of the body (HTML if html), a delivery-status part (none if
// empty) and the returned original's header block (none if empty).
func fuzzBounce(header, body string, report []byte, orig string, html bool) *bounce {
	h, _ := textproto.ReadHeader(bufio.NewReader(strings.NewReader(header + "\r\n\r\n")))
	w := &walker{header: message.Header{Header: h}, date: h.Get("Date")}
	body = strings.ToValidUTF8(body, "\uFFFD") // as readText does
	if html {
		w.htmls = []string{body}
	} else if body != "" {
		w.texts = []string{body}
	}
	if len(report) > 0 {
		w.reports = [][]byte{report}
	}
	if oh, _ := textproto.ReadHeader(bufio.NewReader(strings.NewReader(orig + "\r\n\r\n"))); oh.Len() > 0 {
		w.orig = &mail.Header{Header: message.Header{Header: oh}}
	}
	return w.bounce()
}

// headerBlock returns the header of a raw message, up to the first blank
// line.
func headerBlock(raw []byte) string {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// origHeader returns the returned original's header of m as a header
// block, "" if none.
func origHeader(m *bounce) string {
	if m.orig == nil {
		return ""
	}
	var b strings.Builder
	fields := m.orig.Fields()
	for fields.Next() {
		b.WriteString(fields.Key() + ": " + fields.Value() + "\n")
	}
	return b.String()
}

// FuzzDetect builds a bounce from arbitrary header and body strings and runs
// detect and every family's detect, text and fix function on it, then the
// whole decode pipeline: no panic, and the events a family returns have a
// valid UTF-8 Text (when the header is valid UTF-8: the body always is, as
// the walker makes it).
func FuzzDetect(f *testing.F) {
	raws, bounces := seedBounces(f)
	for i, m := range bounces {
		var rep []byte
		if len(m.reports) > 0 {
			rep = m.reports[0]
		}
		f.Add(headerBlock(raws[i]), m.body, rep, origHeader(m), false)
	}
	f.Add("From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail Returned to Sender", "<user@example.com>: host mx.example.com said: 550 5.1.1 unknown user", []byte(nil), "To: user@example.com", false)
	f.Add("From: postmaster@example.org\nSubject: failure notice", "<p>550 <b>user@example.org</b> no such user</p>", []byte(nil), "", true)
	f.Fuzz(func(t *testing.T, header, body string, report []byte, orig string, html bool) {
		m := fuzzBounce(header, body, report, orig, html)
		validIn := utf8.ValidString(header) && utf8.ValidString(orig)
		checkText := func(who string, evs []parser.Event) {
			if !validIn {
				return
			}
			for _, ev := range evs {
				if !utf8.ValidString(ev.Text) || !utf8.ValidString(ev.Recipient) {
					t.Fatalf("%s: event with invalid UTF-8: %+v", who, ev)
				}
			}
		}
		detect(m)
		for _, fam := range families {
			if fam.detect != nil {
				fam.detect(m)
			}
			if fam.text != nil {
				checkText(fam.name+" text", fam.text(m))
			}
			if fam.fix != nil {
				evs := rfc3464(m)
				if len(evs) == 0 {
					evs = []parser.Event{{Recipient: "user@example.com", Status: parser.StatusBounced, Text: m.body}} // text as the walker keeps it: valid UTF-8
				}
				checkText(fam.name+" fix", fam.fix(m, evs))
			}
		}
		for _, ev := range decode(m) {
			if !utf8.ValidString(ev.Text) {
				t.Fatalf("decode: invalid UTF-8 text: %+v", ev)
			}
			if ev.Recipient == "" && ev.Status != parser.StatusComplained || ev.Recipient != strings.ToLower(ev.Recipient) {
				t.Fatalf("decode: bad event %+v", ev)
			}
		}
	})
}

// FuzzARF feeds arbitrary bytes to feedbackFields and, as the feedback part
// of a bounce, to decodeARF and decode: no panic; lower-case field names;
// one or more complaints, each with a lower-case feedback type and a
// recipient that is empty or an address.
func FuzzARF(f *testing.F) {
	_, bounces := seedBounces(f)
	for _, m := range bounces {
		for _, fb := range m.feedback {
			f.Add(fb, origHeader(m))
		}
	}
	f.Add([]byte("Feedback-Type: abuse\nUser-Agent: x/1.0\nVersion: 1\nOriginal-Rcpt-To: a@example.com\nOriginal-Rcpt-To: b@example.com\n"), "To: c@example.com")
	f.Add([]byte("Feedback-Type:\n\tabuse\nSource-IP: 192.0.2.1\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, orig string) {
		for name, v := range feedbackFields(data) {
			if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, " \t\r\n:") {
				t.Fatalf("field name %q (value %q)", name, v)
			}
		}
		m := fuzzBounce("Content-Type: multipart/report; report-type=feedback-report", "", nil, orig, false)
		m.feedback = [][]byte{data}
		evs := decodeARF(m)
		if len(evs) == 0 {
			t.Fatal("no complaint")
		}
		for _, ev := range evs {
			if ev.Status != parser.StatusComplained || ev.Feedback == "" || ev.Feedback != strings.ToLower(ev.Feedback) {
				t.Fatalf("complaint %+v", ev)
			}
			if ev.Recipient != "" && !strings.Contains(ev.Recipient, "@") {
				t.Fatalf("recipient %q", ev.Recipient)
			}
		}
		for _, ev := range decode(m) {
			if ev.Status != parser.StatusComplained || !utf8.ValidString(ev.Text) || ev.Recipient != strings.ToLower(ev.Recipient) {
				t.Fatalf("decode: %+v", ev)
			}
		}
	})
}

// TestBadMIME checks broken MIME: a multipart without boundary, truncated
// base64, an unknown charset and a 10 MB single-line body. Each message
// alone gives events or a *parser.Error naming its source, quickly; in an
// mbox of them, each followed by a good report, every good report is still
// decoded.
func TestBadMIME(t *testing.T) {
	const report = "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; %[1]s\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <%[1]s>: user unknown\n"
	const text = "Content-Type: text/plain\n\nThe mail could not be delivered.\n"
	// dsnMessage is a multipart/report with the Content-Type parameters
	// params, a text part and a report part (each with its part header).
	dsnMessage := func(params, textPart, reportPart string) string {
		return "From: MAILER-DAEMON@example.com\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n" +
			"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status" + params + "\n\n" +
			"--b1\n" + textPart + "\n--b1\n" + reportPart + "\n--b1--\n"
	}
	reportPart := func(rcpt string) string {
		return "Content-Type: message/delivery-status\n\n" + fmt.Sprintf(report, rcpt)
	}
	good := func(rcpt string) string { return dsnMessage(`; boundary="b1"`, text, reportPart(rcpt)) }
	b64 := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(report, "base64@example.net")))
	huge := strings.Repeat("A", 10<<20)
	words := strings.Repeat("550 5.1.1 <user@example.net> unknown ", (10<<20)/38)
	bad := []struct{ name, msg, want string }{
		{"missing boundary", dsnMessage("", text, reportPart("noboundary@example.net")), "noboundary@example.net"},
		{"truncated base64", dsnMessage(`; boundary="b1"`, text,
			"Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"+b64[:len(b64)-7]), "base64@example.net"},
		{"unknown charset", dsnMessage(`; boundary="b1"`,
			"Content-Type: text/plain; charset=x-no-such-charset\nContent-Transfer-Encoding: 8bit\n\nDelivery to \xe9t\xe9@example.net failed.\n",
			reportPart("charset@example.net")), "charset@example.net"},
		{"unknown charset only", "From: MAILER-DAEMON@example.com\nSubject: failure notice\nContent-Type: text/plain; charset=x-no-such-charset\n\n" +
			"<charset2@example.net>: 550 5.1.1 \xe9\xe9 unknown user\n", "charset2@example.net"},
		{"huge text part", dsnMessage(`; boundary="b1"`, "Content-Type: text/plain\n\n"+huge+"\n", reportPart("huge@example.net")), "huge@example.net"},
		{"huge plain bounce", "From: MAILER-DAEMON@example.com\nSubject: failure notice\n\n" + words + "\n", "user@example.net"},
		{"huge line not a bounce", "Subject: x\n\n" + huge, ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.ReplaceAll(tt.name, " ", "-") + ".eml"
			start := time.Now()
			evs, err := Parse(strings.NewReader(tt.msg), src)
			var perr *parser.Error
			switch {
			case err == nil && len(evs) == 0:
				t.Error("no event and no error")
			case err != nil && (!errors.As(err, &perr) || perr.Source != src):
				t.Errorf("error %v, want a *parser.Error naming %s", err, src)
			}
			if tt.want != "" && (len(evs) != 1 || evs[0].Recipient != tt.want) {
				t.Errorf("events %+v, want one for %s", evs, tt.want)
			}
			for _, ev := range evs {
				if ev.Source != src || ev.Recipient == "" || !utf8.ValidString(ev.Text) {
					t.Errorf("event %+v", ev)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			t.Logf("%d events, error %v, %v", len(evs), err, time.Since(start).Round(time.Millisecond))
		})
	}
	t.Run("mbox", func(t *testing.T) {
		var mb strings.Builder
		var want []string
		for i, tt := range bad {
			rcpt := fmt.Sprintf("next%d@example.net", i)
			want = append(want, rcpt)
			// An mbox separator follows a blank line.
			mb.WriteString("From a@example.com Mon Nov 23 10:00:01 2026\n" + strings.TrimSuffix(tt.msg, "\n") + "\n\n")
			mb.WriteString("From a@example.com Mon Nov 23 10:00:02 2026\n" + good(rcpt) + "\n")
		}
		start := time.Now()
		got := map[string]bool{}
		for ev, err := range parser.All(NewReader(strings.NewReader(mb.String()), "bad.mbox")) {
			var perr *parser.Error
			switch {
			case err == nil:
				if ev.Source != "bad.mbox" {
					t.Errorf("event source %q", ev.Source)
				}
				got[ev.Recipient] = true
			case !errors.As(err, &perr) || perr.Source != "bad.mbox" || perr.Line == 0:
				t.Fatalf("error %v, want a *parser.Error naming bad.mbox and a line", err)
			}
		}
		for _, r := range want {
			if !got[r] {
				t.Errorf("the good report for %s after a bad message was not decoded", r)
			}
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("took %v", d)
		}
	})
}
