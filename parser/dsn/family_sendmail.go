package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famSendmail: Sendmail 8's bounces (dsn.md section 6.2). From "Mail
// Delivery Subsystem <MAILER-DAEMON@...>", Subject "Returned mail: <why>"
// or "Warning: could not send message for past N hours", a text part with
// "----- The following addresses had permanent fatal errors -----" (each
// address, then "(reason: ...)") and "----- Transcript of session follows
// -----" (">>> command" sent, "<<< reply" received), and usually an RFC
// 3464 report. The report's Diagnostic-Code keeps only the first line of a
// multi-line reply, and is missing for local errors (host lookups, queue
// timeouts): fix takes the whole reply, and the SMTP command it answered,
// from the transcript. Without a report, text reads the same sections.
var famSendmail = family{name: "sendmail", detect: sendmailDetect, text: sendmailText, fix: sendmailFix}

func sendmailDetect(m *bounce) bool {
	subj := strings.ToLower(m.subject)
	local, _, _ := strings.Cut(m.from, "@")
	daemon := local == "mailer-daemon" || strings.EqualFold(m.fromName, "Mail Delivery Subsystem")
	if daemon && (strings.HasPrefix(subj, "returned mail:") || strings.HasPrefix(subj, "warning: could not send message")) {
		return true
	}
	head := m.body
	if len(head) > 4000 {
		head = head[:4000]
	}
	return containsFold(head, "----- Transcript of session follows -----") ||
		containsFold(head, "----- The following addresses had permanent fatal errors -----") ||
		containsFold(head, "----- The following addresses had transient non-fatal errors -----")
}

// sendmailMaxLines caps the transcript exchanges and lines kept.
const sendmailMaxLines = 200

// sendmailRcpt is what the text says of one recipient.
type sendmailRcpt struct {
	addr     string // as listed; may be a program ("|/path") or a local name
	expanded string // the "(expanded from: ...)" address
	reason   string
	deferred bool
}

// sendmailExchange is one command of the transcript and its reply.
type sendmailExchange struct {
	cmd   string   // ">>> " line, without the marker
	reply []string // "<<< " lines, without the marker
}

// sendmailMessage is the parsed text part.
type sendmailMessage struct {
	rcpts      []sendmailRcpt
	exchanges  []sendmailExchange
	transcript []string // the other transcript lines (local errors)
	remote     string   // "... while talking to host.:"
}

func sendmailParse(body string) sendmailMessage {
	var sm sendmailMessage
	text, _ := beforeAny(body, "----- Original message", "----- Unsent message follows", "------- Returned Message",
		"----- Message header follows", "Content-Type: message/delivery-status", "Content-Type: message/rfc822",
		"Content-Type: text/rfc822-headers")
	const (
		none = iota
		fatal
		transient
		transcript
	)
	mode := none
	open := false // the last exchange takes more "<<<" lines
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, "\r \t")
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "-----") {
			lower := strings.ToLower(t)
			switch {
			case strings.Contains(lower, "permanent fatal errors"):
				mode = fatal
			case strings.Contains(lower, "transient non-fatal errors") || strings.Contains(lower, "delivery attempt"):
				mode = transient
			case strings.Contains(lower, "transcript of session"):
				mode = transcript
			default:
				mode = none
			}
			continue
		}
		if t == "" {
			continue
		}
		switch mode {
		case fatal, transient:
			if l[0] != ' ' && l[0] != '\t' {
				a := address(t)
				if strings.Contains(t, "@") {
					a = findAddress(t)
				}
				sm.rcpts = append(sm.rcpts, sendmailRcpt{addr: a, deferred: mode == transient})
				continue
			}
			if len(sm.rcpts) == 0 {
				continue
			}
			r := &sm.rcpts[len(sm.rcpts)-1]
			switch {
			case hasPrefixFold(t, "(reason:"):
				r.reason = strings.TrimSpace(strings.TrimSuffix(t[len("(reason:"):], ")"))
			case hasPrefixFold(t, "(expanded from:"):
				r.expanded = findAddress(t)
			}
		case transcript:
			reply := strings.HasPrefix(t, "<<< ") || t == "<<<"
			switch {
			case len(sm.exchanges) >= sendmailMaxLines || len(sm.transcript) >= sendmailMaxLines:
				// A real transcript is short; the cap keeps the
				// per-recipient lookups linear.
			case strings.HasPrefix(t, ">>> "):
				sm.exchanges = append(sm.exchanges, sendmailExchange{cmd: strings.TrimSpace(t[4:])})
				open = true
			case reply:
				if !open {
					sm.exchanges = append(sm.exchanges, sendmailExchange{})
					open = true
				}
				e := &sm.exchanges[len(sm.exchanges)-1]
				e.reply = append(e.reply, strings.TrimSpace(strings.TrimPrefix(t, "<<<")))
			case strings.HasPrefix(t, "... while talking to "):
				sm.remote = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(t[len("... while talking to "):]), ":"), ".")
			case hasPrefixFold(t, "Message could not be delivered for"), hasPrefixFold(t, "Message will be deleted from queue"),
				hasPrefixFold(t, "Warning: message still undelivered"), hasPrefixFold(t, "Will keep trying until message is"):
			default:
				sm.transcript = append(sm.transcript, t)
			}
			if !reply && !strings.HasPrefix(t, ">>> ") {
				open = false
			}
		}
	}
	return sm
}

