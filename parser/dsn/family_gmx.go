package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famGMX: GMX and mail.com (United Internet's "Nemesis" mail system). The
// bounce comes from MAILER-DAEMON@<...>gmx.<tld> (or @mail.com), Subject
// "Mail delivery failed: returning message to sender", a plain-text body in
// Exim's wording ("This message was created automatically by mail delivery
// software. ... The following address failed:", the last words wrapped on
// their own line), then per recipient a line '"bob@example.net":' (or
// "<bob@example.net>") followed by the error ("SMTP error from remote
// server after RCPT command:", "host: mx.example.net", the reply; or
// "Reason:" and the local cause), up to "--- The header of the original
// message is following. ---". Recognised by the From domain.
var famGMX = family{
	name:   "gmx",
	detect: gmxDetect,
	text:   gmxText,
}

func gmxDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	if local != "mailer-daemon" && local != "postmaster" {
		return false
	}
	return domain == "gmx.com" || domain == "gmx.net" || domain == "gmx.de" || domain == "mail.com" ||
		strings.HasSuffix(domain, ".gmx.com") || strings.HasSuffix(domain, ".gmx.net") ||
		strings.HasSuffix(domain, ".gmx.de") || strings.HasSuffix(domain, ".mail.com")
}

// gmxOriginalMarkers start the returned original in Nemesis and Exim
// bounces.
var gmxOriginalMarkers = []string{
	"--- The header of the original message is following",
	"------ This is a copy of the message",
	"------ The body of the message is",
}

func gmxText(m *bounce) []parser.Event {
	return gmxBlocks(m.body)
}

// gmxBlocks reads the recipients of an Exim-worded bounce (GMX, 1&1,
// mail.ru): after "The following address(es) failed:", each recipient is a
// line holding only the address (bare, quoted or in angle brackets,
// optionally followed by a colon), and the lines after it, up to the next
// recipient or the returned original, are its error.
func gmxBlocks(body string) []parser.Event {
	text, _ := beforeAny(body, gmxOriginalMarkers...)
	if i := indexFold(text, "The following address"); i >= 0 {
		if rest, ok := afterLine(text[i:], "failed:"); ok {
			text = rest
		}
	}
	var evs []parser.Event
	var diag []string
	flush := func() {
		if len(evs) > 0 {
			gmxDiagnostic(&evs[len(evs)-1], strings.Join(diag, " "))
		}
		diag = diag[:0]
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if a := gmxRecipientLine(t); a != "" {
			flush()
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
			continue
		}
		if len(evs) > 0 && len(diag) < 50 {
			diag = append(diag, t)
		}
	}
	flush()
	return evs
}

// gmxRecipientLine returns the address when line holds only an address:
// bob@example.net, "bob@example.net":, <bob@example.net>, bob@example.net:.
func gmxRecipientLine(line string) string {
	t := strings.TrimSuffix(line, ":")
	t = strings.Trim(t, `"<> `)
	if t == "" || strings.ContainsAny(t, " \t<>\"") {
		return ""
	}
	if a := findAddress(t); a == t {
		return a
	}
	return ""
}

// gmxDiagnostic sets the text of ev from its error lines: "Reason:" labels
// dropped; the reply code of "host x [ip]: 550 ..." (Exim) taken even
// without an enhanced code, the host as remote MTA; "for TEXT command"
// (Nemesis) is the DATA stage.
func gmxDiagnostic(ev *parser.Event, t string) {
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "Reason:"))
	ev.Text = t
	if i := strings.Index(t, "host "); i >= 0 {
		rest := t[i+len("host "):]
		if j := strings.Index(rest, " ["); j > 0 && !strings.ContainsAny(rest[:j], " :") {
			ev.RemoteMTA = rest[:j]
		}
		if j := strings.Index(rest, "]: "); j >= 0 {
			if code, _, _ := smtpcode.Parse(rest[j+3:]); code != 0 {
				ev.Code = code
			}
		}
	}
	if containsFold(t, "for TEXT command") {
		ev.Command = "DATA"
	}
}
