package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/klauspost/compress/s2"

	"bouncelens/classify"
	"bouncelens/parser"
)

// Value encodings. Every value that is more than one integer starts with a
// version byte; decoders refuse versions they do not know. Strings are a
// uvarint length and the bytes; signed ints are varints, unsigned ones
// uvarints, enums one byte, times ts uint64 big-endian (see keys.go), ids
// 16 bytes.
//
//	event v1:  1 | Source | Line | QueueID | MessageID | Sender | Subject |
//	           Recipient | OrigRecipient | Status | Code | Enhanced |
//	           RemoteMTA | Command | Text | Forward |
//	           Result.Reason | Class | Action | Side | Enhanced | Code |
//	           MatchedBy | Forward
//	           (Event.Time is not stored here: it is the key's ts.)
//	event v2:  v1 with 2 as version byte, then OrigTo | Family | Feedback;
//	           v1 values are still read (those fields empty).
//	rcpt v1:   1 | Events uvarint | n uvarint | n × (status uint8 | count uvarint) |
//	           first ts | last ts | last id | LastStatus | LastCode |
//	           LastEnhanced | LastReason | LastClass | LastAction | LastText |
//	           Forward | forward ts | forward id
//	rcpt v2:   v1 with 2 as version byte, then dropped uvarint | n uvarint |
//	           n × (hour uvarint | seq uvarint | part uvarint): the blocks
//	           holding the address's events, newest last, at most maxRefs
//	           (dropped counts the oldest ones that no longer fit)
//	block v1:  1 | n uvarint | n × (ts uint64 | id | length uvarint | event v2)
//	block v2:  2 | S2 (github.com/klauspost/compress/s2) block encoding of
//	           what follows the version byte in v1; the Writer writes v2
//	fprint:    n × (ts uint64 | id), sorted; n = length / 24
//	schema:    version uint16 big-endian
//
// Values of count and rcpt keys are double-buffered:
//
//	count:     seq uint64 | N uint64 | prev N uint64
//	rcpt:      seq uint64 | length uvarint | rcpt v2 | prev rcpt v2
//
// seq is the checkpoint that wrote the value. A reader takes the current
// value (N, or the first rcpt) if seq is committed, else the previous one
// (an empty previous rcpt or a zero N: no such key). A writer starts from
// that resolved value and writes (its seq, new, resolved).
const (
	eventCodecV1 = 1
	eventCodecV2 = 2
	rcptCodecV1  = 1
	rcptCodecV2  = 2
	blockCodecV1 = 1
	blockCodecS2 = 2
)

// fpLen is the size of one (ts, id) pair in a fingerprint block.
const fpLen = tsLen + idLen

// maxRefs caps the block refs kept per recipient for History.
const maxRefs = 1024

// blockRef names one event block (see keys.go).
type blockRef struct {
	hour uint32
	seq  uint64
	part uint16
}

// commitState says which checkpoints are committed (see doc.go).
type commitState struct {
	commit  uint64   // last committed seq
	next    uint64   // next seq to use
	aborted []uint64 // sorted
	segEnd  segEnd   // committed end of the segment files
}

// visible reports whether what checkpoint seq wrote is committed.
func (c *commitState) visible(seq uint64) bool {
	if seq == 0 || seq > c.commit {
		return false
	}
	_, found := slices.BinarySearch(c.aborted, seq)
	return !found
}

func encodeCount(seq, cur, prev uint64) []byte {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.BigEndian.AppendUint64(b, cur)
	return binary.BigEndian.AppendUint64(b, prev)
}

// resolveCount returns the visible N of a count value.
func (c *commitState) resolveCount(v []byte) (uint64, error) {
	if len(v) != 24 {
		return 0, fmt.Errorf("%w: counter of %d bytes", errBadValue, len(v))
	}
	if c.visible(binary.BigEndian.Uint64(v)) {
		return binary.BigEndian.Uint64(v[8:]), nil
	}
	return binary.BigEndian.Uint64(v[16:]), nil
}

func wrapRcpt(seq uint64, cur, prev []byte) []byte {
	b := make([]byte, 0, 8+binary.MaxVarintLen64+len(cur)+len(prev))
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.AppendUvarint(b, uint64(len(cur)))
	b = append(b, cur...)
	return append(b, prev...)
}

