package mbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxMessageBytes is the message size limit a Reader uses when
// MaxMessageBytes is zero.
const DefaultMaxMessageBytes = 64 << 20

// ErrMessageTooLarge is returned (wrapped, with the limit) by Reader.Next for
// a message larger than the limit. The message is skipped: call Next again.
var ErrMessageTooLarge = errors.New("mbox: message too large")

// Reader returns the messages of an mbox one at a time. It reads lines with
// bufio.Reader.ReadSlice, so memory use is bounded by the message size limit,
// not by the length of a line or of the file.
type Reader struct {
	// MaxMessageBytes limits the size of one message; 0 means
	// DefaultMaxMessageBytes. Set it before the first call to Next.
	MaxMessageBytes int

	br        *bufio.Reader
	line      int    // 1-based number of the line being read
	midLine   bool   // the last fragment read did not end its line
	prevBlank bool   // the last complete line was blank; true at the start
	next      int    // line of the separator (or first line) of the next message; 0 if none
	pending   []byte // first bytes of the next message, already read
	started   bool
	err       error // sticky: io.EOF or a read error
}

// NewReader returns a Reader that reads the mbox r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), prevBlank: true}
}

// Next returns the next message, without its separator line, with one '>'
// removed from lines matching "^>+From ", and the 1-based line number of its
// separator. Text before the first separator, if not blank, is returned as a
// message too, with the number of its first line. At the end Next returns
// io.EOF. An error wrapping ErrMessageTooLarge skips one message (line says
// which): call Next again. Any other error comes from reading and is final.
func (r *Reader) Next() (msg []byte, line int, err error) {
	if !r.started {
		r.started = true
		r.start()
	}
	if r.next == 0 {
		return nil, 0, r.err
	}
	line, r.next = r.next, 0
	limit := r.MaxMessageBytes
	if limit <= 0 {
		limit = DefaultMaxMessageBytes
	}
	var buf []byte
	tooLarge := false
	add := func(b []byte) {
		if tooLarge {
			return
		} else if len(buf)+len(b) > limit {
			tooLarge, buf = true, nil
			return
		}
		buf = append(buf, b...)
	}
	add(r.pending)
	r.pending = nil
	for r.err == nil {
		first := !r.midLine
		l, ok := r.fragment()
		if !ok {
			break
		}
		if first && !r.midLine && r.prevBlank && isSeparator(l) {
			r.next = r.line
			r.prevBlank = false
			break
		}
		if !r.midLine {
			r.prevBlank = first && isBlank(l)
		}
		if first {
			l = unquote(l)
		}
		add(l)
	}
	if r.err != nil && r.err != io.EOF {
		return nil, line, r.err
	}
	if tooLarge {
		return nil, line, fmt.Errorf("%w: more than %d bytes", ErrMessageTooLarge, limit)
	}
	return trimBlankLine(buf), line, nil
}

// start skips blank lines at the start of the input and reads the first
// separator, or keeps the first line of a message without one.
func (r *Reader) start() {
	for r.err == nil {
		first := !r.midLine
		l, ok := r.fragment()
		if !ok {
			return
		}
		if first && !r.midLine && isBlank(l) {
			continue
		}
		r.next = r.line
		if first && !r.midLine && isSeparator(l) {
			r.prevBlank = false
			return
		}
		r.pending = append([]byte(nil), l...)
		r.prevBlank = false
		return
	}
}

// fragment reads the next line, or the next piece of a line longer than the
// buffer; r.midLine tells which. It returns false at the end of the input or
// on a read error (in r.err). The slice is valid until the next read.
func (r *Reader) fragment() ([]byte, bool) {
	l, err := r.br.ReadSlice('\n')
	if !r.midLine && len(l) > 0 {
		r.line++
	}
	switch {
	case err == bufio.ErrBufferFull:
		r.midLine = true
		return l, true
	case err != nil:
		r.err = err
		r.midLine = false
		return l, len(l) > 0
	}
	r.midLine = false
	return l, true
}

// isBlank reports whether line holds only white space.
func isBlank(line []byte) bool {
	return len(bytes.TrimSpace(line)) == 0
}

// unquote removes one '>' from a line matching "^>+From ".
func unquote(line []byte) []byte {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if i > 0 && bytes.HasPrefix(line[i:], []byte("From ")) {
		return line[1:]
	}
	return line
}

// trimBlankLine removes the blank line an mbox writer adds after each
// message.
func trimBlankLine(b []byte) []byte {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n\r\n")):
		return b[:len(b)-2]
	case bytes.HasSuffix(b, []byte("\n\n")):
		return b[:len(b)-1]
	}
	return b
}

// IsMbox reports whether prefix, the first bytes of an input, starts (after
// blank lines) with an mbox "From " separator line: "From ", a sender, and a
// date with a time and a four-digit year. A partial first line is judged on
// what prefix holds.
func IsMbox(prefix []byte) bool {
	prefix = bytes.TrimLeft(prefix, "\r\n")
	if i := bytes.IndexByte(prefix, '\n'); i >= 0 {
		prefix = prefix[:i+1]
	}
	return isSeparator(prefix)
}

// isSeparator reports whether line is a "From " separator line, as written
// by mbox writers: "From MAILER-DAEMON Mon Nov 23 10:00:01 2026", also with a
// time zone, "-" as sender (Thunderbird) or the year before the time.
func isSeparator(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("From "))
	if !ok {
		return false
	}
	rest = bytes.TrimRight(rest, " \t\r\n")
	sender, date, ok := bytes.Cut(rest, []byte(" "))
	if !ok || len(sender) == 0 {
		return false
	}
	return hasTime(date) && hasYear(date)
}

// hasTime reports whether s contains h:mm or hh:mm.
func hasTime(s []byte) bool {
	for i := 1; i+2 < len(s); i++ {
		if s[i] == ':' && isDigit(s[i-1]) && isDigit(s[i+1]) && isDigit(s[i+2]) {
			return true
		}
	}
	return false
}

// hasYear reports whether s contains a word of four digits starting with 19
// or 20.
func hasYear(s []byte) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (i > 0 && s[i-1] != ' ' && s[i-1] != '\t') || (i+4 < len(s) && s[i+4] != ' ' && s[i+4] != '\t') {
			continue
		}
		w := s[i : i+4]
		if isDigit(w[0]) && isDigit(w[1]) && isDigit(w[2]) && isDigit(w[3]) &&
			(w[0] == '1' && w[1] == '9' || w[0] == '2' && w[1] == '0') {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
