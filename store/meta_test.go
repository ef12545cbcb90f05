package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"bouncelens/classify"
	"bouncelens/parser"
)

// TestSetMeta checks that SetMeta values become visible with the
// checkpoint that follows them, never before it, in the commit transaction
// when few and right after it when many, and that nil deletes.
func TestSetMeta(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, maxCommitMeta, maxCommitMeta + 1, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			all := synth(500, 31)
			db, dir := openT(t)
			w := db.NewWriter(WriterOptions{})
			w.crash = func(stage string) error {
				if stage == "commit" {
					return errCrash
				}
				return nil
			}
			if _, err := w.Add(ctx, all); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				w.SetMeta(fmt.Sprintf("file/%05d", i), []byte{byte(i)})
			}
			if err := w.Commit(ctx); !errors.Is(err, errCrash) {
				t.Fatalf("Commit: %v, want the crash", err)
			}
			db.kv.Close()
			db = openDir(t, dir)
			if got := metaNames(t, db, "file/"); len(got) != 0 {
				t.Fatalf("%d meta values after a crash before the commit", len(got))
			}

			w = db.NewWriter(WriterOptions{})
			if _, err := w.Add(ctx, all); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				w.SetMeta(fmt.Sprintf("file/%05d", i), []byte{byte(i)})
			}
			if got := metaNames(t, db, "file/"); len(got) != 0 {
				t.Fatalf("%d meta values visible before the commit", len(got))
			}
			if err := w.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			got := metaNames(t, db, "file/")
			if len(got) != n {
				t.Fatalf("%d meta values after the commit, want %d", len(got), n)
			}
			for i, name := range got {
				if want := fmt.Sprintf("file/%05d", i); name != want {
					t.Fatalf("meta %d is %q, want %q (name order)", i, name, want)
				}
			}
			// Nothing new added: the next Commit stores SetMeta alone; nil deletes.
			w.SetMeta("file/00000", nil)
			w.SetMeta("watermark", []byte("x"))
			if err := w.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			w.Close()
			if _, ok, _ := db.Meta(ctx, "file/00000"); ok {
				t.Error("SetMeta(nil) did not delete")
			}
			if v, ok, _ := db.Meta(ctx, "watermark"); !ok || string(v) != "x" {
				t.Errorf("watermark = %q, %v", v, ok)
			}
			if tot, _ := db.Stats(ctx); tot.Events != 500 {
				t.Errorf("%d events, want 500", tot.Events)
			}
		})
	}
}

// TestSetMetaWithAutoCheckpoint checks that a checkpoint committed by Add
// (a WriterOptions limit) stores what SetMeta queued before it.
func TestSetMetaWithAutoCheckpoint(t *testing.T) {
	ctx := context.Background()
	all := synth(1000, 32)
	db, _ := openT(t)
	w := db.NewWriter(WriterOptions{CheckpointEvents: 600})
	defer w.Close()
	if _, err := w.Add(ctx, all[:500]); err != nil {
		t.Fatal(err)
	}
	w.SetMeta("file/a", []byte("500"))
	if _, err := w.Add(ctx, all[500:]); err != nil { // commits at 600
		t.Fatal(err)
	}
	if v, ok, _ := db.Meta(ctx, "file/a"); !ok || string(v) != "500" {
		t.Errorf("meta after the automatic checkpoint: %q, %v", v, ok)
	}
}

