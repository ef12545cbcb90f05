package postfix

import (
	"encoding/binary"
	"math/bits"

	"bouncelens/parser"
)

// entry is what is known about one open queue id.
type entry struct {
	qid    string         // the queue id: events share it ("" while raw)
	sender string         // qmgr from=; "<>" for the null sender
	msgID  string         // cleanup message-id=, without <> ("" while raw)
	open   []parser.Event // last deferral of each recipient not yet final
	// raw holds the queue id (rawQID bytes) and the Message-ID of an
	// entry that cleanup's message-id= line made, until settle makes
	// their strings: qmgr's from= line mostly comes next, and then the
	// sender is made with them, in one allocation. The array comes from
	// the table's pool and goes back to it.
	raw  []byte
	hash uint32 // qidHash(qid)
	// rawQID is the length of the queue id in raw, 0 once settled.
	// received: qmgr logged "(queue active)" for the id: a later one is a
	// retry, not a message received (Options.Traffic). Next to the 32-bit
	// hash they take no word of their own.
	rawQID   uint8
	received bool
	seq      uint64 // creation number, 0 once the entry ended: tells refs in order apart
	last     int64  // log clock (Unix seconds) when a line last named the id
}

// rawMin is the least size of a raw array, rawKeep the most that the
// pool keeps, maxRawFree the number of arrays it keeps.
const rawMin, rawKeep, maxRawFree = 96, 256, 64

// is reports whether e is the entry of qid.
func (e *entry) is(qid []byte) bool {
	if e.rawQID > 0 {
		return string(e.raw[:e.rawQID]) == string(qid)
	}
	return e.qid == string(qid)
}

// find returns the index in e.open of the recipient, or -1.
func (e *entry) find(rcpt, orig string) int {
	for i := range e.open {
		if e.open[i].Recipient == rcpt && e.open[i].OrigRecipient == orig {
			return i
		}
	}
	return -1
}

// queueTable maps queue ids to entries. An entry ends at "removed"; one
// that no line named for the window (of log time) is dropped by sweep;
// when the table holds max entries, the oldest (by creation) is dropped.
//
// It is an open-addressing hash table (linear probing, deletion by
// backward shift) on a multiplicative hash of the queue id: queue ids are
// random, and a lookup costs a few loads and one comparison, less than a
// Go map with its general-purpose hash.
type queueTable struct {
	m       []slot // len is a power of two
	shift   uint   // 32 - log2(len(m)): a hash's home slot is hash >> shift
	n       int    // entries in slots
	order   []queueRef
	head    int // first ref in order not yet evicted
	seq     uint64
	max     int
	evicted int
	stale   int      // entries dropped by sweep
	free    []*entry // finished entries, reused by getOrCreate
	rawFree [][]byte // arrays for entry.raw, reused
}

// slot is a place in the table: its entry (nil when empty) and the
// entry's hash, so that a probe reads the entry only when the hashes match.
type slot struct {
	e    *entry
	hash uint32
}

// queueRef is an entry in creation order; it is stale when the entry's seq
// changed (the entry ended, and maybe serves another queue id now).
type queueRef struct {
	e   *entry
	seq uint64
}

const (
	minSlots = 1 << 10
	maxFree  = 256 // bound of the free list of entries kept for reuse
)

func (q *queueTable) init(max int) {
	q.max = max
	q.resize(minSlots)
}

// resize makes a table of size slots (a power of two) holding the live
// entries.
func (q *queueTable) resize(size int) {
	old := q.m
	q.m = make([]slot, size)
	q.shift = uint(32 - bits.TrailingZeros(uint(size)))
	for _, sl := range old {
		if sl.e != nil {
			q.place(sl.e)
		}
	}
}

// home returns the first slot to probe for hash h.
func (q *queueTable) home(h uint32) int { return int(h >> q.shift) }

// place puts e in the first free slot from its home; e is not in the table.
func (q *queueTable) place(e *entry) {
	mask := len(q.m) - 1
	i := q.home(e.hash)
	for q.m[i].e != nil {
		i = (i + 1) & mask
	}
	q.m[i] = slot{e, e.hash}
}

