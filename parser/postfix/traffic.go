package postfix

import (
	"bytes"

	"bouncelens/parser"
)

// Options.Traffic adds two kinds of events for pflogsumm-style totals: a
// message received (qmgr's first "(queue active)" line of a queue id) and
// a Postfix warning. Without Traffic their lines stay ignored; only the
// queue table's "received" flag is kept either way, so that a state taken
// without Traffic continues correctly with it.

// isWarning reports a "warning: " payload.
func isWarning(p []byte) bool { return hasPrefix(p, "warning: ") }

// scanWarning makes rec the warning of program name; p starts with
// "warning: ". Postfix puts the queue id, when there is one, first in the
// text ("warning: 3F2A81C0D2: sender_canonical_maps map lookup problem").
func scanWarning(rec *record, name, p []byte) {
	text := p[len("warning: "):]
	rec.kind, rec.family, rec.text, rec.qid = recWarning, name, text, nil
	if qid, _, ok := splitQID(text); ok && isQueueID(qid) {
		rec.qid = qid
	}
}

// shortQIDByte and longQIDByte mark the alphabets of short queue ids
// (upper-case hex) and long ones (digits and letters without vowels).
var shortQIDByte, longQIDByte = func() (short, long [256]bool) {
	for c := '0'; c <= '9'; c++ {
		short[c], long[c] = true, true
	}
	for c := 'A'; c <= 'F'; c++ {
		short[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		if !bytes.ContainsRune([]byte("AEIOU"), c) {
			long[c], long[c+'a'-'A'] = true, true
		}
	}
	return short, long
}()

// isQueueID reports whether b is a Postfix queue id: 6 or more upper-case
// hex digits (short ids), or 12 or more characters of the long ids' base 52
// alphabet with the 'z' that separates time and inode. Words such as
// "dnsblog_query" or "NOQUEUE" are not.
func isQueueID(b []byte) bool {
	short, long, z := len(b) >= 6, len(b) >= 12, false
	for _, c := range b {
		short = short && shortQIDByte[c]
		long = long && longQIDByte[c]
		z = z || c == 'z'
	}
	return short || long && z
}

// activeLine handles qmgr's "from=<S>, size=N, nrcpt=M (queue active)" line
// of entry e: the first one of a queue id is the message entering the
// queue, the ones after it are retries. With Options.Traffic the first one
// makes a received event in ev, and it reports true.
func (r *Reader) activeLine(rec *record, e *entry, ev *parser.Event) bool {
	if e.received {
		if r.traffic {
			r.stats.Ignored++ // scanLine left the count to us
		}
		return false
	}
	e.received = true
	if !r.traffic {
		return false
	}
	r.stats.Received++
	ev.Source, ev.Line, ev.Status = r.src, r.line, parser.StatusReceived
	ev.Time = r.eventTime(rec)
	ev.QueueID, ev.Sender, ev.MessageID = e.qid, e.sender, e.msgID
	return true
}

// warning makes the event of a warning line in ev.
func (r *Reader) warning(rec *record, ev *parser.Event) {
	r.stats.Warnings++
	ev.Source, ev.Line, ev.Status = r.src, r.line, parser.StatusWarning
	ev.Time = r.eventTime(rec)
	ev.Family = r.intern.str(rec.family, rec.valid)
	ev.Text = toString(rec.text, rec.valid)
	if rec.qid != nil {
		ev.QueueID = string(rec.qid)
	}
}
