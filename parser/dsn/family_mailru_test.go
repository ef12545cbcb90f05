package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMailRu(t *testing.T) {
	msg := `From: mailer-daemon@corp.mail.ru
To: alice@mail.example.com
Subject: =?UTF-8?B?0J3QtSDQtNC+0YHRgtCw0LLQu9C10L3Qvg==?=. Mail failure.
X-Failed-Recipients: bob@example.net, carol@example.org
Content-Type: text/plain; charset=utf-8

Это письмо создано автоматически сервером Mail.Ru, отвечать на него не нужно.

  bob@example.net
    SMTP error from remote mail server after RCPT TO:<bob@example.net>:
    host mx.example.net [192.0.2.1]: 550 5.1.1 <bob@example.net>... User Unknown

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  bob@example.net
    SMTP error from remote mail server after RCPT TO:<bob@example.net>:
    host mx.example.net [192.0.2.1]: 550 5.1.1 <bob@example.net>... User Unknown
  carol@example.org
    SMTP error from remote mail server after end of data:
    host mx.example.org [192.0.2.2]: 550 :
    User unknown

------ This is a copy of the message, including all the headers. ------

From: alice@mail.example.com
`
	checkEvents(t, parseString(t, msg), "mailru", exactEnhanced, []eventWant{
		{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "host mx.example.net [192.0.2.1]: 550 5.1.1"},
		{"carol@example.org", parser.StatusBounced, 550, "", "", "550 : User unknown"},
	})
}
