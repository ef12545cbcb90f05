package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMcAfee: bounces of the McAfee Email and Web Security Appliance. They
// carry "X-NAI-Header: Modified by McAfee ..." and Subject "Delivery
// Status", and are multipart/mixed with a text attachment
// "deliveryproblems.txt" listing "<bob@example.net>   (<reason>)" and a
// message/delivery-status attachment without Status. Recognised by the
// X-NAI-Header with the subject; the text decoder reads the list when the
// report is missing.
var famMcAfee = family{
	name:   "mcafee",
	detect: mcafeeDetect,
	text:   mcafeeText,
}

func mcafeeDetect(m *bounce) bool {
	return strings.Contains(m.header.Get("X-Nai-Header"), "Modified by McAfee") && m.subject == "Delivery Status"
}

func mcafeeText(m *bounce) []parser.Event {
	var evs []parser.Event
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "<") || len(evs) >= 100 {
			continue
		}
		addr, rest, ok := strings.Cut(t, ">")
		a := findAddress(addr)
		if !ok || a == "" {
			continue
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "(") {
			rest = strings.TrimSuffix(rest[1:], ")")
		}
		evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: rest})
	}
	return evs
}
