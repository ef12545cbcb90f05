package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestOpenSMTPD(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "error",
			msg: `From: Mailer Daemon <MAILER-DAEMON@mx.example.org>
To: news@example.com
Subject: Delivery status notification: error
Date: Mon, 23 Nov 2026 10:00:00 +0000

    Hi!

    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.

    An error has occurred while attempting to deliver a message for
    the following list of recipients:

bob@example.net: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
carol@example.org: Envelope expired

    Below is a copy of the original message:

Subject: hello
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected"},
				{"carol@example.org", parser.StatusBounced, 0, "", "", "Envelope expired"},
			},
		},
		{
			name: "delayed with report",
			msg: `From: Mailer Daemon <MAILER-DAEMON@mx.example.org>
To: news@example.com
Subject: Delivery status notification: delayed
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BND"

--BND
Content-Type: text/plain

    Hi!

    This is the MAILER-DAEMON, please DO NOT REPLY to this email.

    A message is delayed for more than 4 hours for the following
    list of recipients:

dave@example.net: 421 4.7.0 Try again later

    Please note that this is only a temporary failure report.

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; dave@example.net
Action: delayed
Status: 4.0.0

--BND--
`,
			want: []eventWant{
				{"dave@example.net", parser.StatusDeferred, 421, "4.7.0", "", "421 4.7.0 Try again later"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "opensmtpd", exactAll, tt.want)
		})
	}
}
