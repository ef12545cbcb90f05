package postfix

import (
	"strings"
	"time"
	"unicode/utf8"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// sweepLines is the number of lines between two sweeps of the queue table
// for idle queue ids, unless a whole window of log time passed.
const sweepLines = 4096

// apply does the correlation and event work of a record made by scanLine.
func (r *Reader) apply(rec *record) {
	if rec.timed {
		r.tick(rec)
	}
	switch rec.kind {
	case recFrom:
		e := r.queue.getOrCreate(rec.qid, r.clock)
		e.last = r.clock
		if !sameSender(e.sender, rec.sender) {
			e.sender = r.senderString(rec.sender, rec.valid)
		}
		if rec.active {
			r.activeLine(rec, e)
		}
	case recExpire:
		r.expire(rec)
	case recMsgID:
		e := r.queue.getOrCreate(rec.qid, r.clock)
		e.last = r.clock
		if e.msgID != string(rec.msgID) {
			e.msgID = toString(rec.msgID, rec.valid)
		}
	case recRemoved:
		r.queue.remove(rec.qid)
	case recDelivery:
		r.delivery(rec)
	case recReject:
		r.reject(rec)
	case recWarning:
		r.warning(rec)
	}
}

// tick advances the log clock to the stamp of a line, and sweeps the queue
// table of ids idle for longer than the window when the clock moved on by
// an eighth of the window and either sweepLines lines or a whole window
// passed since the last sweep. The clock never moves back: a line written
// out of order does not sweep.
func (r *Reader) tick(rec *record) {
	ts := &rec.ts
	var t int64
	if ts.year == r.dayYear && ts.month == r.dayMonth && ts.day == r.dayDay {
		t = r.dayBase + int64(ts.hour*3600+ts.min*60+ts.sec-ts.offset)
	} else {
		r.dayYear, r.dayMonth, r.dayDay = ts.year, ts.month, ts.day
		r.dayBase = daysFromCivil(ts.year, ts.month, ts.day) * 86400
		t = r.dayBase + int64(ts.hour*3600+ts.min*60+ts.sec-ts.offset)
	}
	rec.unix = t
	if !r.clockSet {
		r.clock, r.clockSet = t, true
		r.lastSweep, r.sweepLine = t, r.line
		return
	}
	if t <= r.clock {
		return
	}
	r.clock = t
	if d := t - r.lastSweep; d >= r.sweepEvery && (r.line-r.sweepLine >= sweepLines || d >= r.window) {
		r.queue.sweep(t - r.window)
		r.lastSweep, r.sweepLine = t, r.line
	}
}

// eventTime returns the time of the record's line, in UTC. tick computed
// its Unix seconds already: zoned and UTC stamps need no more.
func (r *Reader) eventTime(rec *record) time.Time {
	if rec.ts.zoned || r.loc == time.UTC {
		return time.Unix(rec.unix, int64(rec.ts.nsec)).UTC()
	}
	return rec.ts.time(r.loc)
}

func sameSender(have string, b []byte) bool {
	if len(b) == 0 {
		return have == "<>"
	}
	return have == string(b)
}

// senderString returns the envelope sender; the null sender is "<>" so that
// it differs from "not known" (the empty string).
func (r *Reader) senderString(b []byte, valid bool) string {
	if len(b) == 0 {
		return "<>"
	}
	return r.intern.str(b, valid)
}

// isPlain reports an address that lower-casing leaves as it is.
func isPlain(b []byte) bool {
	for _, ch := range b {
		if ch >= 'A' && ch <= 'Z' || ch >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// addrString converts an address to a lower-cased string.
func addrString(b []byte, valid bool) string {
	if isPlain(b) {
		return string(b)
	}
	return strings.ToLower(toString(b, valid))
}

// eventStrings returns the recipient and original recipient (lower-cased)
// and the text of an event. In the common case (valid UTF-8, lower-case
// addresses) they are cut from one string: one allocation instead of two
// or three, holding only bytes the event keeps.
func (r *Reader) eventStrings(to, orig, text []byte, valid bool) (rcpt, origRcpt, txt string) {
	if !valid || !isPlain(to) || !isPlain(orig) {
		rcpt = addrString(to, valid)
		if orig != nil {
			origRcpt = addrString(orig, valid)
		}
		return rcpt, origRcpt, toString(text, valid)
	}
	var b strings.Builder // one allocation of the exact size, one copy
	n, m := len(to), len(to)+len(orig)
	b.Grow(m + len(text))
	b.Write(to)
	b.Write(orig)
	b.Write(text)
	s := b.String()
	return s[:n], s[n:m], s[m:]
}

// delivery queues the event of a delivery line.
func (r *Reader) delivery(rec *record) {
	e := r.queue.get(rec.qid)
	if e == nil && rec.status == parser.StatusDeferred {
		// A fresh entry knows no sender: the event gets none, as it would
		// without the entry.
		e = r.queue.getOrCreate(rec.qid, r.clock)
	}
	r.pending = append(r.pending, parser.Event{})
	ev := &r.pending[len(r.pending)-1]
	ev.Source, ev.Line, ev.Status = r.src, r.line, rec.status
	ev.Time = r.eventTime(rec)

	var orig []byte
	if rec.orig != nil {
		orig, _ = addrField(rec.orig)
	}
	// A recipient deferred before shares the strings of its last deferral.
	idx := -1
	if e != nil {
		e.last = r.clock
		ev.QueueID, ev.Sender, ev.MessageID = e.qid, e.sender, e.msgID
		if len(e.open) > 0 && isPlain(rec.to) && isPlain(orig) {
			for i := range e.open {
				if e.open[i].Recipient == string(rec.to) && e.open[i].OrigRecipient == string(orig) {
					idx = i
					break
				}
			}
		}
	} else {
		ev.QueueID = string(rec.qid)
	}
	sameText := false
	if idx >= 0 {
		prev := &e.open[idx]
		ev.Recipient, ev.OrigRecipient = prev.Recipient, prev.OrigRecipient
		if sameText = prev.Text == string(rec.text); sameText {
			ev.Text = prev.Text
			ev.Code, ev.Command = prev.Code, prev.Command // functions of Text alone
		} else {
			ev.Text = toString(rec.text, rec.valid)
		}
	} else {
		ev.Recipient, ev.OrigRecipient, ev.Text = r.eventStrings(rec.to, orig, rec.text, rec.valid)
		if e != nil && len(e.open) > 0 {
			idx = e.find(ev.Recipient, ev.OrigRecipient)
		}
	}
	ev.RemoteMTA = r.intern.str(relayHost(rec.relay), rec.valid)
	reply := remoteReply(ev.Text)
	if !sameText {
		ev.Code = smtpcode.FindReply(reply)
		ev.Command = smtpcode.Stage(ev.Text)
	}
	if string(rec.dsn) == "2.0.0" { // most lines: no lookup
		ev.Enhanced = "2.0.0"
	} else if len(rec.dsn) > 0 {
		ev.Enhanced = r.intern.str(rec.dsn, rec.valid)
	} else if ev.Code != 0 {
		ev.Enhanced = smtpcode.FindEnhanced(reply, byte('0'+ev.Code/100))
	}
	ev.Forward = parser.ForwardAddress(ev.Code, ev.Enhanced, reply, ev.Recipient)

	switch rec.status {
	case parser.StatusDeferred:
		if idx >= 0 {
			e.open[idx] = *ev
		} else {
			e.open = append(e.open, *ev)
		}
	case parser.StatusSent, parser.StatusBounced, parser.StatusExpired:
		if idx >= 0 {
			e.open = append(e.open[:idx], e.open[idx+1:]...)
			e.open[len(e.open) : len(e.open)+1][0] = parser.Event{}
		}
	}
}

// expire queues one StatusExpired event per recipient of the queue id
// still deferred, with its last deferral's details.
func (r *Reader) expire(rec *record) {
	e := r.queue.get(rec.qid)
	if e != nil {
		e.last = r.clock
	}
	if e == nil || len(e.open) == 0 {
		r.stats.ExpiredWithoutRecipients++
		return
	}
	if !sameSender(e.sender, rec.sender) {
		e.sender = r.senderString(rec.sender, rec.valid)
	}
	t := r.eventTime(rec)
	for i := range e.open {
		r.pending = append(r.pending, e.open[i])
		ev := &r.pending[len(r.pending)-1]
		ev.Status = parser.StatusExpired
		ev.Line, ev.Time = r.line, t
		ev.Sender, ev.MessageID = e.sender, e.msgID
	}
	clear(e.open)
	e.open = e.open[:0]
}

// reject queues the event of a reject line.
func (r *Reader) reject(rec *record) {
	r.pending = append(r.pending, parser.Event{})
	ev := &r.pending[len(r.pending)-1]
	ev.Source, ev.Line, ev.Status = r.src, r.line, parser.StatusRejected
	ev.Time = r.eventTime(rec)
	ev.Recipient, _, ev.Text = r.eventStrings(rec.to, nil, rec.text, rec.valid)
	ev.RemoteMTA = r.intern.str(rec.client, rec.valid)
	ev.Command = rec.command
	if !rec.isNoQueue {
		if e := r.queue.get(rec.qid); e != nil {
			e.last = r.clock
			ev.QueueID, ev.Sender, ev.MessageID = e.qid, e.sender, e.msgID
		} else {
			ev.QueueID = string(rec.qid)
		}
	}
	if rec.hasFrom {
		ev.Sender = r.senderString(rec.sender, rec.valid)
	}
	ev.Code = smtpcode.FindReply(ev.Text)
	var class byte
	if ev.Code != 0 {
		class = byte('0' + ev.Code/100)
	}
	ev.Enhanced = smtpcode.FindEnhanced(ev.Text, class)
	ev.Forward = parser.ForwardAddress(ev.Code, ev.Enhanced, ev.Text, ev.Recipient)
}
