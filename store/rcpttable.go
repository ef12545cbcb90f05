package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"unsafe"

	"bouncelens/classify"
	"bouncelens/parser"
)

// rcptTable maps addresses to the recipient accumulators of a checkpoint:
// an open-addressing table of 128-bit address hashes (two seeded maphashes:
// a collision is astronomically unlikely, so the address is not compared)
// pointing into slabs of cells. A cell holds no pointer: its address and
// last text are offsets into two byte arenas, its enhanced code an index
// into a short list, and the rare extras (forward addresses, counts past
// a cell's) live in side maps. So the garbage collector never scans the
// accumulators, and bytes can tell what they take: about 450 bytes a
// recipient of a 1 GB log, with the table, stale texts and refs; the
// Writer spills them to run files past spillBytes (spill.go). The block
// refs of all recipients are kept in one slice.
type rcptTable struct {
	seed  rcptSeed   // zero until the first hash, unless set before
	slots []hashSlot // len a power of two, at most half full
	slabs [][]rcptCell
	n     int
	refs  []accRef // in the order added

	addrs []byte // the cells' addresses, back to back
	texts []byte // their last texts; a text replaced stays until compactTexts
	stale int    // bytes of texts replaced

	enhs   []string          // enhanced codes; rcptCell.enh is the index+1
	enhIdx map[string]uint32 // enhanced code -> index+1

	more map[moreKey]uint64  // counts of statuses past a cell's by, and past uint32
	fwds map[uint32]*forward // forward addresses, by cell index
}

// rcptCell is one recipient's accumulator in the table (rcptAcc without
// pointers).
type rcptCell struct {
	events     uint64
	firstTS    uint64
	lastTS     uint64
	h2         uint64 // second half of the address hash
	lastID     [16]byte
	by         [8]uint32 // per status; others, and overflows, in rcptTable.more
	lastRef    partRef   // newest ref, to skip consecutive repeats
	addr       uint32    // offset in rcptTable.addrs
	text       uint32    // offset in rcptTable.texts
	textLen    uint32
	lastCode   int32
	enh        uint32 // index+1 in rcptTable.enhs; 0: none
	addrLen    uint16
	lastStatus parser.Status
	lastReason classify.Reason
	lastClass  classify.Class
	lastAction classify.Action
	hasRef     bool
	hasFwd     bool
	hasMore    bool
}

// moreKey is a count in rcptTable.more: a cell's status.
type moreKey struct {
	cell uint32
	st   parser.Status
}

// hashSlot is a slot of an open-addressing table of hashes (rcptTable,
// countTable): a hash (of an address, its first half) and the index+1 of
// what it hashes (0: empty).
type hashSlot struct {
	h   uint64
	idx uint32
}

// growSlots returns a table of twice as many slots holding those of old.
func growSlots(old []hashSlot) []hashSlot {
	slots := make([]hashSlot, 2*len(old))
	mask := uint64(len(slots) - 1)
	for _, s := range old {
		if s.idx == 0 {
			continue
		}
		i := s.h & mask
		for slots[i].idx != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
	}
	return slots
}

// accRef is a block ref (of the checkpoint in progress) of the cell at
// index acc.
type accRef struct {
	hour uint32
	part uint16
	acc  uint32
}

const (
	slabSize = 4096
	// maxEnhs bounds the enhanced codes kept from one checkpoint to the
	// next (there are a few hundred valid ones).
	maxEnhs = 4096
	// minCompact is the fewest stale text bytes that compactTexts is
	// worth running for.
	minCompact = 1 << 20
	cellSize   = int(unsafe.Sizeof(rcptCell{}))
	slotSize   = int(unsafe.Sizeof(hashSlot{}))
	accRefSize = int(unsafe.Sizeof(accRef{}))
)

func (t *rcptTable) len() int { return t.n }

// bytes is about the memory the table's contents use: what the Writer
// spills on.
func (t *rcptTable) bytes() int {
	return t.n*cellSize + 2*t.n*slotSize + len(t.refs)*accRefSize + len(t.addrs) + len(t.texts)
}

