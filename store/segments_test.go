package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestBlockPlacements checks that blocks in segments (rotated or not) and
// blocks kept in Badger (in memory) give the same store, over several
// Writers and checkpoints, the second and third re-adding what the first
// stored.
func TestBlockPlacements(t *testing.T) {
	all := synth(4000, 31)
	tests := []struct {
		name     string
		inMemory bool
		segMax   int64
		liveIDs  int
	}{
		{"memory", true, 0, 0},
		{"segments", false, segmentSize, 0},
		{"small segments", false, 8 << 10, 0},
		// Ids dropped from memory and reloaded within checkpoints.
		{"memory evicting", true, 0, 200},
		{"segments evicting", false, segmentSize, 200},
	}
	var (
		want     snapshot
		wantHist map[string][]Record
	)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var db *DB
			if tt.inMemory {
				var err error
				if db, err = Open("", Options{InMemory: true}); err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if db.segs != nil {
					t.Fatal("in-memory store with segments")
				}
			} else {
				var dir string
				db, dir = openT(t)
				db.segs.max = tt.segMax
				defer func() {
					ents, _ := os.ReadDir(filepath.Join(dir, "segments"))
					if tt.segMax < segmentSize && len(ents) < 10 && !t.Failed() {
						t.Errorf("%d segment files: not rotated", len(ents))
					}
				}()
			}
			db.liveIDs = tt.liveIDs
			for _, part := range [][]Record{all[:1500], all[1000:3000], all} {
				w := db.NewWriter(WriterOptions{CheckpointEvents: 700})
				if _, err := w.Add(context.Background(), shuffled(part, 5)); err != nil {
					t.Fatal(err)
				}
				if err := w.Commit(context.Background()); err != nil {
					t.Fatal(err)
				}
				w.Close()
			}
			if tt.liveIDs > 0 {
				if n := countFprintParts(t, db); n == 0 {
					t.Error("no hour has more than one fingerprint block per checkpoint")
				}
			}
			got := snap(t, db)
			if got.Totals.Events != uint64(len(all)) {
				t.Errorf("%d events, want %d", got.Totals.Events, len(all))
			}
			hist := histories(t, db, all)
			if i == 0 {
				want, wantHist = got, hist
				return
			}
			sameSnapshot(t, got, want)
			if !reflect.DeepEqual(hist, wantHist) {
				t.Error("histories differ")
			}
		})
	}
}

// TestSegmentPastEnd checks that a ref past the end of a damaged segment
// is an error naming the file, on read-write and read-only opens, and that
// a read-write Open does not extend the file.
func TestSegmentPastEnd(t *testing.T) {
	for _, ro := range []bool{false, true} {
		t.Run(map[bool]string{false: "read-write", true: "read-only"}[ro], func(t *testing.T) {
			db, dir := openT(t)
			ingest(t, db, synth(2000, 32))
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			seg := filepath.Join(dir, "segments", "000001.seg")
			if err := os.Truncate(seg, 100); err != nil {
				t.Fatal(err)
			}
			db, err := Open(dir, Options{ReadOnly: ro})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			reads := map[string]func() error{
				"Events": func() error { return db.Events(ctx, Filter{}, func(Record) error { return nil }) },
				"Stats":  func() error { _, err := db.Stats(ctx); return err },
				"History": func() error {
					return db.History(ctx, all0(t, db), Filter{}, func(Record) error { return nil })
				},
			}
			for name, read := range reads {
				err := read()
				if err == nil || !strings.Contains(err.Error(), seg) || !strings.Contains(err.Error(), "past its end") || !errors.Is(err, errBadValue) {
					t.Errorf("%s: %v, want an error naming %s", name, err, seg)
				}
			}
			if fi, err := os.Stat(seg); err != nil || fi.Size() != 100 {
				t.Errorf("segment after Open: %v, %v; want 100 bytes", fi.Size(), err)
			}
		})
	}
}

// all0 returns the first stored recipient's address.
func all0(t *testing.T, db *DB) string {
	t.Helper()
	rs, err := db.Recipients(context.Background(), RecipientFilter{Limit: 1})
	if err != nil || len(rs) == 0 {
		t.Fatalf("no recipient: %v", err)
	}
	return rs[0].Address
}

// countFprintParts returns the number of fingerprint keys with a part > 0.
func countFprintParts(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	err := db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindFprint}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			pk, err := parseKey(it.Item().Key())
			if err != nil {
				return err
			}
			if pk.part > 0 {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
