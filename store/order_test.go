package store

import (
	"bytes"
	"cmp"
	"math/rand/v2"
	"slices"
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
		{"high and zero bytes", []string{"\xff", "\xfe\xff", "z", "\x00z", "\x00", "jörg@x", "jorg@x", "\xff\xff\xff\xff\xff\xff\xff\xff\x00"}},
		{"random, small alphabet", random(5000, "ab\x00\xff")},
		{"random addresses", random(20000, "abcdefghijklmnopqrstuvwxyz0123456789.@-")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tab rcptTable
			for _, a := range tt.addrs {
				tab.get(a).addr = a
			}
			var got []string
			for _, a := range tab.sorted() {
				got = append(got, a.addr)
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
