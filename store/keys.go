package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// Key layout (schemas 2 and 3: they differ only in how event ids are
// computed, idKind). Byte 0 is the kind. Integers are big-endian, so
// byte order is numeric order and a prefix scan is a range. A
// variable-length string comes last, or is followed by 0x00 (addresses and
// domains never contain it; a stray 0x00 is dropped before a string goes
// into a key).
//
//	meta   0x00 name                                       -> see below
//	count  0x02 day uint32 | domain 0x00 | status uint8 | reason uint8 |
//	            class uint8 | code uint16 | enhanced       -> seq | N | prevN (codec.go)
//	rcpt   0x03 address                                    -> seq | state | prev state (codec.go)
//	block  0x05 hour uint32 | seq uint64 | part uint16     -> ref of an event block (codec.go)
//	fprint 0x06 hour uint32 | seq uint64 | part uint16     -> ref of a fingerprint block (codec.go)
//	meta   0x00 "segend"                                   -> seg uint32 | size uint64 (segments.go)
//
// On disk, the value of a block or fprint key is a ref into a segment file
// (segments.go): seg uint32 | offset uint64 | length uint32; in memory
// (Options.InMemory) it is the block itself.
//
// Kinds 0x01 (event: ts | id -> record) and 0x04 (hist: address 0x00 | ts |
// id) are schema 1; Open migrates them away (store.go).
//
// Meta keys: "schema" -> uint16 schema version (schemaVersion); "commit" ->
// uint64, the last committed checkpoint seq (0: none); "next" -> uint64, the
// next seq to use (a checkpoint writes next = seq+1 before anything else, so
// next-1 > commit means a checkpoint was started and not committed);
// "aborted" -> sorted uint64 seqs that were started and never committed;
// "user/" name -> a value stored by Writer.CommitWith.
//
// ts is an event time: 0 when the event has no time (zero time.Time),
// otherwise UnixNano as uint64 with the sign bit flipped (so negative times
// sort before positive ones), clamped to [1, MaxUint64]. The event id is
// Fingerprint, which hashes the exact time too.
//
// hour is derived from ts: 0 for events without a time or before 1970,
// otherwise hours since 1970-01-01 plus one. Events are stored in blocks:
// the new events of one hour in one checkpoint (seq), in parts of at most
// blockRecords records, each part sorted by (ts, id) (parts of one
// checkpoint are not ordered relative to one another). The fingerprint
// blocks of (hour, seq) list the (ts, id) of all the events in those parts,
// each sorted, so that dedup loads an hour's ids without decoding records:
// usually one per (hour, seq), more when the Writer had to drop the hour's
// ids from memory during the checkpoint (writer.go, evict). Block
// and fingerprint keys of a seq that is not committed (seq > commit, or in
// aborted) are invisible to every reader.
//
// day is a UTC calendar day: 0 for events without a time (or before 1970),
// otherwise days since 1970-01-01 plus one.
//
// Counts are keyed by everything they aggregate over, class included (the
// same reason can be soft or hard depending on the reply), so a count key
// never needs a read of its event to be interpreted. code is the SMTP reply
// code clamped to [0, 65535]; enhanced is the enhanced status code as
// written, at most maxEnhanced bytes.
//
// Count and rcpt values are double-buffered: (seq, cur, prev). A reader
// takes cur if seq is committed, else prev; see codec.go and doc.go.
//
// History uses the block refs (hour, seq, part) kept in each recipient's
// state, newest last, at most maxRefs (older ones are dropped and counted).
const (
	kindMeta   byte = 0x00
	kindEvent  byte = 0x01 // schema 1 only
	kindCount  byte = 0x02
	kindRcpt   byte = 0x03
	kindHist   byte = 0x04 // schema 1 only
	kindBlock  byte = 0x05
	kindFprint byte = 0x06
)

// Limits on strings inside keys; Badger refuses keys over 65000 bytes.
const (
	maxAddress  = 1024
	maxDomain   = 255
	maxEnhanced = 32
)

const (
	tsLen   = 8
	idLen   = 16
	dayLen  = 4
	hourLen = 4
	seqLen  = 8
	partLen = 2
)

