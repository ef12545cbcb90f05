package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famGmail: Gmail (dsn.md 6.5). Bounces come from "Mail Delivery Subsystem
// <mailer-daemon@googlemail.com>" with Subject "Delivery Status Notification
// (Failure)" or "(Delay)" and X-Failed-Recipients. Current ones are RFC 3464
// reports whose text has a "** Address not found **" style heading and
// "The response from the remote server was:" (or "The response was:")
// before the remote reply; the report is read as usual and the text
// supplies the reply when the report has none. Older ones are plain text:
// "Delivery to the following recipient failed permanently:" (or "has been
// delayed:") with the address on an indented line, then "Technical details
// of permanent failure:" and, for a remote rejection, "The error that the
// other server returned was: 550 550 5.1.1 ... (state 14)." up to
// "----- Original message -----". Recognised by the From address.
var famGmail = family{
	name:   "gmail",
	detect: gmailDetect,
	text:   gmailText,
	fix:    gmailFix,
}

func gmailDetect(m *bounce) bool {
	switch m.from {
	case "mailer-daemon@googlemail.com", "mailer-daemon@google.com", "mailer-daemon@gmail.com":
		return true
	}
	return false
}

// gmailEndMarkers start the returned original in Gmail's plain-text bounces.
var gmailEndMarkers = []string{"----- Original message -----", "----- Message header follows -----", "----- Original Message -----"}

// gmailReplyMarkers introduce the remote server's reply, newest wording
// first.
var gmailReplyMarkers = []string{
	"The response from the remote server was:",
	"The response was:",
	"The error that the other server returned was:",
}

// gmailText reads a Gmail bounce without a report part.
func gmailText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, gmailEndMarkers...)
	rcpts := gmailRecipients(m, text)
	if len(rcpts) == 0 {
		return nil
	}
	diag := gmailDiagnostic(text)
	status := parser.StatusBounced
	if containsFold(text, "has been delayed") || containsFold(text, "temporary failure") ||
		containsFold(m.subject, "(Delay)") {
		status = parser.StatusDeferred
	}
	cmd := gmailStateCommand(diag)
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: status, Text: diag, Command: cmd})
	}
	return evs
}

// gmailFix takes the remote reply from the text for recipients whose
// report gives no Diagnostic-Code.
func gmailFix(m *bounce, evs []parser.Event) []parser.Event {
	var diag string
	for i := range evs {
		if evs[i].Text != "" {
			continue
		}
		if diag == "" {
			diag = gmailDiagnostic(m.body)
		}
		evs[i].Text = diag
	}
	return evs
}

// gmailRecipients returns the failed recipients: X-Failed-Recipients, else
// the addresses on the lines after "Delivery to the following
// recipient(s) ...", else the address of "Your message wasn't delivered to
// ...".
func gmailRecipients(m *bounce, text string) []string {
	var rcpts []string
	for _, r := range strings.Split(m.header.Get("X-Failed-Recipients"), ",") {
		if a := findAddress(r); a != "" {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) > 0 {
		return rcpts
	}
	if rest, ok := afterLine(text, "Delivery to the following recipient"); ok {
		for _, line := range strings.Split(rest, "\n") {
			t := strings.TrimSpace(line)
			if t == "" {
				if len(rcpts) > 0 {
					break
				}
				continue
			}
			a := findAddress(t)
			if a == "" || len(t) > len(a)+4 {
				break
			}
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		if i := indexFold(text, "wasn't delivered to "); i >= 0 {
			line := text[i:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			if a := findAddress(line); a != "" {
				rcpts = append(rcpts, a)
			}
		}
	}
	return rcpts
}

// gmailDiagnostic returns the remote reply after one of gmailReplyMarkers
// (to the end of its paragraph); else the paragraph after "Technical
// details of ... failure:"; else the delay notice; else the paragraph
// after the "** ... **" heading.
func gmailDiagnostic(text string) string {
	for _, mk := range gmailReplyMarkers {
		if i := indexFold(text, mk); i >= 0 {
			if p := gmailParagraph(text[i+len(mk):]); p != "" {
				return p
			}
		}
	}
	for _, mk := range []string{"Technical details of permanent failure:", "Technical details of temporary failure:"} {
		if i := indexFold(text, mk); i >= 0 {
			if p := gmailParagraph(text[i+len(mk):]); p != "" {
				return p
			}
		}
	}
	if i := indexFold(text, "Delivery to the following recipient has been delayed"); i >= 0 {
		d := "Delivery to the following recipient has been delayed."
		if j := indexFold(text, "Message will be retried"); j >= 0 {
			d += " " + gmailParagraph(text[j:])
		}
		return d
	}
	if i := strings.Index(text, "** "); i >= 0 {
		rest := text[i:]
		if j := strings.IndexByte(rest, '\n'); j >= 0 {
			return strings.Trim(strings.TrimSpace(rest[:j]), "* ") + ": " + gmailParagraph(rest[j:])
		}
	}
	return ""
}

// gmailParagraph returns the text of s from its first non-blank line to
// the next blank line, white space collapsed, at most about 1000 bytes.
func gmailParagraph(s string) string {
	var b strings.Builder
	started := false
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			if started {
				break
			}
			continue
		}
		started = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
		if b.Len() > 1000 {
			break
		}
	}
	return b.String()
}

// gmailStateCommand returns the SMTP stage of Gmail's "(state N)" note on
// a remote reply: 14 is the RCPT stage, 17 and 18 the DATA stage.
func gmailStateCommand(diag string) string {
	i := strings.LastIndex(diag, "(state ")
	if i < 0 {
		return ""
	}
	n := diag[i+len("(state "):]
	if j := strings.IndexByte(n, ')'); j >= 0 {
		n = n[:j]
	}
	switch n {
	case "14":
		return "RCPT"
	case "17", "18":
		return "DATA"
	}
	return ""
}
