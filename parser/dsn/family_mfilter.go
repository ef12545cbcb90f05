package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMFilter: bounces of Digital Arts m-FILTER, a Japanese mail gateway.
// They are plain text (ISO-2022-JP or UTF-8) with X-Mailer: m-FILTER and
// Subject "failure notice": a Japanese notice, the failed addresses one a
// line, then "-------server message" with the remote reply, "-------SMTP
// command" with the command it answered, and "-------original message" (or
// "-------original mail info"). Recognised by the X-Mailer with the
// "-------server message" heading.
var famMFilter = family{
	name:   "mfilter",
	detect: mfilterDetect,
	text:   mfilterText,
}

func mfilterDetect(m *bounce) bool {
	return strings.TrimSpace(m.header.Get("X-Mailer")) == "m-FILTER" && strings.Contains(m.body, "-------server message")
}

func mfilterText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "-------original")
	head, rest, ok := strings.Cut(text, "-------server message")
	if !ok {
		return nil
	}
	var diag, cmd string
	if msg, after, ok := strings.Cut(rest, "-------SMTP command"); ok {
		diag = msg
		for _, l := range strings.Split(after, "\n") {
			if t := strings.TrimSpace(l); t != "" {
				cmd = strings.ToUpper(strings.Fields(t)[0])
				break
			}
		}
	} else {
		diag = rest
	}
	diag = strings.Join(strings.Fields(diag), " ")
	var evs []parser.Event
	for _, l := range strings.Split(head, "\n") {
		t := strings.Trim(strings.TrimSpace(l), "<>")
		if a := findAddress(t); a != "" && strings.EqualFold(a, t) && len(evs) < 100 {
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: diag, Command: cmd})
		}
	}
	return evs
}
