package store

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// TestSortedLookupCallbackMayWrite: the callback of a sorted lookup may
// write to the store (the recipient merge does), even when the value it
// was given is in the value log file that those writes fill and rotate.
// Badger reads such a value under a read lock of its file, held until
// Item.Value's callback returns, and rotating the file takes that lock
// for writing: writing from inside Item.Value deadlocked (a 1 GB scan
// hung in its commit).
func TestSortedLookupCallbackMayWrite(t *testing.T) {
	old := vlogFileSize
	vlogFileSize = 1 << 20
	defer func() { vlogFileSize = old }()
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := rcptKey("someone@example.com")
	val := bytes.Repeat([]byte("state "), 40) // over the threshold: in the value log
	if err := db.kv.Update(func(txn *badger.Txn) error { return txn.Set(key, val) }); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- db.viewSorted(kindRcpt, func(l *sortedLookup) error {
			return l.get(key, func(v []byte) error {
				if !bytes.Equal(v, val) {
					return fmt.Errorf("got value %q, want %q", v, val)
				}
				for i := range 4 { // 2 MB: the value's file fills and rotates
					big := bytes.Repeat([]byte{byte(i)}, 512<<10)
					if err := db.kv.Update(func(txn *badger.Txn) error { return txn.Set(rcptKey(fmt.Sprint("big", i)), big) }); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		// The store stays open: closing it would wait for the writes.
		t.Fatal("writes from the lookup's callback did not finish in a minute (deadlock)")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