// reset empties t, keeping its slabs, slots and arenas for reuse (get
// sets every field of the cells it takes).
func (t *rcptTable) reset() {
	clear(t.slots)
	t.n = 0
	t.refs = t.refs[:0]
	t.addrs = t.addrs[:0]
	t.texts = t.texts[:0]
	t.stale = 0
	clear(t.more)
	clear(t.fwds)
	if len(t.enhs) > maxEnhs {
		t.enhs, t.enhIdx = nil, nil
	}
}

func (t *rcptTable) cell(i uint32) *rcptCell { return &t.slabs[i/slabSize][i%slabSize] }

// addrOf returns the address of the cell at index i (t's memory: not to
// be kept).
func (t *rcptTable) addrOf(i uint32) []byte {
	c := t.cell(i)
	return t.addrs[c.addr : c.addr+uint32(c.addrLen)]
}

func (t *rcptTable) textOf(c *rcptCell) []byte { return t.texts[c.text : c.text+c.textLen] }

// rcptHash is the hash of an address in a table.
type rcptHash struct{ h1, h2 uint64 }

// rcptSeed seeds the two hashes of an address.
type rcptSeed [2]maphash.Seed

func newRcptSeed() rcptSeed { return rcptSeed{maphash.MakeSeed(), maphash.MakeSeed()} }

// hashAddr returns the hash of addr under seed.
func hashAddr(seed rcptSeed, addr string) rcptHash {
	return rcptHash{maphash.String(seed[0], addr), maphash.String(seed[1], addr)}
}

// init makes t's first slots, and its seed if it has none.
func (t *rcptTable) init() {
	if t.seed == (rcptSeed{}) {
		t.seed = newRcptSeed()
	}
	t.slots = make([]hashSlot, 1<<12)
}

// hash returns the hash of addr in t.
func (t *rcptTable) hash(addr string) rcptHash {
	if t.slots == nil {
		t.init()
	}
	return hashAddr(t.seed, addr)
}

// touch reads what get and apply will read for the addresses of hashes
// hs (zero: none): their slots, and the cells and last texts the slots
// point to. Done for a batch of addresses before they are added, in
// three tight passes of independent reads, the cache misses of the batch
// overlap, where one address after the other they come one by one (the
// reads depend on each other: slot, cell, text). idx is scratch. The
// result means nothing; it keeps the reads from being optimized away.
func (t *rcptTable) touch(hs []rcptHash, idx []uint32) uint64 {
	if t.slots == nil {
		t.init()
	}
	mask := uint64(len(t.slots) - 1)
	for i, h := range hs {
		idx[i] = t.slots[h.h1&mask].idx
	}
	var sink uint64
	for i, j := range idx {
		if j != 0 {
			c := t.cell(j - 1)
			sink += c.h2
			idx[i] = c.text
			if c.textLen == 0 {
				idx[i] = math.MaxUint32
			}
		} else {
			idx[i] = math.MaxUint32
		}
	}
	for _, off := range idx {
		if off != math.MaxUint32 {
			sink += uint64(t.texts[off])
		}
	}
	return sink
}

// get returns the index of the cell of addr (at most maxAddress bytes),
// adding one if needed.
func (t *rcptTable) get(addr string) uint32 { return t.getHashed(addr, t.hash(addr)) }

// getHashed is get with the hash of addr.
func (t *rcptTable) getHashed(addr string, h rcptHash) uint32 {
	if t.slots == nil {
		t.init()
	}
	h1, h2 := h.h1, h.h2
	mask := uint64(len(t.slots) - 1)
	i := h1 & mask
	for ; t.slots[i].idx != 0; i = (i + 1) & mask {
		if t.slots[i].h == h1 {
			if j := t.slots[i].idx - 1; t.cell(j).h2 == h2 {
				return j
			}
		}
	}
	if t.n%slabSize == 0 && t.n/slabSize == len(t.slabs) {
		t.slabs = append(t.slabs, make([]rcptCell, slabSize))
	}
	j := uint32(t.n)
	t.n++
	t.slots[i] = hashSlot{h: h1, idx: j + 1}
	*t.cell(j) = rcptCell{h2: h2, addr: uint32(len(t.addrs)), addrLen: uint16(len(addr))}
	t.addrs = append(t.addrs, addr...)
	if 2*t.n > len(t.slots) {
		t.slots = growSlots(t.slots)
	}
	return j
}

