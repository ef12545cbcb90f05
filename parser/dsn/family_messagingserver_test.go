package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// messagingserverDecode decodes one message written as a Go string (LF line ends).
func messagingserverDecode(t *testing.T, msg string) []parser.Event {
	t.Helper()
	var evs []parser.Event
	for ev, err := range parser.All(NewReader(strings.NewReader(msg), "test.eml")) {
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestMessagingServer(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []messagingserverWant
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
			want: []messagingserverWant{
				{"bob@example.net", parser.StatusExpired, 0, "4.2.2", "", "Over quota"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := messagingserverDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "messagingserver" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want messagingserver %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// messagingserverWant is what one event must carry; text is a substring of Text.
type messagingserverWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
