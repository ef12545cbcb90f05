package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMcAfee(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "delivery-problems-only",
		family: "mcafee",
		in: `From: <postmaster@example.net>
To: news@example.org
Subject: Delivery Status
X-NAI-Header: Modified by McAfee Email and Web Security Virtual Appliance
Content-Type: text/plain

<bob@example.net>   (550 Unknown user bob@example.net)
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 Unknown user bob@example.net"}},
	}})
}
