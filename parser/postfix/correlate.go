package postfix

import (
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf8"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// sweepLines is the number of lines between two sweeps of the queue table
// for idle queue ids, unless a whole window of log time passed.
const sweepLines = 4096

// apply does the correlation and event work of a record made by scanLine,
// and queues its events.
func (r *Reader) apply(rec *record) {
	switch rec.kind {
	case recFrom, recDelivery, recReject, recWarning: // may make one event
		r.pending = append(r.pending, parser.Event{})
		if n := len(r.pending); !r.applyTo(rec, &r.pending[n-1]) {
			r.pending = r.pending[:n-1]
		}
	default: // expire queues its events itself; the others make none
		r.applyTo(rec, &r.none)
	}
}

// applyTo does the correlation and event work of a record made by
// scanLine. A line's one event is made in *ev, which is zero, and then it
// reports true; the events of an expiry are queued in r.pending instead.
// (Next makes its result so, with no copy through r.pending.)
func (r *Reader) applyTo(rec *record, ev *parser.Event) bool {
	if rec.timed {
		r.tick(rec)
	}
	switch rec.kind {
	case recFrom:
		e := r.fromLine(rec)
		if rec.active {
			return r.activeLine(rec, e, ev)
		}
	case recExpire:
		r.expire(rec)
	case recMsgID:
		// A new entry (the common case: cleanup logs the Message-ID
		// first) keeps its queue id and Message-ID as bytes, for qmgr's
		// from= line (fromLine).
		var e *entry
		if rec.valid {
			var created bool
			if e, created = r.queue.getOrCreateRaw(rec.qid, rec.msgID, r.clock); created {
				e.last = r.clock
				break
			}
		} else {
			e = r.queue.getOrCreate(rec.qid, r.clock)
		}
		e.last = r.clock
		r.queue.settle(e)
		if e.msgID != string(rec.msgID) {
			e.msgID = toString(rec.msgID, rec.valid)
		}
	case recRemoved:
		r.queue.remove(rec.qid)
	case recDelivery:
		r.delivery(rec, ev)
		return true
	case recReject:
		r.reject(rec, ev)
		return true
	case recWarning:
		r.warning(rec, ev)
		return true
	}
	return false
}

// tick advances the log clock to the stamp of a line, and sweeps the queue
// table of ids idle for longer than the window when the clock moved on by
// an eighth of the window and either sweepLines lines or a whole window
// passed since the last sweep. The clock never moves back: a line written
// out of order does not sweep.
func (r *Reader) tick(rec *record) {
	t := r.unixOf(&rec.ts)
	rec.unix = t
	if !r.clockSet {
		r.clock, r.clockSet = t, true
		r.lastSweep, r.sweepLine = t, r.line
		return
	}
	if t > r.clock {
		r.advance(t)
	}
}

// unixOf returns ts in Unix seconds (an unzoned stamp read as UTC), with
// the Unix seconds of its day's midnight cached for the lines after it:
// most lines cost no calendar arithmetic.
func (r *Reader) unixOf(ts *stamp) int64 {
	if ts.year != r.dayYear || ts.month != r.dayMonth || ts.day != r.dayDay {
		r.dayYear, r.dayMonth, r.dayDay = ts.year, ts.month, ts.day
		r.dayBase = daysFromCivil(ts.year, ts.month, ts.day) * 86400
	}
	return r.dayBase + int64(ts.hour*3600+ts.min*60+ts.sec-ts.offset)
}

// advance moves the log clock on to t and sweeps when it is time.
func (r *Reader) advance(t int64) {
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

// coallocMax bounds the strings that may share their allocation with a
// string the interner keeps (an event's with a host name, an entry's with
// a sender): the interner then keeps them too, as long as the slot holds
// the name.
const coallocMax = 256

// fromLine does the queue table work of qmgr's from= line and returns the
// entry. A sender the interner does not have is made with the strings of
// a new entry (its queue id) or of a raw one (queue id and Message-ID), in
// one allocation, and interned.
func (r *Reader) fromLine(rec *record) *entry {
	var known string // the interned sender
	var slot *string // where it goes when not known
	if len(rec.sender) > 0 {
		known, slot = r.intern.lookup(rec.sender, rec.valid)
	}
	var tail []byte
	if slot != nil {
		tail = rec.sender
	}
	e, s := r.queue.getOrCreateWith(rec.qid, tail, r.clock)
	e.last = r.clock
	switch {
	case s != "": // a new entry: s is the sender
		e.sender, *slot = s, s
	case e.rawQID > 0 && slot != nil && len(e.raw) <= coallocMax:
		// cleanup's entry, whose sender is "": the interner keeps the
		// queue id and Message-ID too while it keeps the sender
		*slot = r.queue.settleWith(e, rec.sender)
	default:
		r.queue.settle(e)
		if !sameSender(e.sender, rec.sender) {
			if known != "" {
				e.sender = known
			} else {
				e.sender = r.senderString(rec.sender, rec.valid)
			}
		}
	}
	return e
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

// isPlain reports an address that lower-casing leaves as it is: no byte
// from 'A' to 'Z' or from 0x80 up. It reads eight bytes a step.
func isPlain(b []byte) bool {
	const hi, low7 = 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		// Of the low seven bits x of a byte, x+0x3f has the high bit from
		// 'A' (0x41) on, x+0x25 from past 'Z' (0x5a) on; no carry leaves
		// the byte.
		x := w & low7
		if (w|(x+0x3f3f3f3f3f3f3f3f)&^(x+0x2525252525252525))&hi != 0 {
			return false
		}
		b = b[8:]
	}
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
// and the text of an event. plain tells that the line is valid UTF-8 and
// both addresses are plain (isPlain): then they are cut from one string,
// one allocation instead of two or three, holding only bytes the event
// keeps, and so is extra (a host name the caller interns), returned as
// ext. Otherwise ext is "".
func (r *Reader) eventStrings(to, orig, text, extra []byte, plain, valid bool) (rcpt, origRcpt, txt, ext string) {
	if !plain {
		rcpt = addrString(to, valid)
		if orig != nil {
			origRcpt = addrString(orig, valid)
		}
		return rcpt, origRcpt, toString(text, valid), ""
	}
	var b strings.Builder // one allocation of the exact size, one copy
	n, m, k := len(to), len(to)+len(orig), len(to)+len(orig)+len(text)
	b.Grow(k + len(extra))
	b.Write(to)
	b.Write(orig)
	b.Write(text)
	b.Write(extra)
	s := b.String()
	return s[:n], s[n:m], s[m:k], s[k:]
}

// delivery makes the event of a delivery line in ev.
func (r *Reader) delivery(rec *record, ev *parser.Event) {
	e := r.queue.get(rec.qid)
	if e == nil && rec.status == parser.StatusDeferred {
		// A fresh entry knows no sender: the event gets none, as it would
		// without the entry.
		e = r.queue.getOrCreate(rec.qid, r.clock)
	}
	if e != nil {
		r.queue.settle(e)
	}
	ev.Source, ev.Line, ev.Status = r.src, r.line, rec.status
	ev.Time = r.eventTime(rec)

	var orig []byte
	if rec.orig != nil {
		orig, _ = addrField(rec.orig)
	}
	plain := rec.valid && isPlain(rec.to) && isPlain(orig)
	// A recipient deferred before shares the strings of its last deferral.
	idx := -1
	if e != nil {
		e.last = r.clock
		ev.QueueID, ev.Sender, ev.MessageID = e.qid, e.sender, e.msgID
		if len(e.open) > 0 && plain {
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
	host := relayHost(rec.relay)
	mta, slot := r.intern.lookup(host, rec.valid)
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
		// A host name new to the interner comes with the event's strings.
		var extra []byte
		if slot != nil && len(rec.to)+len(orig)+len(rec.text) <= coallocMax {
			extra = host
		}
		var ext string
		ev.Recipient, ev.OrigRecipient, ev.Text, ext = r.eventStrings(rec.to, orig, rec.text, extra, plain, rec.valid)
		if ext != "" {
			*slot, mta = ext, ext
		}
		if e != nil && len(e.open) > 0 && !plain {
			idx = e.find(ev.Recipient, ev.OrigRecipient)
		}
	}
	if mta == "" && len(host) > 0 {
		mta = r.intern.str(host, rec.valid)
	}
	ev.RemoteMTA = mta
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
	r.queue.settle(e)
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

// reject makes the event of a reject line in ev.
func (r *Reader) reject(rec *record, ev *parser.Event) {
	ev.Source, ev.Line, ev.Status = r.src, r.line, parser.StatusRejected
	ev.Time = r.eventTime(rec)
	ev.Recipient, _, ev.Text, _ = r.eventStrings(rec.to, nil, rec.text, nil, rec.valid && isPlain(rec.to), rec.valid)
	ev.RemoteMTA = r.intern.str(rec.client, rec.valid)
	ev.Command = rec.command
	if !rec.isNoQueue {
		if e := r.queue.get(rec.qid); e != nil {
			e.last = r.clock
			r.queue.settle(e)
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
