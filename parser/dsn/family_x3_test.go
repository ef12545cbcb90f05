package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// x3Decode decodes one message written as a Go string (LF line ends).
func x3Decode(t *testing.T, msg string) []parser.Event {
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

func TestX3(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []x3Want
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
			want: []x3Want{
				{"bob@example.net", parser.StatusBounced, 553, "5.3.0", "RCPT", "553 5.3.0 <bob@example.net>... No such user here"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := x3Decode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "x3" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want x3 %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// x3Want is what one event must carry; text is a substring of Text.
type x3Want struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
