package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famEZweb: au by KDDI's EZweb mobile mail (ezweb.ne.jp). The bounce comes
// from Postmaster@ezweb.ne.jp with Subject "Mail System Error - Returned
// Mail", in ISO-2022-JP (sometimes mislabelled): a Japanese notice, then
// English: "Each of the following recipients was rejected by a remote mail
// server." (or "The user(s) account is disabled.", ...) and the recipients,
// either as "<bob@example.net>" lines or as "Recipient: <bob@example.net>"
// with the SMTP dialogue below (">>> RCPT TO:<...>", "<<< 550 ..."). The
// diagnostic is the remote reply when there is one, else the English
// sentences. Recognised by the From address and the Subject.
var famEZweb = family{
	name:   "ezweb",
	detect: ezwebDetect,
	text:   ezwebText,
}

func ezwebDetect(m *bounce) bool {
	return fromDomain(m, "ezweb.ne.jp") &&
		strings.HasPrefix(strings.ToLower(m.subject), "mail system error")
}

func ezwebText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "-----", "Received:", "Return-Path:")
	var evs []parser.Event
	var sentences []string
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
		case strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") || hasPrefixFold(t, "Recipient:"):
			if a := findAddress(t); a != "" {
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
			}
		case strings.HasPrefix(t, "<<<") && len(evs) > 0:
			ev := &evs[len(evs)-1]
			ev.Text = strings.TrimSpace(ev.Text + " " + strings.TrimSpace(t[3:]))
		case strings.HasPrefix(t, ">>>") && len(evs) > 0:
			ev := &evs[len(evs)-1]
			c := strings.ToUpper(strings.TrimSpace(t[3:]))
			switch {
			case strings.HasPrefix(c, "MAIL FROM"):
				ev.Command = "MAIL"
			case strings.HasPrefix(c, "RCPT TO"):
				ev.Command = "RCPT"
			case strings.HasPrefix(c, "DATA"):
				ev.Command = "DATA"
			}
		case ezwebASCII(t) && len(sentences) < 10:
			sentences = append(sentences, t)
		}
	}
	fallback := strings.Join(sentences, " ")
	for i := range evs {
		if evs[i].Text == "" {
			evs[i].Text = fallback
		}
	}
	return evs
}

// ezwebASCII reports whether s is printable ASCII text with a letter: the
// English sentences among the Japanese ones.
func ezwebASCII(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letter = true
		}
	}
	return letter
}
