package dsn

import (
	"strings"

	"bouncelens/parser"
)

// autoReplySubjects start the Subject of auto-replies (dsn.md section 7.1,
// with the localised forms seen in the wild).
var autoReplySubjects = []string{
	"auto:", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response",
	"automatic reply", "automatische antwort", "out of office", "out of the office",
	"abwesenheitsnotiz", "réponse automatique", "respuesta automática",
	"risposta automatica", "automatisch antwoord", "autosvar", "vacation", "on vacation",
}

// isAutoReply reports whether the message says it is an automatic reply
// (RFC 3834 and the vendor fields of dsn.md section 7.1).
func isAutoReply(m *bounce) bool {
	h := &m.header
	as := strings.ToLower(h.Get("Auto-Submitted"))
	switch {
	case strings.HasPrefix(as, "auto-replied"), strings.HasPrefix(as, "auto-notified"):
		return true
	case h.Has("X-Autoreply"), h.Has("X-Autorespond"), h.Has("X-Autoresponder"):
		return true
	case strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply"):
		return true
	case strings.EqualFold(strings.TrimSpace(h.Get("X-Apple-Action")), "vacation"):
		return true
	}
	subj := strings.ToLower(m.subject)
	for _, p := range autoReplySubjects {
		if strings.HasPrefix(subj, p) {
			return true
		}
	}
	return false
}

// decodeAutoReply returns one autoreplied event for the sender of an
// auto-reply: the address that answered exists and reads its mail (or has
// someone who does). Text is the first line of the reply.
func decodeAutoReply(m *bounce) []parser.Event {
	if !isAutoReply(m) || m.from == "" {
		return nil
	}
	text := strings.TrimSpace(m.body)
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if len(text) > 200 {
		text = text[:200]
	}
	return []parser.Event{{
		Recipient: m.from,
		Status:    parser.StatusAutoReplied,
		Text:      text,
		Subject:   m.subject,
	}}
}

// isUnsubscribe reports whether the message is an unsubscribe request sent
// to a List-Unsubscribe mailto: address (RFC 2369): Subject "unsubscribe",
// or the text mail clients write ("Apple Mail sent this email to
// unsubscribe from the message ...").
func isUnsubscribe(m *bounce) bool {
	if strings.EqualFold(strings.TrimSpace(m.subject), "unsubscribe") {
		return true
	}
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return containsFold(head, "sent this email to unsubscribe")
}

// decodeUnsubscribe returns one complaint event of feedback type "opt-out"
// for the sender of an unsubscribe request: not a bounce, but an address
// that asked to get no more mail.
func decodeUnsubscribe(m *bounce) []parser.Event {
	if !isUnsubscribe(m) || m.from == "" {
		return nil
	}
	return []parser.Event{{
		Recipient: m.from,
		Status:    parser.StatusComplained,
		Feedback:  "opt-out",
		Text:      "unsubscribe request",
		Subject:   m.subject,
	}}
}
