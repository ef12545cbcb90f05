package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famApacheJames: bounces of Apache James. A text part "Error: <why>",
// "Error message below:" and the remote reply, then "Message details:"
// with the envelope ("MAIL FROM: ...", "RCPT TO: addr"). Message-ID
// "<...JavaMail...>" or a Received field naming "JAMES SMTP Server";
// recognised by those with the "Error message below:" heading.
var famApacheJames = family{name: "apachejames", detect: apachejamesDetect, text: apachejamesText}

func apachejamesDetect(m *bounce) bool {
	head := m.body
	if len(head) > 3000 {
		head = head[:3000]
	}
	if !containsFold(head, "Error message below:") || !containsFold(head, "Message details:") {
		return false
	}
	if strings.Contains(m.header.Get("Message-Id"), ".JavaMail.") {
		return true
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, "JAMES SMTP Server") {
			return true
		}
	}
	return strings.HasPrefix(strings.ToLower(m.subject), "[bounce]")
}

func apachejamesText(m *bounce) []parser.Event {
	var errs, rcpts []string
	inError := false
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case hasPrefixFold(t, "Error message below:"):
			inError = true
		case hasPrefixFold(t, "Message details:"):
			inError = false
		case inError && t != "":
			errs = append(errs, t)
		case hasPrefixFold(t, "RCPT TO:"):
			for _, f := range strings.Fields(t[len("RCPT TO:"):]) {
				if a := findAddress(f); a != "" {
					rcpts = append(rcpts, a)
				}
			}
		}
	}
	text := strings.Join(errs, " ")
	var evs []parser.Event
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Text: text})
	}
	return evs
}
