package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestNotes(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "failure-reasons",
		family: "notes",
		in: "From: postmaster@example.net\nTo: news@example.org\nSubject: Undeliverable message\n" +
			"Content-Type: text/plain\n\n------- Failure Reasons  --------\n\n" +
			"User not listed in public Name & Address Book\nbob@example.net\n\n" +
			"\x1b$B%G%#%l%/%H%j$N%j%9%H$K$\"$j$^$;$s\x1b(B\ncarol@example.net\n\n" +
			"------- Returned Message --------\nTo: bob@example.net\n\nHello\n",
		want: []eventWant{
			{rcpt: "bob@example.net", status: parser.StatusBounced, text: "User not listed in public Name & Address Book"},
			{rcpt: "carol@example.net", status: parser.StatusBounced, text: "ディレクトリのリストにありません"},
		},
	}})
}
