package dsn

import (
	"testing"

	"bouncelens/parser"
)

// aolReport is an RFC 3464 report from the given From address.
func aolReport(from, mta string) string {
	return `From: ` + from + `
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; ` + mta + `

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected

--b1--
`
}

func TestAOL(t *testing.T) {
	gmailCheck(t, aolReport("Postmaster <Postmaster@AOL.com>", "omr-m1.mx.aol.com"), "aol",
		[]gmailWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "Recipient address rejected"}})
}
