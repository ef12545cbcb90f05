package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestEinsUndEins(t *testing.T) {
	msg := `From: "Mail Delivery System" <mailer-daemon@kundenserver.de>
To: alice@example.com
Subject: Mail delivery failed: returning message to sender
Content-Type: text/plain; charset=utf-8

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address(es)
failed:

bob@example.net:
SMTP error from remote server for TEXT command, host: mx.example.net (192.0.2.1) reason: 550 5.7.1 Message rejected as spam


--- The header of the original message is following. ---

From: alice@example.com
`
	checkEvents(t, parseString(t, msg), "einsundeins", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.7.1", "", "reason: 550 5.7.1 Message rejected as spam"}})
}
