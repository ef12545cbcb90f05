package postfix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bouncelens/parser"
)

// item is one result of Next: an event, or the line and reason of a
// skipped record.
type item struct {
	ev   parser.Event
	skip string
}

func (it item) line() int {
	if it.skip != "" {
		var n int
		fmt.Sscanf(it.skip, "%d:", &n)
		return n
	}
	return it.ev.Line
}

// readItems reads r to its end; every event and skipped record must name
// r's source, and Offset must never move back.
func readItems(t testing.TB, r *Reader) []item {
	t.Helper()
	var items []item
	last := r.Offset()
	for {
		ev, err := r.Next()
		if off := r.Offset(); off < last {
			t.Fatalf("%s: Offset moved back from %d to %d", r.src, last, off)
		} else {
			last = off
		}
		if err == io.EOF {
			return items
		}
		var perr *parser.Error
		switch {
		case err == nil:
			if ev.Source != r.src {
				t.Fatalf("event of %s names source %q", r.src, ev.Source)
			}
			items = append(items, item{ev: ev})
		case errors.As(err, &perr):
			if perr.Source != r.src {
				t.Fatalf("skip of %s names source %q", r.src, perr.Source)
			}
			items = append(items, item{skip: fmt.Sprintf("%d: %v", perr.Line, perr.Err)})
		default:
			t.Fatalf("final error: %v", err)
		}
	}
}

// withSource returns items with the events' Source set to src.
func withSource(items []item, src string) []item {
	out := make([]item, len(items))
	for i, it := range items {
		if it.skip == "" {
			it.ev.Source = src
		}
		out[i] = it
	}
	return out
}

// after returns the items of lines after line n.
func after(items []item, n int) []item {
	for i, it := range items {
		if it.line() > n {
			return items[i:]
		}
	}
	return nil
}

