package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestKDDI(t *testing.T) {
	msg := `From: no-reply@mx01.dion.ne.jp
To: alice@example.com
Subject: Mail
Message-ID: <20260101000000.0001@nm01.auone-net.jp>
Content-Type: text/plain; charset=UTF-8

Your mail sent on: Thu, 29 Apr 2026 23:45:22 +0900
     Could not be delivered to: <bob@example.net>
     As their mailbox is full.
`
	checkEvents(t, parseString(t, msg), "kddi", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 0, "", "", "As their mailbox is full."}})
}
