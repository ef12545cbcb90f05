package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestIMailServer(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "unknown user and expired",
			msg: `From: "Postmaster" <postmaster@mx.example.org>
To: news@example.com
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v8.12>
Date: Mon, 23 Nov 2026 10:00:00 +0000

Unknown user: bob@example.net

Delivery failed 20 attempts: carol@example.org

Original message follows.

Subject: hello
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "Unknown user: bob@example.net"},
				{"carol@example.org", parser.StatusExpired, 0, "", "", "Delivery failed 20 attempts"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "imailserver", exactAll, tt.want)
		})
	}
}
