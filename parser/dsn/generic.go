package dsn

import (
	"bufio"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// bounceSenders are the local parts of the From address of bounces.
var bounceSenders = []string{"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon", "bounce", "bounces", "no-reply-bounce"}

// bounceSubjects are words of the Subject of bounces, lower case, in the
// languages seen.
var bounceSubjects = []string{
	"undeliver", "undelivered", "delivery fail", "delivery status notification",
	"returned mail", "failure notice", "mail delivery", "delivery problem",
	"non remis", "unzustellbar", "nicht zustellbar", "non recapitabile", "olevererbart",
	"onbestelbaar", "no se puede entregar", "delivery report", "nondeliverable",
	"could not be delivered", "mail system error", "message not delivered", "rejected",
}

// originalMarkers start the returned original in bounces without MIME
// parts; the generic decoder reads the text before them.
var originalMarkers = []string{
	"------ This is a copy of", "--- Below this line is a copy", "----- Original message",
	"-----Original Message", "----- Unsent message follows", "------- Returned Message",
	"Original message follows", "----- The header of the original message",
	"Received:", "Return-Path:",
}

// looksLikeBounce reports whether the message has the generic marks of a
// bounce (dsn.md section 6.10, catch-all): a daemon sender, a bounce
// subject or X-Failed-Recipients.
func looksLikeBounce(m *bounce) bool {
	if m.header.Has("X-Failed-Recipients") {
		return true
	}
	local, _, _ := strings.Cut(m.from, "@")
	for _, s := range bounceSenders {
		if local == s {
			return true
		}
	}
	subj := strings.ToLower(m.subject)
	for _, s := range bounceSubjects {
		if strings.Contains(subj, s) {
			return true
		}
	}
	return false
}

// decodeGeneric reads a bounce of no known family: recipients from
// X-Failed-Recipients, else the addresses on lines of the text (before the
// returned original) that carry a reply or enhanced status code, else the
// first address in the text. The diagnostic is the text from the first line
// with a code, to the next blank line. It returns nothing for a message
// that does not look like a bounce at all.
func decodeGeneric(m *bounce) []parser.Event {
	if !looksLikeBounce(m) {
		return nil
	}
	text, _ := beforeAny(m.body, originalMarkers...)
	diag := genericDiagnostic(text)
	var rcpts []string
	for _, r := range strings.Split(m.header.Get("X-Failed-Recipients"), ",") {
		if a := findAddress(r); a != "" {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		if a := findAddress(diag); a != "" && !isOwnAddress(m, a) {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		for _, line := range strings.Split(text, "\n") {
			if a := findAddress(line); a != "" && !isOwnAddress(m, a) {
				rcpts = append(rcpts, a)
				break
			}
		}
	}
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Text: diag, Status: parser.StatusBounced})
	}
	return evs
}

// genericDiagnostic returns the paragraph of text that starts at the first
// line with a reply code or an enhanced status code, or "".
func genericDiagnostic(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if smtpcode.FindReply(line) == 0 && smtpcode.FindEnhanced(line, 0) == "" {
			continue
		}
		var b strings.Builder
		for _, l := range lines[i:] {
			l = strings.TrimSpace(l)
			if l == "" {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(l)
			if b.Len() > 1000 {
				break
			}
		}
		return b.String()
	}
	return ""
}

// isOwnAddress reports whether a is the bounce's own From or To, or the
// returned original's sender: addresses a bounce names that are not the
// failed recipient.
func isOwnAddress(m *bounce, a string) bool {
	a = strings.ToLower(a)
	if a == m.from {
		return true
	}
	if to := strings.ToLower(address(m.header.Get("To"))); a == to {
		return true
	}
	return originalOf(m.orig).sender == a
}

// copyMarkers introduce the returned original inside the text of bounces
// without MIME parts (Exim, qmail, old Sendmail, Courier, ...).
var copyMarkers = []string{
	"------ This is a copy of", "----- This is a copy of", "--- Below this line is a copy",
	"----- Original message", "-----Original Message", "----- Unsent message follows",
	"------- Returned Message", "Original message follows", "----- The header of the original message",
	"------ Original message", "--- Original message", "Original message headers:",
	"----- Transcript of session follows", "The original message was",
}