var (
	metaSchema  = []byte{kindMeta, 's', 'c', 'h', 'e', 'm', 'a'}
	metaCommit  = []byte{kindMeta, 'c', 'o', 'm', 'm', 'i', 't'}
	metaNext    = []byte{kindMeta, 'n', 'e', 'x', 't'}
	metaAborted = []byte{kindMeta, 'a', 'b', 'o', 'r', 't', 'e', 'd'}
	metaSegEnd  = []byte{kindMeta, 's', 'e', 'g', 'e', 'n', 'd'}
)

// userMetaPrefix prefixes the names given to Writer.CommitWith.
const userMetaPrefix = "user/"

func userMetaKey(name string) []byte {
	return append([]byte{kindMeta}, userMetaPrefix+name...)
}

const nanosPerHour = 3600 * 1e9

// hourOfTS returns the hour of an event key ts (see the key layout).
func hourOfTS(ts uint64) uint32 {
	if ts < 1<<63 { // undated, or before 1970
		return 0
	}
	h := (ts-1<<63)/nanosPerHour + 1
	if h > 1<<32-1 {
		h = 1<<32 - 1
	}
	return uint32(h)
}

func blockKey(hour uint32, seq uint64, part uint16) []byte {
	k := make([]byte, 0, 1+hourLen+seqLen+partLen)
	k = append(k, kindBlock)
	k = binary.BigEndian.AppendUint32(k, hour)
	k = binary.BigEndian.AppendUint64(k, seq)
	return binary.BigEndian.AppendUint16(k, part)
}

func fprintKey(hour uint32, seq uint64, part uint16) []byte {
	k := make([]byte, 0, 1+hourLen+seqLen+partLen)
	k = append(k, kindFprint)
	k = binary.BigEndian.AppendUint32(k, hour)
	k = binary.BigEndian.AppendUint64(k, seq)
	return binary.BigEndian.AppendUint16(k, part)
}

func hourPrefix(kind byte, hour uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{kind}, hour)
}

// tsOf returns t's position in event keys (see the key layout).
func tsOf(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	// UnixNano is undefined outside 1678..2262: clamp.
	var n int64
	switch {
	case t.Before(minNanoTime):
		n = minNano
	case t.After(maxNanoTime):
		n = maxNano
	default:
		n = t.UnixNano()
	}
	u := uint64(n) ^ 1<<63
	if u == 0 {
		u = 1
	}
	return u
}

// tsTime is the inverse of tsOf; times come back in UTC.
func tsTime(u uint64) time.Time {
	if u == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(u^1<<63)).UTC()
}

const (
	minNano = -1 << 63
	maxNano = 1<<63 - 1
)

var (
	minNanoTime = time.Unix(0, minNano)
	maxNanoTime = time.Unix(0, maxNano)
)

const secondsPerDay = 24 * 60 * 60

// dayOf returns t's UTC day in count keys (see the key layout).
func dayOf(t time.Time) uint32 {
	if t.IsZero() {
		return 0
	}
	s := t.Unix()
	if s < 0 {
		return 0
	}
	d := s/secondsPerDay + 1
	if d > 1<<32-1 {
		d = 1<<32 - 1
	}
	return uint32(d)
}

// dayTime returns the UTC midnight of day d, or the zero time for day 0.
func dayTime(d uint32) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d-1)*secondsPerDay, 0).UTC()
}

// dayEnd returns the first day whose midnight is not before until: the
// exclusive upper bound of days for a Filter.Until.
func dayEnd(until time.Time) uint32 {
	d := dayOf(until)
	if d == 0 {
		return 1 // only undated events precede 1970
	}
	if dayTime(d).Equal(until) {
		return d
	}
	return d + 1
}

// keyString makes s safe for a key: no 0x00, at most max bytes.
func keyString(s string, max int) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if len(s) > max {
		s = s[:max]
	}
	return s
}

func eventKey(ts uint64, id [16]byte) []byte {
	k := make([]byte, 0, 1+tsLen+idLen)
	k = append(k, kindEvent)
	k = binary.BigEndian.AppendUint64(k, ts)
	return append(k, id[:]...)
}

// countKey is the in-memory form of a count key; it is comparable so that
// Ingest can sum deltas in a map.
type countKey struct {
	day      uint32
	domain   string
	status   parser.Status
	reason   classify.Reason
	class    classify.Class
	code     uint16
	enhanced string
}

