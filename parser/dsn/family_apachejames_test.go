package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestApacheJames(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "error message below",
			msg: `From: postmaster@mx.example.org
To: news@example.com
Subject: [BOUNCE]
Message-ID: <1.2.3.JavaMail.root@mx.example.org>
Date: Mon, 23 Nov 2026 10:00:00 +0000

Hi. This is the James mail server at mx.example.org.

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: hello
  MAIL FROM: news@example.com
  RCPT TO: bob@example.net
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "", "", "no such user here"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "apachejames", exactAll, tt.want)
		})
	}
}
