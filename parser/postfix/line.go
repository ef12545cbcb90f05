package postfix

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"

	"bouncelens/parser"
)

// A line is read in two stages. scanLine splits the header and parses the
// fields of the line into a record of byte slices into the line: no string
// is made and the queue table is not touched. apply then does the
// correlation (queue table) and builds the events, making strings only for
// what ends up in an event or the table.

// recKind says what apply does with a record.
type recKind uint8

const (
	recNone     recKind = iota // nothing (counted by scanLine)
	recFrom                    // qmgr from=: remember the sender
	recExpire                  // qmgr from=<S>, status=expired: expire the open recipients
	recMsgID                   // cleanup message-id=
	recRemoved                 // the queue id's record ends
	recDelivery                // to=..., status=...
	recReject                  // smtpd, postscreen or milter reject naming a recipient
	recWarning                 // a Postfix program's "warning: " line (Options.Traffic only)
)

// record is what scanLine found in one line. The slices point into the
// line and are valid until the next read. Only the fields of its kind are
// set.
type record struct {
	kind  recKind
	timed bool // ts holds the line's time stamp
	valid bool // the line is valid UTF-8: strings need no repair
	ts    stamp
	unix  int64 // ts in Unix seconds, set by apply (tick)
	qid   []byte

	status parser.Status // recDelivery
	to     []byte        // recDelivery, recReject: the recipient
	orig   []byte        // recDelivery: orig_to= value, nil if none
	relay  []byte        // recDelivery: relay= value
	dsn    []byte        // recDelivery: dsn= value
	text   []byte        // recDelivery: status text without parentheses; recReject: the reply; recWarning: the text after "warning: "

	sender    []byte // recFrom, recExpire; recReject when hasFrom
	active    bool   // recFrom: the "size=N, nrcpt=M (queue active)" line, not another from=
	family    []byte // recWarning: the program name
	hasFrom   bool   // recReject: the key-values name from=<...>
	msgID     []byte // recMsgID, without <>
	client    []byte // recReject: client host or IP
	command   string // recReject: Event.Command of the stage
	isNoQueue bool   // recReject: queue id NOQUEUE
}

// scanLine parses line into rec and counts what needs no further work in
// r.stats. It returns a *parser.Error for a line to skip.
func (r *Reader) scanLine(line []byte, rec *record) error {
	rec.kind, rec.timed = recNone, false
	valid := true
	ascii := r.lineASCII
	r.lineASCII = false
	if !ascii && !isASCIIText(line) {
		if bytes.IndexByte(line, 0) >= 0 {
			return r.skip(parser.ErrBinary)
		}
		if valid = utf8.Valid(line); !valid && mostlyBad(line) {
			return r.skip(parser.ErrBinary)
		}
	}
	name, p, ok := r.splitLine(line, &rec.ts)
	if !ok {
		r.stats.Unparsed++
		return nil
	}
	rec.timed, rec.valid = true, valid
	if len(name) < len("postfix") || string(name[:len("postfix")]) != "postfix" {
		r.stats.Foreign++
		return nil
	}
	slash := bytes.LastIndexByte(name, '/')
	if slash < 0 {
		// postfix[123] (the postfix command), postfix-script
		if r.traffic && isWarning(p) && (string(name) == "postfix" || string(name) == "postfix-script") {
			scanWarning(rec, name, p)
			return nil
		}
		r.stats.Ignored++
		return nil
	}
	if len(p) > 0 && (p[0] == 'w' || p[0] == 'e' || p[0] == 'f' || p[0] == 'p') && hasSeverity(p) {
		if r.traffic && p[0] == 'w' {
			scanWarning(rec, name, p)
			return nil
		}
		r.stats.Ignored++
		return nil
	}
	var err error
	handled := false
	switch daemon := name[slash+1:]; string(daemon) {
	case "smtp", "lmtp", "local", "virtual", "pipe", "error", "retry", "discard":
		handled, err = r.agentLine(rec, p)
	case "qmgr", "nqmgr", "oqmgr":
		handled, err = r.qmgrLine(rec, p)
	case "cleanup":
		handled, err = r.cleanupLine(rec, p)
	case "smtpd", "postscreen":
		handled, err = r.smtpdLine(rec, p)
	case "postsuper":
		if qid, rest, ok := splitQID(p); ok && hasPrefix(rest, "removed") {
			rec.kind, rec.qid = recRemoved, qid
		}
	}
	if err != nil {
		rec.kind = recNone
		return r.skip(err)
	}
	if !handled {
		r.stats.Ignored++
	}
	return nil
}

