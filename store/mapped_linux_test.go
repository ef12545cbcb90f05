package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/sys/unix"
)

// valueLogRSS returns the resident KiB of this process's mappings of the
// value log files in dir.
func valueLogRSS(t *testing.T, dir string) int { return mappedRSS(t, dir, ".vlog") }

// mappedRSS returns the resident KiB of this process's mappings of the
// files in dir whose names end in suffix.
func mappedRSS(t *testing.T, dir, suffix string) int {
	t.Helper()
	abs, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-"):
			in = len(fields) >= 6 && strings.HasPrefix(fields[5], abs+"/") && strings.HasSuffix(fields[5], suffix)
		case in && fields[0] == "Rss:":
			n, _ := strconv.Atoi(fields[1])
			total += n
		}
	}
	return total
}

// TestCommitDropsValueLogPages: after a commit that wrote megabytes of
// recipient states, the value log's pages are out of the RSS, and the
// states read back intact.
func TestCommitDropsValueLogPages(t *testing.T) {
	db, dir := openT(t)
	recs := synth(20000, 61)
	for i := range recs {
		// 20k recipients with long last texts: about 8 MB of states.
		recs[i].Recipient = fmt.Sprintf("r%d@example.com", i)
		recs[i].Text = fmt.Sprintf("%d %s", i, strings.Repeat("a long diagnostic text ", 16))
	}
	defer func(n int) { dropEvery = n }(dropEvery)
	dropEvery = 1 << 40 // the commit's drop alone
	w := db.NewWriter(WriterOptions{})
	addAll(t, w, recs, 1000)
	w.Close()
	if db.drops == 0 {
		t.Fatal("no drop")
	}
	if kib := valueLogRSS(t, dir); kib > 256 {
		t.Errorf("%d KiB of the value log resident after the commit", kib)
	}
	// Read back from the page cache, intact.
	for _, i := range []int{0, 7777, 19999} {
		r, ok, err := db.Recipient(context.Background(), recs[i].Recipient)
		if err != nil || !ok || r.LastText != recs[i].Text || r.Events != 1 {
			t.Fatalf("recipient %s: %+v, %v, %v; want last text %q", recs[i].Recipient, r, ok, err, recs[i].Text)
		}
	}
}

// TestMergeDropsOnReads: a recipient merge that reads many stored states
// and writes little between drops (dropEvery out of reach) still drops
// the value log's pages as its resident file pages grow; the states it
// merged read back right.
func TestMergeDropsOnReads(t *testing.T) {
	if mappedResident() == 0 {
		t.Skip("no /proc/self/statm")
	}
	defer func(n int, r int64) { dropEvery, dropResident = n, r }(dropEvery, dropResident)
	dropEvery, dropResident = 1<<40, 1<<20
	db, _ := openT(t)
	recs := synth(20000, 79)
	for i := range recs {
		recs[i].Recipient = fmt.Sprintf("r%d@example.com", i)
		recs[i].Text = fmt.Sprintf("%d %s", i, strings.Repeat("a long diagnostic text ", 16))
	}
	w := db.NewWriter(WriterOptions{})
	addAll(t, w, recs, 5000) // about 8 MB of states
	w.Close()
	// Later events of every recipient: the merge reads each state.
	again := synth(20000, 83)
	for i := range again {
		again[i].Recipient = recs[i].Recipient
		again[i].Time = recs[i].Time.Add(time.Hour)
	}
	before := db.drops
	w = db.NewWriter(WriterOptions{})
	addAll(t, w, again, 5000)
	w.Close()
	if n := db.drops - before; n < 3 {
		t.Errorf("%d drops in a commit that read 8 MB of states, want the commit's own and more", n)
	}
	for _, i := range []int{0, 12345, 19999} {
		r, ok, err := db.Recipient(context.Background(), recs[i].Recipient)
		if err != nil || !ok || r.Events != 2 {
			t.Fatalf("recipient %s: %+v, %v, %v; want 2 events", recs[i].Recipient, r, ok, err)
		}
	}
}

