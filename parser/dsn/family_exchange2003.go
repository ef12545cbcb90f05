package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famExchange2003: non-delivery reports of Microsoft Exchange 5.5 to 2003
// (Internet Mail Service / Internet Mail Connector) (dsn.md 6.10). They are
// plain text, or multipart/mixed with a text part and the original, from
// "System Administrator" <postmaster@...>, with Subject "Undeliverable: ...".
// The text reads "Your message ... did not reach the following
// recipient(s):" (IMC: "The following recipient(s) could not be
// reached:"), then per recipient "bob@example.net on <date>" followed by
// indented explanation lines such as "The recipient name is not recognized",
// "MSEXCH:IMS:...(000C05A6)" and "Unknown Recipient". Recognised by the
// X-MS-Embedded-Report field, or by an X-Mailer / Received / X-MimeOLE of
// Internet Mail Service or Exchange with that sentence in the text.
var famExchange2003 = family{
	name:   "exchange2003",
	detect: exchange2003Detect,
	text:   exchange2003Text,
}

// exchange2003Starts are the sentences that introduce the recipient list.
var exchange2003Starts = []string{
	"did not reach the following recipient", "could not be reached:",
}

func exchange2003Detect(m *bounce) bool {
	if m.header.Has("X-Ms-Embedded-Report") {
		return true
	}
	mailer := m.header.Get("X-Mailer")
	ms := strings.Contains(mailer, "Internet Mail Service") || strings.Contains(mailer, "Internet Mail Connector") ||
		strings.HasPrefix(m.header.Get("X-Mimeole"), "Produced By Microsoft Exchange")
	if !ms {
		for i, r := range m.header.Values("Received") {
			if i >= 4 {
				break
			}
			if strings.Contains(r, " with Internet Mail Service (") || strings.Contains(r, "Microsoft Exchange Server Internet Mail Connector") {
				ms = true
				break
			}
		}
	}
	if !ms {
		return false
	}
	head := m.body
	if len(head) > 4000 {
		head = head[:4000]
	}
	for _, s := range exchange2003Starts {
		if containsFold(head, s) {
			return true
		}
	}
	return false
}

func exchange2003Text(m *bounce) []parser.Event {
	text := ""
	for _, s := range exchange2003Starts {
		if t, ok := afterLine(m.body, s); ok {
			text = t
			break
		}
	}
	if text == "" {
		return nil
	}
	text, _ = beforeAny(text, originalMarkers...)
	var evs []parser.Event
	done, lines := false, 0 // the current entry's explanation ended; its lines
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if a, ok := exchange2003Recipient(t); ok {
			if len(evs) >= 100 {
				break
			}
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
			done, lines = false, 0
			continue
		}
		switch {
		case len(evs) == 0 || done:
		case t == "":
			done = lines > 0
		case lines < 10:
			ev := &evs[len(evs)-1]
			if ev.Text != "" {
				ev.Text += " "
			}
			ev.Text += t
			lines++
		}
	}
	return evs
}

// exchange2003Recipient reads "bob@example.net on <date>".
func exchange2003Recipient(l string) (string, bool) {
	addr, rest, ok := strings.Cut(l, " on ")
	if !ok && !strings.Contains(l, " ") {
		addr = l
	}
	addr = strings.Trim(addr, "<>")
	if a := findAddress(addr); a != "" && strings.EqualFold(a, addr) && (ok && rest != "" || !ok) {
		return a, true
	}
	return "", false
}