// isASCIIText reports whether b is all ASCII without a NUL byte: then it
// is valid UTF-8 and not binary. It reads 32 bytes a step in four
// independent words, for the common case; a false answer sends the line
// to the slower checks.
func isASCIIText(b []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	// (w-lo)&^w has the high bit of a byte set where w has a zero byte
	// (and maybe above one: presence is exact); w's own high bits mark
	// bytes >= 0x80.
	var a0, a1, a2, a3 uint64
	for len(b) >= 32 {
		w0 := binary.LittleEndian.Uint64(b[0:8])
		w1 := binary.LittleEndian.Uint64(b[8:16])
		w2 := binary.LittleEndian.Uint64(b[16:24])
		w3 := binary.LittleEndian.Uint64(b[24:32])
		a0 |= w0 | (w0-lo)&^w0
		a1 |= w1 | (w1-lo)&^w1
		a2 |= w2 | (w2-lo)&^w2
		a3 |= w3 | (w3-lo)&^w3
		b = b[32:]
	}
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b[0:8])
		a0 |= w | (w-lo)&^w
		b = b[8:]
	}
	for _, c := range b {
		if c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return (a0|a1|a2|a3)&hi == 0
}

// asciiTextPrefix returns a length n such that b[:n] is ASCII without a
// NUL byte. It stops at the first NUL byte, and at the first word of 8
// bytes that has a byte of 0x80 or above: n may be short of that byte.
// Both searches end there, so that a caller that calls it again after
// each such byte reads the bytes about twice, not once per call.
func asciiTextPrefix(b []byte) int {
	// High bits first: one OR a word.
	const hi = 0x8080808080808080
	n := 0
	for rest := b; ; {
		if len(rest) >= 64 {
			w := binary.LittleEndian.Uint64(rest[0:8]) | binary.LittleEndian.Uint64(rest[8:16]) |
				binary.LittleEndian.Uint64(rest[16:24]) | binary.LittleEndian.Uint64(rest[24:32]) |
				binary.LittleEndian.Uint64(rest[32:40]) | binary.LittleEndian.Uint64(rest[40:48]) |
				binary.LittleEndian.Uint64(rest[48:56]) | binary.LittleEndian.Uint64(rest[56:64])
			if w&hi == 0 {
				rest, n = rest[64:], n+64
				continue
			}
		}
		for len(rest) >= 8 && binary.LittleEndian.Uint64(rest)&hi == 0 {
			rest, n = rest[8:], n+8
		}
		if len(rest) < 8 {
			for len(rest) > 0 && rest[0] < utf8.RuneSelf {
				rest, n = rest[1:], n+1
			}
		}
		break
	}
	if z := bytes.IndexByte(b[:n], 0); z >= 0 {
		return z
	}
	return n
}

// hasSeverity reports a "warning: ", "error: ", "fatal: " or "panic: "
// payload.
func hasSeverity(p []byte) bool {
	if len(p) < 7 {
		return false
	}
	switch p[0] {
	case 'w':
		return hasPrefix(p, "warning: ")
	case 'e':
		return hasPrefix(p, "error: ")
	case 'f':
		return hasPrefix(p, "fatal: ")
	case 'p':
		return hasPrefix(p, "panic: ")
	}
	return false
}

