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
