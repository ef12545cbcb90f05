package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestX1(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "delivery errors list",
			msg: `From: "Mail Deliver System" <MAILER-DAEMON@mx.example.org>
To: news@example.com
Subject: Returned Mail: User unknown
Date: Mon, 23 Nov 2026 10:00:00 +0000

The original message was received at Mon, 23 Nov 2026 09:59:00 +0000
from news@example.com

---The following addresses had delivery errors---

bob@example.net [User unknown]
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "User unknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "x1", exactAll, tt.want)
		})
	}
}
