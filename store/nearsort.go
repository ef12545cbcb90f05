package store

import (
	"slices"
	"sort"
)

// sortNearly sorts s by cmp, fast when s is nearly sorted. The ids of an
// hour, and the records of a block part, come in the order they were
// added: by time, but for events of the same second (their ids in no
// order: 74% of neighbours shared a second on a 1 GB log), for events
// the Postfix reader held back until their queue file was removed, and
// for batches of records that another batch overtook on the way to the
// store (classified on several goroutines). So an element a few places
// out of order is inserted where it belongs; one that belongs far back
// starts a block of late elements (those below the largest before it),
// which is sorted the same way and merged into place. Input that is not
// nearly sorted (shuffled logs) falls back to slices.SortFunc once the
// elements moved pass 32 per element: the cost stays O(n log n). It
// reports whether it sorted without falling back.
func sortNearly[T any](s []T, cmp func(a, b T) int) bool {
	budget := 32*len(s) + 64
	var tmp []T
	if !sortNearlyIn(s, cmp, &budget, &tmp) {
		slices.SortFunc(s, cmp)
		return false
	}
	return true
}

// sortNearlyIn is sortNearly with the moves left in budget (shared with
// the blocks it sorts) and tmp as a scratch buffer. It stops, s not
// sorted, and returns false when the budget runs out.
func sortNearlyIn[T any](s []T, cmp func(a, b T) int, budget *int, tmp *[]T) bool {
	for i := 1; i < len(s); {
		if cmp(s[i-1], s[i]) <= 0 {
			i++
			continue
		}
		x := s[i]
		j := i - 1 // s[j] > x
		for k := 0; k < 8 && j > 0 && cmp(s[j-1], x) > 0; k++ {
			j--
		}
		if j == 0 || cmp(s[j-1], x) <= 0 { // a few places back
			copy(s[j+1:i+1], s[j:i])
			s[j] = x
			if *budget -= i - j; *budget < 0 {
				return false
			}
			i++
			continue
		}
		// Far back: the late block is s[i:r].
		r := i + 1
		for r < len(s) && cmp(s[r], s[i-1]) < 0 {
			r++
		}
		if *budget -= r - i; *budget < 0 || !sortNearlyIn(s[i:r], cmp, budget, tmp) {
			return false
		}
		p := sort.Search(i, func(k int) bool { return cmp(s[k], s[i]) > 0 })
		if *budget -= i - p; *budget < 0 {
			return false
		}
		// Merge s[p:i] (moved to tmp) and s[i:r] into s[p:r].
		*tmp = append((*tmp)[:0], s[p:i]...)
		a, b, o := *tmp, i, p
		for len(a) > 0 && b < r {
			if cmp(s[b], a[0]) < 0 {
				s[o] = s[b]
				b++
			} else {
				s[o] = a[0]
				a = a[1:]
			}
			o++
		}
		copy(s[o:], a) // what is left of s[i:r] is in place
		i = r
	}
	return true
}
