package store

import (
	"bytes"
	"hash/maphash"
)

// countTable holds the count deltas of a checkpoint: an open-addressing
// table of count key hashes pointing into an arena of keys. Prepare
// computes a record's key and hash on the classify goroutines (with the
// DB's seed), so that the store goroutine only probes; and, as for
// recipients, a batch's slots and counts are read in a pass first
// (touch), so that their cache misses overlap (there are about 100k keys
// on a 1 GB log: a few MB).
type countTable struct {
	seed  maphash.Seed
	slots []hashSlot // len a power of two, at most half full
	keys  []byte     // the keys, back to back
	offs  []uint32   // key i is keys[offs[i]:offs[i+1]]
	n     []uint64   // new events per key
}

func (t *countTable) len() int { return len(t.n) }

func (t *countTable) key(i int) []byte { return t.keys[t.offs[i]:t.offs[i+1]] }

// hash returns the hash of key in t.
func (t *countTable) hash(key []byte) uint64 { return maphash.Bytes(t.seed, key) }

// reset empties t, keeping its memory.
func (t *countTable) reset() {
	clear(t.slots)
	t.keys = t.keys[:0]
	t.offs = append(t.offs[:0], 0)
	t.n = t.n[:0]
}

// add counts one event of key, whose hash is h.
func (t *countTable) add(key []byte, h uint64) {
	if t.slots == nil {
		t.reset()
		t.slots = make([]hashSlot, 1<<10)
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for ; t.slots[i].idx != 0; i = (i + 1) & mask {
		if j := int(t.slots[i].idx - 1); t.slots[i].h == h && bytes.Equal(t.key(j), key) {
			t.n[j]++
			return
		}
	}
	t.slots[i] = hashSlot{h: h, idx: uint32(len(t.n) + 1)}
	t.keys = append(t.keys, key...)
	t.offs = append(t.offs, uint32(len(t.keys)))
	t.n = append(t.n, 1)
	if 2*len(t.n) > len(t.slots) {
		t.slots = growSlots(t.slots)
	}
}

// touch reads the slots of hashes hs, then the counts and keys they point
// to: rcptTable.touch for counts. idx is scratch.
func (t *countTable) touch(hs []uint64, idx []uint32) uint64 {
	if t.slots == nil {
		return 0
	}
	mask := uint64(len(t.slots) - 1)
	for i, h := range hs {
		idx[i] = t.slots[h&mask].idx
	}
	var sink uint64
	for i, j := range idx {
		if j != 0 {
			sink += t.n[j-1]
			idx[i] = t.offs[j-1] + 1
		}
	}
	for _, off := range idx {
		if off != 0 && int(off) <= len(t.keys) {
			sink += uint64(t.keys[off-1])
		}
	}
	return sink
}
