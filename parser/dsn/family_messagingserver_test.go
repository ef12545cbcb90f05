package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMessagingServer(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "reason from the text",
			msg: `From: Internet Mail Delivery <postmaster@mx.example.org>
To: news@example.com
Subject: Delivery Notification: Delivery has failed
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="Boundary_(ID_abc123)"

--Boundary_(ID_abc123)
Content-Type: text/plain

This report relates to a message you sent with the following header fields:

  Message-id: <m1@example.com>
  Subject: hello

Your message cannot be delivered to the following recipients:

  Recipient address: bob@example.net
  Reason: Over quota

--Boundary_(ID_abc123)
Content-Type: message/delivery-status

Reporting-MTA: dns;mx.example.org (ims-ms-daemon)

Final-recipient: rfc822;bob@example.net
Action: failed
Status: 4.2.2 (Over quota)

--Boundary_(ID_abc123)--
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusExpired, 0, "4.2.2", "", "Over quota"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "messagingserver", exactAll, tt.want)
		})
	}
}
