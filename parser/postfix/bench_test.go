package postfix

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sync"
	"testing"
)

// benchInput returns a few MB of classic log: genlog's output when python3
// and the script are there, else the fixture repeated.
func benchInput(b *testing.B) []byte {
	b.Helper()
	data, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchInputISO is benchInput with RFC 3339 stamps (genlog --format iso,
// or the ISO fixture repeated).
func benchInputISO(b *testing.B) []byte {
	b.Helper()
	data, err := benchDataISO()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchData and benchDataISO are made once per test binary: benchmark
// functions run several times while the framework picks b.N.
var (
	benchData    = sync.OnceValues(func() ([]byte, error) { return makeBenchData("classic", "../../fixtures/postfix/maillog") })
	benchDataISO = sync.OnceValues(func() ([]byte, error) { return makeBenchData("iso", "../../fixtures/postfix/maillog-iso.log") })
)

func makeBenchData(format, fixture string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "postfix-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if path, err := runGenlog(dir, format, "--mb", "5"); err == nil {
		return os.ReadFile(path)
	}
	fix, err := os.ReadFile(fixture)
	if err != nil {
		return nil, err
	}
	return bytes.Repeat(fix, 5<<20/len(fix)), nil
}

// benchLines splits data into lines without their line ends.
func benchLines(data []byte) [][]byte {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	for i, l := range lines {
		lines[i] = trimEOL(l)
	}
	return lines
}

// reportLines adds the lines/s metric.
func reportLines(b *testing.B, lines int) {
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkLineParse is the first stage of a Reader alone: header split
// (binary check, time stamp, host, tag), dispatch on the program name and
// the parse of the fields a line's kind needs, into a record of slices of
// the line. No string is made, no queue table touched. The lines are
// split beforehand.
func BenchmarkLineParse(b *testing.B) {
	data := benchInput(b)
	lines := benchLines(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(nil), "bench", Options{Year: 2026})
		var rec record
		for _, l := range lines {
			r.line++
			r.scanLine(l, &rec)
		}
	}
	reportLines(b, len(lines))
}

// BenchmarkCorrelate is the second stage of a Reader alone: the records of
// all lines are made once, then each iteration runs them through a fresh
// Reader's apply: log clock, queue table (create, look up, remove, sweep)
// and building the events (strings, times, reply codes, stages). Events
// are dropped as they are made. Bytes and lines are those of the log, so
// that its MB/s adds up with BenchmarkLineParse's to BenchmarkReader's.
func BenchmarkCorrelate(b *testing.B) {
	data := benchInput(b)
	lines := benchLines(data)
	var recs []record
	r := NewReader(bytes.NewReader(nil), "bench", Options{Year: 2026})
	for _, l := range lines {
		r.line++
		var rec record
		if r.scanLine(l, &rec) == nil {
			recs = append(recs, rec)
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(nil), "bench", Options{Year: 2026})
		for i := range recs {
			r.line++
			r.apply(&recs[i])
			r.pending = r.pending[:0]
		}
	}
	reportLines(b, len(lines))
}

func BenchmarkReader(b *testing.B) { benchReader(b, benchInput(b), Options{Year: 2026}) }

// BenchmarkReaderISO is BenchmarkReader on RFC 3339 stamps.
func BenchmarkReaderISO(b *testing.B) { benchReader(b, benchInputISO(b), Options{Year: 2026}) }

// BenchmarkReaderTraffic is BenchmarkReader with Options.Traffic: received
// and warning events too.
func BenchmarkReaderTraffic(b *testing.B) {
	benchReader(b, benchInput(b), Options{Year: 2026, Traffic: true})
}

// BenchmarkReaderAhead is BenchmarkReaderTraffic (what a scan reads)
// with Options.ScanAhead: lines read and scanned on a second goroutine.
func BenchmarkReaderAhead(b *testing.B) {
	benchReader(b, benchInput(b), Options{Year: 2026, Traffic: true, ScanAhead: true})
}

// BenchmarkState is the end of a scan and the start of the next: State of
// a Reader that read the bench log, and Restore of it. It reports the
// state's size and the queue ids it holds.
func BenchmarkState(b *testing.B) {
	r := NewReader(bytes.NewReader(benchInput(b)), "bench", Options{Year: 2026})
	for _, err := r.Next(); err != io.EOF; _, err = r.Next() {
	}
	state, err := r.State()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		state, _ = r.State()
		if err := NewReader(bytes.NewReader(nil), "bench", Options{Year: 2026}).Restore(state); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(state)), "state-bytes")
	b.ReportMetric(float64(r.Stats().OpenQueueIDs), "open-ids")
}

// benchReader reads data with a fresh Reader per iteration.
func benchReader(b *testing.B, data []byte, opts Options) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lines := bytes.Count(data, []byte("\n"))
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), "bench", opts)
		for _, err := r.Next(); err != io.EOF; _, err = r.Next() {
		}
		r.Close()
	}
	reportLines(b, lines)
}

// BenchmarkLineScan is the floor for BenchmarkReader: the same bytes read
// with ReadSlice only.
func BenchmarkLineScan(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lines := bytes.Count(data, []byte("\n"))
	b.ResetTimer()
	for b.Loop() {
		br := bufio.NewReaderSize(bytes.NewReader(data), bufSize)
		for {
			_, err := br.ReadSlice('\n')
			if err == io.EOF {
				break
			}
		}
	}
	reportLines(b, lines)
}