// resolveRcpt returns the visible encoded state of a rcpt value (it
// aliases v); empty means no recipient.
func (c *commitState) resolveRcpt(v []byte) ([]byte, error) {
	if len(v) < 9 {
		return nil, fmt.Errorf("%w: recipient value of %d bytes", errBadValue, len(v))
	}
	seq := binary.BigEndian.Uint64(v)
	n, k := binary.Uvarint(v[8:])
	if k <= 0 || n > uint64(len(v)-8-k) {
		return nil, fmt.Errorf("%w: recipient value length", errBadValue)
	}
	cur := v[8+k:]
	if c.visible(seq) {
		return cur[:n], nil
	}
	return cur[n:], nil
}

// encodeFprintsTo appends the encoding of sorted (ts, id) pairs to b.
func encodeFprintsTo(b []byte, fps []fprint) []byte {
	for _, f := range fps {
		b = binary.BigEndian.AppendUint64(b, f.ts)
		b = append(b, f.id[:]...)
	}
	return b
}

// decodeFprints calls fn for each pair of a fingerprint block.
func decodeFprints(v []byte, fn func(ts uint64, id *[16]byte)) error {
	if len(v)%fpLen != 0 {
		return fmt.Errorf("%w: fingerprint block of %d bytes", errBadValue, len(v))
	}
	for ; len(v) > 0; v = v[fpLen:] {
		fn(binary.BigEndian.Uint64(v), (*[16]byte)(v[tsLen:fpLen]))
	}
	return nil
}

// fprint is an event's place in the store: its time and id.
type fprint struct {
	ts uint64
	id [16]byte
}

func (a fprint) compare(b fprint) int {
	if a.ts != b.ts {
		if a.ts < b.ts {
			return -1
		}
		return 1
	}
	// bytes.Compare of the ids, in two integer comparisons: dedup
	// sorts every id it writes.
	if x, y := binary.BigEndian.Uint64(a.id[:8]), binary.BigEndian.Uint64(b.id[:8]); x != y {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(binary.BigEndian.Uint64(a.id[8:]), binary.BigEndian.Uint64(b.id[8:]))
}

// decodeBlock calls fn for each record of an event block (v1 or v2), in
// stored order, with the record's encoding (event v2; it aliases v or a
// buffer of decodeBlock's, valid during fn only).
func decodeBlock(v []byte, fn func(fp fprint, rec []byte) error) error {
	d := dec{b: v}
	switch ver := d.u8(); {
	case d.err != nil:
	case ver == blockCodecS2:
		raw, err := s2.Decode(nil, d.b)
		if err != nil {
			return fmt.Errorf("%w: block: %v", errBadValue, err)
		}
		d.b = raw
	case ver != blockCodecV1:
		return fmt.Errorf("%w: block encoding version %d", errBadValue, ver)
	}
	n := d.uvar()
	for i := uint64(0); i < n && d.err == nil; i++ {
		var fp fprint
		fp.ts = d.u64()
		fp.id = d.id()
		l := d.uvar()
		if d.err != nil || l > uint64(len(d.b)) {
			d.fail()
			break
		}
		rec := d.b[:l]
		d.b = d.b[l:]
		if err := fn(fp, rec); err != nil {
			return err
		}
	}
	return d.done()
}

var errBadValue = errors.New("malformed value")

type enc struct{ b []byte }

func (e *enc) u8(v uint8)             { e.b = append(e.b, v) }
func (e *enc) uvar(v uint64)          { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) svar(v int64)           { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) u64(v uint64)           { e.b = binary.BigEndian.AppendUint64(e.b, v) }
func (e *enc) id(v [16]byte)          { e.b = append(e.b, v[:]...) }
func (e *enc) int(v int)              { e.svar(int64(v)) }
func (e *enc) status(s parser.Status) { e.u8(uint8(s)) }

// bytes is str for a byte slice.
func (e *enc) bytes(s []byte) {
	e.uvar(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) str(s string) {
	if len(s) < 0x80 { // the one-byte uvarint, inline
		e.b = append(e.b, byte(len(s)))
	} else {
		e.uvar(uint64(len(s)))
	}
	e.b = append(e.b, s...)
}

// dec reads what enc wrote. After the first error every read returns a
// zero value; check err once at the end.
type dec struct {
	b   []byte
	err error
	// src, if set, is the whole input as a string: str returns slices
	// of it instead of allocating a string each.
	src string
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errBadValue
	}
	d.b = nil
}

func (d *dec) u8() uint8 {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvar() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) svar() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) u64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *dec) id() (v [16]byte) {
	if len(d.b) < 16 {
		d.fail()
		return v
	}
	copy(v[:], d.b)
	d.b = d.b[16:]
	return v
}

