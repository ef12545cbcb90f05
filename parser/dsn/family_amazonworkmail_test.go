package dsn

import (
	"testing"

	"bouncelens/parser"
)

func TestAmazonWorkMail(t *testing.T) {
	msg := `From: MAILER-DAEMON@us-west-2.amazonses.com
To: alice@example.com
Subject: Delivery Status Notification (Failure)
X-Mailer: Amazon WorkMail
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8

An error occurred while trying to deliver the mail to the following recipients:
bob@example.net

Technical report:

Reporting-MTA: dsn; a1-2.smtp-out.us-west-2.amazonses.com

Action: failed
Final-Recipient: rfc822; bob@example.net
Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>
Status: 4.4.7

--b1
Content-Type: message/rfc822

From: alice@example.com
Subject: hi

hi
--b1--
`
	checkEvents(t, parseString(t, msg), "amazonworkmail", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusExpired, 421, "4.4.2", "", "Message expired"}})
}
