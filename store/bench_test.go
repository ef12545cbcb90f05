package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
)

const benchRecords = 100_000

// BenchmarkIngest stores 100k new records into a fresh store per iteration
// and reports records/s and the store's size on disk after Close.
func BenchmarkIngest(b *testing.B) {
	recs := synth(benchRecords, 42)
	ctx := context.Background()
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		db, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := db.Ingest(ctx, recs)
		if err != nil || st.New != len(recs) {
			b.Fatalf("Ingest: %+v, %v", st, err)
		}
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		size = dirSize(b, dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(size)/(1<<20), "disk-MiB")
}

// BenchmarkIngestDuplicate ingests 100k records that are all stored
// already: the cost of re-reading a log.
func BenchmarkIngestDuplicate(b *testing.B) {
	recs := synth(benchRecords, 42)
	ctx := context.Background()
	db, _ := openT(b)
	if _, err := db.Ingest(ctx, recs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := db.Ingest(ctx, recs)
		if err != nil || st.Duplicate != len(recs) {
			b.Fatalf("Ingest: %+v, %v", st, err)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// dirSize sums the sizes of the files under dir. Badger's files are
// allocated as written, so this is close to du.
func dirSize(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
