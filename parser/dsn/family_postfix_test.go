package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestPostfix(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "text only",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: news@example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:00:00 +0000

This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

                   The mail system

<bob@example.net> (expanded from <info@example.com>): host
    mx1.example.net[192.0.2.25] said: 550 5.1.1 <bob@example.net>: Recipient
    address rejected: User unknown (in reply to RCPT TO command)
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "said: 550 5.1.1 <bob@example.net>: Recipient address rejected"},
			},
		},
		{
			name: "refused to talk",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: news@example.com
Subject: Delayed Mail (still being retried)
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

This is the mail system at host mail.example.com.

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com
X-Postfix-Queue-ID: 3F2A81C0D2

Final-Recipient: rfc822; carol@example.org
Action: delayed
Status: 4.0.0
Diagnostic-Code: X-Postfix; connect to mx.example.org[192.0.2.9]: server
    refused to talk to me: 421 Service not available

--BND--
`,
			want: []eventWant{
				{"carol@example.org", parser.StatusDeferred, 421, "4.0.0", "CONN", "refused to talk to me: 421 Service not available"},
			},
		},
		{
			name: "errors from client transcript",
			msg: `From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
To: postmaster@example.com
Subject: Postfix SMTP server: errors from client.example.com[192.0.2.9]
Date: Mon, 23 Nov 2026 10:00:00 +0000

Transcript of session follows.

 Out: 220 mail.example.com ESMTP
 In:  MAIL FROM:<news@example.com>
 Out: 250 2.1.0 Ok
 In:  RCPT TO:<erin@example.net>
 Out: 250 2.1.5 Ok
 In:  DATA
 Out: 354 End data with <CR><LF>.<CR><LF>
 Out: 451 4.3.0 Error: queue file write error
 In:  QUIT
 Out: 221 2.0.0 Bye

For other details, see the local mail logfile
`,
			want: []eventWant{
				{"erin@example.net", parser.StatusDeferred, 451, "4.3.0", "DATA", "451 4.3.0 Error: queue file write error"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "postfix", exactAll, tt.want)
		})
	}
}
