package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// imailserverDecode decodes one message written as a Go string (LF line ends).
func imailserverDecode(t *testing.T, msg string) []parser.Event {
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

func TestIMailServer(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []imailserverWant
	}{
		{
			name: "unknown user and expired",
			msg: `From: "Postmaster" <postmaster@mx.example.org>
To: news@example.com
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v8.12>
Date: Mon, 23 Nov 2026 10:00:00 +0000

Unknown user: bob@example.net

Delivery failed 20 attempts: carol@example.org

Original message follows.

Subject: hello
`,
			want: []imailserverWant{
				{"bob@example.net", parser.StatusBounced, 0, "", "", "Unknown user: bob@example.net"},
				{"carol@example.org", parser.StatusExpired, 0, "", "", "Delivery failed 20 attempts"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := imailserverDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "imailserver" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want imailserver %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// imailserverWant is what one event must carry; text is a substring of Text.
type imailserverWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
