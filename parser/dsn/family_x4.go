package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famX4: bounces of an unnamed qmail-based service (Sisimai's X4). From
// MAILER-DAEMON@host, Subject "failure notice", no report: "Your mail
// message to the following address(es) could not be delivered. This is a
// permanent error." then qmail's "<addr>:" paragraphs (diagnostics such as
// "child status 100...The e-mail message could not be delivered because
// the user's mailfolder is full.") and "--- Below this line is a copy of
// the message.". Recognised by the first sentence.
var famX4 = family{name: "x4", detect: x4Detect, text: x4Text}

func x4Detect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	// The sentence may be wrapped anywhere, hence the collapsed white space;
	// its one word "address(es)" must be in the text as it is, which spares
	// copying the text of other bounces.
	return containsFold(head, "address(es)") &&
		containsFold(strings.Join(strings.Fields(head), " "), "Your mail message to the following address(es) could not be delivered")
}

func x4Text(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, qmailCopyMarkers...)
	var evs []parser.Event
	for _, b := range qmailBlocks(text) {
		if b.addr == "" {
			continue
		}
		ev := parser.Event{Recipient: b.addr, Status: parser.StatusBounced, Text: strings.Join(b.lines, " ")}
		ev.Command = qmailStage(ev.Text)
		evs = append(evs, ev)
	}
	return evs
}
