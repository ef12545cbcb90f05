package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famCourier: the Courier mail server's bounces (dsn.md section 6.6).
// Message-ID "<courier.HEX.HEX@host>", boundary "=_courier_N", Subject
// "NOTICE: mail delivery status." or "WARNING: delayed mail.", a text part
// "This is a delivery status notification from host, running the Courier
// mail server" with "UNDELIVERABLE MAIL" or "DELAYS IN DELIVERING YOUR
// MESSAGE", each recipient "<addr>:" followed by the remote host and a
// transcript (">>> RCPT TO:<...>", "<<< 550 ..."), and an RFC 3464 report
// (Status often 5.0.0, the real reply in Diagnostic-Code). The report is
// read; fix adds the SMTP command from the transcript, and text reads the
// list when there is no report.
var famCourier = family{name: "courier", detect: courierDetect, text: courierText, fix: courierFix}

func courierDetect(m *bounce) bool {
	if strings.HasPrefix(strings.Trim(m.header.Get("Message-Id"), " <"), "courier.") ||
		strings.Contains(m.header.Get("Content-Type"), "=_courier_") {
		return true
	}
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return containsFold(head, "running the Courier mail server") || strings.Contains(m.fromName, "Courier mail server at")
}

func courierText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "If your message was also sent to additional recipients",
		"The original message follows")
	status := parser.StatusBounced
	if containsFold(text, "DELAYS IN DELIVERING YOUR MESSAGE") {
		status = parser.StatusDeferred
	}
	var evs []parser.Event
	var reply []string
	var cmd string
	flush := func() {
		if n := len(evs); n > 0 && len(reply) > 0 {
			evs[n-1].Text = strings.Join(reply, " ")
			evs[n-1].Command = cmd
		}
		reply, cmd = nil, ""
	}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r \t")
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "<") && strings.HasSuffix(l, ">:") && strings.Contains(l, "@"):
			flush()
			evs = append(evs, parser.Event{Recipient: findAddress(l), Status: status})
		case len(evs) == 0:
		case strings.HasPrefix(t, ">>> "):
			cmd = smtpcode.Stage("after " + t[4:])
			reply = nil
		case strings.HasPrefix(t, "<<< "):
			reply = append(reply, t[4:])
		case strings.HasPrefix(t, "-----"):
			flush()
		case strings.HasSuffix(t, "]:") && len(reply) == 0:
			// "mx.example.net [192.0.2.1]:"
			evs[len(evs)-1].RemoteMTA = token(t)
		}
	}
	flush()
	return evs
}

// courierFix adds the SMTP command of the transcript to the report's
// events, and its diagnostic where the report has none.
func courierFix(m *bounce, evs []parser.Event) []parser.Event {
	tevs := courierText(m)
	textFor := textByRecipient(tevs)
	for i := range evs {
		ev := &evs[i]
		t := textFor(ev.Recipient)
		if t == nil {
			continue
		}
		if ev.Text == "" {
			ev.Text = t.Text
		}
		if ev.Command == "" {
			ev.Command = t.Command
		}
	}
	return evs
}
