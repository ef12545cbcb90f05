package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestDomino(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "report-cut-short",
		family: "domino",
		in: `From: Postmaster@example.net
To: news@example.org
Subject: DELIVERY FAILURE: Error transferring to mx.example.net
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8

Your message

  Subject: Hello

was not delivered to:

  bob@example.net

because:

  Error transferring to mx.example.net; Maximum hop count exceeded.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;relay.example.net

Final-Recipient: rfc822;bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: X-Notes; Error transferring to mx.example.net; Ma

--b1--
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, text: "Maximum hop count exceeded."}},
	}, {
		name:   "text-only",
		family: "domino",
		in: `From: Postmaster@example.net
To: news@example.org
Subject: DELIVERY FAILURE: User bob not listed
Content-Type: text/plain

Your message

  Subject: Hello

was not delivered to:

  bob@example.net

because:

  User bob (bob@example.net) not listed in Domino Directory
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, text: "not listed in Domino Directory"}},
	}})
}
