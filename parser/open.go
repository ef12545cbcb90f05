package parser

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// Input is an opened input: its decompressed bytes and the name used in
// events and errors.
type Input struct {
	io.Reader
	Name string
	// Size is the size of the underlying file in bytes (compressed size for
	// gzip'ed input), or -1 for standard input.
	Size    int64
	Gzipped bool
	closers []io.Closer
}

// Close closes the file and, for gzip'ed input, the decompressor.
func (in *Input) Close() error {
	var first error
	for i := len(in.closers) - 1; i >= 0; i-- {
		if err := in.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Open opens the file name for reading, or standard input when name is "-".
// Gzip'ed input is recognised by its magic bytes (1f 8b), whatever its name,
// and decompressed transparently; a truncated gzip stream shows up as an
// error from Read wrapping io.ErrUnexpectedEOF.
func Open(name string, stdin io.Reader) (*Input, error) {
	if name == "-" {
		return OpenReader(name, stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory", name)
	}
	in, err := OpenReader(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.Size = fi.Size()
	in.closers = append([]io.Closer{f}, in.closers...)
	return in, nil
}

// OpenReader is Open for input already opened as r: it detects gzip by its
// magic bytes and names the input name ("<stdin>" for "-"). Closing the
// Input does not close r.
func OpenReader(name string, r io.Reader) (*Input, error) {
	in := &Input{Name: name, Size: -1}
	if name == "-" {
		in.Name = "<stdin>"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: reading gzip header: %w", in.Name, err)
		}
		zr.Multistream(true)
		in.closers = append(in.closers, zr)
		in.Reader = zr
		in.Gzipped = true
		return in, nil
	}
	in.Reader = br
	return in, nil
}
