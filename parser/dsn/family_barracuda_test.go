package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestBarracuda(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report",
		family: "barracuda",
		in: `From: MAILER-DAEMON
Subject: **Message you sent blocked by our bulk email filter**
To: news@example.org
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message to: bob@example.net was blocked by our Spam & Virus Firewall.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 5.7.1 Message content rejected, UBE

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 5.7.1 Message content rejected, UBE"}},
	}})
}
