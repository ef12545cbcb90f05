package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMXLogic: bounces of MX Logic (McAfee SaaS Email Protection), an Exim
// derivative. They come from "Mail Delivery System"
// <MAILER-DAEMON@*.mxlogic.net> (or a customer relay) with Subject "Mail
// delivery failed", a Message-Id "<mxl~...>" and the fields X-MX-Bounce /
// X-MXL-NoteHash; the plain text says "The following address(es) failed:"
// followed by "<bob@example.net>: 550 ..." lines, and "Included is a copy
// of the message header:". Recognised by those header marks.
var famMXLogic = family{
	name:   "mxlogic",
	detect: mxlogicDetect,
	text:   mxlogicText,
}

func mxlogicDetect(m *bounce) bool {
	if m.header.Has("X-Mxl-Notehash") || m.header.Has("X-Mx-Bounce") {
		return true
	}
	if strings.HasPrefix(strings.TrimSpace(m.header.Get("Message-Id")), "<mxl~") {
		return true
	}
	return strings.HasSuffix(m.from, ".mxlogic.net") && hasPrefixFold(m.subject, "Mail delivery failed")
}

func mxlogicText(m *bounce) []parser.Event {
	text := ""
	for _, mk := range []string{"following addresses failed:", "following address failed:", "could not be delivered to one or more"} {
		if t, ok := afterLine(m.body, mk); ok {
			text = t
			break
		}
	}
	if text == "" {
		return nil
	}
	text, _ = beforeAny(text, "Included is a copy", "------ This is a copy")
	var evs []parser.Event
	seen := map[string]bool{}
	cur := -1
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			cur = -1
			continue
		}
		if a, rest, ok := mxlogicRecipient(t); ok {
			if seen[strings.ToLower(a)] && rest == "" || len(evs) >= 100 {
				cur = -1
				continue
			}
			seen[strings.ToLower(a)] = true
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: rest})
			cur = len(evs) - 1
			continue
		}
		if cur >= 0 && len(evs[cur].Text) < 1000 {
			evs[cur].Text = strings.TrimSpace(evs[cur].Text + " " + t)
		}
	}
	return evs
}

// mxlogicRecipient reads "<bob@example.net>: reply" or a bare address line.
func mxlogicRecipient(l string) (addr, rest string, ok bool) {
	head, rest, _ := strings.Cut(l, ": ")
	if strings.HasSuffix(l, ":") && !strings.Contains(l, ": ") {
		head, rest = strings.TrimSuffix(l, ":"), ""
	}
	head = strings.TrimSpace(head)
	a := findAddress(head)
	if a == "" || !strings.EqualFold(strings.Trim(head, "<>"), a) {
		return "", "", false
	}
	return a, strings.TrimSpace(rest), true
}
