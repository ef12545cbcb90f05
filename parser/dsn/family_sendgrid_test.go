package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestSendGrid(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report",
		family: "sendgrid",
		in: `From: MAILER-DAEMON@mta.example.net
Subject: Undelivered Mail Returned to Sender
To: news@example.org
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.example.net
X-SendGrid-QueueID: 123456
X-SendGrid-Sender: <bounces+1-2-bob=example.net@sendgrid.example.org>

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>... User Unknown

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 5.1.1 <bob@example.net>... User Unknown"}},
	}})
}
