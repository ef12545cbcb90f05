package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// x1Decode decodes one message written as a Go string (LF line ends).
func x1Decode(t *testing.T, msg string) []parser.Event {
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

func TestX1(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []x1Want
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
			want: []x1Want{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "User unknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := x1Decode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "x1" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want x1 %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// x1Want is what one event must carry; text is a substring of Text.
type x1Want struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
