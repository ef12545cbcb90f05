package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestInterScanMSS(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "transcript",
		family: "interscanmss",
		in: `From: "InterScan MSS" <postmaster@example.net>
To: news@example.org
Subject: Mail could not be delivered
Content-Type: text/plain

Sent <<< RCPT TO:<bob@example.net>
Received >>> 550 5.1.1 <bob@example.net>... user unknown
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, command: "RCPT", text: "user unknown"}},
	}, {
		name:   "notification",
		family: "interscanmss",
		in: `From: postmaster@example.net ("InterScan Notification")
To: news@example.org
Subject: Mail could not be delivered
Content-Type: text/plain

Message from InterScan Messaging Security Suite

Unable to deliver message to <carol@example.net> (and other recipients in the same domain). Please check if address is correct.
`,
		want: []eventWant{{rcpt: "carol@example.net", status: parser.StatusBounced, text: "Please check if address is correct."}},
	}})
}
