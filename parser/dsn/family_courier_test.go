package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestCourier(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{
			name: "report and transcript",
			msg: `From: "Courier mail server at mx.example.org" <postmaster@mx.example.org>
To: news@example.com
Subject: NOTICE: mail delivery status.
Message-ID: <courier.6A1B2C3D.00004711@mx.example.org>
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="=_courier_0"

--=_courier_0
Content-Type: text/plain

This is a delivery status notification from mx.example.org,
running the Courier mail server, version 1.1.

                           UNDELIVERABLE MAIL

Your message to the following recipients cannot be delivered:

<bob@example.net>:
    mx1.example.net [192.0.2.25]:
>>> RCPT TO:<bob@example.net>
<<< 550 5.1.1 <bob@example.net>... User unknown

--=_courier_0
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>... User unknown

--=_courier_0--
`,
			want: []eventWant{
				{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "RCPT", "User unknown"},
			},
		},
		{
			name: "text only",
			msg: `From: "Courier mail server at mx.example.org" <postmaster@mx.example.org>
To: news@example.com
Subject: NOTICE: mail delivery status.
Date: Mon, 23 Nov 2026 10:00:00 +0000

This is a delivery status notification from mx.example.org,
running the Courier mail server, version 1.1.

                           UNDELIVERABLE MAIL

Your message to the following recipients cannot be delivered:

<carol@example.org>:
<<< No such domain.

If your message was also sent to additional recipients, their delivery
status is not included in this report.
`,
			want: []eventWant{
				{"carol@example.org", parser.StatusBounced, 0, "", "", "No such domain."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvents(t, decodeString(t, tt.msg), "courier", exactAll, tt.want)
		})
	}
}
