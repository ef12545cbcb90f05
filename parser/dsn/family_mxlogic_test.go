package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMXLogic(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "address-failed",
		family: "mxlogic",
		in: `From: Mail Delivery System <MAILER-DAEMON@relay.mxlogic.net>
To: news@example.org
Subject: Mail delivery failed
Message-Id: <mxl~1.2.3@relay.mxlogic.net>
X-MX-Bounce: mta/src/queue/bounce
Content-Type: text/plain

This message was created automatically by mail delivery software.

A message that you have sent could not be delivered to one or more
recipients.  This is a permanent error.  The following address failed:

  <bob@example.net>: 550 unknown user
<bob@example.net>

Included is a copy of the message header:
-----------------------------------------
To: bob@example.net
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 unknown user"}},
	}})
}
