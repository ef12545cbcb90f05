package parser

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
)

// BufferSize is the size of an Input's buffer. The ingesters buffer their
// input with bufio.NewReaderSize(r, BufferSize), which reuses an Input's
// *bufio.Reader as it is instead of copying through a second buffer.
const BufferSize = 64 << 10

// Input is an opened input: its decompressed bytes, buffered (Peek shows
// the first bytes without consuming them), and the name used in events and
// errors.
type Input struct {
	*bufio.Reader
	Name string
	// Size is the size of the underlying file in bytes (compressed size for
	// gzip'ed input), or -1 for standard input.
	Size    int64
	Gzipped bool
	// ModTime is the file's modification time (zero for standard input):
	// the year of classic syslog stamps is inferred from it.
	ModTime time.Time
	// Dev and Ino identify the file on its file system (0 for standard
	// input, and where the system does not say).
	Dev, Ino uint64

	file    *os.File  // the plain file, when it can seek
	raw     io.Reader // what the buffer reads: the file, maybe counted
	count   func(n int)
	closers []io.Closer
}

// Skip moves the input n bytes (of decompressed data) forward and returns
// how many it moved: fewer than n when the input ends first. It must be
// called before anything was read past the buffered bytes: right after
// OpenWith, and Peek. A plain file seeks (its bytes are not read, but are
// reported to OpenOptions.Count, as the progress of a scan); gzip'ed input
// and standard input are read and discarded.
func (in *Input) Skip(n int64) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	if in.file != nil && !in.Gzipped {
		// Nothing was consumed yet: the buffer holds the file's first
		// bytes, so position n is n from the start.
		target := min(n, in.Size)
		if target <= int64(in.Reader.Buffered()) {
			d, err := in.Reader.Discard(int(target))
			return int64(d), err
		}
		if _, err := in.file.Seek(target, io.SeekStart); err != nil {
			return 0, fmt.Errorf("%s: %w", in.Name, err)
		}
		counted := int64(in.Reader.Buffered()) // read, so counted already
		in.Reader.Reset(in.raw)
		if in.count != nil && target > counted {
			in.count(int(target - counted))
		}
		return target, nil
	}
	m, err := io.CopyN(io.Discard, in.Reader, n)
	if err == io.EOF {
		err = nil
	}
	if err != nil {
		return m, fmt.Errorf("%s: %w", in.Name, err)
	}
	return m, nil
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
	return OpenWith(name, stdin, OpenOptions{})
}

// OpenCounted is OpenWith with OpenOptions.Count set to count.
func OpenCounted(name string, stdin io.Reader, count func(n int)) (*Input, error) {
	return OpenWith(name, stdin, OpenOptions{Count: count})
}

// OpenOptions tune OpenWith.
type OpenOptions struct {
	// Count, when not nil, is called with the number of bytes read from the
	// file or stdin as they are read: compressed bytes for gzip'ed input,
	// so that they add up to Size for a progress bar.
	Count func(n int)
	// ReadAhead decompresses gzip'ed input on a goroutine of its own, a few
	// MB ahead of the reader, so that inflating and parsing use two cores.
	ReadAhead bool
}

// OpenWith is Open with options.
func OpenWith(name string, stdin io.Reader, opts OpenOptions) (*Input, error) {
	in := &Input{Name: name, Size: -1}
	var raw io.Reader = stdin
	if name == "-" {
		in.Name = "<stdin>"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		in.closers = append(in.closers, f)
		fi, err := f.Stat()
		if err != nil {
			in.Close()
			return nil, err
		}
		if fi.IsDir() {
			in.Close()
			return nil, fmt.Errorf("%s: is a directory", name)
		}
		in.Size = fi.Size()
		in.ModTime = fi.ModTime()
		in.Dev, in.Ino = fileID(fi)
		in.file = f
		raw = f
	}
	if opts.Count != nil {
		raw = &countingReader{r: raw, count: opts.Count}
		in.count = opts.Count
	}
	in.raw = raw
	br := bufio.NewReaderSize(raw, BufferSize)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("%s: reading gzip header: %w", in.Name, err)
		}
		zr.Multistream(true)
		in.closers = append(in.closers, zr)
		in.Gzipped = true
		var r io.Reader = zr
		if opts.ReadAhead {
			ra := newReadAhead(zr)
			in.closers = append(in.closers, ra)
			r = ra
		}
		br = bufio.NewReaderSize(r, BufferSize)
	}
	in.Reader = br
	return in, nil
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r     io.Reader
	count func(n int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.count(n)
	}
	return n, err
}
