package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famKDDI: KDDI's au one net (dion.ne.jp, auone-net.jp) mail servers. The
// bounce comes from no-reply@<...>.dion.ne.jp (Message-ID at
// auone-net.jp), Subject "メールエラー通知" or "Mail", and a text part with a
// Japanese notice and then
//
//	Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900
//	     Could not be delivered to: <bob@example.net>
//	     As their mailbox is full.
//
// The line after the address is the reason. Recognised by the From domain
// or the Message-ID domain and the "Could not be delivered to:" line.
var famKDDI = family{
	name:   "kddi",
	detect: kddiDetect,
	text:   kddiText,
}

func kddiDetect(m *bounce) bool {
	kddi := fromDomain(m, "dion.ne.jp") ||
		strings.HasSuffix(strings.ToLower(strings.TrimRight(m.header.Get("Message-Id"), "> \t")), "auone-net.jp")
	return kddi && len(m.reports) == 0 && strings.Contains(m.body, "Could not be delivered to:")
}

func kddiText(m *bounce) []parser.Event {
	var evs []parser.Event
	lines := strings.Split(m.body, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if !hasPrefixFold(t, "Could not be delivered to:") {
			continue
		}
		a := findAddress(t)
		if a == "" {
			continue
		}
		ev := parser.Event{Recipient: a, Status: parser.StatusBounced}
		for _, next := range lines[i+1:] {
			n := strings.TrimSpace(next)
			if n == "" || hasPrefixFold(n, "Could not be delivered to:") || hasPrefixFold(n, "Your mail sent on:") {
				break
			}
			ev.Text = strings.TrimSpace(ev.Text + " " + n)
		}
		evs = append(evs, ev)
	}
	return evs
}
