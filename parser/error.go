package parser

import (
	"errors"
	"fmt"
)

// Error reports one skipped input record; Next continues with the record
// after it. It reads like a compiler message: "maillog.1:10423: line too long".
type Error struct {
	Source string // input name
	Line   int    // 1-based; 0 when the input has no lines (a single message)
	Err    error  // a sentinel below, possibly wrapped with detail
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinels for skipped records. Check them with errors.Is.
var (
	ErrLineTooLong    = errors.New("line too long")
	ErrMalformed      = errors.New("malformed line")
	ErrNoRecipient    = errors.New("status line without to=<...>")
	ErrBinary         = errors.New("binary data, not text")
	ErrNotReport      = errors.New("not a bounce, complaint or auto-reply")
	ErrBadMessage     = errors.New("unreadable message")
	ErrNoRecipientDSN = errors.New("delivery-status part names no recipient")
)

// IsSkip reports whether err is a recoverable *Error (one record skipped)
// rather than a final error.
func IsSkip(err error) bool {
	var perr *Error
	return errors.As(err, &perr)
}
