package parser

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// TestReadAhead reads inputs of several sizes through readAhead, with a
// source that returns one byte at a time or fails midway, and checks that
// the bytes and the final error come out unchanged.
func TestReadAhead(t *testing.T) {
	var big bytes.Buffer
	for i := 0; big.Len() < 3*readAheadChunk+12345; i++ {
		fmt.Fprintf(&big, "Mar  2 10:00:%02d mail01 postfix/smtp[%d]: line %d\n", i%60, i, i)
	}
	boom := errors.New("disk on fire")
	tests := []struct {
		name    string
		src     func() io.Reader
		want    []byte
		wantErr error
	}{
		{"empty", func() io.Reader { return bytes.NewReader(nil) }, nil, nil},
		{"small", func() io.Reader { return bytes.NewReader([]byte("a\nb\n")) }, []byte("a\nb\n"), nil},
		{"exactly one chunk", func() io.Reader { return bytes.NewReader(big.Bytes()[:readAheadChunk]) }, big.Bytes()[:readAheadChunk], nil},
		{"several chunks", func() io.Reader { return bytes.NewReader(big.Bytes()) }, big.Bytes(), nil},
		{"one byte reads", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(big.Bytes()[:100000])) }, big.Bytes()[:100000], nil},
		{"error midway", func() io.Reader {
			return io.MultiReader(bytes.NewReader(big.Bytes()[:readAheadChunk+7]), iotest.ErrReader(boom))
		}, big.Bytes()[:readAheadChunk+7], boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReadAhead(tt.src())
			defer r.Close()
			got, err := io.ReadAll(iotest.HalfReader(r))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("read %d bytes, want %d (equal prefix: %v)", len(got), len(tt.want), bytes.HasPrefix(tt.want, got))
			}
		})
	}
}

// TestReadAheadCloseEarly closes a reader that has read one chunk of many:
// Close returns (the goroutine stops) and the file can be closed after it.
func TestReadAheadCloseEarly(t *testing.T) {
	r := newReadAhead(bytes.NewReader(make([]byte, 20*readAheadChunk)))
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	r.Close()
	r.Close() // twice is fine
}

// TestOpenReadAheadGzip reads a gzip'ed file of several chunks, and a
// truncated one, with OpenOptions.ReadAhead: the same bytes and errors as
// without it.
func TestOpenReadAheadGzip(t *testing.T) {
	dir := t.TempDir()
	var text bytes.Buffer
	for i := 0; text.Len() < 2*readAheadChunk+999; i++ {
		fmt.Fprintf(&text, "line %d of a log that compresses well\n", i)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text.Bytes())
	zw.Close()
	whole := filepath.Join(dir, "maillog.1.gz")
	cut := filepath.Join(dir, "cut.gz")
	os.WriteFile(whole, gz.Bytes(), 0o644)
	os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o644)
	for _, ahead := range []bool{false, true} {
		in, err := OpenWith(whole, nil, OpenOptions{ReadAhead: ahead})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(in)
		in.Close()
		if err != nil || !bytes.Equal(got, text.Bytes()) {
			t.Errorf("ReadAhead=%v: read %d bytes, %v; want %d", ahead, len(got), err, text.Len())
		}
		in, err = OpenWith(cut, nil, OpenOptions{ReadAhead: ahead})
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(in)
		in.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("ReadAhead=%v: truncated gzip: %v, want io.ErrUnexpectedEOF", ahead, err)
		}
	}
}
