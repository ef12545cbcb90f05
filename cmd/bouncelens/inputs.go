package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bouncelens/parser"
	"bouncelens/parser/dsn"
	"bouncelens/parser/mbox"
	"bouncelens/parser/postfix"
)

// input is one thing to read: a file, a Maildir message, or standard input.
type input struct {
	path string // as named on the command line or found in a directory; "-" for stdin
	size int64  // bytes on disk, for the progress bar; 0 if unknown
}

// expandInputs turns command-line arguments into inputs: files as they are,
// "-" as standard input, directories walked in name order (hidden entries
// skipped; a Maildir contributes its cur/ and new/ messages). An argument
// that cannot be read is an error in errs; the others are still expanded.
func expandInputs(args []string) (out []input, errs []error) {
	for _, a := range args {
		if a == "-" {
			out = append(out, input{path: "-"})
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !fi.IsDir() {
			out = append(out, input{path: a, size: fi.Size()})
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != a && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if mbox.IsMaildir(p) {
					files, err := mbox.MaildirFiles(p)
					if err != nil {
						return err
					}
					for _, f := range files {
						out = append(out, input{path: f, size: fileSize(f)})
					}
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			var size int64
			if fi, err := d.Info(); err == nil {
				size = fi.Size()
			}
			out = append(out, input{path: p, size: size})
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("reading directory %s: %w", a, err))
		}
	}
	return out, errs
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// kind of content an input holds, decided by its first bytes.
type kind int

const (
	kindLog     kind = iota // a Postfix log (syslog, ISO 8601 or maillog_file lines)
	kindMessage             // one mail message, or an mbox of them
	kindBinary              // neither: binary data
)

// sniff decides what the first bytes of an input are. Mail starts with an
// mbox "From " line or a header field ("Return-Path: ..."); log lines start
// with a timestamp. NUL bytes, or mostly non-text, mean binary data.
func sniff(head []byte) kind {
	if len(head) == 0 {
		return kindLog
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return kindBinary
	}
	ctrl := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	if ctrl*10 > len(head) {
		return kindBinary
	}
	if mbox.IsMbox(head) || bytes.HasPrefix(head, []byte("From ")) {
		// A "From " line that mbox.IsMbox does not accept ("From () 2020-03-03
		// ...") starts a single exported message; the DSN reader skips it.
		return kindMessage
	}
	line := head
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	// A header field name: a letter, then letters, digits or '-', then ':'.
	if len(line) > 0 && isLetter(line[0]) {
		for i := 1; i < len(line); i++ {
			c := line[i]
			if c == ':' {
				return kindMessage
			}
			if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' {
				break
			}
		}
	}
	return kindLog
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// openReader opens in and returns the parser.Reader for its content.
// progress is called with the number of raw bytes read; year and now tune
// the syslog year inference; readAhead inflates gzip'ed input on a goroutine
// of its own. The returned closer must be called.
func openReader(in input, stdin io.Reader, progress func(int), year int, now func() time.Time, readAhead bool) (parser.Reader, io.Closer, error) {
	src, head, err := openSniffed(in, stdin, parser.OpenOptions{Count: progress, ReadAhead: readAhead}, 512)
	if err != nil {
		return nil, nil, err
	}
	// The ingesters reuse src's buffer (parser.BufferSize): no second copy.
	switch sniff(head) {
	case kindBinary:
		return binaryInput(src), src, nil
	case kindMessage:
		return dsn.NewReader(src.Reader, src.Name), src, nil
	default:
		return postfix.NewReader(src.Reader, src.Name, postfix.Options{Year: year, Now: now}), src, nil
	}
}

// openSniffed opens in and peeks at (up to) its first n bytes, which it
// returns: sniff them to know what the input holds.
func openSniffed(in input, stdin io.Reader, opts parser.OpenOptions, n int) (*parser.Input, []byte, error) {
	src, err := parser.OpenWith(in.path, stdin, opts)
	if err != nil {
		return nil, nil, err
	}
	head, err := src.Peek(n)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		src.Close()
		return nil, nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	return src, head, nil
}

// binaryInput is the reader of an input that holds binary data: it is
// skipped, named by file and line 1.
func binaryInput(src *parser.Input) parser.Reader {
	return &skipReader{err: &parser.Error{Source: src.Name, Line: 1, Err: parser.ErrBinary}}
}

// skipReader yields one skip error, then io.EOF: a whole input set aside.
type skipReader struct{ err error }

func (s *skipReader) Next() (parser.Event, error) {
	if s.err != nil {
		err := s.err
		s.err = nil
		return parser.Event{}, err
	}
	return parser.Event{}, io.EOF
}
