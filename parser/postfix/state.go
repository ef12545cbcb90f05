package postfix

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"time"
	"unicode/utf8"

	"bouncelens/parser"
)

// A state is what a Reader that reached the end of its input passes on to
// a Reader of the input's continuation (the next scan of a growing log):
// everything that decides later events, and nothing that is a cache (the
// interner, the day of the clock) or a count (Stats).
//
// Layout (version 1), integers as (u)varints:
//
//	"BLpf" version=1
//	offset line year lastMonth flags(1: clock set) clock clock-lastSweep line-sweepLine
//	entries, in creation order (eviction order): qid flags(1: received) sender msgID clock-last
//	    open deferrals: recipient origRecipient text code enhanced remoteMTA command forward
//	CRC-32C of all the above, 4 bytes little-endian
//
// Strings are written once: 0 is "", 1 is a new string (length, bytes), and
// k >= 2 the (k-2)th new string so far; senders, relays and deferral texts
// repeat across entries. An open deferral keeps only the fields that later
// events read: an expiry copies the deferral and sets its status, line,
// time, sender and Message-ID anew, and a retry compares recipient and
// text; Source is the continuing Reader's.
const (
	stateMagic   = "BLpf"
	stateVersion = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrState is wrapped by Restore's errors for a state it cannot use.
var ErrState = errors.New("invalid reader state")

// State returns the Reader's state for a continuation of its input (see
// Restore). It is valid after Next returned io.EOF; before that, or after a
// final I/O error, it returns an error. The encoding is versioned, compact
// and holds only the queue ids still open.
func (r *Reader) State() ([]byte, error) {
	if r.err != io.EOF {
		return nil, fmt.Errorf("postfix: state of %s: the input was not read to its end", r.src)
	}
	w := stateWriter{strs: make(map[string]uint64)}
	w.buf = append(w.buf, stateMagic...)
	w.buf = append(w.buf, stateVersion)
	w.uvarint(uint64(r.pos))
	w.uvarint(uint64(r.line))
	w.varint(int64(r.year))
	w.uvarint(uint64(r.lastMonth))
	var flags uint64
	if r.clockSet {
		flags |= 1
	}
	w.uvarint(flags)
	w.varint(r.clock)
	w.varint(r.clock - r.lastSweep)
	w.varint(int64(r.line - r.sweepLine))

	q := &r.queue
	live := make([]*entry, 0, q.n)
	for _, ref := range q.order[q.head:] {
		if ref.e != nil && ref.e.seq == ref.seq {
			live = append(live, ref.e)
		}
	}
	if len(live) != q.n {
		return nil, fmt.Errorf("postfix: state of %s: %d queue ids in creation order, %d in the table", r.src, len(live), q.n)
	}
	w.uvarint(uint64(len(live)))
	for _, e := range live {
		r.queue.settle(e)
		w.str(e.qid)
		flags = 0
		if e.received {
			flags |= 1
		}
		w.uvarint(flags)
		w.str(e.sender)
		w.str(e.msgID)
		w.varint(r.clock - e.last)
		w.uvarint(uint64(len(e.open)))
		for i := range e.open {
			ev := &e.open[i]
			w.str(ev.Recipient)
			w.str(ev.OrigRecipient)
			w.str(ev.Text)
			w.uvarint(uint64(ev.Code))
			w.str(ev.Enhanced)
			w.str(ev.RemoteMTA)
			w.str(ev.Command)
			w.str(ev.Forward)
		}
	}
	return appendCRC(w.buf), nil
}

// appendCRC appends the checksum of b to b.
func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// Restore makes r continue from a state that State returned at the end of
// an earlier Reader's input; call it before the first Next, with the same
// Options. r's input must be the continuation: the earlier input from its
// Offset on. r then returns exactly the events that one Reader over both
// inputs returns for the second, with line numbers (and Offset) counting on
// from the earlier Reader's; Stats count r's own input only. A corrupt,
// truncated or unknown state gives an error wrapping ErrState, and r is
// left as it was.
func (r *Reader) Restore(state []byte) error {
	if r.restored || r.line != 0 || r.pos != 0 || r.err != nil || r.queue.n != 0 {
		return fmt.Errorf("postfix: restore %s: the Reader has started", r.src)
	}
	st, err := decodeState(state)
	if err != nil {
		return fmt.Errorf("postfix: restore %s: %w", r.src, err)
	}
	r.restored = true
	r.pos, r.lineStart, r.line = st.offset, st.offset, st.line
	r.year, r.lastMonth = st.year, st.lastMonth
	r.clockSet, r.clock, r.lastSweep, r.sweepLine = st.clockSet, st.clock, st.lastSweep, st.sweepLine
	for i := range st.entries {
		s := &st.entries[i]
		e := r.queue.getOrCreate([]byte(s.qid), s.last)
		e.sender, e.msgID, e.received = s.sender, s.msgID, s.received
		for j := range s.open {
			ev := &s.open[j]
			ev.Source, ev.QueueID, ev.Status = r.src, e.qid, parser.StatusDeferred
			ev.Sender, ev.MessageID = e.sender, e.msgID
		}
		e.open = append(e.open[:0], s.open...)
	}
	return nil
}

// savedState is a decoded state.
type savedState struct {
	offset           int64
	line             int
	year             int
	lastMonth        time.Month
	clockSet         bool
	clock, lastSweep int64
	sweepLine        int
	entries          []savedEntry
}

type savedEntry struct {
	qid, sender, msgID string
	received           bool
	last               int64
	open               []parser.Event
}

// decodeState checks and decodes a state. It never panics: every length
// and count is checked against the bytes left.
func decodeState(b []byte) (*savedState, error) {
	head := len(stateMagic) + 1
	if len(b) < head || string(b[:len(stateMagic)]) != stateMagic {
		return nil, fmt.Errorf("%w: not a postfix reader state", ErrState)
	}
	if v := b[len(stateMagic)]; v != stateVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrState, v, stateVersion)
	}
	if len(b) < head+4 {
		return nil, fmt.Errorf("%w: truncated", ErrState)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch (corrupt or truncated)", ErrState)
	}
	d := stateReader{b: body[head:]}
	st := &savedState{}
	st.offset = d.nonNeg()
	st.line = int(d.nonNeg())
	year := d.varint()
	month := d.uvarint()
	if year < 0 || year > 99999 || month > 12 {
		d.fail("year %d, month %d", year, month)
	}
	st.year, st.lastMonth = int(year), time.Month(month)
	flags := d.uvarint()
	if flags > 1 {
		d.fail("unknown flags %#x", flags)
	}
	st.clockSet = flags&1 != 0
	st.clock = d.varint()
	st.lastSweep = st.clock - d.varint()
	st.sweepLine = st.line - int(d.varint())
	n := d.count(6) // an entry takes 6 bytes at least
	st.entries = make([]savedEntry, 0, n)
	seen := make(map[string]bool, n)
	for range n {
		if d.err != nil {
			break
		}
		var e savedEntry
		e.qid = d.str()
		if !validQID(e.qid) || seen[e.qid] {
			d.fail("bad or repeated queue id %q", e.qid)
			break
		}
		seen[e.qid] = true
		flags := d.uvarint()
		if flags > 1 {
			d.fail("unknown entry flags %#x", flags)
		}
		e.received = flags&1 != 0
		e.sender = d.str()
		e.msgID = d.str()
		e.last = st.clock - d.varint()
		m := d.count(8) // a deferral takes 8 bytes at least
		if m > 0 {
			e.open = make([]parser.Event, m)
		}
		for j := range e.open {
			ev := &e.open[j]
			ev.Recipient = d.str()
			ev.OrigRecipient = d.str()
			ev.Text = d.str()
			code := d.uvarint()
			if code > 999 {
				d.fail("reply code %d", code)
			}
			ev.Code = int(code)
			ev.Enhanced = d.str()
			ev.RemoteMTA = d.str()
			ev.Command = d.str()
			ev.Forward = d.str()
		}
		st.entries = append(st.entries, e)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the end", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return st, nil
}

