package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

func TestAmazonSES(t *testing.T) {
	tests := []struct {
		name, msg string
		want      []eventWant
	}{
		{"report with an SES reason before the reply", `From: MAILER-DAEMON@email-bounces.amazonses.com
To: alice@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8

An error occurred while trying to deliver the mail to the following recipients:
bob@example.net

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; a1-2.smtp-out.amazonses.com

Final-Recipient: rfc822; bob@example.net
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.2.2 <bob@example.net>... Mailbox Full' (delivery attempts: 0)

--b1--
`, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.2.2", "", "550 5.2.2 <bob@example.net>... Mailbox Full"}}},
		{"SNS bounce notification, folded", `From: SES Bounces <no-reply@sns.amazonaws.com>
To: alice@example.com
Subject: AWS Notification Message
x-amz-sns-message-id: 00000000-0000-0000-0000-000000000000
Content-Type: text/plain; charset=UTF-8

{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"bob@example.net","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unk
 nown"}],"timestamp":"2026-11-23T09:00:03.000Z","reportingMTA":"dsn; a1-2.smtp-out.amazonses.com"},"mail":{"source":"alice@example.com","commonHeaders":{"messageId":"<m1@example.com>","subject":"News"}}}

--
If you wish to stop receiving notifications from this topic, please click the link below.
`, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "550 5.1.1 user unknown"}}},
		{"SNS envelope around a suppressed bounce", `From: SES Bounces <no-reply@sns.amazonaws.com>
To: alice@example.com
Subject: AWS Notification Message
x-amz-sns-message-id: 00000000-0000-0000-0000-000000000001
Content-Type: text/plain; charset=UTF-8

{
  "Type" : "Notification",
  "Message" : "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"Suppressed\",\"bouncedRecipients\":[{\"emailAddress\":\"carol@example.org\"}],\"timestamp\":\"2026-11-23T09:00:03.000Z\"}}"
}
`, []eventWant{{"carol@example.org", parser.StatusBounced, 0, "", "", "suppression list"}}},
		{"SNS delivery", `From: SES <no-reply@sns.amazonaws.com>
Subject: AWS Notification Message
x-amz-sns-message-id: 00000000-0000-0000-0000-000000000002
Content-Type: text/plain; charset=UTF-8

{"notificationType":"Delivery","delivery":{"timestamp":"2026-11-23T09:00:03.000Z","recipients":["bob@example.net"],"smtpResponse":"250 2.6.0 Message received","reportingMTA":"a1-2.smtp-out.amazonses.com"}}
`, []eventWant{{"bob@example.net", parser.StatusSent, 250, "2.6.0", "", "Message received"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkEvents(t, parseString(t, tt.msg), "amazonses", exactEnhanced, tt.want) })
	}
}

func TestAmazonSESComplaint(t *testing.T) {
	msg := "From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\nx-amz-sns-message-id: 1\n\n" +
		`{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"bob@example.net"}],"complaintFeedbackType":"abuse"}}` + "\n"
	evs, err := Parse(strings.NewReader(msg), "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Recipient != "bob@example.net" || evs[0].Status != parser.StatusComplained || evs[0].Feedback != "abuse" {
		t.Fatalf("got %+v", evs)
	}
}
