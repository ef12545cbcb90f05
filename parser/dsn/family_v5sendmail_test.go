package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestV5Sendmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "sessions and local errors",
			msg: `From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: news@example.com
Subject: Returned mail: User unknown
Date: Mon, 23 Nov 2026 10:00:00 +0000

   ----- Transcript of session follows -----
While talking to mx.example.net:
>>> RCPT To:<bob@example.net>
<<< 550 <bob@example.net>, User Unknown
550 <bob@example.net>... User unknown
550 example.org (smtp)... 550 Host unknown
554 <carol@example.org>... 550 Host unknown (Authoritative answer from name server)

   ----- Unsent message follows -----
Subject: hello
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "", "RCPT", "550 <bob@example.net>, User Unknown"},
				{"carol@example.org", parser.StatusBounced, 550, "", "", "550 Host unknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "v5sendmail", exactAll, tt.want)
		})
	}
}
