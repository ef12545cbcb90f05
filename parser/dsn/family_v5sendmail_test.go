package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// v5sendmailDecode decodes one message written as a Go string (LF line ends).
func v5sendmailDecode(t *testing.T, msg string) []parser.Event {
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

func TestV5Sendmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []v5sendmailWant
	}{
		{
			name: "sessions and local errors",
			msg: `From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: news@example.com
Subject: Returned mail: User unknown
Date: Mon, 23 Nov 2026 10:00:00 +0000

   ----- Transcript of session follows -----
While talking to mx.example.net:
>>> RCPT To:<bob@example.net>
<<< 550 <bob@example.net>, User Unknown
550 <bob@example.net>... User unknown
550 example.org (smtp)... 550 Host unknown
554 <carol@example.org>... 550 Host unknown (Authoritative answer from name server)

   ----- Unsent message follows -----
Subject: hello
`,
			want: []v5sendmailWant{
				{"bob@example.net", parser.StatusBounced, 550, "", "RCPT", "550 <bob@example.net>, User Unknown"},
				{"carol@example.org", parser.StatusBounced, 550, "", "", "550 Host unknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := v5sendmailDecode(t, tt.msg)
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.want), evs)
			}
			for i, w := range tt.want {
				ev := evs[i]
				if ev.Family != "v5sendmail" || ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code ||
					ev.Enhanced != w.enhanced || ev.Command != w.command || !strings.Contains(ev.Text, w.text) {
					t.Errorf("event %d = %s %s %s %d %s %s %q, want v5sendmail %s %s %d %s %s text containing %q",
						i, ev.Family, ev.Recipient, ev.Status, ev.Code, ev.Enhanced, ev.Command, ev.Text,
						w.rcpt, w.status, w.code, w.enhanced, w.command, w.text)
				}
			}
		})
	}
}

// v5sendmailWant is what one event must carry; text is a substring of Text.
type v5sendmailWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	command  string
	text     string
}