func diffItems(t testing.TB, what string, got, want []item) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(got):
			t.Fatalf("%s: %d items, want %d; first missing: %+v", what, len(got), len(want), want[i])
		case i >= len(want):
			t.Fatalf("%s: %d items, want %d; first extra: %+v", what, len(got), len(want), got[i])
		case got[i] != want[i]:
			t.Fatalf("%s: item %d\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// scanPart reads data[off:end] as the continuation of state (nil for the
// first part) and returns its items, its state and its Offset.
func scanPart(t testing.TB, data []byte, off, end int64, state []byte, src string, opts Options) ([]item, []byte, int64) {
	t.Helper()
	r := NewReader(bytes.NewReader(data[off:end]), src, opts)
	if state != nil {
		if err := r.Restore(state); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	if got := r.Offset(); got != off {
		t.Fatalf("%s: Offset %d before the first line, want %d", src, got, off)
	}
	items := readItems(t, r)
	st, err := r.State()
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return items, st, r.Offset()
}

// checkChain scans data as a log that grew to each of ends in turn (the
// last one len(data)): every scan reads from the previous one's Offset and
// continues from its State. The items of each scan must be those that one
// Reader over the whole of data returns for the same lines, and the scans'
// Offsets must end at line boundaries. It returns the largest state.
func checkChain(t *testing.T, data []byte, whole []item, ends []int64, opts Options) int {
	t.Helper()
	var state []byte
	var off int64
	largest := 0
	for i, end := range ends {
		src := fmt.Sprintf("scan%d", i)
		items, st, next := scanPart(t, data, off, end, state, src, opts)
		if next > end || next > 0 && next < int64(len(data)) && data[next-1] != '\n' {
			t.Fatalf("%s of bytes %d..%d: Offset %d is not at a line boundary", src, off, end, next)
		}
		if !opts.HoldPartial && next != end {
			t.Fatalf("%s of bytes %d..%d: Offset %d, want %d", src, off, end, next, end)
		}
		if opts.HoldPartial && bytes.IndexByte(data[next:end], '\n') >= 0 {
			t.Fatalf("%s of bytes %d..%d: Offset %d stops before a complete line", src, off, end, next)
		}
		first := bytes.Count(data[:off], []byte("\n"))
		last := bytes.Count(data[:next], []byte("\n"))
		want := after(whole, first)
		for j, it := range want {
			if it.line() > last {
				want = want[:j]
				break
			}
		}
		diffItems(t, fmt.Sprintf("%s (lines %d..%d)", src, first+1, last), items, withSource(want, src))
		state, off = st, next
		largest = max(largest, len(st))
	}
	if off != int64(len(data)) {
		t.Fatalf("last Offset %d, want %d", off, len(data))
	}
	return largest
}

// lineEnds returns the offsets after every k-th line of data, then
// len(data).
func lineEnds(data []byte, k int) []int64 {
	var ends []int64
	n := 0
	for i, c := range data {
		if c == '\n' {
			if n++; n%k == 0 && i+1 < len(data) {
				ends = append(ends, int64(i+1))
			}
		}
	}
	return append(ends, int64(len(data)))
}

// splitOpts are the Options the split tests run with: without and with
// Traffic, and with a short queue window and a small table, so that sweeps
// and evictions happen on both sides of a split.
var splitOpts = []struct {
	name string
	opts Options
}{
	{"plain", Options{Year: 2025}},
	{"traffic", Options{Year: 2025, Traffic: true}},
	{"small-table", Options{Year: 2025, Traffic: true, QueueWindow: 20 * time.Minute, MaxQueueIDs: 40}},
}

// readWhole returns the items of one Reader over data.
func readWhole(t testing.TB, data []byte, opts Options) []item {
	t.Helper()
	return readItems(t, NewReader(bytes.NewReader(data), "whole", opts))
}

// splitInputs returns the logs of the split tests: the repository's
// fixtures and testdata, and the shared samples when they are there.
func splitInputs(t *testing.T) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob("testdata/*.log")
	files = append(files, "../../fixtures/postfix/maillog", "../../fixtures/postfix/maillog-iso.log")
	samples, _ := filepath.Glob("../../../shared/samples/postfix/*.log")
	if len(samples) == 0 {
		t.Log("no shared samples in ../shared/samples/postfix")
	}
	files = append(files, samples...)
	inputs := make(map[string][]byte)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	return inputs
}

// TestResumeEveryLine splits every small log at every line boundary (and
// with HoldPartial at 200 byte offsets): one Reader to the split, one restored
// from its state after it, give what one Reader gives for the whole.
func TestResumeEveryLine(t *testing.T) {
	for name, data := range splitInputs(t) {
		t.Run(name, func(t *testing.T) {
			for _, o := range splitOpts {
				whole := readWhole(t, data, o.opts)
				// Every line of the small logs; about 250 splits of the
				// larger ones.
				for _, end := range lineEnds(data, max(1, bytes.Count(data, []byte("\n"))/250)) {
					checkChain(t, data, whole, []int64{end, int64(len(data))}, o.opts)
				}
				if !bytes.HasSuffix(data, []byte("\n")) {
					continue // the last line would be held for ever
				}
				hold := o.opts
				hold.HoldPartial = true
				step := max(1, len(data)/200)
				for end := 0; end < len(data); end += step {
					checkChain(t, data, whole, []int64{int64(end), int64(len(data))}, hold)
				}
			}
		})
	}
}

// TestResumeChain reads the same logs in chains of scans: of k lines each,
// and, with HoldPartial, of random byte lengths as a log written while it
// is scanned.
func TestResumeChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, data := range splitInputs(t) {
		t.Run(name, func(t *testing.T) {
			for _, o := range splitOpts {
				whole := readWhole(t, data, o.opts)
				for _, k := range []int{1, 2, 7, 50} {
					checkChain(t, data, whole, lineEnds(data, k), o.opts)
				}
				if bytes.HasSuffix(data, []byte("\n")) {
					hold := o.opts
					hold.HoldPartial = true
					checkChain(t, data, whole, randomEnds(rng, len(data), 10), hold)
				}
			}
		})
	}
}

// randomEnds returns n sorted random offsets in [0, size), then size.
func randomEnds(rng *rand.Rand, size, n int) []int64 {
	ends := make([]int64, 0, n+1)
	for range n {
		ends = append(ends, rng.Int64N(int64(size)+1))
	}
	for i := 1; i < len(ends); i++ {
		for j := i; j > 0 && ends[j] < ends[j-1]; j-- {
			ends[j], ends[j-1] = ends[j-1], ends[j]
		}
	}
	return append(ends, int64(size))
}

