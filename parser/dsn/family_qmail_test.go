package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestQmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
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
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "Remote host said: 550 5.1.1"},
				{"carol@example.org", parser.StatusBounced, 0, "5.1.1", "", "Sorry, no mailbox here by that name."},
				{"dave@example.net", parser.StatusExpired, 452, "4.2.2", "RCPT", "Mailbox full"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "qmail", exactAll, tt.want)
		})
	}
}
