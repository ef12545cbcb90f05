package postfix

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Intern cache bounds: strings longer than internMaxLen are not interned;
// the cache has internSlots slots (a 64 KiB array of string headers).
const (
	internMaxLen = 128
	internBits   = 12
	internSlots  = 1 << internBits
)

// interner shares the strings that repeat across events (sender addresses,
// relay and client host names, DSN codes), so that events and the queue
// table point at one copy instead of one allocation per line. It is a
// direct-mapped cache: a string goes to the slot of its hash and replaces
// what was there, so it is bounded without ever being reset, and a lookup
// costs one hash and one comparison, no map.
type interner struct {
	slots *[internSlots]string
}

// str returns b as a string, the interned copy when there is one. valid
// tells that b is valid UTF-8; otherwise invalid bytes become U+FFFD (and
// the string is not interned).
func (t *interner) str(b []byte, valid bool) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > internMaxLen || !valid {
		return toString(b, valid)
	}
	if t.slots == nil {
		t.slots = new([internSlots]string)
	}
	slot := &t.slots[internHash(b)]
	if *slot == string(b) { // no allocation for the comparison
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}

// lookup returns the interned copy of b, or "" and the slot where str
// would put b's string, for a caller that makes the string itself (with
// others, in one allocation). The slot is nil when b is empty or not
// interned (too long, not valid UTF-8).
func (t *interner) lookup(b []byte, valid bool) (string, *string) {
	if len(b) == 0 || len(b) > internMaxLen || !valid {
		return "", nil
	}
	if t.slots == nil {
		t.slots = new([internSlots]string)
	}
	slot := &t.slots[internHash(b)]
	if *slot == string(b) {
		return *slot, nil
	}
	return "", slot
}

// concat returns the bytes of a and b as one string: one allocation.
func concat(a, b []byte) string {
	var sb strings.Builder
	sb.Grow(len(a) + len(b))
	sb.Write(a)
	sb.Write(b)
	return sb.String()
}

// toString converts a kept field to a string, replacing invalid UTF-8.
func toString(b []byte, valid bool) string {
	if valid || utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// internHash returns the slot of b: a multiplicative hash of its length
// and up to three 8-byte words (start, middle, end). Strings that differ
// only elsewhere share a slot, which costs an allocation, never a wrong
// string.
func internHash(b []byte) uint64 {
	n := len(b)
	x := uint64(n)
	if n >= 8 {
		x ^= binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 21)
		if n > 16 {
			x ^= bits.RotateLeft64(binary.LittleEndian.Uint64(b[n/2-4:]), 42)
		}
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x *= 0x9E3779B97F4A7C15
	return x >> (64 - internBits)
}
