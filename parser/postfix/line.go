package postfix

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// parseLine parses one line and appends its events, if any, to r.pending.
// It returns a *parser.Error for a line to skip.
func (r *Reader) parseLine(line []byte) error {
	if isBinary(line) {
		return r.skip(parser.ErrBinary)
	}
	var h header
	if !r.splitLine(line, &h) {
		r.stats.Unparsed++
		return nil
	}
	name := h.name
	if !bytes.HasPrefix(name, []byte("postfix")) {
		r.stats.Foreign++
		return nil
	}
	slash := bytes.LastIndexByte(name, '/')
	if slash < 0 {
		r.stats.Ignored++ // postfix[123] (the postfix command), postfix-script
		return nil
	}
	p := h.payload
	if hasSeverity(p) {
		r.stats.Ignored++
		return nil
	}
	c := lineCtx{h: &h, valid: utf8.Valid(line)}
	var err error
	handled := false
	switch string(name[slash+1:]) {
	case "smtp", "lmtp", "local", "virtual", "pipe", "error", "retry", "discard":
		handled, err = r.agentLine(&c, p)
	case "qmgr", "nqmgr", "oqmgr":
		handled, err = r.qmgrLine(&c, p)
	case "cleanup":
		handled, err = r.cleanupLine(&c, p)
	case "smtpd", "postscreen":
		handled, err = r.smtpdLine(&c, p)
	case "postsuper":
		if qid, rest, ok := splitQID(p); ok && bytes.HasPrefix(rest, []byte("removed")) {
			r.queue.remove(qid)
		}
	}
	if err != nil {
		return r.skip(err)
	}
	if !handled {
		r.stats.Ignored++
	}
	return nil
}

// lineCtx carries what the handlers of one line share.
type lineCtx struct {
	h     *header
	valid bool // the line is valid UTF-8: strings need no repair
}

// str converts a kept field to a string, replacing invalid UTF-8.
func (c *lineCtx) str(b []byte) string {
	if c.valid || utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// addr converts an address to a lower-cased string.
func (c *lineCtx) addr(b []byte) string {
	for _, ch := range b {
		if ch >= 'A' && ch <= 'Z' || ch >= utf8.RuneSelf {
			return strings.ToLower(c.str(b))
		}
	}
	return string(b)
}

var severities = [][]byte{[]byte("warning: "), []byte("error: "), []byte("fatal: "), []byte("panic: ")}

func hasSeverity(p []byte) bool {
	for _, s := range severities {
		if bytes.HasPrefix(p, s) {
			return true
		}
	}
	return false
}

// splitQID splits "QUEUEID: rest". A queue id is 5 or more letters, digits
// or '_' (short ids are upper-case hex, long ids base 52; NOQUEUE counts).
func splitQID(p []byte) (qid, rest []byte, ok bool) {
	i := 0
	for i < len(p) && i <= 64 {
		c := p[i]
		if !(isDigit(c) || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_') {
			break
		}
		i++
	}
	if i < 5 || i+1 >= len(p) || p[i] != ':' || p[i+1] != ' ' {
		return nil, nil, false
	}
	return p[:i], p[i+2:], true
}

// agentLine handles the delivery agents' lines.
func (r *Reader) agentLine(c *lineCtx, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil // "connect to ...", TLS lines
	}
	if bytes.HasPrefix(rest, []byte("to=")) {
		return true, r.delivery(c, qid, rest)
	}
	if bytes.HasPrefix(rest, []byte("status=")) || bytes.Contains(rest, []byte(", status=")) {
		return true, parser.ErrNoRecipient
	}
	return false, nil // "host ... said:", "lost connection ...": per attempt, no state change
}

// qmgrLine handles qmgr's from=, expired, removed and its own to= lines.
func (r *Reader) qmgrLine(c *lineCtx, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil
	}
	switch {
	case bytes.HasPrefix(rest, []byte("from=")):
		sender, tail := addrField(rest[len("from="):])
		if bytes.HasPrefix(tail, []byte(", status=expired")) || bytes.HasPrefix(tail, []byte(", status=force-expired")) {
			r.expire(c, qid, sender)
			return true, nil
		}
		e := r.queue.getOrCreate(qid)
		if !sameSender(e.sender, sender) {
			e.sender = senderString(c, sender)
		}
		return false, nil // counted as ignored: it yields no event
	case bytes.HasPrefix(rest, []byte("to=")):
		return true, r.delivery(c, qid, rest)
	case bytes.HasPrefix(rest, []byte("removed")):
		r.queue.remove(qid)
	case bytes.HasPrefix(rest, []byte("status=")):
		return true, parser.ErrNoRecipient
	}
	return false, nil
}

