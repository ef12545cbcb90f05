package dsn

import (
	"bytes"
	"strings"
)

// Field indexes: per-message fields, then per-recipient fields.
const (
	fReportingMTA = iota
	fArrivalDate
	fEnvelopeID
	fQueueID // X-Postfix-Queue-ID, or X-<mail_name>-Queue-ID
	fSender  // X-Postfix-Sender
	nMsgFields
)

const (
	fFinalRcpt = iota
	fOrigRcpt
	fActualRcpt // X-Actual-Recipient (Sendmail, Courier)
	fAction
	fStatus
	fRemoteMTA
	fDiagnostic
	fLastAttempt
	nRcptFields
)

// rcptFieldIndex maps the per-recipient field names to their index.
var rcptFieldIndex = map[string]int{
	"final-recipient":    fFinalRcpt,
	"original-recipient": fOrigRcpt,
	"x-actual-recipient": fActualRcpt,
	"action":             fAction,
	"status":             fStatus,
	"remote-mta":         fRemoteMTA,
	"diagnostic-code":    fDiagnostic,
	"last-attempt-date":  fLastAttempt,
}

// report holds the fields of one delivery-status body: the per-message
// fields and one group per recipient (RFC 3464 section 2.2), indexed by the
// constants above. Values are unfolded (continuation lines joined with one
// space); a field repeated within a group keeps its first value.
type report struct {
	msg   [nMsgFields]string
	rcpts [][nRcptFields]string
}

// hasAddress reports whether a recipient group names a recipient at all.
func hasAddress(g *[nRcptFields]string) bool {
	return g[fFinalRcpt] != "" || g[fOrigRcpt] != "" || g[fActualRcpt] != ""
}

// parseReport reads a delivery-status body leniently (dsn.md section 2.3):
//
//   - LF, CRLF or bare CR line ends; lines of white space count as blank;
//   - a line starting with white space continues the previous field, and so
//     does a line that is not "name:" or starts with a reply code ("550-",
//     "550 "): Microsoft and MessageLabs write multi-line replies unindented;
//   - a blank line ends a group, but a new recipient group also starts at a
//     Final-Recipient or Original-Recipient the current group already has,
//     so a missing blank line does no harm;
//   - per-message fields found in a recipient group go to the per-message
//     set; unknown fields (Will-Retry-Until, Final-Log-ID, X-...) are ignored.
func parseReport(body []byte) *report {
	var (
		msg    [nMsgFields][]byte
		rcpts  [][nRcptFields][]byte
		inRcpt = false // in a recipient group (the last of rcpts)
		closed = false // a blank line ended the current block
		last   *[]byte // value of the previous field, for continuations
		blank  = true  // the previous line was blank
		sink   []byte  // value of an ignored field
	)
	eol := byte('\n')
	if bytes.IndexByte(body, '\n') < 0 {
		eol = '\r'
	}
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexByte(body, eol); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			closed, blank, last = true, true, nil
			continue
		}
		wasBlank := blank
		blank = false
		if line[0] == ' ' || line[0] == '\t' {
			if last != nil {
				*last = appendValue(*last, line)
			}
			continue
		}
		name, value, ok := splitField(line)
		if !ok {
			// QUIRK: unindented continuation lines of a multi-line reply
			// (Microsoft, MessageLabs). After a blank line they are junk.
			if last != nil && !wasBlank {
				*last = appendValue(*last, line)
			}
			continue
		}
		var dst *[]byte
		if i, ok := rcptFieldIndex[name]; ok {
			g := len(rcpts) - 1
			if !inRcpt || closed ||
				(i == fFinalRcpt || i == fOrigRcpt) && rcpts[g][i] != nil {
				rcpts = append(rcpts, [nRcptFields][]byte{})
				inRcpt, closed, g = true, false, g+1
			}
			dst = &rcpts[g][i]
		} else {
			switch {
			case name == "reporting-mta":
				dst = &msg[fReportingMTA]
			case name == "arrival-date":
				dst = &msg[fArrivalDate]
			case name == "original-envelope-id":
				dst = &msg[fEnvelopeID]
			case isVendorField(name, "-queue-id"):
				dst = &msg[fQueueID]
			case isVendorField(name, "-sender"):
				dst = &msg[fSender]
			}
		}
		if dst == nil || *dst != nil { // unknown or repeated: ignore
			sink = sink[:0]
			dst = &sink
		}
		*dst = append(make([]byte, 0, len(value)), value...)
		last = dst
	}
	rep := &report{rcpts: make([][nRcptFields]string, len(rcpts))}
	for i, v := range msg {
		rep.msg[i] = string(v)
	}
	for g := range rcpts {
		for i, v := range rcpts[g] {
			rep.rcpts[g][i] = string(v)
		}
	}
	return rep
}

// isVendorField reports whether name (lower case) is "x-<word>" + suffix,
// such as x-postfix-queue-id: Postfix writes its mail_name there, so a
// rebranded server writes another word (dsn.md section 3).
func isVendorField(name, suffix string) bool {
	word, ok := strings.CutPrefix(name, "x-")
	if !ok {
		return false
	}
	word, ok = strings.CutSuffix(word, suffix)
	return ok && word != "" && !strings.Contains(word, "-")
}

// splitField splits "Name: value" into the lower-cased name and the trimmed
// value. It fails unless the name is a token of letters, digits and '-'
// (white space before the colon is allowed), and for lines starting with a
// three-digit reply code.
func splitField(line []byte) (name string, value []byte, ok bool) {
	if len(line) >= 4 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2]) && (line[3] == '-' || line[3] == ' ') {
		return "", nil, false
	}
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return "", nil, false
	}
	key := bytes.TrimRight(line[:i], " \t")
	if len(key) == 0 {
		return "", nil, false
	}
	for _, c := range key {
		if !(c == '-' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return "", nil, false
		}
	}
	return strings.ToLower(string(key)), bytes.TrimSpace(line[i+1:]), true
}

// appendValue adds a continuation line to a field value, with one space.
func appendValue(v, line []byte) []byte {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return v
	}
	if len(v) > 0 {
		v = append(v, ' ')
	}
	return append(v, line...)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