// str copies: the result does not alias Badger's buffer.
func (d *dec) str() string {
	n := d.uvar()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	var s string
	if d.src != "" {
		off := len(d.src) - len(d.b)
		s = d.src[off : off+int(n)]
	} else {
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

func (d *dec) int() int { return int(d.svar()) }

func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errBadValue, len(d.b))
	}
	return d.err
}

// encodeRecord appends rec's encoding (without its time) to b.
func encodeRecord(b []byte, rec *Record) []byte {
	ev := &rec.Event
	r := &rec.Result
	if b == nil { // one allocation: strings plus at most 64 bytes of numbers
		n := 64
		for _, s := range [...]string{ev.Source, ev.QueueID, ev.MessageID, ev.Sender, ev.Subject,
			ev.Recipient, ev.OrigRecipient, ev.Enhanced, ev.RemoteMTA, ev.Command, ev.Text,
			ev.Forward, r.Enhanced, r.MatchedBy, r.Forward, ev.OrigTo, ev.Family, ev.Feedback} {
			n += len(s) + binary.MaxVarintLen64
		}
		b = make([]byte, 0, n)
	}
	e := enc{b}
	e.u8(eventCodecV2)
	e.str(ev.Source)
	e.int(ev.Line)
	e.str(ev.QueueID)
	e.str(ev.MessageID)
	e.str(ev.Sender)
	e.str(ev.Subject)
	e.str(ev.Recipient)
	e.str(ev.OrigRecipient)
	e.status(ev.Status)
	e.int(ev.Code)
	e.str(ev.Enhanced)
	e.str(ev.RemoteMTA)
	e.str(ev.Command)
	e.str(ev.Text)
	e.str(ev.Forward)
	e.u8(uint8(r.Reason))
	e.u8(uint8(r.Class))
	e.u8(uint8(r.Action))
	e.u8(uint8(r.Side))
	e.str(r.Enhanced)
	e.int(r.Code)
	e.str(r.MatchedBy)
	e.str(r.Forward)
	e.str(ev.OrigTo)
	e.str(ev.Family)
	e.str(ev.Feedback)
	return e.b
}

// decodeRecord is the inverse of encodeRecord; the caller sets Time.
func decodeRecord(b []byte) (Record, error) {
	d := dec{b: b}
	v := d.u8()
	if d.err == nil && v != eventCodecV1 && v != eventCodecV2 {
		return Record{}, fmt.Errorf("%w: event encoding version %d", errBadValue, v)
	}
	var rec Record
	ev := &rec.Event
	ev.Source = d.str()
	ev.Line = d.int()
	ev.QueueID = d.str()
	ev.MessageID = d.str()
	ev.Sender = d.str()
	ev.Subject = d.str()
	ev.Recipient = d.str()
	ev.OrigRecipient = d.str()
	ev.Status = parser.Status(d.u8())
	ev.Code = d.int()
	ev.Enhanced = d.str()
	ev.RemoteMTA = d.str()
	ev.Command = d.str()
	ev.Text = d.str()
	ev.Forward = d.str()
	r := &rec.Result
	r.Reason = classify.Reason(d.u8())
	r.Class = classify.Class(d.u8())
	r.Action = classify.Action(d.u8())
	r.Side = classify.Side(d.u8())
	r.Enhanced = d.str()
	r.Code = d.int()
	r.MatchedBy = d.str()
	r.Forward = d.str()
	if v >= eventCodecV2 {
		ev.OrigTo = d.str()
		ev.Family = d.str()
		ev.Feedback = d.str()
	}
	return rec, d.done()
}

// rcptState is a Recipient plus what makes merging events into it
// independent of ingest order: "last" is the greatest (ts, id), so two
// events at the same nanosecond still have a fixed winner.
type rcptState struct {
	r       Recipient
	firstTS uint64 // least ts of a dated event; 0 if none
	lastTS  uint64
	lastID  [16]byte
	fwdTS   uint64
	fwdID   [16]byte
	refs    []blockRef // blocks with events of the address, newest last
	dropped uint64     // refs dropped to keep at most maxRefs
}

