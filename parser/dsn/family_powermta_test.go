package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestPowerMTA(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report",
		family: "powermta",
		in: `From: postmaster@mta.example.net
Subject: Delivery report
To: news@example.org
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is a delivery report.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.example.net
X-PowerMTA-VirtualMTA: mta.example.net
X-PowerMTA-BounceCategory: bad-mailbox

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>... User Unknown

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 5.1.1 <bob@example.net>... User Unknown"}},
	}})
}