// qidHash hashes a queue id: its first and last eight bytes (or all of a
// shorter one) and its length, mixed by a multiplication; the high half of
// the product, which the low bits reach through the shifts.
func qidHash(b []byte) uint32 {
	n := len(b)
	x := uint64(n) << 56
	if n >= 8 {
		x ^= binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 29)
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x *= 0x9E3779B97F4A7C15
	return uint32((x ^ x>>31 ^ x<<33) >> 32) // the high bits pick the slot: bring in the low ones
}

// lookup returns the slot of qid and its entry, or the empty slot where it
// would go and nil.
func (q *queueTable) lookup(qid []byte, h uint32) (int, *entry) {
	mask := len(q.m) - 1
	for i := q.home(h); ; i = (i + 1) & mask {
		sl := &q.m[i]
		if sl.e == nil || sl.hash == h && sl.e.is(qid) {
			return i, sl.e
		}
	}
}

// get returns the entry of qid, or nil. It does not allocate.
func (q *queueTable) get(qid []byte) *entry {
	_, e := q.lookup(qid, qidHash(qid))
	return e
}

// getOrCreate returns the entry of qid, creating it if needed; now is the
// log clock a new entry starts with.
func (q *queueTable) getOrCreate(qid []byte, now int64) *entry {
	e, _ := q.getOrCreateWith(qid, nil, now)
	return e
}

// getOrCreateWith is getOrCreate that makes a new entry's queue id string
// together with tail, in one allocation, and returns tail as a string: ""
// when the entry was there or tail is empty.
func (q *queueTable) getOrCreateWith(qid, tail []byte, now int64) (*entry, string) {
	h := qidHash(qid)
	i, e := q.lookup(qid, h)
	if e != nil {
		return e, ""
	}
	e = q.add(qid, h, i, now)
	if len(tail) == 0 {
		e.qid = string(qid)
		return e, ""
	}
	s := concat(qid, tail)
	e.qid = s[:len(qid)]
	return e, s[len(qid):]
}

// settle makes the queue id and Message-ID strings of a raw entry, in one
// allocation. Whatever reads the strings of an entry that may be raw
// settles it first.
func (q *queueTable) settle(e *entry) {
	if e.rawQID == 0 {
		return
	}
	s, n := string(e.raw), int(e.rawQID)
	e.qid, e.msgID = s[:n], s[n:]
	q.dropRaw(e)
}

// settleWith is settle that makes sender's string too, in the same
// allocation, and returns it; e is raw.
func (q *queueTable) settleWith(e *entry, sender []byte) string {
	s, n, m := concat(e.raw, sender), int(e.rawQID), len(e.raw)
	e.qid, e.msgID, e.sender = s[:n], s[n:m], s[m:]
	q.dropRaw(e)
	return e.sender
}

// dropRaw ends the raw state of e and puts its array in the pool.
func (q *queueTable) dropRaw(e *entry) {
	if len(q.rawFree) < maxRawFree && cap(e.raw) <= rawKeep {
		q.rawFree = append(q.rawFree, e.raw[:0])
	}
	e.raw, e.rawQID = nil, 0
}

// getOrCreateRaw is getOrCreate that leaves the strings of a new entry
// unmade: its queue id and tail (the Message-ID) are kept in raw (see
// settle). It reports whether the entry is new.
func (q *queueTable) getOrCreateRaw(qid, tail []byte, now int64) (*entry, bool) {
	h := qidHash(qid)
	i, e := q.lookup(qid, h)
	if e != nil {
		return e, false
	}
	e = q.add(qid, h, i, now)
	if len(qid) > 255 { // not from splitQID; stay safe
		e.qid, e.msgID = string(qid), string(tail)
		return e, true
	}
	var raw []byte
	if k := len(q.rawFree); k > 0 && cap(q.rawFree[k-1]) >= len(qid)+len(tail) {
		raw = q.rawFree[k-1]
		q.rawFree[k-1] = nil
		q.rawFree = q.rawFree[:k-1]
	} else {
		raw = make([]byte, 0, max(len(qid)+len(tail), rawMin)) // room for the next ones
	}
	e.raw = append(append(raw, qid...), tail...)
	e.rawQID = uint8(len(qid))
	return e, true
}

