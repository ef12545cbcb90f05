package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestSurfControl(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "transcript",
		family: "surfcontrol",
		in: `From: <>
To: news@example.org
Subject: Hello
X-Mailer: SurfControl E-mail Filter
Content-Type: text/plain

Your message could not be sent.
A transcript of the attempts to send the message follows.
The number of attempts made: 1
Addressed To: bob@example.net

Failed to send to identified host,
bob@example.net: [192.0.2.1], 554 Service currently unavailable
--- Message non-deliverable.
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 554, text: "554 Service currently unavailable"}},
	}})
}
