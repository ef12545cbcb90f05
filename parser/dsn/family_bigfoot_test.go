package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestBigfoot(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report",
		family: "bigfoot",
		in: `From: Mail Delivery Subsystem <MAILER-DAEMON@bigfoot.com>
Subject: Returned mail: Requested action not taken
To: news@example.org
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

>>> RCPT TO:<bob@example.net>
<<< 553 Invalid recipient bob@example.net

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.bigfoot.com

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 553 Invalid recipient bob@example.net

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 553, text: "553 Invalid recipient bob@example.net"}},
	}})
}