// qidByte marks the bytes of a queue id: letters, digits and '_'.
var qidByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c], t[c+'a'-'A'] = true, true
	}
	t['_'] = true
	return t
}()

// splitQID splits "QUEUEID: rest". A queue id is 5 or more letters, digits
// or '_' (short ids are upper-case hex, long ids base 52; NOQUEUE counts),
// 65 at most.
func splitQID(p []byte) (qid, rest []byte, ok bool) {
	// Count the queue id bytes (qidByte) eight a step. Of the low seven
	// bits x of a byte, x+(0x80-a) has the high bit from a on: a range
	// [a, b] is (x+(0x80-a)) &^ (x+(0x7f-b)); no carry leaves the byte.
	const (
		hi   = 0x8080808080808080
		low7 = 0x7f7f7f7f7f7f7f7f
		max  = 65

		digitLo, digitHi = 0x5050505050505050, 0x4646464646464646 // '0' to '9'
		upperLo, upperHi = 0x3f3f3f3f3f3f3f3f, 0x2525252525252525 // 'A' to 'Z'
		lowerLo, lowerHi = 0x1f1f1f1f1f1f1f1f, 0x0505050505050505 // 'a' to 'z'
		under            = 0x5f5f5f5f5f5f5f5f                     // '_'
	)
	i, stop := 0, false
	for ; i+8 <= len(p) && i < max; i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		x := w & low7
		u := x ^ under // zero where '_'
		good := (x+digitLo)&^(x+digitHi) | (x+upperLo)&^(x+upperHi) |
			(x+lowerLo)&^(x+lowerHi) | ^(u + low7)
		if bad := (^good | w) & hi; bad != 0 {
			i, stop = i+bits.TrailingZeros64(bad)/8, true
			break
		}
	}
	for !stop && i < len(p) && i < max && qidByte[p[i]] {
		i++
	}
	i = min(i, max)
	if i < 5 || i+1 >= len(p) || p[i] != ':' || p[i+1] != ' ' {
		return nil, nil, false
	}
	return p[:i], p[i+2:], true
}

// agentLine handles the delivery agents' lines.
func (r *Reader) agentLine(rec *record, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil // "connect to ...", TLS lines
	}
	if hasPrefix(rest, "to=") {
		return true, r.scanDelivery(rec, qid, rest)
	}
	if hasPrefix(rest, "status=") || bytes.Contains(rest, []byte(", status=")) {
		return true, parser.ErrNoRecipient
	}
	return false, nil // "host ... said:", "lost connection ...": per attempt, no state change
}

// qmgrLine handles qmgr's from=, expired, removed and its own to= lines.
func (r *Reader) qmgrLine(rec *record, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil
	}
	switch {
	case hasPrefix(rest, "from="):
		sender, tail := addrField(rest[len("from="):])
		rec.qid, rec.sender = qid, sender
		if hasPrefix(tail, ", status=expired") || hasPrefix(tail, ", status=force-expired") {
			rec.kind = recExpire
			return true, nil
		}
		rec.kind = recFrom
		// Postfix logs "size=N, nrcpt=M (queue active)" at every delivery
		// attempt; apply counts the line (Received or Ignored) under
		// Traffic, when it knows whether the queue id had one before.
		rec.active = hasPrefix(tail, ", size=")
		return r.traffic && rec.active, nil // else counted as ignored: it yields no event
	case hasPrefix(rest, "to="):
		return true, r.scanDelivery(rec, qid, rest)
	case hasPrefix(rest, "removed"):
		rec.kind, rec.qid = recRemoved, qid
	case hasPrefix(rest, "status="):
		return true, parser.ErrNoRecipient
	}
	return false, nil
}

