package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestEZweb(t *testing.T) {
	dialogue := `From: Postmaster@ezweb.ne.jp
To: alice@example.com
Subject: Mail System Error - Returned Mail
Content-Type: text/plain; charset=UTF-8

次のあて先へのメッセージはエラーのため送信できませんでした。

Each of the following recipients was rejected by a remote
mail server.

    Recipient: <bob@example.net>
    >>> RCPT TO:<bob@example.net>
    <<< 550 <bob@example.net>: User unknown
`
	checkEvents(t, parseString(t, dialogue), "ezweb", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "", "", "550 <bob@example.net>: User unknown"}})

	sentence := `From: Postmaster@ezweb.ne.jp
To: alice@example.com
Subject: Mail System Error - Returned Mail
Content-Type: text/plain; charset=UTF-8

The user(s) account is disabled.

<carol@example.org>
`
	checkEvents(t, parseString(t, sentence), "ezweb", exactEnhanced, []eventWant{{"carol@example.org", parser.StatusBounced, 0, "", "", "The user(s) account is disabled."}})
}
