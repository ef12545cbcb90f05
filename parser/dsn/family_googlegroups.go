package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famGoogleGroups: Google Groups' refusal of a post to a group (dsn.md
// 6.10). The notice comes from "Mail Delivery Subsystem
// <mailer-daemon@googlemail.com>", X-Failed-Recipients names the group's
// address, and the plain-text body, written in the sender's language, says
// that the group may not exist or that the sender may not have permission
// to post to it, lists the likely causes and points to
// https://groups.google.com/support/; it is signed "Google Groups". There
// is no SMTP reply. Recognised by the From address and the Google Groups
// help link or signature in the text (the group's address is usually at
// googlegroups.com, but not for groups of a Workspace domain).
var famGoogleGroups = family{
	name:   "googlegroups",
	detect: googlegroupsDetect,
	text:   googlegroupsText,
}

func googlegroupsDetect(m *bounce) bool {
	if !gmailDetect(m) || len(m.reports) > 0 {
		return false
	}
	head, _ := beforeAny(m.body, gmailEndMarkers...)
	return strings.Contains(head, "groups.google.com/support") ||
		strings.Contains(head, "\nGoogle Groups")
}

// googlegroupsMeaning is what every translation of the notice says.
const googlegroupsMeaning = "Google Groups: the group you tried to contact may not exist, or you may not have permission to post messages to the group"

// googlegroupsText returns one event for the group in X-Failed-Recipients
// (else the address in the returned original's To). The text is the
// English sentence of the notice when it is there, else its meaning.
func googlegroupsText(m *bounce) []parser.Event {
	var rcpts []string
	for _, r := range strings.Split(m.header.Get("X-Failed-Recipients"), ",") {
		if a := findAddress(r); a != "" {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		if to := originalOf(m.orig).to; to != "" {
			rcpts = append(rcpts, to)
		}
	}
	text := googlegroupsMeaning
	if i := indexFold(m.body, "We're writing to let you know that the group"); i >= 0 {
		text = gmailParagraph(m.body[i:])
	}
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Text: text})
	}
	return evs
}
