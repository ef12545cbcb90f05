package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestOutlook(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report-without-diagnostic",
		family: "outlook",
		in: `From: postmaster@mail.hotmail.com
To: news@example.org
Subject: Delivery Status Notification (Failure)
X-Message-Delivery: Vj0xLjE7
X-Message-Info: AuEzbeVr
X-DSNContext: 7ce717b1 - 1386 - 00000002 - C00402D1
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is an automatically generated Delivery Status Notification.

Unable to deliver message to the following recipients, due to being unable to connect successfully to the destination mail server.

       bob@example.net

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;mail.hotmail.com

Final-Recipient: rfc822;bob@example.net
Action: failed
Status: 4.4.7

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusExpired, text: "unable to connect successfully"}},
	}})
}
