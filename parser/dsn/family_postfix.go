package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famPostfix: Postfix's bounces (dsn.md section 3). From
// "MAILER-DAEMON@host (Mail Delivery System)", Subject "Undelivered Mail
// Returned to Sender" or "Delayed Mail (still being retried)", a text part
// "This is the Postfix program at host ..." / "This is the mail system at
// host ..." listing "<addr>: diagnostic" (continuation lines indented),
// and an RFC 3464 report with X-Postfix-Queue-ID. The report is what is
// read; text reads the list when the report is missing or was flattened
// into the text (a bounce forwarded inline), and the transcript of
// Postfix's "errors from <client>" notices to the postmaster. fix takes
// the reply code Postfix's "... server refused to talk to me: 421 ..."
// carries without a "said:".
var famPostfix = family{name: "postfix", detect: postfixDetect, text: postfixText, fix: postfixFix}

// famPostfixReport is famPostfix recognised by its report fields alone
// (X-Postfix-Queue-ID, X-Postfix-Sender), tried before every other family.
var famPostfixReport = family{name: "postfix", detect: postfixReportDetect, text: postfixText, fix: postfixFix}

func postfixReportDetect(m *bounce) bool {
	for _, r := range m.reports {
		if indexFold(string(r[:min(len(r), 2000)]), "X-Postfix-") >= 0 {
			return true
		}
	}
	return false
}

func postfixDetect(m *bounce) bool {
	if postfixReportDetect(m) {
		return true
	}
	head := m.body
	if len(head) > 3000 {
		head = head[:3000]
	}
	if containsFold(head, "This is the Postfix program at host") {
		return true
	}
	local, _, _ := strings.Cut(m.from, "@")
	if local != "mailer-daemon" {
		return false
	}
	subj := strings.ToLower(m.subject)
	switch {
	case strings.HasPrefix(subj, "undelivered mail returned to sender"),
		strings.HasPrefix(subj, "delayed mail (still being retried)"),
		strings.HasPrefix(subj, "postfix smtp server: errors from"),
		strings.HasPrefix(subj, "mail delivery status report"),
		strings.HasPrefix(subj, "successful mail delivery report"):
		return true
	}
	return containsFold(head, "This is the mail system at host")
}

func postfixText(m *bounce) []parser.Event {
	if evs := postfixTranscript(m); len(evs) > 0 {
		return evs
	}
	if evs := inlineReport(m); len(evs) > 0 {
		return postfixFix(m, evs)
	}
	text, _ := beforeAny(m.body, "--- Delivery report unavailable", "Content-Description: Undelivered Message",
		"Content-Type: message/rfc822", "Content-Type: text/rfc822-headers", "Received:", "Return-Path:")
	status := parser.StatusBounced
	switch subj := strings.ToLower(m.subject); {
	case strings.HasPrefix(subj, "delayed mail"):
		status = parser.StatusDeferred
	case strings.HasPrefix(subj, "successful mail delivery"):
		status = parser.StatusSent
	}
	var evs []parser.Event
	var cur *parser.Event
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			cur = nil
		case strings.HasPrefix(l, "<"):
			end := strings.IndexByte(l, '>')
			if end < 0 || !strings.Contains(l[:end], "@") {
				cur = nil
				continue
			}
			evs = append(evs, parser.Event{Recipient: findAddress(l[:end+1]), Status: status})
			cur = &evs[len(evs)-1]
			cur.Text = l[end+1:]
		case cur != nil && (l[0] == ' ' || l[0] == '\t'):
			cur.Text += " " + t
		default:
			cur = nil
		}
	}
	for i := range evs {
		ev := &evs[i]
		t := strings.Join(strings.Fields(ev.Text), " ")
		// "<a@b> (expanded from <c@d>): text"
		if strings.HasPrefix(t, "(expanded from") {
			if j := strings.Index(t, "):"); j >= 0 {
				ev.OrigRecipient = findAddress(t[:j])
				t = t[j+1:]
			}
		}
		ev.Text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), ":"))
		ev.Code = postfixReply(ev.Text)
	}
	return evs
}

// postfixReply returns the reply code in a Postfix diagnostic: where
// smtpcode finds one, or after "refused to talk to me:".
func postfixReply(text string) int {
	if c := smtpcode.FindReply(text); c != 0 {
		return c
	}
	const talk = "refused to talk to me:"
	if i := indexFold(text, talk); i >= 0 {
		c, _, _ := smtpcode.Parse(text[i+len(talk):])
		return c
	}
	return 0
}

// postfixTranscript reads the "Postfix SMTP server: errors from <client>"
// notice: an SMTP session transcript (" In:  RCPT TO:<a@b>", " Out: 451
// 4.3.0 Error: ..."); the recipient is the last RCPT TO, the diagnostic
// the last error reply.
func postfixTranscript(m *bounce) []parser.Event {
	text, ok := afterLine(m.body, "Transcript of session follows.")
	if !ok {
		return nil
	}
	// Join continuation lines (indented deeper than " In:  ") first.
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "In:") || strings.HasPrefix(t, "Out:"):
			lines = append(lines, t)
		case t != "" && len(lines) > 0 && (l[0] == ' ' || l[0] == '\t'):
			lines[len(lines)-1] += " " + t
		case t != "":
			lines = append(lines, t)
		}
	}
	var rcpt, reply, cmd, last string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "In:"):
			last = strings.TrimSpace(l[3:])
			if hasPrefixFold(last, "RCPT TO:") {
				rcpt = findAddress(last)
			}
		case strings.HasPrefix(l, "Out:"):
			r := strings.TrimSpace(l[4:])
			if c, _, _ := smtpcode.Parse(r); c >= 400 {
				reply, cmd = r, smtpcode.Stage("after "+last)
			}
		}
	}
	if rcpt == "" || reply == "" {
		return nil
	}
	return []parser.Event{{Recipient: rcpt, Text: reply, Command: cmd}}
}

// postfixFix completes the reply code the report's diagnostic carries in
// a form smtpcode does not read.
func postfixFix(_ *bounce, evs []parser.Event) []parser.Event {
	for i := range evs {
		if evs[i].Code == 0 {
			evs[i].Code = postfixReply(evs[i].Text)
		}
	}
	return evs
}
