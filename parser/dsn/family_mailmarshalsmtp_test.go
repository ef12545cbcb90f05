package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMailMarshalSMTP(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "affected",
		family: "mailmarshalsmtp",
		in: `From: postmaster@example.net
To: news@example.org
Subject: Undeliverable Mail: "Hello"
Content-Type: text/plain

Your message:

Could not be delivered because of

550 5.1.1 User unknown

The following recipients were affected: 
    bob@example.net

Additional Information
======================
Original Sender:    <news@example.org>
Remote-MTA:         <mx.example.net>
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 5.1.1 User unknown"}},
	}})
}
