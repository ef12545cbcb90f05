package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// fmlDecode decodes one message written as a Go string (LF line ends).
func fmlDecode(t *testing.T, msg string) []parser.Event {
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

func TestFML(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []fmlWant
	}{
		{
			name: "loop alert",
			msg: `From: list-admin@example.com
To: list-admin@example.com
Subject: Loop Alert: Duplicated Message-ID (list ML)
X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]
Date: Mon, 23 Nov 2026 10:00:00 +0000

Duplicated Message-ID in <list@example.com>.

Original mail as follows:

   Subject: hello
`,
			want: []fmlWant{
				{"list@example.com", parser.StatusBounced, 0, "", "", "Duplicated Message-ID"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := fmlDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "fml" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want fml %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// fmlWant is what one event must carry; text is a substring of Text.
type fmlWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
