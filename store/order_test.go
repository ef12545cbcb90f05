package store

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSortedAddresses: the table's radix sort orders addresses as
// strings.Compare does, also addresses that share their first 8 bytes,
// are shorter than 8 bytes, are prefixes of each other or hold zero and
// high bytes.
func TestSortedAddresses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int, alphabet string) []string {
		var out []string
		for range n {
			b := make([]byte, 1+rng.IntN(14))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			out = append(out, string(b))
		}
		return out
	}
	tests := []struct {
		name  string
		addrs []string
	}{
		{"one", []string{"a@x"}},
		{"prefixes of each other", []string{"ab", "a", "a\x00", "a\x00\x00", "", "postmaster@b", "postmaster@a", "postmast", "postmaste"}},
		{"same first 8 bytes", []string{"info@example.org", "info@example.com", "info@exa", "info@exampl", "info@example.net"}},
		{"same first 16 bytes", []string{"michael.johnson.1@b.example", "michael.johnson.1@a.example", "michael.johnson.", "michael.johnson.1", "michael.johnson.\x00", "michael.johnson.2@a", "michael.johnsom.9"}},
		{"high and zero bytes", []string{"\xff", "\xfe\xff", "z", "\x00z", "\x00", "jörg@x", "jorg@x", "\xff\xff\xff\xff\xff\xff\xff\xff\x00"}},
		{"random, small alphabet", random(5000, "ab\x00\xff")},
		{"random addresses", random(20000, "abcdefghijklmnopqrstuvwxyz0123456789.@-")},
		{"random, a long common start", func() []string {
			out := random(5000, "ab.@")
			for i := range out {
				out[i] = "customer.service" + out[i]
			}
			return out
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tab rcptTable
			for _, a := range tt.addrs {
				tab.get(a)
			}
			var got []string
			for _, i := range tab.sorted() {
				got = append(got, string(tab.addrOf(i)))
			}
			want := slices.Sorted(slices.Values(tt.addrs))
			want = slices.Compact(want)
			if !slices.Equal(got, want) {
				t.Errorf("sorted:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestFprintCompare: fprints order by time, then id bytes.
func TestFprintCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var fps []fprint
	for range 3000 {
		var f fprint
		f.ts = uint64(rng.IntN(3))
		for i := range f.id {
			if i < 8 { // many share their first half
				f.id[i] = []byte{0, 0xff}[rng.IntN(2)]
			} else {
				f.id[i] = []byte{0, 1, 0x7f, 0x80, 0xff}[rng.IntN(5)]
			}
		}
		fps = append(fps, f)
	}
	for i := range 2000 {
		a, b := fps[i], fps[i+1000]
		want := cmp.Or(cmp.Compare(a.ts, b.ts), bytes.Compare(a.id[:], b.id[:]))
		if got := a.compare(b); got != want {
			t.Fatalf("%v.compare(%v) = %d, want %d", a, b, got, want)
		}
		if got := a.compare(a); got != 0 {
			t.Fatalf("%v.compare(itself) = %d", a, got)
		}
	}
}

// TestTableTexts: a cell's last text is its newest event's, also after
// the arena drops replaced texts (compactTexts), and bytes counts what
// the texts take.
func TestTableTexts(t *testing.T) {
	var tab rcptTable
	recs := synth(20000, 47)
	// Mostly in time order, as in a log: most events replace a text.
	slices.SortFunc(recs[:15000], func(a, b Record) int { return a.Time.Compare(b.Time) })
	want := map[string]string{}
	newest := map[string]fprint{}
	compacted := 0
	for k := range recs {
		r := &recs[k]
		r.Text = fmt.Sprintf("%s %d %s", r.Text, k, strings.Repeat("x", k%200))
		fp := fprint{ts: tsOf(r.Time), id: Fingerprint(&r.Event)}
		stale := tab.stale
		tab.apply(tab.get(r.Recipient), r, fp)
		if tab.stale < stale {
			compacted++
		}
		if n, ok := newest[r.Recipient]; !ok || later(fp.ts, fp.id, n.ts, n.id) {
			newest[r.Recipient], want[r.Recipient] = fp, r.Text
		}
	}
	if compacted == 0 {
		t.Fatalf("the texts were never compacted (%d bytes, %d stale)", len(tab.texts), tab.stale)
	}
	live := 0
	for i := range uint32(tab.len()) {
		var a rcptAcc
		tab.load(i, &a)
		if a.lastText != want[a.addr] {
			t.Fatalf("%s: last text %q, want %q", a.addr, a.lastText, want[a.addr])
		}
		live += len(a.lastText)
	}
	if len(tab.texts) != live+tab.stale || tab.bytes() < len(tab.texts) {
		t.Errorf("texts: %d bytes, %d live + %d stale; bytes() = %d", len(tab.texts), live, tab.stale, tab.bytes())
	}
}

// TestRunRoundTrip: what a spill writes of a cell (rcptTable.encodeRun)
// reads back (decodeRun) as the accumulator load gives, with statuses
// past the cell's counts, forwards and refs.
func TestRunRoundTrip(t *testing.T) {
	var tab rcptTable
	recs := synth(3000, 59)
	for k := range recs {
		r := &recs[k]
		switch k % 97 {
		case 3:
			r.Status = 200 // past the cell's counts
		case 5:
			r.Forward = fmt.Sprintf("moved%d@new.example", k)
		}
		i := tab.get(r.Recipient)
		tab.apply(i, r, fprint{ts: tsOf(r.Time), id: Fingerprint(&r.Event)})
		tab.addRef(i, partRef{hour: uint32(k / 100), part: uint16(k % 7)})
	}
	grouped, start := tab.groupRefs()
	more, fwds := 0, 0
	for i := range uint32(tab.len()) {
		var want, got rcptAcc
		tab.load(i, &want)
		refs := grouped[start[i]:start[i+1]]
		gotRefs, err := got.decodeRun(tab.encodeRun(nil, i, refs), nil)
		if err != nil {
			t.Fatalf("%s: %v", want.addr, err)
		}
		got.index = i
		if !reflect.DeepEqual(got, want) || !slices.Equal(gotRefs, refs) {
			t.Fatalf("%s: read back\n%+v %v\nwant\n%+v %v", want.addr, got, gotRefs, want, refs)
		}
		if want.byMore != nil {
			more++
		}
		if want.fwd != nil {
			fwds++
		}
	}
	if more == 0 || fwds == 0 {
		t.Fatalf("%d accumulators with more statuses, %d with forwards: none tested", more, fwds)
	}
}

// TestCountTable: the count table counts as a map does, through its
// growth, with keys that are prefixes of each other, and touch changes
// nothing.
func TestCountTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tab := countTable{seed: maphash.MakeSeed()}
	tab.reset()
	want := map[string]uint64{}
	idx := make([]uint32, 64)
	for round := range 50 {
		var hs []uint64
		var keys [][]byte
		for range 64 {
			k := []byte(fmt.Sprintf("key%d", rng.IntN(3000)))
			if rng.IntN(5) == 0 {
				k = k[:len(k)-1] // a prefix of other keys
			}
			keys = append(keys, k)
			hs = append(hs, tab.hash(k))
		}
		tab.touch(hs, idx[:len(hs)])
		for i, k := range keys {
			tab.add(k, hs[i])
			want[string(k)]++
		}
		if round == 25 {
			got := map[string]uint64{}
			for i := range tab.len() {
				got[string(tab.key(i))] = tab.n[i]
			}
			if !maps.Equal(got, want) {
				t.Fatalf("after %d keys: counts differ from a map's", len(want))
			}
		}
	}
	got := map[string]uint64{}
	for i := range tab.len() {
		if _, dup := got[string(tab.key(i))]; dup {
			t.Fatalf("key %q twice", tab.key(i))
		}
		got[string(tab.key(i))] = tab.n[i]
	}
	if !maps.Equal(got, want) || len(tab.slots) < 2*tab.len() {
		t.Fatalf("counts differ from a map's (%d keys, %d slots)", tab.len(), len(tab.slots))
	}
	tab.reset()
	if tab.len() != 0 || tab.touch([]uint64{1, 2}, idx[:2]) != 0 {
		t.Error("reset left counts")
	}
}
