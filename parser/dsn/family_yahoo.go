package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famYahoo: Yahoo! Mail's own bounces (dsn.md 5, qmail-style): From
// MAILER-DAEMON@yahoo.com (or another Yahoo domain), Subject "Failure
// Notice", and a plain-text body "Sorry, we were unable to deliver your
// message to the following address." followed, for each recipient, by
// "<bob@example.net>:" and the reason ("Remote host said:", the remote
// reply and a "[RCPT_TO]" style note of the SMTP stage; or Yahoo's own
// words, "Unable to deliver message after multiple retries, giving up."),
// up to "--- Below this line is a copy of the message.". Recognised by
// Yahoo's opening sentence (also seen from other senders relaying Yahoo's
// text) or the From address with a Failure Notice subject. Current Yahoo
// bounces are RFC 3464 reports and need nothing more.
var famYahoo = family{
	name:   "yahoo",
	detect: yahooDetect,
	text:   yahooText,
}

// yahooOpening is the first sentence of Yahoo's text bounces.
const yahooOpening = "Sorry, we were unable to deliver your message to the following address"

func yahooDetect(m *bounce) bool {
	head := m.body
	if len(head) > 2048 {
		head = head[:2048]
	}
	if strings.Contains(head, yahooOpening) {
		return true
	}
	local, domain, _ := strings.Cut(m.from, "@")
	return local == "mailer-daemon" && (domain == "yahoo.com" || strings.HasPrefix(domain, "yahoo.") ||
		strings.HasSuffix(domain, ".yahoo.com") || domain == "yahoo-inc.com") &&
		strings.EqualFold(m.subject, "Failure Notice") && len(m.reports) == 0
}

// yahooText reads the "<address>:" blocks after Yahoo's opening sentence.
func yahooText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "--- Below this line is a copy of the message")
	if rest, ok := afterLine(text, yahooOpening); ok {
		text = rest
	}
	var evs []parser.Event
	var diag []string
	flush := func() {
		if len(evs) == 0 {
			return
		}
		ev := &evs[len(evs)-1]
		t := strings.Join(diag, " ")
		diag = diag[:0]
		// "[RCPT_TO]", "[MAIL_FROM]", "[DATA]" name the SMTP stage.
		if i := strings.LastIndexByte(t, '['); i >= 0 && strings.HasSuffix(t, "]") {
			switch strings.ToUpper(t[i+1 : len(t)-1]) {
			case "RCPT_TO":
				ev.Command = "RCPT"
			case "MAIL_FROM":
				ev.Command = "MAIL"
			case "DATA", "END_OF_DATA":
				ev.Command = "DATA"
			case "CONNECT", "CONN":
				ev.Command = "CONN"
			case "EHLO", "HELO":
				ev.Command = "EHLO"
			}
		}
		t = strings.TrimSpace(strings.TrimPrefix(t, "Remote host said:"))
		// "550: <bob@example.net>: User unknown": a reply code with a colon.
		if len(t) > 4 && t[3] == ':' {
			if code, _, _ := smtpcode.Parse(t[:3]); code != 0 {
				ev.Code = code
			}
		}
		ev.Text = t
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">:") {
			if a := findAddress(t); a != "" {
				flush()
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
				continue
			}
		}
		if t != "" && len(evs) > 0 {
			diag = append(diag, t)
		}
	}
	flush()
	return evs
}
