package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// The family tests share these helpers: a message written as a Go string is
// decoded with decodeString (the mbox reader, LF line ends) or parseString
// (Parse, CRLF line ends), and its events are compared with a table of
// eventWant by checkEvents, or a table of familyCase by checkCases.

// decodeString decodes one message written as a Go string (LF line ends)
// through the reader.
func decodeString(t *testing.T, msg string) []parser.Event {
	t.Helper()
	var evs []parser.Event
	for ev, err := range parser.All(NewReader(strings.NewReader(msg), "test.eml")) {
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// parseString decodes one message written as a Go string with Parse, its
// LF line ends turned into CRLF.
func parseString(t *testing.T, msg string) []parser.Event {
	t.Helper()
	evs, err := Parse(strings.NewReader(strings.ReplaceAll(msg, "\n", "\r\n")), "test.eml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return evs
}

// eventWant is what one decoded event must carry. Recipient, Status and Code
// are compared exactly and text is a substring of Text; enhanced and command
// are compared when set, or always when checkEvents is told so (exact).
type eventWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string // a substring of Text
}

// exact names the fields of eventWant that checkEvents compares even when
// the want leaves them empty.
type exact uint8

const (
	exactEnhanced exact = 1 << iota
	exactCommand
	exactAll = exactEnhanced | exactCommand
)

// checkEvents compares evs with want, one event each, and the family of
// every event with family.
func checkEvents(t *testing.T, evs []parser.Event, family string, ex exact, want []eventWant) {
	t.Helper()
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		ev := evs[i]
		if ev.Family != family {
			t.Errorf("#%d family %q, want %q", i, ev.Family, family)
		}
		if ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code {
			t.Errorf("#%d got %s %v %d, want %s %v %d", i, ev.Recipient, ev.Status, ev.Code, w.rcpt, w.status, w.code)
		}
		if (ex&exactEnhanced != 0 || w.enhanced != "") && ev.Enhanced != w.enhanced {
			t.Errorf("#%d enhanced %q, want %q", i, ev.Enhanced, w.enhanced)
		}
		if (ex&exactCommand != 0 || w.command != "") && ev.Command != w.command {
			t.Errorf("#%d command %q, want %q", i, ev.Command, w.command)
		}
		if !strings.Contains(ev.Text, w.text) {
			t.Errorf("#%d text %q, want it to contain %q", i, ev.Text, w.text)
		}
	}
}

// familyCase is one hand-written bounce (LF line ends), the family its
// events must carry and what they must say.
type familyCase struct {
	name   string
	in     string
	family string
	want   []eventWant
}

// checkCases runs each case as a subtest: parseString, then checkEvents,
// with enhanced and command compared where the want sets them.
func checkCases(t *testing.T, cases []familyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkEvents(t, parseString(t, tc.in), tc.family, 0, tc.want)
		})
	}
}

// dsnReport is an RFC 3464 report from the given From address and
// Reporting-MTA, for one failed recipient, bob@example.net.
func dsnReport(from, mta string) string {
	return `From: ` + from + `
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; ` + mta + `

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected

--b1--
`
}

func TestTextByRecipient(t *testing.T) {
	tevs := []parser.Event{
		{Recipient: "Bob@Example.net", Text: "first"},
		{Recipient: "bob@example.net", Text: "second"},
		{Recipient: "carol@example.org", Text: "carol"},
	}
	textFor := textByRecipient(tevs)
	if ev := textFor("BOB@example.NET"); ev != &tevs[0] {
		t.Errorf("bob: got %+v, want the first event", ev)
	}
	if ev := textFor("carol@example.org"); ev != &tevs[2] {
		t.Errorf("carol: got %+v, want the third event", ev)
	}
	if ev := textFor("dave@example.com"); ev != nil {
		t.Errorf("dave: got %+v, want nil", ev)
	}
}

func TestFromDomain(t *testing.T) {
	for _, tc := range []struct {
		from string
		want bool
	}{
		{"postmaster@biglobe.ne.jp", true},
		{"postmaster@mail.biglobe.ne.jp", true},
		{"postmaster@notbiglobe.ne.jp", false},
		{"postmaster@biglobe.ne.jp.example.com", false},
		{"biglobe.ne.jp", false},
	} {
		if got := fromDomain(&bounce{from: tc.from}, "biglobe.ne.jp"); got != tc.want {
			t.Errorf("fromDomain(%q) = %v, want %v", tc.from, got, tc.want)
		}
	}
}

func TestInlineReport(t *testing.T) {
	m := &bounce{body: "Forwarded bounce.\n\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n" +
		"Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n\n--b1\nFinal-Recipient: rfc822; carol@example.org\n"}
	evs := inlineReport(m)
	if len(evs) != 1 || evs[0].Recipient != "bob@example.net" || evs[0].Status != parser.StatusBounced {
		t.Errorf("got %+v, want one bounced event for bob@example.net", evs)
	}
	if evs := inlineReport(&bounce{body: "no report here"}); evs != nil {
		t.Errorf("without a report: got %+v", evs)
	}
}
