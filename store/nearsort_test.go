package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortNearly: sortNearly sorts like slices.SortFunc whatever the
// input's order, on both its paths: the insertion sort (nearly sorted
// input) and the fallback (input too far out of order for it).
func TestSortNearly(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	logOrder := func(n, late, far int) []fprint {
		// By time, a few events per second in random id order, and
		// late events held back up to 50 places, and far ones held
		// back anywhere.
		fps := make([]fprint, n)
		for i := range fps {
			fps[i].ts = uint64(i / 4)
			for k := range fps[i].id {
				fps[i].id[k] = byte(rng.IntN(256))
			}
		}
		for k := range late + far {
			i := rng.IntN(n)
			j := min(n-1, i+1+rng.IntN(50))
			if k >= late {
				j = i + rng.IntN(n-i)
			}
			x := fps[i]
			copy(fps[i:j], fps[i+1:j+1])
			fps[j] = x
		}
		return fps
	}
	shuffled := func(fps []fprint) []fprint {
		rng.Shuffle(len(fps), func(i, j int) { fps[i], fps[j] = fps[j], fps[i] })
		return fps
	}
	batchesOvertaken := func(fps []fprint) []fprint {
		// Batches of 256, one in three overtaken by the next one or two.
		var bs [][]fprint
		for len(fps) > 0 {
			n := min(256, len(fps))
			bs = append(bs, fps[:n:n])
			fps = fps[n:]
		}
		for i := 0; i+2 < len(bs); i += 3 {
			bs[i], bs[i+1+rng.IntN(2)] = bs[i+1], bs[i]
		}
		return slices.Concat(bs...)
	}
	reversed := func(fps []fprint) []fprint {
		slices.Reverse(fps)
		return fps
	}
	tests := []struct {
		name string
		fps  []fprint
		path string // "inserted": without falling back; "fallback"; "any"
	}{
		{"empty", nil, "inserted"},
		{"one", logOrder(1, 0, 0), "inserted"},
		{"sorted times, ids in any order", logOrder(5000, 0, 0), "inserted"},
		{"a few late events", logOrder(5000, 20, 0), "inserted"},
		{"many late events", logOrder(5000, 1000, 0), "inserted"},
		{"a few events late by up to the whole hour", logOrder(5000, 100, 20), "inserted"},
		{"many events late by up to the whole hour", logOrder(5000, 0, 1000), "any"},
		{"batches overtaken", batchesOvertaken(logOrder(5000, 20, 3)), "inserted"},
		{"shuffled", shuffled(logOrder(5000, 0, 0)), "any"},
		{"reversed", reversed(logOrder(5000, 0, 0)), "fallback"},
		{"sorted, then the smallest last", append(logOrder(5000, 0, 0)[1:], fprint{}), "inserted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Clone(tt.fps)
			slices.SortFunc(want, fprint.compare)
			cmps := 0
			got := slices.Clone(tt.fps)
			inserted := sortNearly(got, func(a, b fprint) int {
				cmps++
				return a.compare(b)
			})
			if tt.path != "any" && inserted != (tt.path == "inserted") {
				t.Errorf("sorted without falling back: %v, want %v", inserted, !inserted)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("not sorted like slices.SortFunc")
			}
			// Comparisons stay within a few per element for nearly
			// sorted input, and O(n log n) for any (the budget of
			// moves, then slices.SortFunc: n log2 n is 61k here).
			n := max(1, len(tt.fps))
			limit := 80*n + 64
			if tt.path == "inserted" {
				limit = 12*n + 64
			}
			if cmps > limit {
				t.Errorf("%d comparisons for %d elements, want at most %d", cmps, n, limit)
			}
		})
	}
}

// BenchmarkSortNearly sorts an hour's ids in the order the store gets
// them (4 per second, 1 in 3000 held back, 1 batch of 256 in 8 overtaken
// by the next): sortNearly against slices.SortFunc.
func BenchmarkSortNearly(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	fps := make([]fprint, 60000)
	for i := range fps {
		fps[i].ts = uint64(i / 4)
		for k := range fps[i].id {
			fps[i].id[k] = byte(rng.IntN(256))
		}
	}
	for range len(fps) / 3000 {
		i := rng.IntN(len(fps) - 60)
		fps[i], fps[i+40] = fps[i+40], fps[i]
	}
	for i := 0; i+512 <= len(fps); i += 8 * 256 {
		batch := slices.Clone(fps[i : i+256])
		copy(fps[i:], fps[i+256:i+512])
		copy(fps[i+256:], batch)
	}
	work := make([]fprint, len(fps))
	for _, bc := range []struct {
		name string
		sort func([]fprint)
	}{
		{"nearly", func(s []fprint) { sortNearly(s, fprint.compare) }},
		{"SortFunc", func(s []fprint) { slices.SortFunc(s, fprint.compare) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(fps) * fpLen))
			b.ReportAllocs()
			for b.Loop() {
				copy(work, fps)
				bc.sort(work)
			}
		})
	}
}
