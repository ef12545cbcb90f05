package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestYahoo(t *testing.T) {
	msg := `From: MAILER-DAEMON@yahoo.com
To: alice@example.com
Subject: Failure Notice
Content-Type: text/plain; charset=us-ascii

Sorry, we were unable to deliver your message to the following address.

<bob@example.net>:
Remote host said:
550 5.1.1 <bob@example.net>... User Unknown
[RCPT_TO]

<carol@example.org>:
550: <carol@example.org>: User unknown

<dave@example.com>:
Unable to deliver message after multiple retries, giving up.

--- Below this line is a copy of the message.

From: alice@example.com
Subject: hi
`
	checkEvents(t, parseString(t, msg), "yahoo", exactEnhanced, []eventWant{
		{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "550 5.1.1 <bob@example.net>... User Unknown [RCPT_TO]"},
		{"carol@example.org", parser.StatusBounced, 550, "", "", "User unknown"},
		{"dave@example.com", parser.StatusBounced, 0, "", "", "multiple retries, giving up"},
	})
}