// validQID reports a queue id as splitQID accepts it.
func validQID(s string) bool {
	if len(s) < 5 || len(s) > 65 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !qidByte[s[i]] {
			return false
		}
	}
	return true
}

// stateWriter appends a state's fields.
type stateWriter struct {
	buf  []byte
	strs map[string]uint64 // string -> its reference (k >= 2)
}

func (w *stateWriter) uvarint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *stateWriter) varint(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }

func (w *stateWriter) str(s string) {
	if s == "" {
		w.uvarint(0)
		return
	}
	if k, ok := w.strs[s]; ok {
		w.uvarint(k)
		return
	}
	w.strs[s] = uint64(len(w.strs)) + 2
	w.uvarint(1)
	w.uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// stateReader reads a state's fields; the first error sticks, and reads
// after it return zero values.
type stateReader struct {
	b    []byte
	strs []string
	err  error
}

func (d *stateReader) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrState}, args...)...)
	}
	d.b = nil
}

func (d *stateReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *stateReader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// nonNeg reads a count or offset that must fit an int.
func (d *stateReader) nonNeg() int64 {
	v := d.uvarint()
	if v > math.MaxInt {
		d.fail("number %d out of range", v)
		return 0
	}
	return int64(v)
}

// count reads the number of items that follow, each at least min bytes.
func (d *stateReader) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/min) {
		d.fail("%d items in %d bytes", v, len(d.b))
		return 0
	}
	return int(v)
}

func (d *stateReader) str() string {
	switch k := d.uvarint(); {
	case d.err != nil || k == 0:
		return ""
	case k == 1:
		n := d.uvarint()
		if n > uint64(len(d.b)) {
			d.fail("string of %d bytes in %d", n, len(d.b))
			return ""
		}
		s := string(d.b[:n])
		d.b = d.b[n:]
		if !utf8.ValidString(s) {
			d.fail("invalid UTF-8 in %q", s)
			return ""
		}
		d.strs = append(d.strs, s)
		return s
	case k-2 < uint64(len(d.strs)):
		return d.strs[k-2]
	default:
		d.fail("string reference %d of %d", k, len(d.strs))
		return ""
	}
}