// later reports whether (ts1, id1) sorts after (ts2, id2).
func later(ts1 uint64, id1 [16]byte, ts2 uint64, id2 [16]byte) bool {
	if ts1 != ts2 {
		return ts1 > ts2
	}
	return bytes.Compare(id1[:], id2[:]) > 0
}

// fill sets the Recipient's times from the ts fields.
func (s *rcptState) fill() {
	s.r.FirstSeen = tsTime(s.firstTS)
	s.r.LastSeen = tsTime(s.lastTS)
	s.r.ForwardSeen = time.Time{}
	if s.r.Forward != "" {
		s.r.ForwardSeen = tsTime(s.fwdTS)
	}
}

func (s *rcptState) encode(b []byte) []byte { return s.encodeVersion(b, rcptCodecV2) }

// encodeVersion encodes s as rcpt v1 (for tests of the migration) or v2.
func (s *rcptState) encodeVersion(b []byte, version uint8) []byte {
	e := enc{b}
	r := &s.r
	e.u8(version)
	e.uvar(r.Events)
	n := 0
	for _, c := range r.ByStatus {
		if c != 0 {
			n++
		}
	}
	e.uvar(uint64(n))
	for st := 0; st < 256 && n > 0; st++ {
		if c := r.ByStatus[parser.Status(st)]; c != 0 {
			e.u8(uint8(st))
			e.uvar(c)
			n--
		}
	}
	e.u64(s.firstTS)
	e.u64(s.lastTS)
	e.id(s.lastID)
	e.status(r.LastStatus)
	e.int(r.LastCode)
	e.str(r.LastEnhanced)
	e.u8(uint8(r.LastReason))
	e.u8(uint8(r.LastClass))
	e.u8(uint8(r.LastAction))
	e.str(r.LastText)
	e.str(r.Forward)
	e.u64(s.fwdTS)
	e.id(s.fwdID)
	if version >= rcptCodecV2 {
		e.uvar(s.dropped)
		e.uvar(uint64(len(s.refs)))
		for _, ref := range s.refs {
			e.uvar(uint64(ref.hour))
			e.uvar(ref.seq)
			e.uvar(uint64(ref.part))
		}
	}
	return e.b
}

func decodeRcpt(addr string, b []byte) (rcptState, error) {
	d := dec{b: b}
	v := d.u8()
	if d.err == nil && v != rcptCodecV1 && v != rcptCodecV2 {
		return rcptState{}, fmt.Errorf("%w: recipient encoding version %d", errBadValue, v)
	}
	var s rcptState
	r := &s.r
	r.Address = addr
	r.Events = d.uvar()
	n := d.uvar()
	if n > 256 {
		d.fail()
		n = 0
	}
	r.ByStatus = make(map[parser.Status]uint64, n)
	for range n {
		st := parser.Status(d.u8())
		r.ByStatus[st] = d.uvar()
	}
	s.firstTS = d.u64()
	s.lastTS = d.u64()
	s.lastID = d.id()
	r.LastStatus = parser.Status(d.u8())
	r.LastCode = d.int()
	r.LastEnhanced = d.str()
	r.LastReason = classify.Reason(d.u8())
	r.LastClass = classify.Class(d.u8())
	r.LastAction = classify.Action(d.u8())
	r.LastText = d.str()
	r.Forward = d.str()
	s.fwdTS = d.u64()
	s.fwdID = d.id()
	if v >= rcptCodecV2 {
		s.dropped = d.uvar()
		n := d.uvar()
		if n > maxRefs {
			d.fail()
		}
		if n > 0 && d.err == nil {
			s.refs = make([]blockRef, n)
			for i := range s.refs {
				h, seq, p := d.uvar(), d.uvar(), d.uvar()
				if h > 1<<32-1 || p > 1<<16-1 {
					d.fail()
				}
				s.refs[i] = blockRef{hour: uint32(h), seq: seq, part: uint16(p)}
			}
		}
	}
	if err := d.done(); err != nil {
		return rcptState{}, err
	}
	s.fill()
	return s, nil
}

// Reply returns the reply code and enhanced code stored for r: the
// event's own, or else those the classifier found (in the text, say). Counts
// and recipient states are keyed by them; reports show them.
func (r *Record) Reply() (code int, enhanced string) {
	code, enhanced = r.Code, r.Enhanced
	if code == 0 {
		code = r.Result.Code
	}
	if enhanced == "" {
		enhanced = r.Result.Enhanced
	}
	return code, enhanced
}
