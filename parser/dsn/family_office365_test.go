package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestOffice365(t *testing.T) {
	checkCases(t, []familyCase{{
		name:   "no-report",
		family: "office365",
		in: `From: <postmaster@example.com>
To: <news@example.org>
Subject: Undeliverable: November newsletter
X-MS-Exchange-Message-Is-Ndr:
Auto-Submitted: auto-replied
X-MS-Exchange-CrossTenant-FromEntityHeader: Hosted
Message-ID: <abc@AB1PR01MB0001.eurprd01.prod.outlook.com>
Content-Type: text/plain; charset=us-ascii

Delivery has failed to these recipients or groups:

bob@example.net<mailto:bob@example.net>
The email address wasn't found at the destination domain.

Diagnostic information for administrators:

Generating server: AB1PR01MB0001.eurprd01.prod.outlook.com

bob@example.net
relay.example.net
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient
not found by SMTP address lookup'

Original message headers:

From: news@example.org
To: bob@example.net
`,
		want: []eventWant{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550,
			text: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}},
	}, {
		name:   "list-only",
		family: "office365",
		in: `From: postmaster@tenant.onmicrosoft.com
To: news@example.org
Subject: Undeliverable: Hello
Content-Type: text/plain

Delivery has failed to these recipients or groups:

carol@example.net<mailto:carol@example.net>
The email address you entered couldn't be found.

`,
		want: []eventWant{{rcpt: "carol@example.net", status: parser.StatusBounced, text: "couldn't be found"}},
	}, {
		name:   "auto-submitted-is-not-an-auto-reply",
		family: "office365",
		in: `From: Microsoft Outlook <postmaster@outlook.com>
To: news@example.org
Subject: Undeliverable: Hello
Auto-Submitted: auto-replied
X-MS-Exchange-Message-Is-Ndr:
Content-Type: text/plain

Diagnostic information for administrators:

dan@example.net
Remote Server returned '552 5.2.2 Mailbox full'

`,
		want: []eventWant{{rcpt: "dan@example.net", status: parser.StatusBounced, code: 552, text: "552 5.2.2 Mailbox full"}},
	}})
}
