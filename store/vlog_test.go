package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bouncelens/classify"
	"bouncelens/parser"
)

// vlogBytes returns the size of the value log files in dir.
func vlogBytes(t *testing.T, dir string) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// TestRecipientStatesInValueLog checks that recipient states, which go to
// Badger's value log, are rewritten away once stale: every round stores
// new events of the same recipients (a nightly scan), so each round's
// states make the previous ones stale. Once compactions have counted the
// stale states, Close reclaims their files, and the store reads the same.
func TestRecipientStatesInValueLog(t *testing.T) {
	dir := t.TempDir()
	const rounds, rcpts = 12, 300
	text := strings.Repeat("mailbox unavailable ", 4)
	for round := range rounds {
		db := openDir(t, dir)
		recs := make([]Record, rcpts)
		for i := range recs {
			recs[i] = mk(at(round, i%24, i%60), fmt.Sprintf("user%d@example.com", i),
				parser.StatusDeferred, 450, "4.2.0", classify.MailboxFull, classify.Soft)
			recs[i].Text = text
		}
		ingest(t, db, recs)
		if err := db.Close(); err != nil {
			t.Fatalf("round %d: Close: %v", round, err)
		}
	}
	// Measured closed: an open store's newest log file is preallocated.
	before := vlogBytes(t, dir)
	if before < rounds*rcpts*64 {
		t.Fatalf("value log holds %d bytes: the recipient states are not in it", before)
	}
	db := openDir(t, dir)
	want := snap(t, db)
	if len(want.Recipients) != rcpts || want.Recipients[0].Events != rounds {
		t.Fatalf("before: %d recipients, first with %d events; want %d with %d",
			len(want.Recipients), want.Recipients[0].Events, rcpts, rounds)
	}
	// Compact everything, as the compactions of later scans would: they
	// drop the stale states' pointers and count the bytes they free.
	if err := db.kv.Flatten(1); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after := vlogBytes(t, dir)
	t.Logf("value log %d -> %d bytes", before, after)
	if after > before/2 {
		t.Errorf("value log: %d bytes before Close, %d after; want at most half", before, after)
	}
	db = openDir(t, dir)
	sameSnapshot(t, snap(t, db), want)
}
