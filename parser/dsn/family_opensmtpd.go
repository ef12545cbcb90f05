package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famOpenSMTPD: OpenSMTPD's bounces (dsn.md section 6.7). From "Mailer
// Daemon <MAILER-DAEMON@host>", Subject "Delivery status notification:
// error" (or "delayed", "failed"), a text part indented by four spaces
// ("Hi!", "This is the MAILER-DAEMON, please DO NOT REPLY to this
// e-mail.", "An error has occurred while attempting to deliver a message
// for the following list of recipients:" or "A message is delayed for
// more than ..."), then one line per recipient at column 0, "addr:
// diagnostic", before "Below is a copy of the original message:". Newer
// versions add an RFC 3464 report with only a generic Status (4.0.0,
// 5.0.0) and no Diagnostic-Code: fix takes the diagnostic, and the
// enhanced code in it, from the text.
var famOpenSMTPD = family{name: "opensmtpd", detect: opensmtpdDetect, text: opensmtpdText, fix: opensmtpdFix}

func opensmtpdDetect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	if containsFold(head, "This is the MAILER-DAEMON, please DO NOT REPLY to this") {
		return true
	}
	return strings.HasPrefix(strings.ToLower(m.subject), "delivery status notification: ") &&
		strings.EqualFold(m.fromName, "Mailer Daemon") &&
		containsFold(head, "Below is a copy of the original message")
}

func opensmtpdText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "Below is a copy of the original message")
	status := parser.StatusBounced
	if containsFold(text, "A message is delayed for more than") || containsFold(text, "only a temporary failure report") {
		status = parser.StatusDeferred
	}
	var evs []parser.Event
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r \t")
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		addr, diag, ok := strings.Cut(l, ": ")
		if !ok || !strings.Contains(addr, "@") || strings.ContainsAny(addr, " \t") {
			continue
		}
		evs = append(evs, parser.Event{Recipient: address(addr), Status: status, Text: strings.TrimSpace(diag)})
	}
	return evs
}

// opensmtpdFix fills the report's events from the text: the diagnostic
// the report leaves out, and the codes in it.
func opensmtpdFix(m *bounce, evs []parser.Event) []parser.Event {
	tevs := opensmtpdText(m)
	textFor := textByRecipient(tevs)
	for i := range evs {
		ev := &evs[i]
		t := textFor(ev.Recipient)
		if ev.Text != "" || t == nil {
			continue
		}
		ev.Text = t.Text
		ev.Code = smtpcode.FindReply(ev.Text)
		ev.Enhanced = enhancedCode(ev.Enhanced, ev.Text, ev.Status, ev.Code)
	}
	return evs
}