// TestResumeGenlog splits a generated log of 20,000 lines (deferrals,
// expiries, reused and long-lived queue ids, lines over 64 KiB) at every
// k-th line for a few k, and at random byte offsets with HoldPartial.
func TestResumeGenlog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, format := range []string{"classic", "iso"} {
		t.Run(format, func(t *testing.T) {
			data, err := os.ReadFile(genlog(t, dir, format, "--lines", "20000"))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range splitOpts {
				opts := o.opts
				opts.Year = 2026
				whole := readWhole(t, data, opts)
				largest := 0
				for _, k := range []int{997, 4999, 15000} {
					largest = max(largest, checkChain(t, data, whole, lineEnds(data, k), opts))
				}
				hold := opts
				hold.HoldPartial = true
				largest = max(largest, checkChain(t, data, whole, randomEnds(rng, len(data), 25), hold))
				t.Logf("%s: %d items, largest state %d bytes", o.name, len(whole), largest)
			}
		})
	}
}

// TestOffset checks Offset while a line's events are returned one by one,
// after a skipped line, and at the end with and without HoldPartial.
func TestOffset(t *testing.T) {
	l1 := "Nov 23 10:00:00 mail postfix/qmgr[1]: 3F2A81C0D2: from=<s@example.com>, size=1, nrcpt=2 (queue active)\n"
	l2 := "Nov 23 10:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<a@example.net>, relay=none, dsn=4.4.1, status=deferred (timeout)\n"
	l3 := "Nov 23 10:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<b@example.net>, relay=none, dsn=4.4.1, status=deferred (timeout)\n"
	l4 := "Nov 23 10:00:02 mail postfix/smtp[2]: 3F2A81C0D2: to=<c@example.net>, relay=none\n" // no status: skipped
	l5 := "Nov 28 10:00:02 mail postfix/qmgr[1]: 3F2A81C0D2: from=<s@example.com>, status=expired, returned to sender\n"
	input := l1 + l2 + l3 + l4 + l5
	r := NewReader(strings.NewReader(input), "off", Options{Year: 2026})
	end := func(n int) int64 { return int64(len(strings.Join([]string{l1, l2, l3, l4, l5}[:n], ""))) }
	want := []struct {
		what   string
		offset int64
	}{
		{"deferred a", end(2)}, {"deferred b", end(3)}, {"skip", end(4)},
		{"expired a", end(4)}, {"expired b", end(5)}, {"EOF", end(5)},
	}
	for _, w := range want {
		ev, err := r.Next()
		if got := r.Offset(); got != w.offset {
			t.Errorf("after %s (%v, %v): Offset %d, want %d", w.what, ev.Recipient, err, got, w.offset)
		}
	}
	for _, tt := range []struct {
		name   string
		input  string
		hold   bool
		offset int64
		lines  int
		events int
	}{
		{"partial line read", input + l2[:40], false, end(5) + 40, 6, 4},
		{"partial line held", input + l2[:40], true, end(5), 5, 4},
		{"complete line held", input, true, end(5), 5, 4},
		{"only a partial line held", l2[:len(l2)-1], true, 0, 0, 0},
		{"CR without LF held", strings.TrimSuffix(l2, "\n") + "\r", true, 0, 0, 0},
		{"long partial line held", input + l2[:40] + strings.Repeat("x", 3*bufSize), true, end(5), 5, 4},
		{"long partial line read", input + l2[:40] + strings.Repeat("x", 3*bufSize), false, end(5) + 40 + 3*bufSize, 6, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input), "hold", Options{Year: 2026, HoldPartial: tt.hold})
			evs, _ := readAll(t, r)
			if got := r.Offset(); got != tt.offset {
				t.Errorf("Offset %d, want %d", got, tt.offset)
			}
			if st := r.Stats(); st.Lines != tt.lines || len(evs) != tt.events {
				t.Errorf("%d lines, %d events; want %d, %d", st.Lines, len(evs), tt.lines, tt.events)
			}
		})
	}
}

