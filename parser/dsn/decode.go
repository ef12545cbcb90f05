package dsn

import (
	"strings"
	"time"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"

	"github.com/emersion/go-message/mail"
)

// bounce is one bounce message (or auto-reply, or complaint) read once, with what
// the family decoders look at. Every decoder reads it; none reads the input.
type bounce struct {
	header     mail.Header // top-level header
	from       string      // From address, lower case
	fromName   string      // From display name
	subject    string      // decoded Subject, white space collapsed
	date       time.Time   // Date; zero if missing or unreadable
	reportType string      // report-type of a multipart/report, lower case
	// body is the human-readable text of the message: its text/plain parts
	// before the returned original (charset-decoded to UTF-8), or the text
	// of its HTML parts when it has no plain one. For a bounce without MIME
	// parts it is the whole body, returned original included.
	body     string
	reports  [][]byte     // message/delivery-status bodies
	feedback [][]byte     // message/feedback-report bodies
	orig     *mail.Header // header of the returned original, nil if none
	inner    *bounce      // a message attached before any report (a forwarded bounce?)
}

// bounce builds the decoders' view of what the walker collected.
func (w *walker) bounce() *bounce {
	m := &bounce{
		header:     mail.Header{Header: w.header},
		reportType: w.reportType,
		reports:    w.reports,
		feedback:   w.feedback,
		orig:       w.orig,
		date:       parseDate(w.date),
	}
	if list, err := m.header.AddressList("From"); err == nil && len(list) > 0 {
		m.from, m.fromName = strings.ToLower(list[0].Address), list[0].Name
	} else {
		m.from = strings.ToLower(address(m.header.Get("From")))
	}
	subj, _ := m.header.Subject() // the raw value on a decoding error
	m.subject = strings.ToValidUTF8(strings.Join(strings.Fields(subj), " "), "\uFFFD")
	switch {
	case len(w.texts) > 0:
		m.body = strings.Join(w.texts, "\n")
	case len(w.htmls) > 0:
		m.body = htmlText(strings.Join(w.htmls, "\n"))
	}
	if w.inner != nil {
		m.inner = w.inner.bounce()
	}
	return m
}

// decode is the decision pipeline of dsn.md section 1, for one message:
//
//  1. a feedback report (ARF) gives one complaint event per recipient;
//  2. the producer family is the first of families whose detect matches;
//  3. the delivery-status parts give the recipients, and the family's fix
//     (if any) completes them from its text;
//  4. without a usable report, the family's text decoder reads the body;
//  5. no family and no generic bounce mark: an unsubscribe request (to a
//     List-Unsubscribe mailto: address) gives one opt-out complaint, an
//     auto-reply one autoreplied event, for its sender;
//  6. otherwise the generic text decoder tries X-Failed-Recipients and
//     addresses near reply codes, as the "unknown" family;
//  7. still nothing: a message attached before any report (a bounce
//     forwarded as an attachment) is decoded the same way;
//  8. a recognised bounce that names no recipient at all gives one
//     bounced event for the returned original's To, without diagnostic.
//
// Events still without a diagnostic take the text's line about their
// recipient (fillText). Every event then goes through finish.
func decode(m *bounce) []parser.Event {
	if len(m.feedback) > 0 || m.reportType == "feedback-report" {
		if evs := decodeARF(m); len(evs) > 0 {
			return finish(m, evs, "arf")
		}
	}
	fam := detect(m)
	name := "rfc3464"
	if fam != nil {
		name = fam.name
	}
	evs := rfc3464(m)
	if len(evs) > 0 && fam != nil && fam.fix != nil {
		evs = fam.fix(m, evs)
	}
	if len(evs) == 0 && fam != nil && fam.text != nil {
		evs = fam.text(m)
	}
	if len(evs) == 0 && len(m.reports) == 0 && fam == nil && !looksLikeBounce(m) {
		if evs = decodeUnsubscribe(m); len(evs) > 0 {
			name = "unsubscribe"
		} else if evs = decodeAutoReply(m); len(evs) > 0 {
			name = "rfc3834"
		}
	}
	if len(evs) == 0 && len(m.reports) == 0 {
		if evs = decodeGeneric(m); len(evs) > 0 && fam == nil {
			name = "unknown"
		}
	}
	if len(evs) == 0 && m.inner != nil {
		if inner := decode(m.inner); len(inner) > 0 {
			return inner
		}
	}
	if len(evs) == 0 && (len(m.reports) > 0 || fam != nil) {
		// A bounce that names no recipient ("Delivery report
		// unavailable"): the returned original's To is the best guess,
		// with no diagnostic.
		if to := originalOf(m.orig).to; strings.Contains(to, "@") {
			evs = []parser.Event{{Recipient: to, Status: parser.StatusBounced}}
		}
	}
	if m.orig == nil && len(evs) > 0 && len(m.reports) == 0 {
		m.orig = inlineOriginal(m.body)
	}
	fillText(m, evs)
	return finish(m, evs, name)
}

// finish completes the events of one message the same way whichever
// decoder produced them: lower-cased addresses, the reply code and enhanced
// code from the text when the decoder left them empty, the status from the
// code's class, the SMTP stage, the forward address, the time (the
// message's Date when the decoder found none), the returned original's
// Message-ID, From, To and Subject, and the family. A recipient reported
// twice with the same outcome is kept once.
func finish(m *bounce, evs []parser.Event, family string) []parser.Event {
	orig := originalOf(m.orig)
	seen := make(map[string]bool, len(evs))
	out := evs[:0]
	for _, ev := range evs {
		ev.Recipient = strings.ToLower(strings.TrimSpace(ev.Recipient))
		ev.OrigRecipient = strings.ToLower(strings.TrimSpace(ev.OrigRecipient))
		if ev.Recipient == "" && ev.Status != parser.StatusComplained {
			continue
		}
		ev.Text = strings.ToValidUTF8(strings.Join(strings.Fields(ev.Text), " "), "\uFFFD")
		if ev.Code == 0 {
			ev.Code = smtpcode.FindReply(ev.Text)
		}
		if ev.Enhanced == "" {
			ev.Enhanced = enhancedCode("", ev.Text, ev.Status, ev.Code)
		}
		switch {
		case ev.Status == parser.StatusUnknown:
			ev.Status = statusOfClass(ev.Enhanced, ev.Code)
		case ev.Status == parser.StatusBounced && strings.HasPrefix(ev.Enhanced, "4."):
			// A failure with a temporary status is a message that
			// outlived the queue lifetime: Postfix writes
			// "Action: failed" + "Status: 4.4.1" for expired mail
			// (dsn.md section 3).
			ev.Status = parser.StatusExpired
		}
		if ev.Command == "" {
			ev.Command = smtpcode.Stage(ev.Text)
		}
		if ev.Forward == "" {
			ev.Forward = parser.ForwardAddress(ev.Code, ev.Enhanced, ev.Text, ev.Recipient)
		}
		if ev.Time.IsZero() {
			ev.Time = m.date
		}
		if ev.MessageID == "" {
			ev.MessageID = orig.messageID
		}
		if orig.sender != "" {
			ev.Sender = orig.sender
		}
		if ev.Subject == "" {
			ev.Subject = orig.subject
		}
		if ev.OrigTo == "" {
			ev.OrigTo = orig.to
		}
		if ev.Family == "" {
			ev.Family = family
		}
		key := ev.Recipient + "\x00" + ev.Status.String() + "\x00" + ev.Enhanced + "\x00" + ev.Text
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, ev)
	}
	return out
}
