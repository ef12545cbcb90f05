package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestDragonFly(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "rcpt rejected",
			msg: `From: MAILER-DAEMON <>
To: news@example.com
Subject: Mail delivery failed
Date: Mon, 23 Nov 2026 10:00:00 +0000

This is the DragonFly Mail Agent v0.13 at mx.example.org.

There was an error delivering your mail to <bob@example.net>.

mx1.example.net [192.0.2.25] did not like our RCPT TO:
550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown

Original message follows.

Subject: hello
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "550 5.1.1 <bob@example.net>: Recipient address rejected"},
			},
		},
		{
			name: "gave up",
			msg: `From: MAILER-DAEMON <>
To: news@example.com
Subject: Mail delivery failed
Date: Mon, 23 Nov 2026 10:00:00 +0000

This is the DragonFly Mail Agent v0.13 at mx.example.org.

There was an error delivering your mail to <carol@example.org>.

Could not deliver for the last 432000 seconds. Giving up.

Message headers follow.

Subject: hello
`,
			want: []eventWant{
				{"carol@example.org", parser.StatusExpired, 0, "", "", "Could not deliver for the last 432000 seconds"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "dragonfly", exactAll, tt.want)
		})
	}
}
