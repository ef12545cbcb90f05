package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famDragonFly: bounces of DragonFly Mail Agent (dma), the MTA of
// DragonFly BSD (the file is not family_dragonfly.go: a _dragonfly suffix
// is a GOOS build constraint). From "MAILER-DAEMON <>", Subject "Mail
// delivery failed", a plain-text body "This is the DragonFly Mail Agent
// vX at host." then "There was an error delivering your mail to <addr>.",
// the diagnostic ("mx.example.net [192.0.2.1] did not like our RCPT TO:"
// and the remote reply, or dma's own "Could not deliver for the last N
// seconds. Giving up."), and the returned message after "Original message
// follows." or "Message headers follow." One recipient per bounce.
// Recognised by the first sentence or a Received field "(DragonFly Mail
// Agent".
var famDragonFly = family{name: "dragonfly", detect: dragonflyDetect, text: dragonflyText}

func dragonflyDetect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	if containsFold(head, "This is the DragonFly Mail Agent") {
		return true
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, "(DragonFly Mail Agent") && strings.HasPrefix(m.from, "mailer-daemon") {
			return true
		}
	}
	return false
}

// dragonflyRcptLine introduces the failed recipient.
const dragonflyRcptLine = "There was an error delivering your mail to"

func dragonflyText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "Original message follows.", "Message headers follow.")
	i := indexFold(text, dragonflyRcptLine)
	if i < 0 {
		return nil
	}
	rest := text[i+len(dragonflyRcptLine):]
	line, diag, _ := strings.Cut(rest, "\n")
	rcpt := findAddress(line)
	if rcpt == "" {
		return nil
	}
	diag = strings.Join(strings.Fields(diag), " ")
	ev := parser.Event{Recipient: rcpt, Status: parser.StatusBounced, Text: diag}
	// "mx.example.net [192.0.2.1] did not like our RCPT TO: 550 ..."
	if j := strings.Index(diag, " did not like our "); j >= 0 {
		ev.RemoteMTA = token(diag[:j])
		after := diag[j+len(" did not like our "):]
		if k := strings.Index(after, ":"); k >= 0 {
			cmd := strings.ToUpper(strings.TrimSpace(after[:k]))
			switch {
			case strings.HasPrefix(cmd, "RCPT"):
				ev.Command = "RCPT"
			case strings.HasPrefix(cmd, "MAIL"):
				ev.Command = "MAIL"
			case strings.Contains(cmd, "DATA"):
				ev.Command = "DATA"
			case strings.HasPrefix(cmd, "EHLO") || strings.HasPrefix(cmd, "HELO"):
				ev.Command = "EHLO"
			}
			ev.Text = strings.TrimSpace(after[k+1:])
		}
	}
	if containsFold(diag, "Could not deliver for the last") {
		ev.Status = parser.StatusExpired
	}
	return []parser.Event{ev}
}
