package store

import (
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestLookupSorted: sorted lookups find every stored key and no other,
// whether the keys looked up are dense (steps between them) or sparse
// (seeks past more than lookupWalk keys), and from before the first
// stored key to after the last.
func TestLookupSorted(t *testing.T) {
	db, _ := openT(t)
	const n = 2000
	stored := map[string]string{}
	err := db.kv.Update(func(txn *badger.Txn) error {
		for i := 0; i < n; i += 2 { // even numbers stored, odd ones not
			addr := fmt.Sprintf("r%05d@example.com", i)
			v := fmt.Sprintf("state of %s", addr)
			if err := txn.Set(rcptKey(addr), []byte(v)); err != nil {
				return err
			}
			stored[string(rcptKey(addr))] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, every := range []int{1, 2, 3, lookupWalk, 2*lookupWalk + 1, 5 * lookupWalk, n} {
		t.Run(fmt.Sprint("every ", every), func(t *testing.T) {
			var keys [][]byte
			keys = append(keys, rcptKey("a@before.example")) // sorts first
			for i := 0; i < n; i += every {
				keys = append(keys, rcptKey(fmt.Sprintf("r%05d@example.com", i)))
			}
			keys = append(keys, rcptKey("r99999@example.com"), rcptKey("z@after.example"))
			found := 0
			err := db.lookupSorted(kindRcpt, keys, func(i int, v []byte) error {
				want, ok := stored[string(keys[i])]
				switch {
				case ok && string(v) != want:
					t.Errorf("%q: %q, want %q", keys[i], v, want)
				case !ok && v != nil:
					t.Errorf("%q: %q, want not stored", keys[i], v)
				case ok:
					found++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, k := range keys {
				if _, ok := stored[string(k)]; ok {
					want++
				}
			}
			if found != want || want == 0 {
				t.Errorf("found %d stored keys, want %d", found, want)
			}
		})
	}
}
