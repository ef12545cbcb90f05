package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestActiveHunter(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "sendmail-like",
		family: "activehunter",
		in: `From: "MAILER-DAEMON" <MAILER-DAEMON@example.net>
To: news@example.org
Subject: FAILURE NOTICE : Hello
X-AHMAILID: 20261123T090000+0900-00000-0000-ff
Content-Type: text/plain

  ----- The following addresses had permanent fatal errors -----

>>> bob@example.net <bob@example.net>

  ----- Transcript of session follows -----
550 <bob@example.net>: Recipient address rejected: User unknown
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "User unknown"}},
	}})
}
