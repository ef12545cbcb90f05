package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// gmailWant is what one decoded event must carry; the family tests of
// gmail, googlegroups, googleworkspace, yahoo, aol, amazonses,
// amazonworkmail, receivingses, zoho, mailru, yandex, gmx, einsundeins,
// kddi, ezweb and biglobe share it.
type gmailWant struct {
	rcpt     string
	status   parser.Status
	code     int
	enhanced string
	text     string // a substring of Text
}

// gmailCheck decodes msg (LF line ends) and compares its events with want,
// and the family of each with family.
func gmailCheck(t *testing.T, msg, family string, want []gmailWant) {
	t.Helper()
	evs, err := Parse(strings.NewReader(strings.ReplaceAll(msg, "\n", "\r\n")), "test")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		ev := evs[i]
		if ev.Family != family {
			t.Errorf("#%d family %q, want %q", i, ev.Family, family)
		}
		if ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code || ev.Enhanced != w.enhanced {
			t.Errorf("#%d got %s %v %d %q, want %s %v %d %q", i, ev.Recipient, ev.Status, ev.Code, ev.Enhanced,
				w.rcpt, w.status, w.code, w.enhanced)
		}
		if !strings.Contains(ev.Text, w.text) {
			t.Errorf("#%d text %q, want it to contain %q", i, ev.Text, w.text)
		}
	}
}

func TestGmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []gmailWant
	}{
		{"legacy remote rejection", `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
X-Failed-Recipients: bob@example.net
Subject: Delivery Status Notification (Failure)
Date: Mon, 23 Nov 2026 09:00:00 +0000
Content-Type: text/plain; charset=UTF-8

Delivery to the following recipient failed permanently:

     bob@example.net

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the recipient domain. The error that the other server returned was: 550 550 5.1.1 <bob@example.net>... User unknown (state 14).

----- Original message -----

From: alice@example.com
To: bob@example.net
Subject: hello

hello
`, []gmailWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "550 550 5.1.1 <bob@example.net>... User unknown (state 14)."}}},
		{"legacy local failure without X-Failed-Recipients", `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

Delivery to the following recipient failed permanently:

     carol@example.org

Technical details of permanent failure:
The recipient server did not accept our requests to connect.
[example.org. [192.0.2.9]:25: socket error]

----- Original message -----

Subject: hi
`, []gmailWant{{"carol@example.org", parser.StatusBounced, 0, "", "did not accept our requests to connect. [example.org."}}},
		{"legacy delay", `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
Subject: Delivery Status Notification (Delay)
Content-Type: text/plain; charset=UTF-8

This is an automatically generated Delivery Status Notification

THIS IS A WARNING MESSAGE ONLY.

Delivery to the following recipient has been delayed:

     bob@example.net

Message will be retried for 2 more day(s)

----- Original message -----

Subject: hi
`, []gmailWant{{"bob@example.net", parser.StatusDeferred, 0, "", "has been delayed. Message will be retried"}}},
		{"current text only", `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

** Address not found **

Your message wasn't delivered to bob@example.net because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
`, []gmailWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "Recipient address rejected: User unknown"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { gmailCheck(t, tt.msg, "gmail", tt.want) })
	}
}
