package dsn

import (
	"strings"

	"bouncelens/parser"
)

// Helpers that several family decoders share.

// textByRecipient indexes the events of a family's text decoder by
// lower-cased recipient, the first event of each, and returns the lookup:
// the text event for rcpt (case folded), or nil. The pointers point into
// tevs.
func textByRecipient(tevs []parser.Event) func(rcpt string) *parser.Event {
	byRcpt := make(map[string]*parser.Event, len(tevs))
	for j := range tevs {
		k := strings.ToLower(tevs[j].Recipient)
		if byRcpt[k] == nil {
			byRcpt[k] = &tevs[j]
		}
	}
	return func(rcpt string) *parser.Event { return byRcpt[strings.ToLower(rcpt)] }
}

// inlineReport reads a report that was pasted into a plain-text body (a
// bounce forwarded as text, its MIME structure flattened): the fields after
// a "Content-Type: message/delivery-status" line, up to the next MIME
// boundary.
func inlineReport(m *bounce) []parser.Event {
	const mark = "Content-Type: message/delivery-status"
	i := indexFold(m.body, mark)
	if i < 0 {
		return nil
	}
	rest := m.body[i+len(mark):]
	if j := strings.Index(rest, "\n--"); j >= 0 {
		rest = rest[:j]
	}
	return rfc3464(&bounce{reports: [][]byte{[]byte(strings.TrimLeft(rest, "\r\n"))}})
}

// fromDomain reports whether the From address is at domain (lower case) or
// at a subdomain of it.
func fromDomain(m *bounce, domain string) bool {
	_, d, _ := strings.Cut(m.from, "@")
	return d == domain || strings.HasSuffix(d, "."+domain)
}
