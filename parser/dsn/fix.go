package dsn

import (
	"bufio"
	"bytes"
	"io"
)

// maxBoundaries bounds the boundaries fixReader remembers.
const maxBoundaries = 16

// fixReader repairs, line by line, damage at which go-message's multipart
// reader gives up and loses the rest of the message:
//
//   - in a header block (the message's, or a part's after a boundary line),
//     a line that is neither "name:" nor indented is made a continuation
//     line: Microsoft writes folded Content-Type parameters and
//     X-Microsoft-Exchange-Diagnostics values unindented (go-message issue
//     144);
//   - a boundary line indented by white space ("  --boundary") loses the
//     indentation.
//
// Boundaries are those named by any "boundary=" parameter seen so far.
// Lines longer than the buffer pass through unchanged.
type fixReader struct {
	br         *bufio.Reader
	out        []byte // bytes to return before reading more
	buf        []byte // scratch for a rewritten line
	inHeader   bool
	midLine    bool
	boundaries [][]byte
	err        error
}

func newFixReader(r *bufio.Reader) *fixReader {
	return &fixReader{br: r, inHeader: true}
}

func (f *fixReader) Read(p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.fill()
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// fill reads one line, or a piece of a long line, into f.out.
func (f *fixReader) fill() {
	line, err := f.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		f.out, f.midLine = line, true
		return
	}
	if err != nil {
		f.err = err
	}
	first := !f.midLine
	f.midLine = false
	f.out = line
	if !first || len(line) == 0 {
		return
	}
	f.noteBoundary(line)
	trimmed := bytes.TrimLeft(line, " \t")
	switch {
	case len(bytes.TrimSpace(line)) == 0:
		f.inHeader = false
	case f.boundaryOf(trimmed) != nil:
		f.out = trimmed
		f.inHeader = !bytes.HasPrefix(trimmed[len(f.boundaryOf(trimmed)):], []byte("--"))
	case f.inHeader && len(trimmed) == len(line) && !isFieldLine(line) && !bytes.HasPrefix(line, []byte("--")):
		f.buf = append(append(f.buf[:0], ' '), line...)
		f.out = f.buf
	}
}

// noteBoundary remembers the value of a boundary parameter in line.
func (f *fixReader) noteBoundary(line []byte) {
	if len(f.boundaries) >= maxBoundaries || len(line) > 1000 {
		return
	}
	i := indexBoundaryParam(line)
	if i < 0 {
		return
	}
	v := line[i:]
	if len(v) > 0 && v[0] == '"' {
		v = v[1:]
		if j := bytes.IndexByte(v, '"'); j >= 0 {
			v = v[:j]
		}
	} else if j := bytes.IndexAny(v, "; \t\r\n"); j >= 0 {
		v = v[:j]
	}
	if len(v) == 0 {
		return
	}
	for _, b := range f.boundaries {
		if bytes.Equal(b, v) {
			return
		}
	}
	f.boundaries = append(f.boundaries, append([]byte(nil), v...))
}

// boundaryOf returns "--" + the known boundary line starts with, or nil.
func (f *fixReader) boundaryOf(line []byte) []byte {
	rest, ok := bytes.CutPrefix(line, []byte("--"))
	if !ok {
		return nil
	}
	for _, b := range f.boundaries {
		if bytes.HasPrefix(rest, b) {
			return line[:2+len(b)]
		}
	}
	return nil
}

// isFieldLine reports whether line starts with a header field name and a
// colon (white space before the colon allowed).
func isFieldLine(line []byte) bool {
	i := 0
	for i < len(line) && line[i] > ' ' && line[i] < 0x7f && line[i] != ':' {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i < len(line) && line[i] == ':'
}

var _ io.Reader = (*fixReader)(nil)

// indexBoundaryParam returns the offset of the value after "boundary=" in
// line (any case), or -1.
func indexBoundaryParam(line []byte) int {
	const name = "boundary"
	for off := 0; ; {
		j := bytes.IndexByte(line[off:], '=')
		if j < 0 {
			return -1
		}
		off += j + 1
		if off-1 >= len(name) && bytes.EqualFold(line[off-1-len(name):off-1], []byte(name)) {
			return off
		}
	}
}
