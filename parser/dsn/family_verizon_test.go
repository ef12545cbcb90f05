package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestVerizon(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "vtext",
		family: "verizon",
		in: `From: post_master@vtext.com
To: news@example.org
Subject: Re:Hello
Content-Type: text/plain

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: Hello
  MAIL FROM: news@example.org
  RCPT TO: 5550100@vtext.com
  From: news@example.org
`,
		want: []eventWant{{rcpt: "5550100@vtext.com", status: parser.StatusBounced, code: 550, text: "no such user here"}},
	}})
}