// inlineOriginal reads the header of a returned original quoted in a
// bounce's text: the header block that starts at the first line beginning
// "Return-Path:", "Received:", "From:" or "Message-Id:" after one of
// copyMarkers. It returns nil when there is none, or when the block has
// neither From nor Message-Id.
func inlineOriginal(body string) *mail.Header {
	start := -1
	for _, mk := range copyMarkers {
		if i := indexFold(body, mk); i >= 0 && (start < 0 || i < start) {
			start = i
		}
	}
	if start < 0 {
		return nil
	}
	rest := body[start:]
	off := -1
	for _, f := range []string{"\nReturn-Path:", "\nReceived:", "\nFrom:", "\nMessage-Id:"} {
		if i := indexFold(rest, f); i >= 0 && (off < 0 || i < off) {
			off = i
		}
	}
	if off < 0 {
		return nil
	}
	h, _ := textproto.ReadHeader(bufio.NewReader(strings.NewReader(rest[off+1:])))
	if h.Len() == 0 || !h.Has("From") && !h.Has("Message-Id") {
		return nil
	}
	return &mail.Header{Header: message.Header{Header: h}}
}

// fillText gives the events that have no diagnostic the text's own words
// about their recipient: the line of the bounce's text (before the returned
// original) that names the address, with its indented continuation lines;
// else the first paragraph with a reply or status code. Reports without a
// Diagnostic-Code and terse text bounces ("User's mailbox is full: <a@b>")
// say it there. Events without an SMTP stage take the stage that line
// names.
func fillText(m *bounce, evs []parser.Event) {
	var text string
	for i := range evs {
		ev := &evs[i]
		if ev.Text != "" && ev.Command != "" || ev.Recipient == "" || ev.Status == parser.StatusComplained || ev.Status == parser.StatusAutoReplied {
			continue
		}
		if text == "" {
			text, _ = beforeAny(m.body, originalMarkers...)
			if text == "" {
				return
			}
		}
		line := lineNaming(text, ev.Recipient)
		switch {
		case ev.Text != "":
		case line != "":
			ev.Text = line
		default:
			ev.Text = genericDiagnostic(text)
		}
		if ev.Command == "" {
			// The report's Diagnostic-Code often drops what the text
			// keeps: "(in reply to RCPT TO command)", sometimes on an
			// unindented next line of the recipient's paragraph.
			if ev.Command = smtpcode.Stage(line); ev.Command == "" {
				ev.Command = smtpcode.Stage(paragraphNaming(text, ev.Recipient))
			}
		}
	}
}

// lineNaming returns the first line of text that names addr (ignoring
// case) and is not a header field ("To: ..."), joined with the indented
// lines after it; "" if none.
func lineNaming(text, addr string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !containsFold(l, addr) || containsFold(l, "Action:") {
			continue // not the address, or report fields flattened into the text
		}
		if name, _, ok := splitField([]byte(strings.TrimSpace(l))); ok && name != "" && !strings.Contains(name, " ") && len(name) < 30 {
			continue
		}
		out := strings.TrimSpace(l)
		for _, c := range lines[i+1:] {
			if c == "" || (c[0] != ' ' && c[0] != '\t') || strings.TrimSpace(c) == "" {
				break
			}
			out += " " + strings.TrimSpace(c)
			if len(out) > 1000 {
				break
			}
		}
		return out
	}
	return ""
}

// paragraphNaming returns the paragraph (lines up to a blank one) that
// starts at the first line naming addr, at most 2000 bytes; "" if none.
func paragraphNaming(text, addr string) string {
	i := indexFold(text, addr)
	if i < 0 {
		return ""
	}
	if j := strings.LastIndexByte(text[:i], '\n'); j >= 0 {
		i = j + 1
	} else {
		i = 0
	}
	p := text[i:]
	if j := strings.Index(p, "\n\n"); j >= 0 {
		p = p[:j]
	}
	if len(p) > 2000 {
		p = p[:2000]
	}
	return p
}
