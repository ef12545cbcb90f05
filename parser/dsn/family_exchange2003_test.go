package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestExchange2003(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "ims",
		family: "exchange2003",
		in: `From: System Administrator <postmaster@example.net>
To: news@example.org
Subject: Undeliverable: Hello
X-Mailer: Internet Mail Service (5.5.2653.19)
X-MS-Embedded-Report:
Content-Type: text/plain

Your message

  To:      bob@example.net
  Subject: Hello

did not reach the following recipient(s):

bob@example.net on Mon, 23 Nov 2026 09:00:00 +0000
    The recipient name is not recognized
    MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient

carol@example.net on Mon, 23 Nov 2026 09:00:00 +0000
    Message exceeds size limit
`,
		want: []eventWant{
			{rcpt: "bob@example.net", status: parser.StatusBounced, text: "The recipient name is not recognized MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient"},
			{rcpt: "carol@example.net", status: parser.StatusBounced, text: "Message exceeds size limit"},
		},
	}})
}
