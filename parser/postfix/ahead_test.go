package postfix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"bouncelens/parser"
)

// transcript reads r to its end and writes what a caller sees: each
// event or error with the Offset after it, then the Stats and the State.
func transcript(t testing.TB, r *Reader) string {
	t.Helper()
	defer r.Close()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for calls := 0; ; calls++ {
		ev, err := r.Next()
		if err != nil && !parser.IsSkip(err) {
			fmt.Fprintf(&b, "final %v offset %d\n", err, r.Offset())
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "skip %v offset %d\n", err, r.Offset())
			continue
		}
		enc.Encode(ev)
		fmt.Fprintf(&b, "offset %d\n", r.Offset())
	}
	enc.Encode(toJSON(r.Stats()))
	st, err := r.State()
	fmt.Fprintf(&b, "state %x %v\n", st, err)
	return b.String()
}

// sameAhead reads data with and without ScanAhead and fails when a caller
// could tell them apart. wrap, when set, wraps the input of both.
func sameAhead(t testing.TB, name string, data []byte, opts Options, wrap func(io.Reader) io.Reader) {
	t.Helper()
	read := func(ahead bool) string {
		o := opts
		o.ScanAhead = ahead
		var in io.Reader = bytes.NewReader(data)
		if wrap != nil {
			in = wrap(in)
		}
		return transcript(t, NewReader(in, "log", o))
	}
	want, got := read(false), read(true)
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s: with ScanAhead, line %d of the transcript\n got %s\nwant %s", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: with ScanAhead, %d lines of transcript, want %d", name, len(gl), len(wl))
	}
}

// smallBatches makes batches of a few records and bytes for the test, so
// that small inputs cross many batch boundaries and long lines need
// buffers of their own.
func smallBatches(t testing.TB, items, buf int) {
	oi, ob := aheadItems, aheadBuf
	aheadItems, aheadBuf = items, buf
	t.Cleanup(func() { aheadItems, aheadBuf = oi, ob })
}

// TestScanAheadSame reads every test log with and without ScanAhead, with
// options that reach skipped lines, sweeps, evictions and held lines, in
// batches of every size.
func TestScanAheadSame(t *testing.T) {
	inputs := splitInputs(t)
	opts := map[string]Options{
		"default":  {Year: 2026},
		"traffic":  {Year: 2026, Traffic: true},
		"hold":     {Year: 2026, Traffic: true, HoldPartial: true},
		"small":    {Year: 2026, Traffic: true, MaxLineLength: 120, MaxQueueIDs: 4, QueueWindow: time.Minute},
		"location": {Year: 2026, Location: time.FixedZone("X", 5*3600)},
	}
	for _, size := range []struct{ items, buf int }{{1, 1}, {3, 100}, {7, 4096}, {512, 128 << 10}} {
		t.Run(fmt.Sprintf("batch-%d-%d", size.items, size.buf), func(t *testing.T) {
			smallBatches(t, size.items, size.buf)
			for name, data := range inputs {
				for oname, o := range opts {
					sameAhead(t, name+"/"+oname, data, o, nil)
				}
				// Without a last line end, and read a few bytes at a time.
				cut := data[:len(data)-len(data)/3]
				sameAhead(t, name+"/cut", cut, opts["hold"], nil)
				sameAhead(t, name+"/cut-nohold", cut, opts["traffic"], nil)
				sameAhead(t, name+"/halves", data, opts["traffic"], iotest.HalfReader)
			}
		})
	}
}

// TestScanAheadGenlog compares the two on a generated log with lines over
// 64 KiB and a queue window short enough to sweep.
func TestScanAheadGenlog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	for _, format := range []string{"classic", "iso"} {
		path := genlog(t, dir, format, "--lines", "40000")
		data := readFile(t, path)
		sameAhead(t, format, data, Options{Year: 2026, Traffic: true}, nil)
		sameAhead(t, format+"/window", data, Options{Year: 2026, Traffic: true, QueueWindow: 10 * time.Minute, MaxQueueIDs: 500}, nil)
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// errAfter fails with errBroken after n bytes.
type errAfter struct {
	r io.Reader
	n int
}

var errBroken = errors.New("broken disk")

func (e *errAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errBroken
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

// TestScanAheadReadError: an I/O error mid-input ends both the same way,
// at the same Offset, and is returned for ever.
func TestScanAheadReadError(t *testing.T) {
	smallBatches(t, 5, 1024)
	data := readFile(t, "../../fixtures/postfix/maillog")
	for _, n := range []int{0, 1, 700, len(data) / 2, len(data) - 1} {
		sameAhead(t, fmt.Sprintf("error after %d bytes", n), data, Options{Year: 2026, Traffic: true},
			func(r io.Reader) io.Reader { return &errAfter{r: r, n: n} })
	}
	r := NewReader(&errAfter{r: bytes.NewReader(data), n: 100}, "log", Options{Year: 2026, ScanAhead: true})
	defer r.Close()
	for range 3 {
		for {
			_, err := r.Next()
			if errors.Is(err, errBroken) {
				break
			}
			if err != nil && !parser.IsSkip(err) {
				t.Fatalf("got %v, want the read error", err)
			}
		}
	}
}

// TestScanAheadResume: a chain of readers with ScanAhead, each restored
// from the one before, returns what one Reader without it returns.
func TestScanAheadResume(t *testing.T) {
	smallBatches(t, 4, 512)
	for _, data := range splitInputs(t) {
		opts := fuzzOpts
		opts.HoldPartial = true
		whole := readWhole(t, data, opts)
		opts.ScanAhead = true
		checkChain(t, data, whole, lineEnds(data, 7), opts)
	}
}

// TestScanAheadClose: Close stops the scanning goroutine whether the
// Reader was read to its end, in part, or not at all, and whether the
// goroutine waits for a batch to be taken or not.
func TestScanAheadClose(t *testing.T) {
	smallBatches(t, 2, 256)
	data := bytes.Repeat(readFile(t, "../../fixtures/postfix/maillog"), 20)
	before := runtime.NumGoroutine()
	for _, calls := range []int{0, 1, 10, 1 << 30} {
		r := NewReader(bytes.NewReader(data), "log", Options{Year: 2026, ScanAhead: true})
		for i := 0; i < calls; i++ {
			if _, err := r.Next(); err != nil && !parser.IsSkip(err) {
				break
			}
		}
		if calls > 0 {
			time.Sleep(10 * time.Millisecond) // let the goroutine fill the channel and block
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		r.Close() // twice: no panic
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after Close, %d before", n, before)
	}
}

// FuzzScanAhead: on any input, a Reader with ScanAhead, in small batches,
// is indistinguishable from one without.
func FuzzScanAhead(f *testing.F) {
	f.Add([]byte("Jan  1 00:00:00 mx postfix/smtp[1]: 3F2A1: to=<a@b>, status=bounced (550 5.1.1)\n"))
	inputs, _ := filepath.Glob("testdata/*.log")
	for _, in := range inputs {
		f.Add(readFile(f, in))
	}
	smallBatches(f, 3, 200)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAhead(t, "fuzz", data, fuzzOpts, nil)
		hold := fuzzOpts
		hold.HoldPartial = true
		sameAhead(t, "fuzz/hold", data, hold, nil)
	})
}
