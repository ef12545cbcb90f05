package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// postfixDecode decodes one message written as a Go string (LF line ends).
func postfixDecode(t *testing.T, msg string) []parser.Event {
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

func TestPostfix(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []postfixWant
	}{
		{
			name: "text only",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: news@example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:00:00 +0000

This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

                   The mail system

<bob@example.net> (expanded from <info@example.com>): host
    mx1.example.net[192.0.2.25] said: 550 5.1.1 <bob@example.net>: Recipient
    address rejected: User unknown (in reply to RCPT TO command)
`,
			want: []postfixWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "said: 550 5.1.1 <bob@example.net>: Recipient address rejected"},
			},
		},
		{
			name: "refused to talk",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: news@example.com
Subject: Delayed Mail (still being retried)
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

This is the mail system at host mail.example.com.

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com
X-Postfix-Queue-ID: 3F2A81C0D2

Final-Recipient: rfc822; carol@example.org
Action: delayed
Status: 4.0.0
Diagnostic-Code: X-Postfix; connect to mx.example.org[192.0.2.9]: server
    refused to talk to me: 421 Service not available

--BND--
`,
			want: []postfixWant{
				{"carol@example.org", parser.StatusDeferred, 421, "4.0.0", "CONN", "refused to talk to me: 421 Service not available"},
			},
		},
		{
			name: "errors from client transcript",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: postmaster@example.com
Subject: Postfix SMTP server: errors from client.example.com[192.0.2.9]
Date: Mon, 23 Nov 2026 10:00:00 +0000

Transcript of session follows.

 Out: 220 mail.example.com ESMTP
 In:  MAIL FROM:<news@example.com>
 Out: 250 2.1.0 Ok
 In:  RCPT TO:<erin@example.net>
 Out: 250 2.1.5 Ok
 In:  DATA
 Out: 354 End data with <CR><LF>.<CR><LF>
 Out: 451 4.3.0 Error: queue file write error
 In:  QUIT
 Out: 221 2.0.0 Bye

For other details, see the local mail logfile
`,
			want: []postfixWant{
				{"erin@example.net", parser.StatusDeferred, 451, "4.3.0", "DATA", "451 4.3.0 Error: queue file write error"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := postfixDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "postfix" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want postfix %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// postfixWant is what one event must carry; text is a substring of Text.
type postfixWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
