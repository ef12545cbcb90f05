package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestExchange2007(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "hash-diagnostic",
		family: "exchange2007",
		in: `From: <postmaster@example.net>
To: news@example.org
Subject: Non remis : Hello
Content-Language: fr-FR
Content-Type: text/plain; charset=iso-8859-1

Diagnostic information for administrators:

Generating server: mail.example.net

bob@example.net
#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##

Original message headers:

To: bob@example.net
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550, text: "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"}},
	}})
}