// cleanupLine handles message-id=, milter rejects and "removed".
func (r *Reader) cleanupLine(rec *record, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil
	}
	switch {
	case hasPrefix(rest, "message-id="):
		id := bytes.TrimSpace(rest[len("message-id="):])
		if len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>' {
			id = id[1 : len(id)-1]
		}
		rec.kind, rec.qid, rec.msgID = recMsgID, qid, id
	case hasPrefix(rest, "milter-reject: "):
		return r.scanReject(rec, qid, rest[len("milter-reject: "):])
	case hasPrefix(rest, "removed"):
		rec.kind, rec.qid = recRemoved, qid // Postfix 3.10+: "removed (canceled)"
	}
	return false, nil
}

// smtpdLine handles smtpd's and postscreen's reject lines.
func (r *Reader) smtpdLine(rec *record, p []byte) (bool, error) {
	qid, rest, ok := splitQID(p)
	if !ok {
		return false, nil // connect, disconnect, TLS lines
	}
	switch {
	case hasPrefix(rest, "reject: "):
		return r.scanReject(rec, qid, rest[len("reject: "):])
	case hasPrefix(rest, "milter-reject: "):
		return r.scanReject(rec, qid, rest[len("milter-reject: "):])
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
		for i := 1; i < len(b); {
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				break
			}
			i += j
			if i+1 == len(b) || b[i+1] == ',' || b[i+1] == ' ' {
				return b[1:i], b[i+1:]
			}
			i++
		}
		return b[1:], nil
	}
	if i := bytes.IndexByte(b, ','); i >= 0 {
		return b[:i], b[i:]
	}
	return b, nil
}

// scanDelivery parses "to=<ADDR>[, orig_to=<ADDR>], relay=..., dsn=X.Y.Z,
// status=WORD (TEXT)" into rec.
func (r *Reader) scanDelivery(rec *record, qid, rest []byte) error {
	to, after := addrField(rest[len("to="):])
	orig, relay, dsn, si, ok := postfixFields(after)
	if !ok {
		orig, relay, dsn, si = scanFields(after)
	}
	if si < 0 {
		return fmt.Errorf("%w: to= without status= (truncated line?)", parser.ErrMalformed)
	}
	if len(to) == 0 || !(to[0] > ' ' && to[0] < utf8.RuneSelf) && len(bytes.TrimSpace(to)) == 0 {
		return parser.ErrNoRecipient
	}
	tail := after[si+len(", status="):]
	word := tail
	var text []byte
	if sp := bytes.IndexByte(tail, ' '); sp >= 0 {
		word, text = tail[:sp], tail[sp+1:]
		// QUIRK: the text's own parentheses need not balance, and a
		// truncated line loses the closing one: strip what is there.
		if len(text) > 0 && text[0] == '(' {
			text = text[1:]
		}
		if n := len(text); n > 0 && text[n-1] == ')' {
			text = text[:n-1]
		}
	}
	st, ok := postfixStatus(word)
	if !ok {
		if isProbe(word) {
			r.stats.Probes++
			return nil
		}
		return fmt.Errorf("%w: unknown status=%.20q", parser.ErrMalformed, word)
	}
	rec.kind, rec.qid, rec.status = recDelivery, qid, st
	rec.to, rec.orig, rec.relay, rec.dsn, rec.text = to, orig, relay, dsn, text
	return nil
}

// scanFields finds the fields of a delivery line in after, what follows
// the address: the ", "-separated pieces up to the first one that starts
// with "status="; the first piece of each name counts, its value runs to
// the next ", ". (The piece before the first ", " is what followed the
// address: no field.) si is the index of the ", " before "status=", or -1.
func scanFields(after []byte) (orig, relay, dsn []byte, si int) {
	si, start := -1, -1
	// Fields are a few dozen bytes: one IndexByte a comma.
	for pos := 0; pos < len(after); {
		k := bytes.IndexByte(after[pos:], ',')
		if k < 0 {
			break
		}
		j := pos + k
		pos = j + 1
		if pos >= len(after) || after[pos] != ' ' {
			continue
		}
		if start >= 0 && j > start {
			switch v := after[start:j]; v[0] {
			case 'o':
				if orig == nil && hasPrefix(v, "orig_to=") {
					orig = v[len("orig_to="):]
				}
			case 'r':
				if relay == nil && hasPrefix(v, "relay=") {
					relay = v[len("relay="):]
				}
			case 'd':
				if dsn == nil && hasPrefix(v, "dsn=") {
					dsn = v[len("dsn="):]
				}
			}
		}
		if hasPrefix(after[j+2:], "status=") {
			si = j
			break
		}
		start = j + 2
	}
	return orig, relay, dsn, si
}

