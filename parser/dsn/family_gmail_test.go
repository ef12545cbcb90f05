package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestGmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
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
`, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "550 550 5.1.1 <bob@example.net>... User unknown (state 14)."}}},
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
`, []eventWant{{"carol@example.org", parser.StatusBounced, 0, "", "", "did not accept our requests to connect. [example.org."}}},
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
`, []eventWant{{"bob@example.net", parser.StatusDeferred, 0, "", "", "has been delayed. Message will be retried"}}},
		{"current text only", `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

** Address not found **

Your message wasn't delivered to bob@example.net because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
`, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected: User unknown"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkEvents(t, parseString(t, tt.msg), "gmail", exactEnhanced, tt.want) })
	}
}
