package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestX4(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "mailfolder full",
			msg: `From: MAILER-DAEMON@mx.example.org
To: news@example.com
Subject: failure notice
Date: Mon, 23 Nov 2026 10:00:00 +0000

Your mail message to the following address(es) could not be delivered. This
is a permanent error. Please verify the addresses and try again.

<bob@example.net>:
child status 100...The e-mail message could not be delivered because the user's mailfolder is full.

--- Below this line is a copy of the message.

Subject: hello
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "mailfolder is full"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "x4", exactAll, tt.want)
		})
	}
}