// cleanupLine handles message-id=, milter rejects and "removed".
func (r *Reader) cleanupLine(c *lineCtx, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil
	}
	switch {
	case bytes.HasPrefix(rest, []byte("message-id=")):
		id := bytes.TrimSpace(rest[len("message-id="):])
		if len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>' {
			id = id[1 : len(id)-1]
		}
		e := r.queue.getOrCreate(qid)
		if e.msgID != string(id) {
			e.msgID = c.str(id)
		}
	case bytes.HasPrefix(rest, []byte("milter-reject: ")):
		return r.reject(c, qid, rest[len("milter-reject: "):])
	case bytes.HasPrefix(rest, []byte("removed")):
		r.queue.remove(qid) // Postfix 3.10+: "removed (canceled)"
	}
	return false, nil
}

// smtpdLine handles smtpd's and postscreen's reject lines.
func (r *Reader) smtpdLine(c *lineCtx, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil
	}
	switch {
	case bytes.HasPrefix(rest, []byte("reject: ")):
		return r.reject(c, qid, rest[len("reject: "):])
	case bytes.HasPrefix(rest, []byte("milter-reject: ")):
		return r.reject(c, qid, rest[len("milter-reject: "):])
	}
	return false, nil
}

// addrField reads "<ADDR>" or a bare "ADDR" up to ", " at the start of b
// and returns the address and what follows it.
func addrField(b []byte) (addr, rest []byte) {
	if len(b) > 0 && b[0] == '<' {
		// QUIRK: a quoted local part may contain '>' (Postfix 3.5+ logs
		// to=<"a>b"@example.net>): the address ends at a '>' followed by
		// ", " or the end.
		for i := 1; i < len(b); i++ {
			if b[i] == '>' && (i+1 == len(b) || b[i+1] == ',' || b[i+1] == ' ') {
				return b[1:i], b[i+1:]
			}
		}
		return b[1:], nil
	}
	if i := bytes.IndexByte(b, ','); i >= 0 {
		return b[:i], b[i:]
	}
	return b, nil
}

func sameSender(have string, b []byte) bool {
	if len(b) == 0 {
		return have == "<>"
	}
	return have == string(b)
}

// senderString returns the envelope sender; the null sender is "<>" so that
// it differs from "not known" (the empty string).
func senderString(c *lineCtx, b []byte) string {
	if len(b) == 0 {
		return "<>"
	}
	return c.str(b)
}

// field returns the value of ", name" in head (name includes the '='), up
// to the next ", ".
func field(head []byte, name string) []byte {
	i := bytes.Index(head, []byte(name))
	if i < 0 {
		return nil
	}
	v := head[i+len(name):]
	if j := bytes.Index(v, []byte(", ")); j >= 0 {
		v = v[:j]
	}
	return v
}

