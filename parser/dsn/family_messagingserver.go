package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMessagingServer: bounces of Oracle (Sun, iPlanet) Communications
// Messaging Server. A multipart/report with boundary "Boundary_(ID_...)",
// a text part "This report relates to a message you sent with the
// following header fields:", then "Your message cannot be delivered to the
// following recipients:" and, per recipient, indented "Recipient address:
// addr", "Reason: <why>", optional "Diagnostic code: smtp; 550 ..." and
// "Remote system: dns; host". The report's Status carries the reason in a
// comment ("4.2.2 (Over quota)") and often has no Diagnostic-Code: fix
// takes the text's diagnostic, or its Reason. Without a report, text
// reads the same list.
var famMessagingServer = family{name: "messagingserver", detect: messagingserverDetect, text: messagingserverText, fix: messagingserverFix}

func messagingserverDetect(m *bounce) bool {
	if strings.Contains(m.header.Get("Content-Type"), "Boundary_(ID_") {
		return true
	}
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return containsFold(head, "This report relates to a message you sent with the following header fields:") &&
		containsFold(head, "Recipient address:")
}

func messagingserverText(m *bounce) []parser.Event {
	status := parser.StatusBounced
	if containsFold(m.body, "will continue to try to deliver your message") {
		status = parser.StatusDeferred
	}
	var evs []parser.Event
	var reason, diag []string
	flush := func() {
		if n := len(evs); n > 0 {
			switch {
			case len(diag) > 0:
				evs[n-1].Text = strings.Join(diag, " ")
			default:
				evs[n-1].Text = strings.Join(reason, " ")
			}
		}
		reason, diag = nil, nil
	}
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case hasPrefixFold(t, "Recipient address:"):
			flush()
			evs = append(evs, parser.Event{Recipient: address(t[len("Recipient address:"):]), Status: status})
		case len(evs) == 0:
		case hasPrefixFold(t, "Original address:"):
			evs[len(evs)-1].OrigRecipient = address(t[len("Original address:"):])
		case hasPrefixFold(t, "Reason:"):
			reason = append(reason, strings.TrimSpace(t[len("Reason:"):]))
		case hasPrefixFold(t, "Diagnostic code:"):
			diag = append(diag, diagnosticText(t[len("Diagnostic code:"):]))
		case hasPrefixFold(t, "Remote system:"):
			evs[len(evs)-1].RemoteMTA = mtaName(t[len("Remote system:"):])
		}
	}
	flush()
	return evs
}

// messagingserverFix gives the report's events without a Diagnostic-Code
// the text's diagnostic for the same recipient.
func messagingserverFix(m *bounce, evs []parser.Event) []parser.Event {
	var textFor func(rcpt string) *parser.Event
	for i := range evs {
		ev := &evs[i]
		if ev.Text != "" {
			continue
		}
		if textFor == nil {
			textFor = textByRecipient(messagingserverText(m))
		}
		if t := textFor(ev.Recipient); t != nil {
			ev.Text = t.Text
			if ev.RemoteMTA == "" {
				ev.RemoteMTA = t.RemoteMTA
			}
		}
	}
	return evs
}