// TestRestoreErrors checks that a bad state, or a Reader that has started,
// gives an error, and that the Reader is then unchanged.
func TestRestoreErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/deferred-then-expired.log")
	if err != nil {
		t.Fatal(err)
	}
	half := lineEnds(data, 3)[0]
	a := NewReader(bytes.NewReader(data[:half]), "a", Options{Year: 2025})
	if _, err := a.State(); err == nil {
		t.Error("State before EOF: no error")
	}
	readAll(t, a)
	state, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	if a.Stats().OpenQueueIDs == 0 {
		t.Fatal("test state holds no open queue id")
	}
	flip := func(i int) []byte {
		b := bytes.Clone(state)
		b[i] ^= 0x20
		return b
	}
	versioned := bytes.Clone(state)
	versioned[len(stateMagic)] = 2
	tests := []struct {
		name  string
		state []byte
		want  string
	}{
		{"empty", nil, "not a postfix reader state"},
		{"other magic", flip(0), "not a postfix reader state"},
		{"unknown version", versioned, "version 2"},
		{"truncated", state[:len(state)-1], "checksum"},
		{"truncated to the header", state[:len(stateMagic)+1], "truncated"},
		{"flipped byte", flip(len(state) / 2), "checksum"},
		{"flipped checksum", flip(len(state) - 1), "checksum"},
		{"valid checksum, bad body", resign(state[:len(state)-4], []byte{0}), "after the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewReader(bytes.NewReader(data[half:]), "b", Options{Year: 2025})
			err := b.Restore(tt.state)
			if !errors.Is(err, ErrState) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Restore: %v, want an ErrState naming %q", err, tt.want)
			}
			// The Reader is as new: it reads its input alone.
			got := readItems(t, b)
			want := readItems(t, NewReader(bytes.NewReader(data[half:]), "b", Options{Year: 2025}))
			diffItems(t, "after a failed Restore", got, want)
		})
	}
	started := NewReader(bytes.NewReader(data[half:]), "b", Options{Year: 2025})
	started.Next()
	if err := started.Restore(state); err == nil || errors.Is(err, ErrState) {
		t.Errorf("Restore after Next: %v, want an error about the started Reader", err)
	}
	twice := NewReader(bytes.NewReader(data[half:]), "b", Options{Year: 2025})
	if err := twice.Restore(state); err != nil {
		t.Fatal(err)
	}
	if err := twice.Restore(state); err == nil {
		t.Error("second Restore: no error")
	}
}

// resign appends tail to body and a valid checksum.
func resign(body, tail []byte) []byte {
	b := append(bytes.Clone(body), tail...)
	return appendCRC(b)
}

// TestStateSmall checks that a state holds the open queue ids only, with
// repeated strings written once.
func TestStateSmall(t *testing.T) {
	var b strings.Builder
	for i := range 1000 { // finished messages: not in the state
		fmt.Fprintf(&b, "Nov 23 10:00:00 mail postfix/qmgr[1]: F%09X: from=<news@example.com>, size=1, nrcpt=1 (queue active)\n", i)
		fmt.Fprintf(&b, "Nov 23 10:00:01 mail postfix/smtp[2]: F%09X: to=<r%d@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n", i, i)
		fmt.Fprintf(&b, "Nov 23 10:00:01 mail postfix/qmgr[1]: F%09X: removed\n", i)
	}
	const text = "host mx.example.net[192.0.2.1] said: 450 4.7.1 Greylisted, see https://greylisting.example.net/ (in reply to RCPT TO command)"
	for i := range 10 { // open: deferred
		fmt.Fprintf(&b, "Nov 23 10:00:02 mail postfix/qmgr[1]: D%09X: from=<news@example.com>, size=1, nrcpt=1 (queue active)\n", i)
		fmt.Fprintf(&b, "Nov 23 10:00:03 mail postfix/smtp[2]: D%09X: to=<r%d@example.net>, relay=mx.example.net[192.0.2.1]:25, dsn=4.7.1, status=deferred (%s)\n", i, i, text)
	}
	r := NewReader(strings.NewReader(b.String()), "small", Options{Year: 2026})
	readAll(t, r)
	state, err := r.State()
	if err != nil {
		t.Fatal(err)
	}
	// Per open id: its id (12), the recipient (18) and references to the
	// sender, text, relay and codes; the text once.
	if len(state) > 40+10*45+len(text) {
		t.Errorf("state of 10 open queue ids is %d bytes", len(state))
	}
	t.Logf("state: %d bytes", len(state))
}