// add puts a new entry for qid (hash h) in the table, at slot i where the
// lookup ended, and returns it; its strings are the caller's to set.
func (q *queueTable) add(qid []byte, h uint32, i int, now int64) *entry {
	if q.n >= q.max || 4*(q.n+1) > 3*len(q.m) {
		for q.n >= q.max {
			q.evictOldest()
		}
		if 4*(q.n+1) > 3*len(q.m) {
			q.resize(2 * len(q.m))
		}
		i, _ = q.lookup(qid, h)
	}
	q.seq++
	var e *entry
	if n := len(q.free); n > 0 {
		e = q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
	} else {
		e = new(entry)
	}
	e.hash, e.seq, e.last = h, q.seq, now
	q.m[i] = slot{e, h}
	q.n++
	q.order = append(q.order, queueRef{e, q.seq})
	if live := len(q.order) - q.head; live > 2*q.n+1024 || q.head > 1024 && q.head > live {
		q.compact()
	}
	return e
}

// remove ends qid's record.
func (q *queueTable) remove(qid []byte) {
	if i, e := q.lookup(qid, qidHash(qid)); e != nil {
		q.deleteAt(i)
	}
}

// deleteAt empties slot i and moves later entries of its probe run back,
// so that lookups need no tombstones; the entry is recycled.
func (q *queueTable) deleteAt(i int) {
	q.recycle(q.m[i].e)
	q.n--
	mask := len(q.m) - 1
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		sl := q.m[j]
		if sl.e == nil {
			break
		}
		// The entry may fill the hole at i unless its home lies
		// cyclically in (i, j]: then it would become unreachable.
		k := q.home(sl.hash)
		if i <= j && (k <= i || k > j) || i > j && k <= i && k > j {
			q.m[i] = sl
			i = j
		}
	}
	q.m[i] = slot{}
}

// recycle marks an ended entry (its refs in order become stale) and puts
// it on the free list, without the strings and events it held.
func (q *queueTable) recycle(e *entry) {
	e.seq = 0
	if e.rawQID > 0 {
		q.dropRaw(e)
	}
	if len(q.free) >= maxFree || cap(e.open) > 64 {
		return
	}
	clear(e.open)
	*e = entry{open: e.open[:0]}
	q.free = append(q.free, e)
}

// deleteEntry removes e, which is in the table.
func (q *queueTable) deleteEntry(e *entry) {
	mask := len(q.m) - 1
	for i := q.home(e.hash); ; i = (i + 1) & mask {
		if q.m[i].e == e {
			q.deleteAt(i)
			return
		}
	}
}

func (q *queueTable) evictOldest() {
	for q.head < len(q.order) {
		ref := q.order[q.head]
		q.order[q.head] = queueRef{}
		q.head++
		if ref.e.seq == ref.seq {
			q.deleteEntry(ref.e)
			q.evicted++
			return
		}
	}
	// Unreachable while order holds a ref for every entry; stay safe.
	for _, sl := range q.m {
		if e := sl.e; e != nil {
			q.deleteEntry(e)
			q.evicted++
			return
		}
	}
}

// sweep drops the entries no line named since before the log clock cutoff:
// a queue id whose "removed" line is missing (a log that starts or ends
// mid-stream, a lost line) must not wait for the cap. Their deferred
// recipients were returned as deferred events already. The table is
// rebuilt, smaller when it emptied.
func (q *queueTable) sweep(cutoff int64) {
	dropped := 0
	for i, sl := range q.m {
		if e := sl.e; e != nil && e.last < cutoff {
			q.m[i] = slot{}
			q.recycle(e)
			dropped++
		}
	}
	if dropped == 0 {
		return
	}
	q.stale += dropped
	q.n -= dropped
	size := len(q.m)
	for size > minSlots && 8*q.n < size {
		size /= 2
	}
	q.resize(size) // re-place the survivors: holes broke their probe runs
	q.compact()
}

// compact drops the refs of entries that ended, keeping order.
func (q *queueTable) compact() {
	n := 0
	for _, ref := range q.order[q.head:] {
		if ref.e.seq == ref.seq {
			q.order[n] = ref
			n++
		}
	}
	clear(q.order[n:])
	q.order, q.head = q.order[:n], 0
}
