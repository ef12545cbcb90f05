package postfix

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"bouncelens/parser"
)

// at returns the UTC time of a "Nov 23 hh:mm:ss" stamp in 2026.
func at(clock string) time.Time {
	t, err := time.Parse("2006 Jan _2 15:04:05", "2026 Nov 23 "+clock)
	if err != nil {
		panic(err)
	}
	return t
}

func received(line int, clock, qid, sender, msgID string) parser.Event {
	return parser.Event{Source: "t", Line: line, Time: at(clock), QueueID: qid, Sender: sender, MessageID: msgID, Status: parser.StatusReceived}
}

func warning(line int, clock, family, qid, text string) parser.Event {
	return parser.Event{Source: "t", Line: line, Time: at(clock), QueueID: qid, Family: family, Text: text, Status: parser.StatusWarning}
}

// TestTraffic checks the StatusReceived and StatusWarning events of
// Options.Traffic on handwritten lines: which lines give one, with which
// fields, and that no line gives one without Traffic.
func TestTraffic(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want []parser.Event // with Traffic; only these kinds are compared
	}{{
		name: "received once per queue id although qmgr repeats from=",
		log: `Nov 23 10:00:00 mail postfix/smtpd[1]: 3F2A81C0D2: client=app.example.com[198.51.100.5]
Nov 23 10:00:00 mail postfix/cleanup[2]: 3F2A81C0D2: message-id=<order-1001@example.com>
Nov 23 10:00:01 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, size=18342, nrcpt=2 (queue active)
Nov 23 10:00:02 mail postfix/smtp[4]: 3F2A81C0D2: to=<bob@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.40]:25: Connection timed out)
Nov 23 10:15:01 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, size=18342, nrcpt=2 (queue active)
Nov 23 10:15:02 mail postfix/smtp[4]: 3F2A81C0D2: to=<bob@example.org>, relay=none, delay=901, delays=1/0/0/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.40]:25: Connection timed out)
Nov 23 10:45:01 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, size=18342, nrcpt=2 (queue active)
Nov 23 10:45:02 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, status=expired, returned to sender
Nov 23 10:45:03 mail postfix/qmgr[3]: 3F2A81C0D2: removed
`,
		want: []parser.Event{received(3, "10:00:01", "3F2A81C0D2", "news@example.com", "order-1001@example.com")},
	}, {
		name: "a reused queue id is received again; the null sender; no message-id",
		log: `Nov 23 10:00:01 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, size=10, nrcpt=1 (queue active)
Nov 23 10:00:02 mail postfix/qmgr[3]: 3F2A81C0D2: removed
Nov 23 10:00:03 mail postfix/qmgr[3]: 3F2A81C0D2: from=<>, size=10, nrcpt=1 (queue active)
Nov 23 10:00:04 mail postfix-out/qmgr[5]: 4jY0JK5CWRzPrPv: from=<Ann@Example.COM>, size=10, nrcpt=1 (queue active)
`,
		want: []parser.Event{
			received(1, "10:00:01", "3F2A81C0D2", "news@example.com", ""),
			received(3, "10:00:03", "3F2A81C0D2", "<>", ""),
			received(4, "10:00:04", "4jY0JK5CWRzPrPv", "Ann@Example.COM", ""),
		},
	}, {
		name: "an expiry or a lone from= is no message received",
		log: `Nov 23 10:00:01 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, status=expired, returned to sender
Nov 23 10:00:02 mail postfix/qmgr[3]: 3F2A81C0D2: from=<news@example.com>, status=force-expired, returned to sender
Nov 23 10:00:03 mail postfix/pickup[3]: 5C1D2E3F40: uid=1000 from=<ann>
Nov 23 10:00:04 mail postfix/qmgr[3]: 6D2E3F4051: from=<news@example.com>
`,
	}, {
		name: "warnings of several programs",
		log: `Nov 23 10:00:01 mail postfix/smtpd[1]: warning: hostname host-9.example.org does not resolve to address 198.51.100.9
Nov 23 10:00:02 mail postfix/submission/smtpd[1]: warning: unknown[198.51.100.9]: SASL LOGIN authentication failed: authentication failure
Nov 23 10:00:03 mail postfix/smtp[2]: warning: 3F2A81C0D2: sender_canonical_maps map lookup problem for ann@example.com -- message not accepted, try again later
Nov 23 10:00:04 mail postfix-out/smtp[2]: warning: mx1.example.net[192.0.2.25]:25: response longer than 2048: 250-xxxx
Nov 23 10:00:05 mail postfix/qmgr[3]: warning: mail for example.net is using up 20000 of 20000 active queue entries
Nov 23 10:00:06 mail postfix/cleanup[4]: warning: 4jY0JK5CWRzPrPv: milter unix:/run/opendkim.sock: can't read SMFIC_OPTNEG reply packet header: Connection reset by peer
Nov 23 10:00:07 mail postfix/postscreen[5]: warning: dnsblog_query: lookup error for DNS query 9.100.51.198.zen.example.org: Host not found, try again
Nov 23 10:00:08 mail postfix/master[6]: warning: process /usr/lib/postfix/sbin/smtp pid 4711 killed by signal 11
Nov 23 10:00:09 mail postfix/postfix-script[7]: warning: not owned by root: /etc/postfix/main.cf
Nov 23 10:00:10 mail postfix[8]: warning: NOQUEUE: something
2026-11-23T10:00:11Z mail postfix/smtpd[1]: warning: non-SMTP command from unknown[198.51.100.9]: GET / HTTP/1.1
<20>1 2026-11-23T10:00:12+00:00 mail postfix/smtpd 4712 - - warning: hostname unknown.example.net does not resolve to address 198.51.100.7
Nov 23 10:00:13 mail postfix/smtpd[1]: warning: ` + "caf\xe9" + `
`,
		want: []parser.Event{
			warning(1, "10:00:01", "postfix/smtpd", "", "hostname host-9.example.org does not resolve to address 198.51.100.9"),
			warning(2, "10:00:02", "postfix/submission/smtpd", "", "unknown[198.51.100.9]: SASL LOGIN authentication failed: authentication failure"),
			warning(3, "10:00:03", "postfix/smtp", "3F2A81C0D2", "3F2A81C0D2: sender_canonical_maps map lookup problem for ann@example.com -- message not accepted, try again later"),
			warning(4, "10:00:04", "postfix-out/smtp", "", "mx1.example.net[192.0.2.25]:25: response longer than 2048: 250-xxxx"),
			warning(5, "10:00:05", "postfix/qmgr", "", "mail for example.net is using up 20000 of 20000 active queue entries"),
			warning(6, "10:00:06", "postfix/cleanup", "4jY0JK5CWRzPrPv", "4jY0JK5CWRzPrPv: milter unix:/run/opendkim.sock: can't read SMFIC_OPTNEG reply packet header: Connection reset by peer"),
			warning(7, "10:00:07", "postfix/postscreen", "", "dnsblog_query: lookup error for DNS query 9.100.51.198.zen.example.org: Host not found, try again"),
			warning(8, "10:00:08", "postfix/master", "", "process /usr/lib/postfix/sbin/smtp pid 4711 killed by signal 11"),
			warning(9, "10:00:09", "postfix/postfix-script", "", "not owned by root: /etc/postfix/main.cf"),
			warning(10, "10:00:10", "postfix", "", "NOQUEUE: something"),
			warning(11, "10:00:11", "postfix/smtpd", "", "non-SMTP command from unknown[198.51.100.9]: GET / HTTP/1.1"),
			warning(12, "10:00:12", "postfix/smtpd", "", "hostname unknown.example.net does not resolve to address 198.51.100.7"),
			warning(13, "10:00:13", "postfix/smtpd", "", "caf\uFFFD"),
		},
	}, {
		name: "not warnings: other programs, other severities, header checks, reject_warning",
		log: `Nov 23 10:00:01 mail opendkim[812]: warning: 3F2A81C0D2: key data is not secure
Nov 23 10:00:02 mail dovecot: warning: auth: something
Nov 23 10:00:03 mail postgrey[9]: warning: database
Nov 23 10:00:04 mail postfixadmin[9]: warning: not postfix
Nov 23 10:00:05 mail postfix/smtpd[1]: error: open database /etc/postfix/transport.lmdb: No such file or directory
Nov 23 10:00:06 mail postfix/smtpd[1]: fatal: open /etc/postfix/main.cf: No such file or directory
Nov 23 10:00:07 mail postfix/cleanup[4]: 3F2A81C0D2: warning: header X-Mailer: OldMailer 1.0 from local; from=<ann@example.com> to=<bob@example.net>
Nov 23 10:00:08 mail postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from client.example.org[198.51.100.20]: 553 5.7.1 <ann@example.org>: Sender address rejected; from=<ann@example.org> to=<bob@example.com> proto=ESMTP helo=<client.example.org>
Nov 23 10:00:09 mail postfix/smtpd[1]: warning:no space after the colon
Nov 23 10:00:10 mail postfix/smtpd[1]: Warning: capital W
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := NewReader(strings.NewReader(tt.log), "t", Options{Year: 2026})
			plainEvs, _ := readAll(t, plain)
			for _, ev := range plainEvs {
				if ev.Status == parser.StatusReceived || ev.Status == parser.StatusWarning {
					t.Errorf("without Traffic: %+v", ev)
				}
			}
			r := NewReader(strings.NewReader(tt.log), "t", Options{Year: 2026, Traffic: true})
			evs, _ := readAll(t, r)
			var got []parser.Event
			rest := 0
			for _, ev := range evs {
				if ev.Status == parser.StatusReceived || ev.Status == parser.StatusWarning {
					got = append(got, ev)
				} else {
					rest++
				}
			}
			if rest != len(plainEvs) {
				t.Errorf("%d other events with Traffic, %d without", rest, len(plainEvs))
			}
			for i := 0; i < len(got) || i < len(tt.want); i++ {
				switch {
				case i >= len(got):
					t.Errorf("missing %+v", tt.want[i])
				case i >= len(tt.want):
					t.Errorf("extra %+v", got[i])
				case got[i] != tt.want[i]:
					t.Errorf("event %d\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
			checkTrafficStats(t, plain.Stats(), r.Stats(), evs)
		})
	}
}

// checkTrafficStats checks how Traffic counts: Received and Warnings are
// the events of their kinds, and they come out of Ignored.
func checkTrafficStats(t *testing.T, plain, traffic Stats, evs []parser.Event) {
	t.Helper()
	n := countStatus(evs)
	if traffic.Received != n[parser.StatusReceived] || traffic.Warnings != n[parser.StatusWarning] {
		t.Errorf("Stats Received %d, Warnings %d; events %d, %d", traffic.Received, traffic.Warnings, n[parser.StatusReceived], n[parser.StatusWarning])
	}
	if plain.Received != 0 || plain.Warnings != 0 {
		t.Errorf("without Traffic: Received %d, Warnings %d", plain.Received, plain.Warnings)
	}
	if got := traffic.Ignored + traffic.Received + traffic.Warnings; got != plain.Ignored {
		t.Errorf("Ignored+Received+Warnings = %d with Traffic, Ignored = %d without", got, plain.Ignored)
	}
	if traffic.Lines != plain.Lines || traffic.Foreign != plain.Foreign || traffic.Unparsed != plain.Unparsed {
		t.Errorf("line counts differ: %+v with Traffic, %+v without", traffic, plain)
	}
}

// TestTrafficGenlog reads a generated log with and without Traffic: the
// delivery events are the same, a message is received once per queue id
// that qmgr activated, and the counts add up.
func TestTrafficGenlog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	data, err := os.ReadFile(genlog(t, t.TempDir(), "classic", "--lines", "20000"))
	if err != nil {
		t.Fatal(err)
	}
	plain := NewReader(bytes.NewReader(data), "g", Options{Year: 2026})
	plainEvs, _ := readAll(t, plain)
	r := NewReader(bytes.NewReader(data), "g", Options{Year: 2026, Traffic: true})
	evs, _ := readAll(t, r)
	var rest []parser.Event
	perQID := map[string]int{}
	for _, ev := range evs {
		switch ev.Status {
		case parser.StatusReceived:
			perQID[ev.QueueID]++
			if ev.Recipient != "" || ev.QueueID == "" || ev.Sender == "" {
				t.Errorf("received event %+v", ev)
			}
		case parser.StatusWarning:
			if !strings.HasPrefix(ev.Family, "postfix") || ev.Text == "" || ev.Recipient != "" {
				t.Errorf("warning event %+v", ev)
			}
		default:
			rest = append(rest, ev)
		}
	}
	if len(rest) != len(plainEvs) {
		t.Fatalf("%d delivery events with Traffic, %d without", len(rest), len(plainEvs))
	}
	for i := range rest {
		if rest[i] != plainEvs[i] {
			t.Fatalf("event %d with Traffic %+v, without %+v", i, rest[i], plainEvs[i])
		}
	}
	// Each received message is one queue id activated by qmgr, counted
	// once: "removed" ends it, and a reused id would come back only
	// after it.
	active := map[string]bool{}
	for _, l := range bytes.Split(data, []byte("\n")) {
		if i := bytes.Index(l, []byte(" postfix/qmgr[")); i >= 0 && bytes.HasSuffix(l, []byte("(queue active)")) {
			p := l[bytes.Index(l, []byte("]: "))+3:]
			active[string(p[:bytes.IndexByte(p, ':')])] = true
		}
	}
	for qid, n := range perQID {
		if n != 1 {
			t.Errorf("queue id %s received %d times", qid, n)
		}
	}
	if len(perQID) != len(active) || len(perQID) == 0 {
		t.Errorf("%d queue ids received, %d activated by qmgr", len(perQID), len(active))
	}
	st := r.Stats()
	if st.Warnings == 0 {
		t.Error("no warning in the generated log")
	}
	checkTrafficStats(t, plain.Stats(), st, evs)
	t.Logf("received %d, warnings %d, of %d events", st.Received, st.Warnings, len(evs))
}
