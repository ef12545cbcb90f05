package postfix

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"sync"
	"testing"
)

// benchInput returns a few MB of log: genlog's output when python3 and the
// script are there, else the fixture repeated.
func benchInput(b *testing.B) []byte {
	b.Helper()
	data, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchData is made once per test binary: benchmark functions run several
// times while the framework picks b.N.
var benchData = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "postfix-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if path, err := runGenlog(dir, "classic", "--mb", "5"); err == nil {
		return os.ReadFile(path)
	}
	fix, err := os.ReadFile("../../fixtures/postfix/maillog")
	if err != nil {
		return nil, err
	}
	return bytes.Repeat(fix, 5<<20/len(fix)), nil
})

func BenchmarkReader(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lines := bytes.Count(data, []byte("\n"))
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), "bench", Options{Year: 2026})
		for _, err := r.Next(); err != io.EOF; _, err = r.Next() {
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
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
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
