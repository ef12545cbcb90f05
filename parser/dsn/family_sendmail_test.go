package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestSendmail(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "multi-line reply from the transcript",
			msg: `From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: <news@example.com>
Subject: Returned mail: see transcript for details
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

The original message was received at Mon, 23 Nov 2026 09:59:00 +0000

   ----- The following addresses had permanent fatal errors -----
<bob@example.net>
    (reason: 552-5.7.0 This message was blocked because its content presents a potential)

   ----- Transcript of session follows -----
... while talking to mx1.example.net.:
>>> DATA
<<< 552-5.7.0 This message was blocked because its content presents a potential
<<< 552-5.7.0 security issue.
<<< 552 5.7.0 Please review our content guidelines.
554 5.0.0 Service unavailable

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org

Final-Recipient: RFC822; bob@example.net
Action: failed
Status: 5.0.0
Remote-MTA: DNS; mx1.example.net
Diagnostic-Code: SMTP; 552-5.7.0 This message was blocked because its content presents a potential

--BND--
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 552, "5.7.0", "DATA", "552-5.7.0 security issue."},
			},
		},
		{
			name: "queue timeout without diagnostic",
			msg: `From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: <news@example.com>
Subject: Returned mail: see transcript for details
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BND"

--BND
Content-Type: text/plain

   ----- The following addresses had permanent fatal errors -----
<dave@example.net>

   ----- Transcript of session follows -----
<dave@example.net>... Deferred: Connection refused by mx.example.net.
Message could not be delivered for 5 days
Message will be deleted from queue

--BND
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org

Final-Recipient: RFC822; dave@example.net
Action: failed
Status: 4.4.7

--BND--
`,
			want: []eventWant{
				{"dave@example.net", parser.StatusExpired, 0, "4.4.7", "", "Deferred: Connection refused by mx.example.net."},
			},
		},
		{
			name: "text only",
			msg: `From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: <news@example.com>
Subject: Returned mail: User unknown
Date: Mon, 23 Nov 2026 10:00:00 +0000

   ----- The following addresses had permanent fatal errors -----
<carol@example.org>
    (reason: 550 5.1.1 <carol@example.org>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.example.org.:
>>> RCPT To:<carol@example.org>
<<< 550 5.1.1 <carol@example.org>... User unknown
550 5.1.1 <carol@example.org>... User unknown

   ----- Original message follows -----
Subject: hello
`,
			want: []eventWant{
				{"carol@example.org", parser.StatusBounced, 550, "5.1.1", "RCPT", "550 5.1.1 <carol@example.org>... User unknown"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "sendmail", exactAll, tt.want)
		})
	}
}
