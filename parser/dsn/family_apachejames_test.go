package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// apachejamesDecode decodes one message written as a Go string (LF line ends).
func apachejamesDecode(t *testing.T, msg string) []parser.Event {
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

func TestApacheJames(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []apachejamesWant
	}{
		{
			name: "error message below",
			msg: `From: postmaster@mx.example.org
To: news@example.com
Subject: [BOUNCE]
Message-ID: <1.2.3.JavaMail.root@mx.example.org>
Date: Mon, 23 Nov 2026 10:00:00 +0000

Hi. This is the James mail server at mx.example.org.

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: hello
  MAIL FROM: news@example.com
  RCPT TO: bob@example.net
`,
			want: []apachejamesWant{
				{"bob@example.net", parser.StatusBounced, 550, "", "", "no such user here"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := apachejamesDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "apachejames" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want apachejames %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// apachejamesWant is what one event must carry; text is a substring of Text.
type apachejamesWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
