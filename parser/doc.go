// Package parser defines the one delivery event that every bouncelens input
// produces, the Reader interface the ingesters implement, and the recoverable
// per-record Error they return for input they had to skip.
//
// The ingesters live in sub-packages: parser/postfix reads Postfix logs,
// parser/dsn reads bounce messages (RFC 3464 delivery status notifications)
// and parser/mbox splits mbox files and walks Maildir folders for it.
// Open opens an input by name: a file (gzip'ed or not, detected by its magic
// bytes, not its name) or "-" for standard input.
package parser
