package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famX3: bounces of an unnamed MTA (Sisimai's X3). From "Mail Delivery
// System <Mail.Delivery.System@host>", Subject "Delivery status
// notification", a text part framed by lines of '=': "This is an
// automatically generated Delivery Status Notification.", "Delivery to
// the following recipients failed permanently:" (or "... was aborted after
// N hour(s):"), the recipients as "* addr", then "Technical details:" and
// the diagnostic ("SMTP:RCPT host 192.0.2.1: 553 5.3.0 ..."). Recognised
// by the sender's local part, or the banner with the "Technical details:"
// heading.
var famX3 = family{name: "x3", detect: x3Detect, text: x3Text}

func x3Detect(m *bounce) bool {
	local, _, _ := strings.Cut(m.from, "@")
	head := m.body
	if len(head) > 3000 {
		head = head[:3000]
	}
	if !containsFold(head, "Technical details:") {
		return false
	}
	return local == "mail.delivery.system" ||
		containsFold(head, "This is an automatically generated Delivery Status Notification.") && strings.Contains(head, "=====")
}

func x3Text(m *bounce) []parser.Event {
	var rcpts, diag []string
	status := parser.StatusBounced
	inDetails := false
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "====="):
			if inDetails && len(diag) > 0 {
				inDetails = false
			}
		case strings.HasPrefix(t, "Technical details:"):
			inDetails = true
		case containsFold(t, "following recipients") && containsFold(t, "aborted"):
			status = parser.StatusExpired
		case strings.HasPrefix(t, "* ") && strings.Contains(t, "@") && !inDetails:
			rcpts = append(rcpts, findAddress(t))
		case inDetails && t != "":
			diag = append(diag, t)
		}
		if strings.HasPrefix(t, "Content-Type:") {
			break
		}
	}
	text := strings.Join(diag, " ")
	var cmd, remote string
	// "SMTP:RCPT host 192.0.2.1: 553 ..."
	if hasPrefixFold(text, "SMTP:") {
		c, rest, _ := strings.Cut(text[len("SMTP:"):], " ")
		cmd = smtpcode.Stage("after " + c)
		if strings.EqualFold(c, "RCPT") {
			cmd = "RCPT"
		}
		if h, r, ok := strings.Cut(rest, ": "); ok && hasPrefixFold(h, "host ") {
			remote, text = strings.TrimSpace(h[len("host "):]), r
		}
	}
	var evs []parser.Event
	for _, r := range rcpts {
		if r != "" {
			evs = append(evs, parser.Event{Recipient: r, Status: status, Text: text, Command: cmd, RemoteMTA: remote})
		}
	}
	return evs
}
