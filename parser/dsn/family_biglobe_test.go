package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestBiglobe(t *testing.T) {
	msg := `From: postmaster@biglobe.ne.jp
To: alice@example.com
Subject: Returned mail: Service unavailable
Content-Type: text/plain; charset=UTF-8

   ----- The following addresses had delivery problems -----
bob@example.net

   ----- Non-delivered information -----
The number of messages in recipient's mailbox exceeded the local limit.
`
	checkEvents(t, parseString(t, msg), "biglobe", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 0, "", "", "mailbox exceeded the local limit"}})
}