// TestResumeSnippets splits handwritten logs, each made to need one part
// of the state, at every line boundary (or in chains of k lines).
func TestResumeSnippets(t *testing.T) {
	const (
		from    = "Nov 23 10:00:00 mail postfix/qmgr[1]: 3F2A81C0D2: from=<s@example.com>, size=10, nrcpt=1 (queue active)\n"
		msgID   = "Nov 23 09:59:59 mail postfix/cleanup[3]: 3F2A81C0D2: message-id=<m1@example.com>\n"
		removed = "Nov 23 10:00:09 mail postfix/qmgr[1]: 3F2A81C0D2: removed\n"
	)
	// The sweep schedule: a sweep at 10 minutes (4096 lines after the
	// first), and none at 20 minutes (3000 lines after it, less than a
	// window later), so that 3F2A81C0D2, idle for longer than the window,
	// is still known. A continuation that lost the line or the time of the
	// last sweep would sweep and forget it.
	var sweep logBuilder
	sweep.start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	sweep.line(0, "postfix/qmgr[1]", "3F2A81C0D2: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
	id := 0
	sweep.filler(0, 2100, &id)
	sweep.filler(10*time.Minute, 1500, &id)
	sweep.line(20*time.Minute, "postfix/smtp[2]", "3F2A81C0D2: to=<r@example.net>, relay=none, dsn=2.0.0, status=sent (ok)")

	tests := []struct {
		name string
		log  string
		opts Options
		k    int // split every k lines; 0: at every line boundary, one split each
	}{{
		name: "soft bounce with a forward address, then expired",
		log: msgID + from +
			"Nov 23 10:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<grace@example.org>, orig_to=<G@example.org>, relay=mx1.example.org[198.51.100.10]:25, dsn=5.1.6, status=SOFTBOUNCE (host mx1.example.org[198.51.100.10] said: 551 5.1.6 User not local; please try <Grace.Hopper@Sub.Example.ORG> (in reply to RCPT TO command))\n" +
			"Nov 23 10:00:02 mail postfix/smtp[2]: 3F2A81C0D2: to=<ann@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.40]:25: Connection timed out)\n" +
			"Nov 28 10:00:02 mail postfix/qmgr[1]: 3F2A81C0D2: from=<s@example.com>, status=expired, returned to sender\n",
		opts: Options{Year: 2026},
	}, {
		name: "received once per queue id, again after reuse",
		log: msgID + from +
			"Nov 23 10:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<a@example.net>, relay=none, dsn=4.4.1, status=deferred (timeout)\n" +
			strings.Replace(from, "10:00:00", "10:05:00", 1) +
			"Nov 23 10:05:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<a@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
			removed + from + removed,
		opts: Options{Year: 2026, Traffic: true},
	}, {
		name: "the year crosses New Year",
		log: "Dec 31 23:59:58 mail postfix/qmgr[1]: 3F2A81C0D2: from=<s@example.com>, size=10, nrcpt=1 (queue active)\n" +
			"Dec 31 23:59:59 mail postfix/smtp[2]: 3F2A81C0D2: to=<a@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
			"Jan  1 00:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<b@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
			"Dec 31 23:59:59 mail postfix/smtp[2]: 3F2A81C0D2: to=<c@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
			"Feb  1 00:00:01 mail postfix/smtp[2]: 3F2A81C0D2: to=<d@example.net>, relay=none, dsn=2.0.0, status=sent (ok)\n",
		opts: Options{Now: func() time.Time { return time.Date(2027, 2, 1, 0, 0, 2, 0, time.UTC) }},
	}, {
		name: "the sweep schedule",
		log:  sweep.b.String(),
		opts: Options{Year: 2026, QueueWindow: 15 * time.Minute},
		k:    100,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.log)
			whole := readWhole(t, data, tt.opts)
			if tt.name == "the sweep schedule" && whole[len(whole)-1].ev.Sender != "s@example.com" {
				t.Fatalf("one Reader forgot the sender: %+v", whole[len(whole)-1])
			}
			if tt.k > 0 {
				checkChain(t, data, whole, lineEnds(data, tt.k), tt.opts)
				return
			}
			for _, end := range lineEnds(data, 1) {
				checkChain(t, data, whole, []int64{end, int64(len(data))}, tt.opts)
			}
		})
	}
}
