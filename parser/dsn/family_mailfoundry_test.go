package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// mailfoundryDecode decodes one message written as a Go string (LF line ends).
func mailfoundryDecode(t *testing.T, msg string) []parser.Event {
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

func TestMailFoundry(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []mailfoundryWant
	}{
		{
			name: "responded with failure",
			msg: `From: MAILER-DAEMON@mx.example.org
To: news@example.com
Subject: Message delivery has failed
Date: Mon, 23 Nov 2026 10:00:00 +0000

Unable to deliver message to: <bob@example.net>
Delivery failed for the following reason:
mx1.example.net[192.0.2.25] responded with failure: 552 mailbox bob@example.net is over quota (#5.2.2)

This has been a permanent failure.  No further delivery attempts will be made.
`,
			want: []mailfoundryWant{
				{"bob@example.net", parser.StatusBounced, 552, "5.2.2", "", "over quota"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := mailfoundryDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "mailfoundry" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want mailfoundry %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// mailfoundryWant is what one event must carry; text is a substring of Text.
type mailfoundryWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
