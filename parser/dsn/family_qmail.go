package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famQmail: qmail's bounces and those of its descendants (netqmail,
// indimail, vpopmail's vdelivermail) (dsn.md section 6.3). From
// MAILER-DAEMON@host, Subject "failure notice", no report: a plain-text
// body "Hi. This is the qmail-send program at host." then "I'm afraid I
// wasn't able to deliver your message to the following addresses.", each
// failed address on a line "<addr>:" followed by the diagnostic up to a
// blank line ("192.0.2.1 does not like recipient.", "Remote host said: 550
// ...", qmail's own "Sorry, no mailbox here by that name. (#5.1.1)"), and
// the returned message after "--- Below this line is a copy of the
// message." Recognised by those sentences, or the Subject from a daemon.
var famQmail = family{name: "qmail", detect: qmailDetect, text: qmailText}

// qmailCopyMarkers start the returned message in qmail and its clones.
var qmailCopyMarkers = []string{
	"--- Below this line is a copy of the", "--- Below the next line is a copy of the",
	"--- Enclosed is a copy of the", "--- Enclosed are the original headers",
	"Original message follows.",
}

// qmailStages map qmail's sentences to the SMTP stage they name.
var qmailStages = []struct{ phrase, stage string }{
	{"does not like recipient", "RCPT"},
	{"but sender was rejected", "MAIL"},
	{"but greeting failed", "CONN"},
	{"but my name was rejected", "EHLO"},
	{"failed on DATA command", "DATA"},
	{"failed after I sent the message", "DATA"},
}

func qmailDetect(m *bounce) bool {
	head := m.body
	if len(head) > 3000 {
		head = head[:3000]
	}
	if containsFold(head, "This is the qmail-send program at") ||
		containsFold(head, "I'm afraid I wasn't able to deliver your message to the following addresses") {
		return true
	}
	local, _, _ := strings.Cut(m.from, "@")
	return local == "mailer-daemon" && strings.EqualFold(m.subject, "failure notice") &&
		containsFold(head, "--- Below this line is a copy of the")
}

// qmailBlock is one "<addr>:" paragraph.
type qmailBlock struct {
	addr  string
	lines []string
}

// qmailBlocks returns the "<addr>:" paragraphs of text: a line at column 0
// that is an address in angle brackets followed by ':' (and possibly more
// text), then the lines up to a blank line.
func qmailBlocks(text string) []qmailBlock {
	var blocks []qmailBlock
	var cur *qmailBlock
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r \t")
		if l == "" {
			cur = nil
			continue
		}
		if l[0] == '<' {
			if end := strings.Index(l, ">:"); end > 0 && strings.Contains(l[:end], "@") {
				blocks = append(blocks, qmailBlock{addr: findAddress(l[:end+1])})
				cur = &blocks[len(blocks)-1]
				if rest := strings.TrimSpace(l[end+2:]); rest != "" {
					cur.lines = append(cur.lines, rest)
				}
				continue
			}
		}
		if cur != nil {
			cur.lines = append(cur.lines, strings.TrimSpace(l))
		}
	}
	return blocks
}

// qmailStage returns the SMTP stage a qmail diagnostic names, or "".
func qmailStage(text string) string {
	for _, s := range qmailStages {
		if containsFold(text, s.phrase) {
			return s.stage
		}
	}
	return ""
}

func qmailText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, qmailCopyMarkers...)
	blocks := qmailBlocks(text)
	evs := make([]parser.Event, 0, len(blocks))
	for _, b := range blocks {
		if b.addr == "" {
			continue
		}
		ev := parser.Event{Recipient: b.addr, Status: parser.StatusBounced, Text: strings.Join(b.lines, " ")}
		ev.Command = qmailStage(ev.Text)
		// A temporary failure qmail gave up on: the message expired.
		if containsFold(ev.Text, "in the queue too long") || smtpcode.FindReply(ev.Text)/100 == 4 {
			ev.Status = parser.StatusExpired
		}
		evs = append(evs, ev)
	}
	return evs
}
