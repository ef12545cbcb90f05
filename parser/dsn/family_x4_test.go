package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// x4Decode decodes one message written as a Go string (LF line ends).
func x4Decode(t *testing.T, msg string) []parser.Event {
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

func TestX4(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []x4Want
	}{
		{
			name: "mailfolder full",
			msg: `From: MAILER-DAEMON@mx.example.org
To: news@example.com
Subject: failure notice
Date: Mon, 23 Nov 2026 10:00:00 +0000

Your mail message to the following address(es) could not be delivered. This
is a permanent error. Please verify the addresses and try again.

<bob@example.net>:
child status 100...The e-mail message could not be delivered because the user's mailfolder is full.

--- Below this line is a copy of the message.

Subject: hello
`,
			want: []x4Want{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "mailfolder is full"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := x4Decode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "x4" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want x4 %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// x4Want is what one event must carry; text is a substring of Text.
type x4Want struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