// TestOpenDropsValueLogPages: opening a store with megabytes of value
// log leaves none of it resident (Badger reads the last file as it
// opens), and the states read back intact.
func TestOpenDropsValueLogPages(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := synth(20000, 71)
	for i := range recs {
		recs[i].Recipient = fmt.Sprintf("r%d@example.com", i)
		recs[i].Text = fmt.Sprintf("%d %s", i, strings.Repeat("a long diagnostic text ", 16))
	}
	w := db.NewWriter(WriterOptions{})
	addAll(t, w, recs, 1000)
	w.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		db, err := Open(dir, Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		if kib := valueLogRSS(t, dir); kib > 256 {
			t.Errorf("read-only %v: %d KiB of the value log resident after Open", ro, kib)
		}
		r, ok, err := db.Recipient(context.Background(), recs[4321].Recipient)
		if err != nil || !ok || r.LastText != recs[4321].Text {
			t.Errorf("read-only %v: recipient %s: %+v, %v, %v", ro, recs[4321].Recipient, r, ok, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCommitPagesOutTables: a commit pages the tables out on a ticker
// while it runs, and stops the ticker before it returns; what it wrote
// reads back intact.
func TestCommitPagesOutTables(t *testing.T) {
	defer func(d time.Duration) { tablePageOutEvery = d }(tablePageOutEvery)
	tablePageOutEvery = time.Millisecond
	db, _ := openT(t)
	recs := synth(60000, 73)
	for i := range recs {
		recs[i].Recipient = fmt.Sprintf("r%d@example.com", i)
	}
	w := db.NewWriter(WriterOptions{})
	addAll(t, w, recs, 60000) // one commit, of 60k recipients
	w.Close()
	n := db.tablePageOuts.Load()
	if n == 0 {
		t.Fatal("no table page-out during the commit")
	}
	time.Sleep(20 * time.Millisecond)
	if m := db.tablePageOuts.Load(); m != n {
		t.Errorf("%d table page-outs after the commit returned", m-n)
	}
	for _, i := range []int{0, 33333, 59999} {
		r, ok, err := db.Recipient(context.Background(), recs[i].Recipient)
		if err != nil || !ok || r.Events != 1 {
			t.Fatalf("recipient %s: %+v, %v, %v", recs[i].Recipient, r, ok, err)
		}
	}
}

// TestDropPagesOutTables: the tables Badger built and mapped leave the
// RSS when the store drops its pages.
func TestDropPagesOutTables(t *testing.T) {
	probe, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Skip(err)
	}
	err = unix.Madvise(probe, unix.MADV_PAGEOUT)
	unix.Munmap(probe)
	if err != nil {
		t.Skipf("no MADV_PAGEOUT here: %v", err)
	}
	db, dir := openT(t)
	defer func(n int) { dropEvery = n }(dropEvery)
	dropEvery = 1 << 40
	recs := synth(60000, 67)
	for i := range recs {
		recs[i].Recipient = fmt.Sprintf("r%d@example.com", i) // 60k keys: several tables
	}
	w := db.NewWriter(WriterOptions{})
	addAll(t, w, recs, 5000)
	w.Close()
	// Tables are built by Badger's goroutines, and the commits page out
	// those built meanwhile: read every key first, which faults the
	// tables in, then look for a drop that leaves few of their pages
	// (a table built after the read may be in neither measurement).
	for try := 0; ; try++ {
		err := db.kv.View(func(txn *badger.Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues = false
			it := txn.NewIterator(opts)
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				_ = it.Item().Key()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		before := mappedRSS(t, dir, ".sst")
		db.dropPages()
		after := mappedRSS(t, dir, ".sst")
		if before >= 1024 && after <= before/4 {
			return
		}
		if try == 20 {
			t.Fatalf("table pages resident: %d KiB before a drop, %d KiB after", before, after)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
