package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famX2: bounces of an unnamed qmail-derived MTA (Sisimai's X2; old
// Yahoo-hosted domains). From MAILER-DAEMON@domain, Subject "Delivery
// failure", "failed delivery" or "Permanent Delivery Failure", no report:
// "Message from <domain>." then "Unable to deliver message to the
// following address(es).", each address as "<addr>:" followed by the
// diagnostic, and the returned message after "--- Original message
// follows.". Recognised by the second sentence from a daemon sender.
var famX2 = family{name: "x2", detect: x2Detect, text: x2Text}

func x2Detect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	local, _, _ := strings.Cut(m.from, "@")
	return (local == "mailer-daemon" || local == "postmaster") &&
		containsFold(head, "Unable to deliver message to the following address(es).")
}

func x2Text(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "--- Original message follows", "--- Below this line is a copy")
	var evs []parser.Event
	for _, b := range qmailBlocks(text) {
		if b.addr == "" {
			continue
		}
		ev := parser.Event{Recipient: b.addr, Status: parser.StatusBounced, Text: strings.Join(b.lines, " ")}
		if containsFold(ev.Text, "in the queue too long") {
			ev.Status = parser.StatusExpired
		}
		evs = append(evs, ev)
	}
	return evs
}
