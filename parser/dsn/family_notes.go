package dsn

import (
	"io"
	"strings"

	"bouncelens/parser"

	"github.com/emersion/go-message/charset"
)

// famNotes: bounces of the Lotus Notes SMTP gateway (before Domino wrote RFC
// 3464 reports). They are plain text from postmaster@..., Subject
// "Undeliverable message", often in ISO-2022-JP; the text is a
// "------- Failure Reasons --------" block with the reason line(s) and the
// failed addresses, then "------- Returned Message --------" and the
// original. Recognised by the subject with the Failure Reasons heading.
var famNotes = family{
	name:   "notes",
	detect: notesDetect,
	text:   notesText,
}

const (
	notesStart = "------- Failure Reasons"
	notesEnd   = "------- Returned Message"
)

func notesDetect(m *bounce) bool {
	if !hasPrefixFold(m.subject, "Undeliverable message") {
		return false
	}
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return strings.Contains(head, notesStart)
}

func notesText(m *bounce) []parser.Event {
	text, ok := afterLine(m.body, notesStart)
	if !ok {
		return nil
	}
	text, _ = beforeAny(text, notesEnd)
	text = notesDecode(text)
	var evs []parser.Event
	var reason []string
	afterAddr := false
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if a := findAddress(t); a != "" && strings.EqualFold(strings.Trim(t, "<>"), a) {
			if len(evs) < 100 {
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: strings.Join(reason, " ")})
			}
			afterAddr = true
			continue
		}
		if afterAddr {
			// A line after an address starts the next recipient's reason.
			reason, afterAddr = reason[:0], false
		}
		if len(reason) < 10 {
			reason = append(reason, t)
		}
	}
	return evs
}

// notesDecode decodes ISO-2022-JP text that reached us undecoded (a bounce
// that does not declare its charset); other text is returned as is.
func notesDecode(s string) string {
	if !strings.Contains(s, "\x1b$B") && !strings.Contains(s, "\x1b$@") {
		return s
	}
	r, err := charset.Reader("iso-2022-jp", strings.NewReader(s))
	if err != nil {
		return s
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(4*len(s)+16)))
	if err != nil {
		return s
	}
	return string(b)
}