func newCountKey(rec *Record) countKey {
	code, enh := rec.Reply()
	if code < 0 {
		code = 0
	} else if code > 1<<16-1 {
		code = 1<<16 - 1
	}
	return countKey{
		day:      dayOf(rec.Time),
		domain:   keyString(parser.DomainOf(rec.Recipient), maxDomain),
		status:   rec.Status,
		reason:   rec.Result.Reason,
		class:    rec.Result.Class,
		code:     uint16(code),
		enhanced: keyString(enh, maxEnhanced),
	}
}

func (c countKey) bytes() []byte {
	k := make([]byte, 0, 1+dayLen+len(c.domain)+1+5+len(c.enhanced))
	k = append(k, kindCount)
	k = binary.BigEndian.AppendUint32(k, c.day)
	k = append(k, c.domain...)
	k = append(k, 0, byte(c.status), byte(c.reason), byte(c.class))
	k = binary.BigEndian.AppendUint16(k, c.code)
	return append(k, c.enhanced...)
}

// appendCountKey appends newCountKey(rec).bytes() to b, without
// allocating.
func appendCountKey(b []byte, rec *Record) []byte {
	code, enh := rec.Reply()
	if code < 0 {
		code = 0
	} else if code > 1<<16-1 {
		code = 1<<16 - 1
	}
	b = append(b, kindCount)
	b = binary.BigEndian.AppendUint32(b, dayOf(rec.Time))
	b = append(b, keyString(parser.DomainOf(rec.Recipient), maxDomain)...)
	b = append(b, 0, byte(rec.Status), byte(rec.Result.Reason), byte(rec.Result.Class))
	b = binary.BigEndian.AppendUint16(b, uint16(code))
	return append(b, keyString(enh, maxEnhanced)...)
}

func countDayPrefix(day uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{kindCount}, day)
}

func rcptKey(addr string) []byte {
	k := make([]byte, 0, 1+len(addr))
	k = append(k, kindRcpt)
	return append(k, addr...)
}

// key is a parsed store key; which fields are set depends on kind.
type key struct {
	kind    byte
	name    string   // meta
	ts      uint64   // event
	id      [16]byte // event
	count   countKey // count
	address string   // rcpt
	hour    uint32   // block, fprint
	seq     uint64   // block, fprint
	part    uint16   // block, fprint
}

var errBadKey = errors.New("malformed key")

// parseKey is the inverse of the key constructors above.
func parseKey(k []byte) (key, error) {
	if len(k) == 0 {
		return key{}, errBadKey
	}
	out := key{kind: k[0]}
	rest := k[1:]
	switch k[0] {
	case kindMeta:
		out.name = string(rest)
	case kindEvent:
		if len(rest) != tsLen+idLen {
			return key{}, fmt.Errorf("%w: event key of %d bytes", errBadKey, len(k))
		}
		out.ts = binary.BigEndian.Uint64(rest)
		copy(out.id[:], rest[tsLen:])
	case kindCount:
		if len(rest) < dayLen+1+5 {
			return key{}, fmt.Errorf("%w: count key of %d bytes", errBadKey, len(k))
		}
		out.count.day = binary.BigEndian.Uint32(rest)
		rest = rest[dayLen:]
		i := bytes.IndexByte(rest, 0)
		if i < 0 || len(rest)-i-1 < 5 {
			return key{}, fmt.Errorf("%w: count key without domain terminator", errBadKey)
		}
		out.count.domain = string(rest[:i])
		rest = rest[i+1:]
		out.count.status = parser.Status(rest[0])
		out.count.reason = classify.Reason(rest[1])
		out.count.class = classify.Class(rest[2])
		out.count.code = binary.BigEndian.Uint16(rest[3:])
		out.count.enhanced = string(rest[5:])
	case kindRcpt:
		out.address = string(rest)
	case kindBlock, kindFprint:
		if len(rest) != hourLen+seqLen+partLen {
			return key{}, fmt.Errorf("%w: block key of %d bytes", errBadKey, len(k))
		}
		out.hour = binary.BigEndian.Uint32(rest)
		out.seq = binary.BigEndian.Uint64(rest[hourLen:])
		out.part = binary.BigEndian.Uint16(rest[hourLen+seqLen:])
	default:
		return key{}, fmt.Errorf("%w: unknown kind 0x%02x", errBadKey, k[0])
	}
	return out, nil
}
