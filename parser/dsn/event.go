package dsn

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"

	gomail "github.com/emersion/go-message/mail"
)

// rfc3464 reads the recipients of the message's delivery-status parts
// (dsn.md section 2), one event per recipient group that names an address.
// Status, Enhanced and Time are settled here, from the report's own fields;
// finish fills in the rest.
func rfc3464(m *bounce) []parser.Event {
	var evs []parser.Event
	for _, body := range m.reports {
		rep := parseReport(body)
		arrival := parseDate(rep.msg[fArrivalDate])
		for g := range rep.rcpts {
			f := &rep.rcpts[g]
			if !hasAddress(f) {
				continue
			}
			rcpt := address(f[fFinalRcpt])
			if rcpt == "" {
				rcpt = address(f[fActualRcpt])
			}
			if rcpt == "" {
				rcpt = address(f[fOrigRcpt])
			}
			if rcpt == "" {
				continue
			}
			ev := parser.Event{
				QueueID:       token(rep.msg[fQueueID]),
				Sender:        address(rep.msg[fSender]),
				Recipient:     rcpt,
				OrigRecipient: address(f[fOrigRcpt]),
				Text:          diagnosticText(f[fDiagnostic]),
				RemoteMTA:     mtaName(f[fRemoteMTA]),
			}
			if ev.Text == "" {
				// QUIRK: no Diagnostic-Code, but a comment on the Status
				// says why ("4.0.0 (host name lookup failure)").
				ev.Text = statusComment(f[fStatus])
			}
			ev.Code = smtpcode.FindReply(ev.Text)
			action := actionStatus(f[fAction])
			ev.Enhanced = enhancedCode(f[fStatus], ev.Text, action, ev.Code)
			ev.Status = action
			if ev.Status == parser.StatusUnknown {
				ev.Status = statusOfClass(ev.Enhanced, ev.Code)
			}
			switch t := parseDate(f[fLastAttempt]); {
			case !t.IsZero():
				ev.Time = t
			case !arrival.IsZero():
				ev.Time = arrival
			}
			evs = append(evs, ev)
		}
	}
	return evs
}

// original is what the events take from the returned original message.
type original struct {
	messageID, sender, to, subject string
}

