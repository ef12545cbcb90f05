package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestGMX(t *testing.T) {
	msg := `From: MAILER-DAEMON@mail.gmx.com
To: alice@example.com
Subject: Mail delivery failed: returning message to sender
Content-Type: text/plain; charset=utf-8

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address
failed:

"bob@example.net":
SMTP error from remote server after RCPT command:
host: mx.example.net
5.1.1 <bob@example.net>... User Unknown
"carol@example.org":
SMTP error from remote server after RCPT command:
host: mx.example.org
5.2.2 <carol@example.org>... Mailbox Full

<dave@example.com>

Reason:
delivery retry timeout exceeded


--- The header of the original message is following. ---

From: alice@example.com
`
	checkEvents(t, parseString(t, msg), "gmx", exactEnhanced, []eventWant{
		{"bob@example.net", parser.StatusBounced, 0, "5.1.1", "", "User Unknown"},
		{"carol@example.org", parser.StatusBounced, 0, "5.2.2", "", "Mailbox Full"},
		{"dave@example.com", parser.StatusBounced, 0, "", "", "delivery retry timeout exceeded"},
	})
}