// apply is rcptState.apply for the cell at index i. The strings it keeps
// are copied into t.
func (t *rcptTable) apply(i uint32, rec *Record, fp fprint) {
	c := t.cell(i)
	first := c.events == 0
	c.events++
	if st := rec.Status; int(st) < len(c.by) && c.by[st] < math.MaxUint32 {
		c.by[st]++
	} else {
		if t.more == nil {
			t.more = make(map[moreKey]uint64)
		}
		t.more[moreKey{i, st}]++
		c.hasMore = true
	}
	ts, id := fp.ts, fp.id
	if ts != 0 && (c.firstTS == 0 || ts < c.firstTS) {
		c.firstTS = ts
	}
	if first || later(ts, id, c.lastTS, c.lastID) {
		c.lastTS, c.lastID = ts, id
		code, enh := rec.Reply()
		c.lastStatus = rec.Status
		c.lastCode = int32(min(max(code, -1<<31), 1<<31-1))
		c.enh = t.enhIndex(enh)
		c.lastReason = rec.Result.Reason
		c.lastClass = rec.Result.Class
		c.lastAction = rec.Result.Action
		if string(t.textOf(c)) != rec.Text { // retries often repeat their text
			t.setText(c, rec.Text)
		}
	}
	fwd := rec.Forward
	if fwd == "" {
		fwd = rec.Result.Forward
	}
	if fwd != "" {
		f := t.fwds[i]
		if f == nil || later(ts, id, f.ts, f.id) {
			if f == nil {
				if t.fwds == nil {
					t.fwds = make(map[uint32]*forward)
				}
				f = new(forward)
				t.fwds[i] = f
				c.hasFwd = true
			}
			if fwd != f.addr {
				f.addr = strings.Clone(fwd)
			}
			f.ts, f.id = ts, id
		}
	}
}

// enhIndex returns the index+1 of enh in t.enhs, adding it if needed (0
// for none).
func (t *rcptTable) enhIndex(enh string) uint32 {
	if enh == "" {
		return 0
	}
	if j, ok := t.enhIdx[enh]; ok {
		return j
	}
	if t.enhIdx == nil {
		t.enhIdx = make(map[string]uint32)
	}
	t.enhs = append(t.enhs, strings.Clone(enh)) // enh may pin a parser buffer
	j := uint32(len(t.enhs))
	t.enhIdx[t.enhs[j-1]] = j
	return j
}

// setText makes s c's last text. The old one stays in the arena, stale,
// until there is more stale than live text.
func (t *rcptTable) setText(c *rcptCell, s string) {
	t.stale += int(c.textLen)
	if len(t.texts)+len(s) > math.MaxUint32 {
		t.compactTexts()
	}
	c.text, c.textLen = uint32(len(t.texts)), uint32(len(s))
	t.texts = append(t.texts, s...)
	if t.stale >= minCompact && 2*t.stale > len(t.texts) {
		t.compactTexts()
	}
}

// compactTexts copies the live texts into a new arena.
func (t *rcptTable) compactTexts() {
	texts := make([]byte, 0, len(t.texts)-t.stale+len(t.texts)/4)
	for i := range uint32(t.n) {
		c := t.cell(i)
		off := uint32(len(texts))
		texts = append(texts, t.textOf(c)...)
		c.text = off
	}
	t.texts, t.stale = texts, 0
}

// addRef records that the cell at index i has an event in block ref.
func (t *rcptTable) addRef(i uint32, ref partRef) {
	c := t.cell(i)
	if c.hasRef && c.lastRef == ref {
		return
	}
	t.refs = append(t.refs, accRef{hour: ref.hour, part: ref.part, acc: i})
	c.hasRef = true
	c.lastRef = ref
}

