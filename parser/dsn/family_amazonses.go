package dsn

import (
	"encoding/json"
	"strings"
	"time"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famAmazonSES: Amazon SES (dsn.md 6.8). Its bounces come in two shapes:
//
//   - an RFC 3464 report from MAILER-DAEMON@[region.]amazonses.com or
//     @email-bounces.amazonses.com (Subject "Delivery Status Notification
//     (Failure)", Reporting-MTA a<NN>-<NN>.smtp-out.<region>.amazonses.com),
//     whose older Diagnostic-Code puts an SES reason before the remote reply:
//     "5.1.0 - Unknown address error 550-'5.2.2 <bob@...>... Mailbox Full'
//     (delivery attempts: 0)"; and expired messages that quote the last
//     reply in angle brackets: "554 4.4.7 Message expired: unable to deliver
//     in 840 minutes.<421 4.4.2 Connection timed out>";
//   - an SNS notification (From no-reply@sns.amazonaws.com, Subject "AWS
//     Notification Message", x-amz-sns-message-id header): a JSON
//     notification of type Bounce, Complaint or Delivery in a text/plain
//     body, bare or wrapped in the SNS envelope ("Type" : "Notification",
//     "Message" : "<escaped JSON>"), its long lines folded by the mailer.
//
// Recognised by the From domain (with a report part, SES's own text, or the
// JSON) or by the SNS header and a "notificationType" key in the body.
var famAmazonSES = family{
	name:   "amazonses",
	detect: amazonsesDetect,
	text:   amazonsesText,
	fix:    amazonsesFix,
}

func amazonsesDetect(m *bounce) bool {
	if m.header.Has("X-Amz-Sns-Message-Id") || strings.HasSuffix(m.from, "@sns.amazonaws.com") {
		return strings.Contains(m.body, `"notificationType"`) || strings.Contains(m.body, `\"notificationType\"`)
	}
	if !fromDomain(m, "amazonses.com") {
		return false
	}
	return len(m.reports) > 0 ||
		containsFold(m.body, "An error occurred while trying to deliver the mail to the following recipients") ||
		strings.Contains(m.body, `"notificationType"`)
}

// amazonsesNotification is the part of an SES event notification read here.
type amazonsesNotification struct {
	Type             string `json:"Type"`    // SNS envelope: "Notification"
	Message          string `json:"Message"` // SNS envelope: the notification, as a string
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"` // event publishing uses eventType
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp    string `json:"timestamp"`
		ReportingMTA string `json:"reportingMTA"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		Timestamp             string `json:"timestamp"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Delivery *struct {
		Timestamp    string   `json:"timestamp"`
		Recipients   []string `json:"recipients"`
		SMTPResponse string   `json:"smtpResponse"`
		ReportingMTA string   `json:"reportingMTA"`
	} `json:"delivery"`
	Mail *struct {
		MessageID     string `json:"messageId"`
		Source        string `json:"source"`
		CommonHeaders struct {
			MessageID string `json:"messageId"`
			Subject   string `json:"subject"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// amazonsesText reads an SNS notification from the body.
func amazonsesText(m *bounce) []parser.Event {
	n := amazonsesParse(m.body)
	if n == nil {
		return nil
	}
	if n.NotificationType == "" && n.Message != "" {
		if inner := amazonsesParse(n.Message); inner != nil {
			n = inner
		}
	}
	kind := n.NotificationType
	if kind == "" {
		kind = n.EventType
	}
	var evs []parser.Event
	switch {
	case strings.EqualFold(kind, "Bounce") && n.Bounce != nil:
		b := n.Bounce
		t := amazonsesTime(b.Timestamp)
		for _, r := range b.BouncedRecipients {
			ev := parser.Event{
				Recipient: address(r.EmailAddress),
				Text:      diagnosticText(r.DiagnosticCode),
				RemoteMTA: mtaName(b.ReportingMTA),
				Time:      t,
				Status:    actionStatus(r.Action),
			}
			if ev.Text == "" {
				ev.Text = amazonsesBounceText(b.BounceType, b.BounceSubType)
			}
			ev.Enhanced = enhancedCode(r.Status, ev.Text, ev.Status, smtpcode.FindReply(ev.Text))
			if ev.Status == parser.StatusUnknown {
				ev.Status = parser.StatusBounced
				if strings.EqualFold(b.BounceType, "Transient") {
					ev.Status = parser.StatusDeferred
				}
			}
			evs = append(evs, ev)
		}
	case strings.EqualFold(kind, "Complaint") && n.Complaint != nil:
		c := n.Complaint
		typ := strings.ToLower(strings.TrimSpace(c.ComplaintFeedbackType))
		if typ == "" {
			typ = "abuse"
		}
		for _, r := range c.ComplainedRecipients {
			evs = append(evs, parser.Event{
				Recipient: address(r.EmailAddress),
				Status:    parser.StatusComplained,
				Feedback:  typ,
				Time:      amazonsesTime(c.Timestamp),
			})
		}
	case strings.EqualFold(kind, "Delivery") && n.Delivery != nil:
		d := n.Delivery
		for _, r := range d.Recipients {
			evs = append(evs, parser.Event{
				Recipient: address(r),
				Status:    parser.StatusSent,
				Text:      strings.TrimSpace(d.SMTPResponse),
				RemoteMTA: mtaName(d.ReportingMTA),
				Time:      amazonsesTime(d.Timestamp),
			})
		}
	}
	if n.Mail != nil {
		for i := range evs {
			evs[i].MessageID = strings.Trim(strings.TrimSpace(n.Mail.CommonHeaders.MessageID), "<>")
			evs[i].Subject = n.Mail.CommonHeaders.Subject
			if s := address(n.Mail.Source); strings.Contains(s, "@") {
				evs[i].Sender = s
			}
		}
	}
	return evs
}

// amazonsesParse decodes the first JSON object in s, after undoing the
// folding of long lines (a line break followed by one space inserted
// anywhere, even inside a string). It returns nil when there is none.
func amazonsesParse(s string) *amazonsesNotification {
	i := strings.IndexByte(s, '{')
	if i < 0 {
		return nil
	}
	s = strings.NewReplacer("\r\n ", "", "\n ", "").Replace(s[i:])
	var n amazonsesNotification
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&n); err != nil {
		return nil
	}
	return &n
}

// amazonsesTime parses an SNS timestamp; zero if it cannot.
func amazonsesTime(v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}
	}
	return t
}

// amazonsesBounceText describes a bounce that carries no diagnostic code,
// from its bounceType and bounceSubType.
func amazonsesBounceText(typ, sub string) string {
	var what string
	switch strings.ToLower(sub) {
	case "noemail":
		what = "the recipient address does not exist"
	case "suppressed", "onaccountsuppressionlist":
		what = "the recipient address is on the suppression list"
	case "mailboxfull":
		what = "the recipient's mailbox is full"
	case "messagetoolarge":
		what = "the message is too large"
	case "contentrejected":
		what = "the message content was rejected"
	case "attachmentrejected":
		what = "the message attachment was rejected"
	}
	s := "Amazon SES bounce " + typ + "/" + sub
	if what != "" {
		s += ": " + what
	}
	return s
}

// amazonsesFix reads SES's own Diagnostic-Code forms: the quoted remote
// reply of older notices ("5.1.0 - Unknown address error 550-'5.2.2 ...'")
// and the last reply quoted in an expiry ("Message expired: ... <421 4.4.2
// Connection timed out>").
func amazonsesFix(m *bounce, evs []parser.Event) []parser.Event {
	for i := range evs {
		amazonsesInnerReply(&evs[i])
	}
	return evs
}

// amazonsesInnerReply replaces the code, enhanced code and text of ev by
// the remote reply that SES quotes inside its own diagnostic, when there is
// one.
func amazonsesInnerReply(ev *parser.Event) {
	t := ev.Text
	// "5.1.0 - Unknown address error 550-'5.2.2 <bob@...>... Mailbox Full' (delivery attempts: 0)"
	if i := strings.Index(t, " - "); i > 0 && i < 12 && smtpcode.FindEnhanced(t[:i], 0) != "" {
		rest := t[i+3:]
		j := strings.Index(rest, "-'")
		if j < 3 {
			return
		}
		code, _, _ := smtpcode.Parse(rest[j-3 : j])
		if code == 0 {
			return
		}
		reply := rest[j+2:]
		if k := strings.LastIndexByte(reply, '\''); k >= 0 {
			reply = reply[:k]
		}
		reply = strings.TrimSpace(reply)
		ev.Code = code
		if _, e, _ := smtpcode.Parse(reply); e != "" && e[0] == byte('0'+code/100) {
			ev.Enhanced = e
		}
		ev.Text = rest[j-3:j] + " " + reply
		return
	}
	// "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"
	if i := indexFold(t, "message expired"); i >= 0 {
		rest := t[i:]
		j := strings.IndexByte(rest, '<')
		if j < 0 {
			return
		}
		code, e, _ := smtpcode.Parse(strings.TrimSuffix(rest[j+1:], ">"))
		if code == 0 {
			return
		}
		ev.Code = code
		if e != "" && e[0] == byte('0'+code/100) {
			ev.Enhanced = e
		}
	}
}
