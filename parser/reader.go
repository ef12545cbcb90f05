package parser

import (
	"io"
	"iter"
)

// A Reader returns events one at a time, then io.EOF. A *Error means one input
// record was skipped: count it and call Next again. Any other error is final.
type Reader interface {
	Next() (Event, error)
}

// An IntoReader is a Reader that can also write the next event into a
// caller's Event, saving the copies of returning one (an Event is about
// 300 bytes; a scan returns millions).
type IntoReader interface {
	Reader
	// NextInto is Next with the event written into *ev, which must be
	// the zero Event; it is left zero when the error is not nil.
	NextInto(ev *Event) error
}

// NextInto reads r's next event into *ev (the zero Event): through
// IntoReader.NextInto when r has it, else by Next.
func NextInto(r Reader, ev *Event) error {
	if ir, ok := r.(IntoReader); ok {
		return ir.NextInto(ev)
	}
	e, err := r.Next()
	if err == nil {
		*ev = e
	}
	return err
}

// All adapts r for range loops; it stops at io.EOF or the first final error.
// Skipped records are yielded as (zero Event, *Error) and the loop goes on.
func All(r Reader) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for {
			ev, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(ev, err) || err != nil && !IsSkip(err) {
				return
			}
		}
	}
}