// load sets a to the accumulator of the cell at index i, with copies of
// its strings.
func (t *rcptTable) load(i uint32, a *rcptAcc) {
	c := t.cell(i)
	*a = rcptAcc{
		events:     c.events,
		firstTS:    c.firstTS,
		lastTS:     c.lastTS,
		lastStatus: c.lastStatus,
		lastReason: c.lastReason,
		lastClass:  c.lastClass,
		index:      i,
		by:         c.by,
		lastID:     c.lastID,
		lastCode:   c.lastCode,
		lastAction: c.lastAction,
		lastText:   string(t.textOf(c)),
		addr:       string(t.addrOf(i)),
	}
	if c.enh != 0 {
		a.lastEnh = t.enhs[c.enh-1]
	}
	if c.hasFwd {
		a.fwd = t.fwds[i]
	}
	if c.hasMore {
		a.byMore = make(map[parser.Status]uint64)
		t.eachMore(i, func(st parser.Status, n uint64) { a.byMore[st] = n })
	}
}

// eachMore calls fn, in status order, for the counts of the cell at index
// i that are in t.more.
func (t *rcptTable) eachMore(i uint32, fn func(st parser.Status, n uint64)) {
	for st := range 256 {
		if n, ok := t.more[moreKey{i, parser.Status(st)}]; ok {
			fn(parser.Status(st), n)
		}
	}
}

// groupRefs returns all refs grouped by cell (a counting sort, stable:
// oldest first) and where each cell's group starts: the refs of the cell
// at index i are refs[start[i]:start[i+1]]. The result is a third of the
// size of the block refs it stands for: on a large checkpoint the
// commit's peak of memory.
func (t *rcptTable) groupRefs() (refs []partRef, start []uint32) {
	start = make([]uint32, t.n+1)
	for _, r := range t.refs {
		start[r.acc+1]++
	}
	for i := 1; i <= t.n; i++ {
		start[i] += start[i-1]
	}
	pos := slices.Clone(start[:t.n])
	refs = make([]partRef, len(t.refs))
	for _, r := range t.refs {
		refs[pos[r.acc]] = partRef{hour: r.hour, part: r.part}
		pos[r.acc]++
	}
	return refs, start
}

// sorted returns the indexes of the cells by address. It sorts on the
// first 8 bytes of each address held beside the index, then addresses
// with the same first 8 bytes on their next 8, also held there, and
// compares whole addresses only on a tie of both: most comparisons touch
// no cell.
func (t *rcptTable) sorted() []uint32 {
	type ent struct {
		prefix, next uint64
		i            uint32
	}
	es := make([]ent, t.n)
	for i := range es {
		var p [16]byte
		copy(p[:], t.addrOf(uint32(i))) // zero padding sorts a prefix first, as Compare does
		es[i] = ent{binary.BigEndian.Uint64(p[:8]), binary.BigEndian.Uint64(p[8:]), uint32(i)}
	}
	// A radix sort of the prefixes, a byte at a time from the last (a
	// spill sorts about 100k addresses: this is 4 times as fast as comparing
	// them), then addresses with the same prefix by comparison.
	var counts [8][256]int
	for _, e := range es {
		for b := range 8 {
			counts[b][byte(e.prefix>>(8*b))]++
		}
	}
	tmp := make([]ent, len(es))
	for b := range 8 {
		c := &counts[b]
		if len(es) == 0 || c[byte(es[0].prefix>>(8*b))] == len(es) {
			continue // all the same byte
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, e := range es {
			d := byte(e.prefix >> (8 * b))
			tmp[c[d]] = e
			c[d]++
		}
		es, tmp = tmp, es
	}
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].prefix == es[i].prefix {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(es[i:j], func(x, y ent) int {
				if x.next != y.next {
					return cmp.Compare(x.next, y.next)
				}
				return bytes.Compare(t.addrOf(x.i), t.addrOf(y.i))
			})
		}
		i = j
	}
	out := make([]uint32, t.n)
	for i := range es {
		out[i] = es[i].i
	}
	return out
}