// delivery parses "to=<ADDR>[, orig_to=<ADDR>], relay=..., dsn=X.Y.Z,
// status=WORD (TEXT)" and queues its event.
func (r *Reader) delivery(c *lineCtx, qid, rest []byte) error {
	to, after := addrField(rest[len("to="):])
	si := bytes.Index(after, []byte(", status="))
	if si < 0 {
		return fmt.Errorf("%w: to= without status= (truncated line?)", parser.ErrMalformed)
	}
	if len(bytes.TrimSpace(to)) == 0 {
		return parser.ErrNoRecipient
	}
	head, tail := after[:si+2], after[si+len(", status="):]
	word := tail
	var text []byte
	if sp := bytes.IndexByte(tail, ' '); sp >= 0 {
		word, text = tail[:sp], tail[sp+1:]
		// QUIRK: the text's own parentheses need not balance, and a
		// truncated line loses the closing one: strip what is there.
		text = bytes.TrimPrefix(text, []byte("("))
		text = bytes.TrimSuffix(text, []byte(")"))
	}
	st, ok := postfixStatus(word)
	if !ok {
		if isProbe(word) {
			r.stats.Probes++
			return nil
		}
		return fmt.Errorf("%w: unknown status=%.20q", parser.ErrMalformed, word)
	}
	ev := parser.Event{
		Source:    r.src,
		Line:      r.line,
		Time:      c.h.ts.time(r.loc),
		QueueID:   string(qid),
		Recipient: c.addr(to),
		Status:    st,
		Text:      c.str(text),
	}
	if o := field(head, ", orig_to="); o != nil {
		o, _ = addrField(o)
		ev.OrigRecipient = c.addr(o)
	}
	ev.RemoteMTA = relayHost(c, field(head, ", relay="))
	reply := remoteReply(ev.Text)
	ev.Code = smtpcode.FindReply(reply)
	if d := field(head, ", dsn="); len(d) > 0 {
		ev.Enhanced = c.str(d)
	} else if ev.Code != 0 {
		ev.Enhanced = smtpcode.FindEnhanced(reply, byte('0'+ev.Code/100))
	}
	ev.Command = smtpcode.Stage(ev.Text)
	ev.Forward = parser.ForwardAddress(ev.Code, ev.Enhanced, reply, ev.Recipient)

	e := r.queue.get(qid)
	if e != nil {
		ev.Sender, ev.MessageID = e.sender, e.msgID
	}
	switch st {
	case parser.StatusDeferred:
		if e == nil {
			e = r.queue.getOrCreate(qid)
		}
		e.deferred(&ev)
	case parser.StatusSent, parser.StatusBounced, parser.StatusExpired:
		if e != nil {
			e.done(ev.Recipient, ev.OrigRecipient)
		}
	}
	r.pending = append(r.pending, ev)
	return nil
}

// postfixStatus maps a status= word. SOFTBOUNCE (soft_bounce = yes) keeps
// the message queued, so it is a deferral.
func postfixStatus(word []byte) (parser.Status, bool) {
	switch string(word) {
	case "sent":
		return parser.StatusSent, true
	case "deferred", "SOFTBOUNCE":
		return parser.StatusDeferred, true
	case "bounced":
		return parser.StatusBounced, true
	case "expired", "force-expired":
		return parser.StatusExpired, true
	}
	return parser.StatusUnknown, false
}

// isProbe reports the status words of address-verification probes.
func isProbe(word []byte) bool {
	switch string(word) {
	case "deliverable", "undeliverable", "undeliverable-but-not-cached":
		return true
	}
	return false
}

// relayHost returns the host of relay=HOST[IP]:PORT, the IP when there is
// no host name, "" for relay=none, and other values (local, virtual, a pipe
// transport name) as they are.
func relayHost(c *lineCtx, v []byte) string {
	if len(v) == 0 || string(v) == "none" {
		return ""
	}
	i := bytes.IndexByte(v, '[')
	if i < 0 {
		return c.str(v)
	}
	if i == 0 {
		ip := v[1:]
		if j := bytes.IndexByte(ip, ']'); j >= 0 {
			ip = ip[:j]
		}
		return c.str(ip)
	}
	return c.str(v[:i])
}

// remoteReply returns the part of a delivery text that is the remote
// server's reply: after "said: " or "refused to talk to me: ", or the whole
// text when it starts with a reply code ("250 2.0.0 Ok: queued as ...").
// Otherwise it is "": local texts ("Host or domain name not found ...")
// carry no reply code.
func remoteReply(text string) string {
	if i := strings.Index(text, " said: "); i >= 0 {
		return text[i+len(" said: "):]
	}
	if i := strings.Index(text, "refused to talk to me: "); i >= 0 {
		return text[i+len("refused to talk to me: "):]
	}
	if len(text) >= 3 && (text[0] == '2' || text[0] == '4' || text[0] == '5') && isDigit(text[1]) && isDigit(text[2]) {
		return text
	}
	return ""
}

// expire queues one StatusExpired event per recipient of qid still
// deferred, with its last deferral's details.
func (r *Reader) expire(c *lineCtx, qid, sender []byte) {
	e := r.queue.get(qid)
	if e == nil || len(e.open) == 0 {
		r.stats.ExpiredWithoutRecipients++
		return
	}
	if !sameSender(e.sender, sender) {
		e.sender = senderString(c, sender)
	}
	t := c.h.ts.time(r.loc)
	for _, ev := range e.open {
		ev.Status = parser.StatusExpired
		ev.Line, ev.Time = r.line, t
		ev.Sender, ev.MessageID = e.sender, e.msgID
		r.pending = append(r.pending, ev)
	}
	clear(e.open)
	e.open = e.open[:0]
}

