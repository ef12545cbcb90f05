package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestMFilter(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "server-message",
		family: "mfilter",
		in: `From: POSTMASTER <postmaster@example.net>
To: news@example.org
Subject: failure notice
X-Mailer: m-FILTER
Content-Type: text/plain; charset=UTF-8

このメールは「m-FILTER」が自動的に生成して送信しています。
bob@example.net


-------server message
550 unknown user <bob@example.net>

-------SMTP command
DATA

-------original message
To: bob@example.net
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, command: "DATA", text: "550 unknown user"}},
	}})
}
