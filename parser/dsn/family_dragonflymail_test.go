package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// dragonflyDecode decodes one message written as a Go string (LF line ends).
func dragonflyDecode(t *testing.T, msg string) []parser.Event {
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

func TestDragonFly(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []dragonflyWant
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
			want: []dragonflyWant{
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
			want: []dragonflyWant{
				{"carol@example.org", parser.StatusExpired, 0, "", "", "Could not deliver for the last 432000 seconds"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := dragonflyDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "dragonfly" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want dragonfly %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// dragonflyWant is what one event must carry; text is a substring of Text.
type dragonflyWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
