package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// qmailDecode decodes one message written as a Go string (LF line ends).
func qmailDecode(t *testing.T, msg string) []parser.Event {
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

func TestQmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []qmailWant
	}{
		{
			name: "remote, local and expired",
			msg: `From: MAILER-DAEMON@mx.example.org
To: news@example.com
Subject: failure notice
Date: Mon, 23 Nov 2026 10:00:00 +0000

Hi. This is the qmail-send program at mx.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<bob@example.net>:
192.0.2.25 does not like recipient.
Remote host said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
Giving up on 192.0.2.25.

<carol@example.org>:
Sorry, no mailbox here by that name. (#5.1.1)

<dave@example.net>:
192.0.2.26 does not like recipient.
Remote host said: 452 4.2.2 Mailbox full
Giving up on 192.0.2.26.
I'm not going to try again; this message has been in the queue too long.

--- Below this line is a copy of the message.

Return-Path: <news@example.com>
`,
			want: []qmailWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "Remote host said: 550 5.1.1"},
				{"carol@example.org", parser.StatusBounced, 0, "5.1.1", "", "Sorry, no mailbox here by that name."},
				{"dave@example.net", parser.StatusExpired, 452, "4.2.2", "RCPT", "Mailbox full"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := qmailDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "qmail" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want qmail %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// qmailWant is what one event must carry; text is a substring of Text.
type qmailWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
