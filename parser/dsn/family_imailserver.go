package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famIMailServer: bounces of Ipswitch IMail Server. From "Postmaster"
// <postmaster@domain>, Subject "Undeliverable Mail", X-Mailer "<SMTP32
// vN>", no report: one line per recipient, "<why>: addr" ("Unknown user:
// ...", "Invalid final delivery userid: ...", "Delivery failed 20
// attempts: ..."), possibly followed by the remote reply, then "Original
// message follows.". Recognised by the X-Mailer.
var famIMailServer = family{name: "imailserver", detect: imailserverDetect, text: imailserverText}

func imailserverDetect(m *bounce) bool {
	return strings.HasPrefix(strings.TrimSpace(m.header.Get("X-Mailer")), "<SMTP32 v")
}

func imailserverText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "Original message follows.", "Received:", "Return-Path:")
	var evs []parser.Event
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		i := strings.LastIndex(t, ": ")
		if i >= 0 && !strings.ContainsAny(strings.TrimSpace(t[i+2:]), " \t") && strings.Contains(t[i+2:], "@") {
			ev := parser.Event{Recipient: address(t[i+2:]), Status: parser.StatusBounced, Text: t}
			if hasPrefixFold(t, "Delivery failed") && containsFold(t, "attempts") {
				ev.Status = parser.StatusExpired
			}
			evs = append(evs, ev)
			continue
		}
		// The remote reply, on the lines after the recipient.
		if n := len(evs); n > 0 {
			evs[n-1].Text += " " + t
		}
	}
	return evs
}
