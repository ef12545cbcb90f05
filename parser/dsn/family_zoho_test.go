package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestZoho(t *testing.T) {
	msg := `From: mailer-daemon@mail.zoho.com
To: alice@example.com
Subject: Undelivered Mail Returned to Sender
X-ZohoMail: Si
Content-Type: text/plain; charset=UTF-8

This message was created automatically by mail delivery software.
A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.

bob@example.net Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <bob@example.net>... User Unknown

carol@example.org Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.


Received:from mail.zoho.com by mx.zohomail.com
From:alice@example.com
`
	checkEvents(t, parseString(t, msg), "zoho", exactEnhanced, []eventWant{
		{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "550 5.1.1 <bob@example.net>... User Unknown"},
		{"carol@example.org", parser.StatusExpired, 421, "", "", "421 Host not reachable."},
	})
}