func TestMetaPrefixStopsOnError(t *testing.T) {
	ctx := context.Background()
	db, _ := openT(t)
	w := db.NewWriter(WriterOptions{})
	if err := w.CommitWith(ctx, map[string][]byte{"a/1": {1}, "a/2": {2}, "b/1": {3}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	stop := errors.New("stop")
	calls := 0
	err := db.MetaPrefix(ctx, "a/", func(name string, v []byte) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("MetaPrefix: %v after %d calls, want stop after 1", err, calls)
	}
	if got := metaNames(t, db, "b"); len(got) != 1 || got[0] != "b/1" {
		t.Errorf("prefix b: %q", got)
	}
}

// TestEventsWithoutRecipient checks that messages received and warnings
// are stored, deduplicated and counted, but create no recipient.
func TestEventsWithoutRecipient(t *testing.T) {
	ctx := context.Background()
	db, _ := openT(t)
	recv := mk(at(1, 2, 3), "", parser.StatusReceived, 0, "", classify.Undefined, classify.None)
	recv.Sender = "news@example.org"
	warn := mk(at(1, 2, 4), "", parser.StatusWarning, 0, "", classify.Undefined, classify.None)
	warn.Family, warn.Text = "postfix/smtpd", "hostname example.net does not resolve to address 192.0.2.1"
	sent := mk(at(1, 2, 5), "a@example.com", parser.StatusSent, 250, "2.0.0", classify.Delivered, classify.None)
	recs := []Record{recv, warn, sent}
	if st := ingest(t, db, recs); st.New != 3 {
		t.Fatalf("first ingest: %+v", st)
	}
	if st := ingest(t, db, recs); st.Duplicate != 3 {
		t.Fatalf("second ingest: %+v", st)
	}
	rs, err := db.Recipients(ctx, RecipientFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Address != "a@example.com" {
		t.Errorf("recipients: %+v", rs)
	}
	counts, err := db.Counts(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[parser.Status]uint64{}
	for _, c := range counts {
		by[c.Status] += c.N
	}
	if by[parser.StatusReceived] != 1 || by[parser.StatusWarning] != 1 || by[parser.StatusSent] != 1 {
		t.Errorf("counts by status: %v", by)
	}
	var got []Record
	if err := db.Events(ctx, Filter{}, func(r Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Sender != "news@example.org" || got[1].Family != "postfix/smtpd" {
		t.Errorf("events: %+v", got)
	}
}

func metaNames(t *testing.T, db *DB, prefix string) []string {
	t.Helper()
	var names []string
	err := db.MetaPrefix(context.Background(), prefix, func(name string, v []byte) error {
		names = append(names, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestOpenAfterKillDuringLogFileCreation checks that a store opens when a
// killed process left an empty memtable or value log file behind (Badger
// refuses both), and reads as before.
func TestOpenAfterKillDuringLogFileCreation(t *testing.T) {
	for _, leftovers := range [][]string{{"00007.mem"}, {"next.vlog"}, {"00007.mem", "next.vlog"}} {
		t.Run(strings.Join(leftovers, "+"), func(t *testing.T) {
			db, dir := openT(t)
			ingest(t, db, synth(100, 33))
			want := snap(t, db)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			vlogs, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
			if err != nil || len(vlogs) == 0 {
				t.Fatalf("no value log file after Close (%v)", err)
			}
			slices.Sort(vlogs)
			var last int
			if _, err := fmt.Sscanf(filepath.Base(vlogs[len(vlogs)-1]), "%06d.vlog", &last); err != nil {
				t.Fatal(err)
			}
			// What a kill while Badger created its files leaves.
			var paths []string
			for _, name := range leftovers {
				if name == "next.vlog" {
					name = fmt.Sprintf("%06d.vlog", last+1) // the file Open creates next
				}
				paths = append(paths, filepath.Join(dir, name))
			}
			kill := func() {
				for _, p := range paths {
					if err := os.WriteFile(p, nil, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			// A report after the kill: the read-only open removes
			// them (no other process has the store open).
			kill()
			ro, err := Open(dir, Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("read-only open with empty %v: %v", leftovers, err)
			}
			sameSnapshot(t, snap(t, ro), want)
			if err := ro.Close(); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s after the read-only open: %v, want removed", filepath.Base(p), err)
				}
			}
			kill()
			db2, err := Open(dir, Options{})
			if err != nil {
				t.Fatalf("open with empty %v: %v", leftovers, err)
			}
			defer db2.Close()
			sameSnapshot(t, snap(t, db2), want)
			ingest(t, db2, synth(10, 34)) // and it takes writes
		})
	}
}