// postfixFields reads the fields after a delivery line's address when
// they are as Postfix writes them: ", [orig_to=<O>, ]relay=R,
// [conn_use=N, ]delay=N, delays=N/N/N/N, dsn=X.Y.Z, status=". It returns
// what the general way in scanDelivery finds for them, si the index of
// ", status=", and false for anything else, when it must take the general
// way.
func postfixFields(after []byte) (orig, relay, dsn []byte, si int, ok bool) {
	i := 0
	if hasPrefix(after, ", orig_to=") {
		if i = valueEnd(after, len(", orig_to=")); i < 0 {
			return nil, nil, nil, -1, false
		}
		orig = after[len(", orig_to="):i]
	}
	if !hasPrefix(after[i:], ", relay=") {
		return nil, nil, nil, -1, false
	}
	j := valueEnd(after, i+len(", relay="))
	if j < 0 {
		return nil, nil, nil, -1, false
	}
	relay, i = after[i+len(", relay="):j], j
	if hasPrefix(after[i:], ", conn_use=") {
		i = numberEnd(after, i+len(", conn_use="))
	}
	if !hasPrefix(after[i:], ", delay=") {
		return nil, nil, nil, -1, false
	}
	i = numberEnd(after, i+len(", delay="))
	if !hasPrefix(after[i:], ", delays=") {
		return nil, nil, nil, -1, false
	}
	i = numberEnd(after, i+len(", delays="))
	if !hasPrefix(after[i:], ", dsn=") {
		return nil, nil, nil, -1, false
	}
	j = numberEnd(after, i+len(", dsn="))
	if !hasPrefix(after[j:], ", status=") {
		return nil, nil, nil, -1, false
	}
	return orig, relay, after[i+len(", dsn=") : j], j, true
}

// valueEnd returns the index of the first ", " in b from i on, or -1.
func valueEnd(b []byte, i int) int {
	for i < len(b) {
		k := bytes.IndexByte(b[i:], ',')
		if k < 0 {
			break
		}
		if i += k; i+1 < len(b) && b[i+1] == ' ' {
			return i
		}
		i++
	}
	return -1
}

// numberEnd returns the index of the first byte from i on that is no
// digit, '.' or '/' (the delays are "N/N/N/N"): a number has no ", ". The
// three are the bytes from '.' (0x2e) to '9' (0x39); it reads eight a
// step.
func numberEnd(b []byte, i int) int {
	const hi, low7 = 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// Of the low seven bits x of a byte, x+0x52 has the high bit from
		// '.' on, x+0x46 from past '9' on; no carry leaves the byte.
		x := w & low7
		if bad := (^((x + 0x5252525252525252) &^ (x + 0x4646464646464646)) | w) & hi; bad != 0 {
			return i + bits.TrailingZeros64(bad)/8
		}
	}
	for i < len(b) && b[i] >= '.' && b[i] <= '9' {
		i++
	}
	return i
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
// no host name, nil for relay=none, and other values (local, virtual, a
// pipe transport name) as they are.
func relayHost(v []byte) []byte {
	if len(v) == 0 || string(v) == "none" {
		return nil
	}
	i := bytes.IndexByte(v, '[')
	if i < 0 {
		return v
	}
	if i == 0 {
		ip := v[1:]
		if j := bytes.IndexByte(ip, ']'); j >= 0 {
			ip = ip[:j]
		}
		return ip
	}
	return v[:i]
}

