package postfix

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bouncelens/parser"
)

func FuzzReader(f *testing.F) {
	f.Add([]byte("Jan  1 00:00:00 mx postfix/smtp[1]: 3F2A1: to=<a@b>, status=bounced (550 5.1.1)\n"))
	f.Add([]byte("Jan  1 00:00:00 mx postfix/qmgr[1]: 3F2A1: from=<a@b>, status=expired, returned to sender\n"))
	f.Add([]byte("<22>1 2026-01-01T00:00:00Z mx postfix/smtp 1 - [a b=\"\\]\"] 3F2A1: to=<a@b>, status=sent\n"))
	inputs, _ := filepath.Glob("testdata/*.log")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, Options{Year: 2026, MaxLineLength: 4096, MaxQueueIDs: 8})
		fuzzRead(t, data, Options{Year: 2026, MaxLineLength: 4096, MaxQueueIDs: 8, Traffic: true, HoldPartial: true})
	})
}

// fuzzRead reads data to its end and checks the events' shape.
func fuzzRead(t *testing.T, data []byte, opts Options) {
	r := NewReader(bytes.NewReader(data), "fuzz", opts)
	for calls := 0; ; calls++ {
		if calls > 2*len(data)+1 {
			t.Fatalf("no progress after %d calls to Next", calls)
		}
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if perr := (*parser.Error)(nil); err != nil && !errors.As(err, &perr) {
			t.Fatalf("final error on in-memory input: %v", err)
		}
		if err != nil {
			continue
		}
		switch ev.Status {
		case parser.StatusReceived:
			if !opts.Traffic || ev.Recipient != "" || ev.QueueID == "" {
				t.Fatalf("ill-formed received event: %+v", ev)
			}
		case parser.StatusWarning:
			if !opts.Traffic || ev.Recipient != "" || !strings.HasPrefix(ev.Family, "postfix") {
				t.Fatalf("ill-formed warning event: %+v", ev)
			}
		default:
			if ev.Recipient == "" || ev.Status == parser.StatusUnknown {
				t.Fatalf("ill-formed event: %+v", ev)
			}
		}
		if ev.Line < 1 || ev.Source != "fuzz" || ev.Time.IsZero() {
			t.Fatalf("event without line, source or time: %+v", ev)
		}
	}
	if off := r.Offset(); off > int64(len(data)) || !opts.HoldPartial && off != int64(len(data)) {
		t.Fatalf("Offset %d at the end of %d bytes", off, len(data))
	}
}

// fuzzOpts keep the table and lines small, so that fuzzed inputs reach
// evictions, sweeps and long lines.
var fuzzOpts = Options{Year: 2026, MaxLineLength: 4096, MaxQueueIDs: 8, QueueWindow: time.Hour, Traffic: true}

// FuzzResume splits an input at a byte offset. A Reader with HoldPartial
// over the first part stops at a line boundary; a Reader restored from its
// state over the rest from there returns what one Reader over the whole
// input returns for those lines. Without HoldPartial the same holds when
// the cut is at a line boundary; elsewhere nothing may panic.
func FuzzResume(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/*.log")
	for i, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint(len(data)*(i+1)/(len(inputs)+1)))
	}
	f.Add([]byte("Jan  1 00:00:00 mx postfix/smtp[1]: 3F2A1: to=<a@b>, status=deferred (x)\r\nJan  6 00:00:00 mx postfix/qmgr[1]: 3F2A1: from=<a@b>, status=expired\n"), uint(70))
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		c := int64(cut % uint(len(data)+1))
		size := int64(len(data))
		whole := readWhole(t, data, fuzzOpts)
		hold := fuzzOpts
		hold.HoldPartial = true
		a, state, off := scanPart(t, data, 0, c, nil, "a", hold)
		if off > c || off > 0 && data[off-1] != '\n' || bytes.IndexByte(data[off:c], '\n') >= 0 {
			t.Fatalf("HoldPartial Offset %d of %d bytes is not the last line boundary", off, c)
		}
		b, _, end := scanPart(t, data, off, size, state, "b", fuzzOpts)
		if end != size {
			t.Fatalf("Offset %d at the end of %d bytes", end, size)
		}
		rest := after(whole, bytes.Count(data[:off], []byte("\n")))
		diffItems(t, "first part", a, withSource(whole[:len(whole)-len(rest)], "a"))
		diffItems(t, "second part", b, withSource(rest, "b"))

		_, state, off = scanPart(t, data, 0, c, nil, "a", fuzzOpts)
		if off != c {
			t.Fatalf("Offset %d at the end of %d bytes", off, c)
		}
		b, _, _ = scanPart(t, data, c, size, state, "b", fuzzOpts)
		if c == 0 || data[c-1] == '\n' {
			diffItems(t, "second part, no HoldPartial", b, withSource(after(whole, bytes.Count(data[:c], []byte("\n"))), "b"))
		}
	})
}

// FuzzRestore gives Restore arbitrary bytes: it returns an error wrapping
// ErrState or a Reader that reads on without panicking, and whose state
// encodes again to itself.
func FuzzRestore(f *testing.F) {
	data, err := os.ReadFile("testdata/deferred-then-expired.log")
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range []int{1, 3, 6, 9} {
		cut := lineEnds(data, k)[0]
		r := NewReader(bytes.NewReader(data[:cut]), "a", fuzzOpts)
		for _, err := r.Next(); err != io.EOF; _, err = r.Next() {
		}
		state, err := r.State()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(state)
		f.Add(state[:len(state)/2])
		f.Add(state[:len(state)-4]) // the body: valid with the checksum fuzzRestore adds
		f.Add(resign(state[:len(state)-5], nil))
	}
	f.Add([]byte("BLpf\x01"))
	f.Add([]byte{})
	tail := data[lineEnds(data, 6)[0]:]
	f.Fuzz(func(t *testing.T, state []byte) {
		fuzzRestore(t, tail, state)
		// The same bytes with a valid checksum: the fuzzer cannot find
		// one, and the decoder behind it needs fuzzing too.
		fuzzRestore(t, tail, appendCRC(bytes.Clone(state)))
	})
}

// fuzzRestore restores a Reader of tail from state and checks it.
func fuzzRestore(t *testing.T, tail, state []byte) {
	r := NewReader(bytes.NewReader(tail), "b", fuzzOpts)
	if err := r.Restore(state); err != nil {
		if !errors.Is(err, ErrState) {
			t.Fatalf("Restore: %v, not an ErrState", err)
		}
		return
	}
	for _, err := r.Next(); err != io.EOF; _, err = r.Next() {
		if perr := (*parser.Error)(nil); !errors.As(err, &perr) && err != nil {
			t.Fatalf("final error on in-memory input: %v", err)
		}
	}
	s1, err := r.State()
	if err != nil {
		t.Fatal(err)
	}
	r2 := NewReader(bytes.NewReader(nil), "c", fuzzOpts)
	if err := r2.Restore(s1); err != nil {
		t.Fatalf("Restore of a State: %v", err)
	}
	r2.Next()
	s2, err := r2.State()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1, s2) {
		t.Fatalf("state changed over an empty input:\n%q\n%q", s1, s2)
	}
}
