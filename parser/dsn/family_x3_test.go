package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestX3(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "technical details",
			msg: `From: Mail Delivery System <Mail.Delivery.System@mx.example.org>
To: news@example.com
Subject: Delivery status notification
Date: Mon, 23 Nov 2026 10:00:00 +0000

============================================================================
      This is an automatically generated Delivery Status Notification.
Delivery to the following recipients failed permanently:

   * bob@example.net

============================================================================
                             Technical details:
SMTP:RCPT host 192.0.2.25: 553 5.3.0 <bob@example.net>... No such user here
============================================================================
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 553, "5.3.0", "RCPT", "553 5.3.0 <bob@example.net>... No such user here"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "x3", exactAll, tt.want)
		})
	}
}
