package dsn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"bouncelens/parser"
	"bouncelens/parser/mbox"
)

// Reader returns the events of one input: a single message, or an mbox of
// messages (recognised by its first line, see mbox.IsMbox). For each message
// it had to skip it returns one *parser.Error naming the source and, in an
// mbox, the line of the message's "From " separator, and goes on with the
// next message. Other errors come from reading and are final.
type Reader struct {
	// MaxMessageBytes limits one message of an mbox (a larger one is
	// skipped with a *parser.Error wrapping parser.ErrBadMessage and
	// mbox.ErrMessageTooLarge); 0 means mbox.DefaultMaxMessageBytes. Set it
	// before the first call to Next.
	MaxMessageBytes int

	source  string
	br      *bufio.Reader
	mb      *mbox.Reader // nil for a single message
	started bool
	done    bool // single message: parsed
	queue   []parser.Event
	err     error // final error, returned again by every call
}

var _ parser.Reader = (*Reader)(nil)

// NewReader returns a Reader of the input r, named source in events and
// errors.
func NewReader(r io.Reader, source string) *Reader {
	return &Reader{source: source, br: bufio.NewReaderSize(r, parser.BufferSize)}
}

// Next returns the next event, then io.EOF.
func (r *Reader) Next() (parser.Event, error) {
	if !r.started {
		r.started = true
		prefix, _ := r.br.Peek(4096)
		if mbox.IsMbox(prefix) {
			r.mb = mbox.NewReader(r.br)
			r.mb.MaxMessageBytes = r.MaxMessageBytes
		}
	}
	for {
		if len(r.queue) > 0 {
			ev := r.queue[0]
			r.queue = r.queue[1:]
			return ev, nil
		}
		if r.err != nil {
			return parser.Event{}, r.err
		}
		if r.mb == nil {
			if r.done {
				return parser.Event{}, io.EOF
			}
			r.done = true
			evs, err := Parse(r.br, r.source)
			if err != nil {
				if !parser.IsSkip(err) {
					r.err = err
				}
				return parser.Event{}, err
			}
			r.queue = evs
			continue
		}
		msg, line, err := r.mb.Next()
		switch {
		case err == io.EOF:
			r.err = io.EOF
			continue
		case errors.Is(err, mbox.ErrMessageTooLarge):
			return parser.Event{}, &parser.Error{Source: r.source, Line: line,
				Err: fmt.Errorf("%w: %w", parser.ErrBadMessage, err)}
		case err != nil:
			r.err = fmt.Errorf("reading %s: %w", r.source, err)
			continue
		}
		evs, err := ParseWithOptions(bytes.NewReader(msg), r.source, &Options{Line: line})
		if err != nil {
			return parser.Event{}, err // only *parser.Error: msg is in memory
		}
		r.queue = evs
	}
}
