package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// x2Decode decodes one message written as a Go string (LF line ends).
func x2Decode(t *testing.T, msg string) []parser.Event {
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

func TestX2(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []x2Want
	}{
		{
			name: "two recipients",
			msg: `From: MAILER-DAEMON@example.org
To: news@example.com
Subject: Delivery failure
Date: Mon, 23 Nov 2026 10:00:00 +0000

Message from example.org.
Unable to deliver message to the following address(es).

<bob@example.org>:
This user doesn't have a example.org account (bob@example.org) [0]

<carol@example.net>:
Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
I'm not going to try again; this message has been in the queue too long.

--- Original message follows.

Subject: hello
`,
			want: []x2Want{
				{"bob@example.org", parser.StatusBounced, 0, "", "", "doesn't have a example.org account"},
				{"carol@example.net", parser.StatusExpired, 0, "4.4.1", "", "queue too long"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := x2Decode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "x2" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want x2 %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// x2Want is what one event must carry; text is a substring of Text.
type x2Want struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