// stageCommands maps an smtpd reject stage to Event.Command.
var stageCommands = map[string]string{
	"CONNECT": "CONN", "EHLO": "EHLO", "HELO": "EHLO", "STARTTLS": "STARTTLS",
	"MAIL": "MAIL", "RCPT": "RCPT", "DATA": "DATA", "BDAT": "DATA", "END-OF-MESSAGE": "DATA",
}

// reject parses "STAGE from CLIENT: TEXT; from=<S> to=<R> proto=... helo=<H>"
// (smtpd, cleanup milters; postscreen separates the key-values with ", ").
func (r *Reader) reject(c *lineCtx, qid, b []byte) (bool, error) {
	sp := bytes.Index(b, []byte(" from "))
	if sp <= 0 {
		return true, fmt.Errorf("%w: reject without \" from CLIENT\"", parser.ErrMalformed)
	}
	stage, after := b[:sp], b[sp+len(" from "):]
	client, text, ok := splitClient(after)
	if !ok {
		return true, fmt.Errorf("%w: reject without a client", parser.ErrMalformed)
	}
	text, kv := splitKV(text)
	to := kvAddr(kv, "to=<")
	if len(to) == 0 {
		r.stats.RejectsWithoutRecipient++
		return true, nil
	}
	ev := parser.Event{
		Source:    r.src,
		Line:      r.line,
		Time:      c.h.ts.time(r.loc),
		Recipient: c.addr(to),
		Status:    parser.StatusRejected,
		Text:      c.str(text),
		RemoteMTA: c.str(client),
		Command:   stageCommands[string(stage)],
	}
	if string(qid) != "NOQUEUE" {
		ev.QueueID = string(qid)
		if e := r.queue.get(qid); e != nil {
			ev.Sender, ev.MessageID = e.sender, e.msgID
		}
	}
	if i := bytes.Index(kv, []byte("from=<")); i >= 0 && (i == 0 || kv[i-1] == ' ') {
		ev.Sender = senderString(c, kvAddr(kv[i:], "from=<"))
	}
	ev.Code = smtpcode.FindReply(ev.Text)
	var class byte
	if ev.Code != 0 {
		class = byte('0' + ev.Code/100)
	}
	ev.Enhanced = smtpcode.FindEnhanced(ev.Text, class)
	ev.Forward = parser.ForwardAddress(ev.Code, ev.Enhanced, ev.Text, ev.Recipient)
	r.pending = append(r.pending, ev)
	return true, nil
}

// splitClient splits "HOST[IP]: rest" or postscreen's "[IP]:PORT: rest" and
// returns HOST, or IP when the host is "unknown" or missing.
func splitClient(b []byte) (client, rest []byte, ok bool) {
	open := bytes.IndexByte(b, '[')
	if open < 0 {
		return nil, nil, false
	}
	end := bytes.IndexByte(b[open:], ']')
	if end < 0 {
		return nil, nil, false
	}
	end += open
	host, ip := b[:open], b[open+1:end]
	rest = b[end+1:]
	if len(rest) > 0 && rest[0] == ':' && len(rest) > 1 && isDigit(rest[1]) { // :PORT
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		rest = rest[i:]
	}
	if !bytes.HasPrefix(rest, []byte(": ")) {
		return nil, nil, false
	}
	if len(host) == 0 || string(host) == "unknown" {
		host = ip
	}
	return host, rest[2:], true
}

// kvMarkers start the key-value tail of a reject line.
var kvMarkers = [][]byte{[]byte("; from=<"), []byte("; to=<"), []byte("; proto="), []byte("; helo=<")}

// splitKV splits the reply text from the key-value tail at the last
// "; from=<" (or to=, proto=, helo=): the text itself may contain "; ".
func splitKV(b []byte) (text, kv []byte) {
	at := -1
	for _, m := range kvMarkers {
		if i := bytes.LastIndex(b, m); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return b, nil
	}
	return b[:at], b[at+2:]
}

// kvAddr returns the address of key (e.g. "to=<") in a key-value tail; the
// key must start the tail or follow a space.
func kvAddr(kv []byte, key string) []byte {
	for off := 0; off < len(kv); {
		i := bytes.Index(kv[off:], []byte(key))
		if i < 0 {
			return nil
		}
		i += off
		if i == 0 || kv[i-1] == ' ' {
			a, _ := addrField(kv[i+len(key)-1:])
			return a
		}
		off = i + len(key)
	}
	return nil
}
