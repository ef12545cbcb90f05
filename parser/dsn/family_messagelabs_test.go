package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMessageLabs(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report",
		family: "messagelabs",
		in: `From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>
Subject: Mail Delivery Failure
X-Msg-Ref: server-7.tower-1.messagelabs.com!1!2!1
To: news@example.org
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail delivery agent at Symantec Email Security.cloud.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; server-7.tower-1.messagelabs.com

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 bob@example.net... No such user

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 bob@example.net... No such user"}},
	}})
}
