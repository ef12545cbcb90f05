package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famX1: bounces of an unnamed Japanese MTA (Sisimai's X1, Mail2000-like).
// From "Mail Deliver System" <MAILER-DAEMON>, Subject "Returned Mail:
// <why>", no report: the text "The original message was received at ..."
// then "---The following addresses had delivery errors---" and one line
// per recipient, "addr [why]". Recognised by that heading (no spaces
// between the dashes and the words, unlike Sendmail's).
var famX1 = family{name: "x1", detect: x1Detect, text: x1Text}

// x1Heading introduces the list of failed recipients.
const x1Heading = "---The following addresses had delivery errors---"

func x1Detect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return containsFold(head, x1Heading)
}

func x1Text(m *bounce) []parser.Event {
	rest, ok := afterLine(m.body, x1Heading)
	if !ok {
		return nil
	}
	var evs []parser.Event
	for _, l := range strings.Split(rest, "\n") {
		t := strings.TrimSpace(l)
		if t == "" && len(evs) == 0 {
			continue
		}
		if t == "" || strings.HasPrefix(t, "--") {
			break
		}
		addr, why, _ := strings.Cut(t, " ")
		if !strings.Contains(addr, "@") {
			continue
		}
		why = strings.TrimSpace(why)
		why = strings.TrimSuffix(strings.TrimPrefix(why, "["), "]")
		evs = append(evs, parser.Event{Recipient: address(addr), Status: parser.StatusBounced, Text: why})
	}
	return evs
}
