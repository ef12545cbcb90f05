package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

// office365Case is one hand-written bounce and what its events must say.
type office365Case struct {
	name   string
	in     string
	family string
	want   []office365Want
}

type office365Want struct {
	rcpt    string
	status  parser.Status
	code    int
	command string
	text    string // a substring of Text
}

// office365Run decodes each case and checks its events; the family tests
// of this worktree share it.
func office365Run(t *testing.T, cases []office365Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.ReplaceAll(tc.in, "\n", "\r\n")
			evs, err := ParseWithOptions(strings.NewReader(in), tc.name+".eml", nil)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if len(evs) != len(tc.want) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(tc.want), evs)
			}
			for i, w := range tc.want {
				ev := evs[i]
				if ev.Family != tc.family {
					t.Errorf("#%d family %q, want %q", i, ev.Family, tc.family)
				}
				if ev.Recipient != w.rcpt || ev.Status != w.status || ev.Code != w.code {
					t.Errorf("#%d got %s %v %d, want %s %v %d", i, ev.Recipient, ev.Status, ev.Code, w.rcpt, w.status, w.code)
				}
				if w.command != "" && ev.Command != w.command {
					t.Errorf("#%d command %q, want %q", i, ev.Command, w.command)
				}
				if !strings.Contains(ev.Text, w.text) {
					t.Errorf("#%d text %q, want it to contain %q", i, ev.Text, w.text)
				}
			}
		})
	}
}

func TestOffice365(t *testing.T) {
	office365Run(t, []office365Case{{
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
		want: []office365Want{{rcpt: "bob@example.net", status: parser.StatusBounced, code: 550,
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
		want: []office365Want{{rcpt: "carol@example.net", status: parser.StatusBounced, text: "couldn't be found"}},
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
		want: []office365Want{{rcpt: "dan@example.net", status: parser.StatusBounced, code: 552, text: "552 5.2.2 Mailbox full"}},
	}})
}
