package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// arfMessage builds a feedback report with the given feedback-report
// fields and returned header block.
func arfMessage(fields, orig string) string {
	return "From: FBL <fbl@example.net>\nTo: abuse@example.com\nSubject: complaint\n" +
		"Content-Type: multipart/report; report-type=feedback-report; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nA complaint.\n" +
		"--b\nContent-Type: message/feedback-report\n\n" + fields +
		"\n--b\nContent-Type: text/rfc822-headers\n\n" + orig + "\n--b--\n"
}

func TestARF(t *testing.T) {
	orig := "From: news@example.com\nTo: kim@example.net\nSubject: News\nMessage-ID: <n1@example.com>\n"
	tests := []struct {
		name, in   string
		rcpts      []string
		feedback   string
		wantSender string
	}{
		{"abuse with recipient", arfMessage("Feedback-Type: abuse\nUser-Agent: X/1\nVersion: 1\nOriginal-Mail-From: <bulk@example.com>\nOriginal-Rcpt-To: <lee@example.net>\n", orig),
			[]string{"lee@example.net"}, "abuse", "news@example.com"},
		{"two recipients", arfMessage("Feedback-Type: opt-out\nOriginal-Rcpt-To: a@example.net\nOriginal-Rcpt-To: b@example.net\n", orig),
			[]string{"a@example.net", "b@example.net"}, "opt-out", "news@example.com"},
		{"redacted recipient: the original's To", arfMessage("Feedback-Type: auth-failure\nOriginal-Rcpt-To: redacted\n", orig),
			[]string{"kim@example.net"}, "auth-failure", "news@example.com"},
		{"no recipient anywhere", arfMessage("Feedback-Type: abuse\n", "From: news@example.com\nTo: <Undisclosed Recipients>\n"),
			[]string{""}, "abuse", "news@example.com"},
		{"no feedback type", arfMessage("User-Agent: X/1\nOriginal-Rcpt-To: c@example.net\n", orig),
			[]string{"c@example.net"}, "abuse", "news@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := Parse(strings.NewReader(tt.in), "arf.eml")
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(tt.rcpts) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tt.rcpts), evs)
			}
			for i, ev := range evs {
				if ev.Recipient != tt.rcpts[i] || ev.Status != parser.StatusComplained || ev.Feedback != tt.feedback ||
					ev.Family != "arf" || ev.Sender != tt.wantSender {
					t.Errorf("event %d = %+v", i, ev)
				}
			}
		})
	}
}

func TestAutoReply(t *testing.T) {
	tests := []struct {
		name, in string
		want     parser.Status // StatusUnknown: not decoded at all
	}{
		{"Auto-Submitted", "From: Ann <ann@example.net>\nAuto-Submitted: auto-replied\nSubject: Re: News\n\nI am away.\n", parser.StatusAutoReplied},
		{"X-Autoreply", "From: ann@example.net\nX-Autoreply: yes\nSubject: News\n\nAway.\n", parser.StatusAutoReplied},
		{"Apple vacation", "From: ann@example.net\nX-Apple-Action: vacation\nSubject: News\n\nAway.\n", parser.StatusAutoReplied},
		{"subject", "From: ann@example.net\nSubject: Automatic reply: News\n\nAway.\n", parser.StatusAutoReplied},
		{"German subject", "From: ann@example.net\nSubject: Abwesenheitsnotiz: News\n\nIch bin nicht da.\n", parser.StatusAutoReplied},
		{"a bounce that says auto-replied is a bounce",
			"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nAuto-Submitted: auto-replied\nSubject: Mail delivery failed\n\n  bob@example.net\n    550 5.1.1 User unknown\n",
			parser.StatusBounced},
		{"unsubscribe request", "From: ann@example.net\nTo: unsub-123@example.com\nSubject: unsubscribe\n\nMail sent this email to unsubscribe from the message \"News\".\n", parser.StatusComplained},
		{"plain mail is nothing", "From: ann@example.net\nSubject: Lunch?\n\nSee you.\n", parser.StatusUnknown},
		{"bulk precedence is not an auto-reply", "From: list@example.net\nPrecedence: bulk\nSubject: Digest\n\nNews.\n", parser.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := Parse(strings.NewReader(tt.in), "m.eml")
			if tt.want == parser.StatusUnknown {
				if err == nil {
					t.Fatalf("events %+v, want ErrNotReport", evs)
				}
				return
			}
			if err != nil || len(evs) != 1 || evs[0].Status != tt.want {
				t.Fatalf("Parse = %+v, %v; want one %v event", evs, err, tt.want)
			}
			if tt.want == parser.StatusComplained && (evs[0].Recipient != "ann@example.net" || evs[0].Feedback != "opt-out" || evs[0].Family != "unsubscribe") {
				t.Errorf("unsubscribe event %+v", evs[0])
			}
			if tt.want == parser.StatusAutoReplied && (evs[0].Recipient != "ann@example.net" || evs[0].Family != "rfc3834") {
				t.Errorf("auto-reply event %+v", evs[0])
			}
		})
	}
}
