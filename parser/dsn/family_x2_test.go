package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestX2(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "two recipients",
			msg: `From: MAILER-DAEMON@example.org
To: news@example.com
Subject: Delivery failure
Date: Mon, 23 Nov 2026 10:00:00 +0000

Message from example.org.
Unable to deliver message to the following address(es).

<bob@example.org>:
This user doesn't have a example.org account (bob@example.org) [0]

<carol@example.net>:
Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
I'm not going to try again; this message has been in the queue too long.

--- Original message follows.

Subject: hello
`,
			want: []eventWant{
				{"bob@example.org", parser.StatusBounced, 0, "", "", "doesn't have a example.org account"},
				{"carol@example.net", parser.StatusExpired, 0, "4.4.1", "", "queue too long"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "x2", exactAll, tt.want)
		})
	}
}
