package store

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
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

// writerRecords is the size of a BenchmarkWriter run: about what a 700 MB
// genlog file holds.
const writerRecords = 1_000_000

// BenchmarkWriter feeds 1M genlog-like records (time-ordered, 83% sent,
// ~150k recipients) through one Writer into a fresh store, in Adds of 4096
// as the scan pipeline does, and commits. The records are generated
// outside the timer. Reports events/s and the peak live Go heap (as of
// the last GC, sampled between Adds; Badger's memtables included).
func BenchmarkWriter(b *testing.B) {
	benchWriter(b, false)
}

// BenchmarkWriterDuplicate is BenchmarkWriter into a store that has every
// record already: a rescan.
func BenchmarkWriterDuplicate(b *testing.B) {
	benchWriter(b, true)
}

func benchWriter(b *testing.B, dup bool) {
	ctx := context.Background()
	chunk := make([]Record, 4096)
	var encoded int64
	for i := 0; i < writerRecords; i += len(chunk) {
		n := min(len(chunk), writerRecords-i)
		for j := range n {
			genlogRecord(i+j, writerRecords, &chunk[j])
			encoded += int64(len(encodeRecord(nil, &chunk[j])))
		}
	}
	run := func(db *DB, wantNew bool, timed bool, peak *uint64) {
		w := db.NewWriter(WriterOptions{})
		defer w.Close()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for i := 0; i < writerRecords; i += len(chunk) {
			n := min(len(chunk), writerRecords-i)
			if timed {
				b.StopTimer()
			}
			for j := range n {
				genlogRecord(i+j, writerRecords, &chunk[j])
			}
			if peak != nil {
				metrics.Read(live)
				*peak = max(*peak, live[0].Value.Uint64())
			}
			if timed {
				b.StartTimer()
			}
			st, err := w.Add(ctx, chunk[:n])
			if err != nil || wantNew && st.New != n || !wantNew && st.Duplicate != n {
				b.Fatalf("Add: %+v, %v", st, err)
			}
		}
		if err := w.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		if peak != nil {
			metrics.Read(live)
			*peak = max(*peak, live[0].Value.Uint64())
		}
	}
	var (
		db   *DB
		peak uint64
	)
	if dup {
		db, _ = openT(b)
		run(db, true, false, nil)
	}
	b.SetBytes(encoded)
	b.ReportAllocs()
	for b.Loop() {
		if !dup {
			b.StopTimer()
			if db != nil {
				db.Close()
			}
			db, _ = openT(b)
			runtime.GC()
			b.StartTimer()
		}
		run(db, !dup, true, &peak)
	}
	b.ReportMetric(float64(writerRecords)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
}

// genlogRecord sets *rec to the i-th of n records shaped like those of a
// genlog file: 1.5M events span 305 hours, 83% are sent, 15% as many
// distinct recipients as events, texts as Postfix writes them. It is
// deterministic in (i, n).
func genlogRecord(i, n int, rec *Record) {
	h := splitmix(uint64(i))
	const perEvent = 305 * time.Hour / 1_500_000
	t := day0.Add(perEvent * time.Duration(i)).Truncate(time.Second)
	rcptN := uint64(n) * 15 / 100
	u := splitmix(h) % rcptN
	domain := "grove" + strconv.FormatUint(u%997, 10) + ".example.com"
	rcpt := "user" + strconv.FormatUint(u, 10) + "@" + domain
	qid := fmt.Sprintf("%011X", h>>20)
	*rec = Record{Event: parser.Event{
		Source: "/work/benchdata/large-classic.log", Line: 3*i + 1, Time: t,
		QueueID: qid, MessageID: fmt.Sprintf("%x.%d@example.net", h, i),
		Sender: "news@example.net", Recipient: rcpt, Command: "",
		RemoteMTA: "mx1." + domain + "[198.51.100.13]:25",
	}}
	switch p := h % 100; {
	case p < 83:
		rec.Status, rec.Code, rec.Enhanced = parser.StatusSent, 250, "2.0.0"
		rec.Text = "250 2.0.0 Ok: queued as " + qid[:10]
		rec.Result = classify.Result{Reason: classify.Delivered}
	case p < 93:
		rec.Status, rec.Code, rec.Enhanced = parser.StatusDeferred, 450, "4.7.1"
		rec.Text = "host mx1." + domain + "[198.51.100.13] said: 450 4.7.1 <" + rcpt + ">: Recipient address rejected: Greylisted, see https://postgrey.example/ (in reply to RCPT TO command)"
		rec.Command = "RCPT TO"
		rec.Result = classify.Result{Reason: classify.Greylisted, Class: classify.Soft, Action: classify.ActionRetry,
			Side: classify.SideRecipient, Code: 450, Enhanced: "4.7.1", MatchedBy: "enhanced"}
	default:
		rec.Status, rec.Code, rec.Enhanced = parser.StatusBounced, 550, "5.1.1"
		rec.Text = "host mx1." + domain + "[198.51.100.13] said: 550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
		rec.Command = "RCPT TO"
		rec.Result = classify.Result{Reason: classify.UserUnknown, Class: classify.Hard, Action: classify.ActionSuppress,
			Side: classify.SideRecipient, Code: 550, Enhanced: "5.1.1", MatchedBy: "enhanced"}
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
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

// BenchmarkSortedAddresses sorts 75k addresses of the shape of a mail
// log's (first.last, a number, a few domains): many share their first 8
// bytes, as a spill's do (rcptTable.sorted; a spill of the 1 GB log sorts
// about 100k).
func BenchmarkSortedAddresses(b *testing.B) {
	first := []string{"michael", "jennifer", "christopher", "kathleen", "robert", "patricia", "elizabeth", "william"}
	last := []string{"johnson", "williams", "anderson", "thompson", "martinez", "robinson"}
	domains := []string{"gmail.example.net", "outlook.example.net", "icloud.example.net", "corp.example.com"}
	rng := rand.New(rand.NewPCG(5, 6))
	var tab rcptTable
	for tab.len() < 75_000 {
		tab.get(fmt.Sprintf("%s.%s%d@%s", first[rng.IntN(len(first))], last[rng.IntN(len(last))], rng.IntN(3000), domains[rng.IntN(len(domains))]))
	}
	b.ReportAllocs()
	for b.Loop() {
		tab.sorted()
	}
}