// reply returns the error reply the transcript gives for recipient addr
// and the command it answered: the reply to its RCPT, else the first
// error reply of the session.
func (sm *sendmailMessage) reply(addr string) (text, cmd string) {
	var first *sendmailExchange
	for i := range sm.exchanges {
		e := &sm.exchanges[i]
		if len(e.reply) == 0 {
			continue
		}
		if c, _, _ := smtpcode.Parse(e.reply[0]); c < 400 {
			continue
		}
		if addr != "" && containsFold(e.cmd, addr) {
			return strings.Join(e.reply, " "), smtpcode.Stage("after " + e.cmd)
		}
		if first == nil {
			first = e
		}
	}
	if first == nil {
		return "", ""
	}
	return strings.Join(first.reply, " "), smtpcode.Stage("after " + first.cmd)
}

// local returns the transcript lines about addr ("<addr>... Deferred:
// ..."), else all of them.
func (sm *sendmailMessage) local(addr string) string {
	var about []string
	for _, l := range sm.transcript {
		if addr != "" && containsFold(l, addr) {
			about = append(about, l)
		}
	}
	if len(about) == 0 {
		about = sm.transcript
	}
	return strings.Join(about, " ")
}

// diagnostic returns the best text the transcript has for addr.
func (sm *sendmailMessage) diagnostic(r *sendmailRcpt) (text, cmd string) {
	addr := r.addr
	if !strings.Contains(addr, "@") && r.expanded != "" {
		addr = r.expanded
	}
	text, cmd = sm.reply(addr)
	if text == "" {
		text = sm.local(r.addr)
	}
	if text == "" {
		text = r.reason
	}
	if r.reason != "" && smtpcode.FindReply(text) == 0 && smtpcode.FindReply(r.reason) != 0 {
		text = r.reason
	}
	return text, cmd
}

func sendmailText(m *bounce) []parser.Event {
	if evs := inlineReport(m); len(evs) > 0 {
		return sendmailFix(m, evs)
	}
	sm := sendmailParse(m.body)
	evs := make([]parser.Event, 0, len(sm.rcpts))
	for i := range sm.rcpts {
		r := &sm.rcpts[i]
		ev := parser.Event{Recipient: r.addr, Status: parser.StatusBounced, RemoteMTA: sm.remote}
		if !strings.Contains(r.addr, "@") {
			ev.Recipient = r.expanded
		}
		if r.deferred {
			ev.Status = parser.StatusDeferred
		}
		ev.Text, ev.Command = sm.diagnostic(r)
		if ev.Recipient != "" {
			evs = append(evs, ev)
		}
	}
	return evs
}

// sendmailFix completes the report's events from the transcript: the
// whole multi-line reply where the Diagnostic-Code has its first line, the
// transcript where the report has no diagnostic or one without a reply
// code ("X-Unix; 255"), the SMTP command, and the diagnostic's enhanced
// code where the Status field disagrees with it (Sendmail writes 4.4.7 for
// a queue timeout whatever the remote said).
func sendmailFix(m *bounce, evs []parser.Event) []parser.Event {
	sm := sendmailParse(m.body)
	byRcpt := make(map[string]*sendmailRcpt, 2*len(sm.rcpts))
	for j := range sm.rcpts {
		for _, k := range []string{sm.rcpts[j].addr, sm.rcpts[j].expanded} {
			if k = strings.ToLower(k); k != "" && byRcpt[k] == nil {
				byRcpt[k] = &sm.rcpts[j]
			}
		}
	}
	for i := range evs {
		ev := &evs[i]
		r := sendmailRcpt{addr: ev.Recipient}
		if p := byRcpt[strings.ToLower(ev.Recipient)]; p != nil {
			r = *p
		}
		if !strings.Contains(r.addr, "@") && r.expanded == "" {
			r.expanded = ev.Recipient
		}
		text, cmd := sm.diagnostic(&r)
		cur := strings.Join(strings.Fields(ev.Text), " ")
		full := strings.Join(strings.Fields(text), " ")
		switch {
		case full == "":
		case cur == "":
			ev.Text = full
		case len(full) > len(cur) && strings.HasPrefix(full, cur):
			ev.Text = full
		case (smtpcode.FindReply(cur) == 0 || sendmailExitStatus(cur)) && smtpcode.FindReply(full) != 0:
			ev.Text = full
		}
		if ev.Text != cur {
			ev.Code = smtpcode.FindReply(ev.Text)
			ev.Enhanced = enhancedCode(ev.Enhanced, ev.Text, ev.Status, ev.Code)
		}
		if ev.Command == "" && cmd != "" && (cur == "" || containsFold(full, cur) || containsFold(cur, full)) {
			ev.Command = cmd
		}
		if ev.RemoteMTA == "" {
			ev.RemoteMTA = sm.remote
		}
		if ev.Code != 0 {
			if d := smtpcode.FindEnhanced(ev.Text, byte('0'+ev.Code/100)); d != "" && !smtpcode.IsOther(d) && d != ev.Enhanced &&
				(ev.Enhanced == "" || ev.Enhanced[0] == d[0]) {
				ev.Enhanced = d
			}
		}
	}
	return evs
}

// sendmailExitStatus reports whether a diagnostic is only a program's exit
// status ("X-Unix; 255"), which is not a reply code.
func sendmailExitStatus(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