// remoteReply returns the part of a delivery text that is the remote
// server's reply: after "said: " or "refused to talk to me: ", or the whole
// text when it starts with a reply code ("250 2.0.0 Ok: queued as ...").
// Otherwise it is "": local texts ("Host or domain name not found ...")
// carry no reply code.
func remoteReply(text string) string {
	// Both phrases end in ": ": visit the colons only. The first " said: "
	// wins over any "refused to talk to me: ".
	refused := -1
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], ':')
		if j < 0 {
			break
		}
		i += j + 1
		if i >= len(text) || text[i] != ' ' {
			continue
		}
		if i >= len(" said:") && text[i-len(" said:"):i] == " said:" {
			return text[i+1:]
		}
		if refused < 0 && i >= len("refused to talk to me:") && text[i-len("refused to talk to me:"):i] == "refused to talk to me:" {
			refused = i + 1
		}
	}
	if refused >= 0 {
		return text[refused:]
	}
	if len(text) >= 3 && (text[0] == '2' || text[0] == '4' || text[0] == '5') && isDigit(text[1]) && isDigit(text[2]) {
		return text
	}
	return ""
}

// stageCommand maps an smtpd reject stage to Event.Command.
func stageCommand(stage []byte) string {
	switch string(stage) {
	case "CONNECT":
		return "CONN"
	case "EHLO", "HELO":
		return "EHLO"
	case "STARTTLS":
		return "STARTTLS"
	case "MAIL":
		return "MAIL"
	case "RCPT":
		return "RCPT"
	case "DATA", "BDAT", "END-OF-MESSAGE":
		return "DATA"
	}
	return ""
}

// scanReject parses "STAGE from CLIENT: TEXT; from=<S> to=<R> proto=...
// helo=<H>" (smtpd, cleanup milters; postscreen separates the key-values
// with ", ") into rec.
func (r *Reader) scanReject(rec *record, qid, b []byte) (bool, error) {
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
	rec.kind, rec.qid, rec.isNoQueue = recReject, qid, string(qid) == "NOQUEUE"
	rec.to, rec.text, rec.client, rec.command = to, text, client, stageCommand(stage)
	rec.hasFrom, rec.sender = false, nil
	if i := bytes.Index(kv, []byte("from=<")); i >= 0 && (i == 0 || kv[i-1] == ' ') {
		rec.hasFrom, rec.sender = true, kvAddr(kv[i:], "from=<")
	}
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
	if !hasPrefix(rest, ": ") {
		return nil, nil, false
	}
	if len(host) == 0 || string(host) == "unknown" {
		host = ip
	}
	return host, rest[2:], true
}

// kvMarkers start the key-value tail of a reject line, after "; ".
var kvMarkers = [...]string{"from=<", "to=<", "proto=", "helo=<"}

// splitKV splits the reply text from the key-value tail at the last
// "; from=<" (or to=, proto=, helo=): the text itself may contain "; ".
// When the markers' last occurrences differ, the earliest of them wins.
func splitKV(b []byte) (text, kv []byte) {
	at := -1
	var seen [len(kvMarkers)]bool
	left := len(kvMarkers)
	// Visit the "; " from the end; the first time a marker follows one is
	// its last occurrence.
	for end := len(b); left > 0; {
		i := bytes.LastIndexByte(b[:end], ';')
		if i < 0 {
			break
		}
		end = i
		if i+1 >= len(b) || b[i+1] != ' ' {
			continue
		}
		rest := b[i+2:]
		for k, m := range kvMarkers {
			if !seen[k] && len(rest) >= len(m) && string(rest[:len(m)]) == m {
				seen[k] = true
				left--
				at = i // visiting from the end: i only decreases
			}
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

// hasPrefix is bytes.HasPrefix for a constant prefix: inlined, the
// comparison becomes a few loads, not a call.
func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}
