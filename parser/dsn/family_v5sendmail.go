package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famV5Sendmail: bounces of Sendmail before version 8 (and of its old
// clones). From "Mail Delivery Subsystem <MAILER-DAEMON@...>", Subject
// "Returned mail: <why>", no MIME report and no list of failed addresses:
// only "----- Transcript of session follows -----", where each failed
// recipient is a line "554 <addr>... <why>", after the session it failed
// in ("While talking to host:", ">>> command", "<<< reply"), and the
// returned message after "----- Unsent message follows -----". The
// diagnostic of a recipient is the remote reply of its session when there
// is one, else the text of its own line.
var famV5Sendmail = family{name: "v5sendmail", detect: v5sendmailDetect, text: v5sendmailText}

func v5sendmailDetect(m *bounce) bool {
	if len(m.reports) > 0 {
		return false
	}
	head := m.body
	if len(head) > 4000 {
		head = head[:4000]
	}
	return containsFold(head, "----- Transcript of session follows -----") &&
		!containsFold(head, "following addresses had") &&
		(containsFold(head, "----- Unsent message follows -----") || strings.HasPrefix(strings.ToLower(m.subject), "returned mail:"))
}

func v5sendmailText(m *bounce) []parser.Event {
	text, ok := afterLine(m.body, "----- Transcript of session follows -----")
	if !ok {
		return nil
	}
	text, _ = beforeAny(text, "----- Unsent message follows", "----- Original message follows", "Received:", "Return-Path:")
	var evs []parser.Event
	var reply []string // the remote reply of the current session, until a recipient takes it
	var cmd, remote string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case hasPrefixFold(t, "While talking to "):
			reply, cmd = nil, ""
			remote = strings.TrimSuffix(strings.TrimSpace(t[len("While talking to "):]), ":")
		case strings.HasPrefix(t, ">>> "):
			cmd = smtpcode.Stage("after " + strings.TrimSpace(t[4:]))
			reply = nil
		case strings.HasPrefix(t, "<<< "):
			reply = append(reply, strings.TrimSpace(t[4:]))
		default:
			// "554 <addr>... why"
			code, _, rest := smtpcode.Parse(t)
			i := strings.Index(rest, "... ")
			if code == 0 || i < 0 || !strings.HasPrefix(rest, "<") || !strings.Contains(rest[:i], "@") {
				continue
			}
			ev := parser.Event{Recipient: findAddress(rest[:i]), Status: parser.StatusBounced, RemoteMTA: remote}
			if len(reply) > 0 {
				ev.Text, ev.Command = strings.Join(reply, " "), cmd
				reply = nil
			} else {
				ev.Text = strings.TrimSpace(rest[i+4:])
			}
			if code/100 == 4 {
				ev.Status = parser.StatusDeferred
			}
			evs = append(evs, ev)
		}
	}
	return evs
}