func originalOf(h *gomail.Header) original {
	if h == nil {
		return original{}
	}
	var o original
	if id, err := h.MessageID(); err == nil && id != "" {
		o.messageID = id
	} else {
		o.messageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	if list, err := h.AddressList("From"); err == nil && len(list) > 0 {
		o.sender = list[0].Address
	} else {
		o.sender = address(h.Get("From"))
	}
	if list, err := h.AddressList("To"); err == nil && len(list) > 0 {
		o.to = strings.ToLower(list[0].Address)
	} else {
		o.to = strings.ToLower(address(h.Get("To")))
	}
	o.to = strings.ToValidUTF8(o.to, "\uFFFD")
	subj, _ := h.Subject() // the raw value on a decoding error
	o.subject = strings.Join(strings.Fields(subj), " ")
	o.messageID = strings.ToValidUTF8(o.messageID, "\uFFFD")
	o.sender = strings.ToValidUTF8(o.sender, "\uFFFD")
	o.subject = strings.ToValidUTF8(o.subject, "\uFFFD")
	return o
}

// address returns the address in a typed address field value such as
// "rfc822; bob@example.net", "RFC822;<bob@example.net>" or a bare address.
// utf-8 addresses have their \x{HHHH} escapes decoded (RFC 6533).
func address(v string) string {
	typ, v := cutType(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	}
	if f := strings.Fields(v); len(f) > 1 {
		v = f[0]
		for _, w := range f {
			if strings.Contains(w, "@") {
				v = w
				break
			}
		}
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if strings.EqualFold(typ, "utf-8") {
		v = decodeUnitext(v)
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// cutType splits "type; value" when the text before the first ';' is a
// type token (letters, digits, '-', '.', '_', at most 32 bytes); otherwise
// it returns v whole.
func cutType(v string) (typ, rest string) {
	v = strings.TrimSpace(v)
	i := strings.IndexByte(v, ';')
	if i < 0 || i > 32 {
		return "", v
	}
	t := strings.TrimSpace(v[:i])
	if t == "" {
		return "", v
	}
	for j := 0; j < len(t); j++ {
		c := t[j]
		if !(c == '-' || c == '.' || c == '_' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", v
		}
	}
	return t, strings.TrimSpace(v[i+1:])
}

// decodeUnitext decodes the \x{HHHH} escapes of utf-8-addr-xtext.
func decodeUnitext(s string) string {
	if !strings.Contains(s, `\x{`) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, `\x{`)
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		n, err := strconv.ParseUint(s[i+3:i+j], 16, 32)
		if err != nil || !utf8.ValidRune(rune(n)) {
			b.WriteString(s[:i+j+1])
		} else {
			b.WriteString(s[:i])
			b.WriteRune(rune(n))
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// diagnosticText returns a Diagnostic-Code value without its type ("smtp;",
// "X-Postfix;") and with white space collapsed.
func diagnosticText(v string) string {
	_, v = cutType(v)
	return strings.ToValidUTF8(strings.Join(strings.Fields(v), " "), "\uFFFD")
}

// mtaName returns the name in an MTA field ("dns; mx1.example.net. (comment)"):
// the first word after the type, without a trailing dot.
func mtaName(v string) string {
	_, v = cutType(v)
	return strings.ToValidUTF8(strings.TrimSuffix(token(v), "."), "\uFFFD")
}

// token returns the first word of v.
func token(v string) string {
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return ""
}

// actionStatus maps an Action value ("failed", "Failed (comment)") to
// StatusSent, StatusDeferred or StatusBounced (as parser.ParseStatus reads
// it); StatusUnknown for a missing or unknown action.
func actionStatus(v string) parser.Status {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, " \t(;"); i >= 0 {
		v = v[:i]
	}
	switch st, _ := parser.ParseStatus(v); st {
	case parser.StatusSent, parser.StatusDeferred, parser.StatusBounced:
		return st
	}
	return parser.StatusUnknown
}

// statusOfClass infers the outcome from the class of the enhanced code, else
// of the reply code: 5 bounced, 4 deferred, 2 sent.
func statusOfClass(enhanced string, code int) parser.Status {
	c := byte('0' + code/100)
	if enhanced != "" {
		c = enhanced[0]
	}
	switch c {
	case '5':
		return parser.StatusBounced
	case '4':
		return parser.StatusDeferred
	case '2':
		return parser.StatusSent
	}
	return parser.StatusUnknown
}

// enhancedCode returns the enhanced status code of a recipient: the Status
// field's code, unless it is missing or X.0.0 and the diagnostic text has
// a more specific one of the same class (Sisimai's "prefer" rule, dsn.md
// section 6.11). The class comes from the Status field, else the action,
// else the reply code.
func enhancedCode(status, text string, action parser.Status, code int) string {
	st := smtpcode.FindEnhanced(status, 0)
	if st != "" && !smtpcode.IsOther(st) {
		return st
	}
	var class byte
	switch {
	case st != "":
		class = st[0]
	case action == parser.StatusBounced:
		class = '5'
	case action == parser.StatusDeferred:
		class = '4'
	case action == parser.StatusSent:
		class = '2'
	case code != 0:
		class = byte('0' + code/100)
	}
	d := smtpcode.FindEnhanced(text, class)
	if d != "" && (st == "" || !smtpcode.IsOther(d)) {
		return d
	}
	return st
}

// parseDate parses an RFC 5322 date leniently; zero if it cannot.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	// QUIRK: comments, doubled spaces, missing weekday, asctime dates.
	if i := strings.IndexByte(v, '('); i > 0 {
		v = v[:i]
	}
	v = strings.Join(strings.Fields(v), " ")
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, layout := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700 MST",
		"Mon, 2 Jan 2006 15:04:05",
		"2 Jan 2006 15:04:05",
		"Mon Jan 2 15:04:05 2006",
		"Mon Jan 2 15:04:05 MST 2006",
		"Mon, 2 Jan 06 15:04:05 -0700",
		"2006-01-02 15:04:05 -0700",
		time.RFC3339,
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// statusComment returns the text of a parenthesised comment after a Status
// code ("4.0.0 (example.net: host name lookup failure)"), white space
// collapsed; "" if there is none or it only describes the code
// ("(permanent failure)", "(other or undefined network or routing status)").
func statusComment(v string) string {
	i := strings.IndexByte(v, '(')
	if i < 0 {
		return ""
	}
	c := strings.TrimSuffix(strings.TrimSpace(v[i+1:]), ")")
	c = strings.ToValidUTF8(strings.Join(strings.Fields(c), " "), "\uFFFD")
	if containsFold(c, "status") || strings.HasSuffix(strings.ToLower(c), " failure") && strings.Count(c, " ") < 3 {
		return "" // the code's own description ("permanent failure", "other address status")
	}
	return c
}
