package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famOutlook: bounces of the old Hotmail / Outlook.com (Windows Live)
// servers. They are multipart/report messages from postmaster@*.hotmail.com
// (or another Windows Live domain) with Subject "Delivery Status
// Notification (Failure)" and the X-Message-Delivery, X-Message-Info and
// X-DSNContext fields; the text part says "This is an automatically
// generated Delivery Status Notification." and "Unable to deliver message
// to the following recipients, due to ...", then the indented addresses.
// The report sometimes has no Diagnostic-Code: the fix then takes that
// sentence as the diagnostic. Recognised by two of: the subject, the
// X-Message-Delivery / X-Message-Info pair, X-DSNContext, a hotmail.com
// Message-ID, one of which must be the pair or the Message-ID (IIS SMTP
// writes the others too).
var famOutlook = family{
	name:   "outlook",
	detect: outlookDetect,
	text:   outlookText,
	fix:    outlookFix,
}

func outlookDetect(m *bounce) bool {
	live := 0 // Windows Live marks; X-DSNContext and the subject are also IIS SMTP's
	if m.header.Has("X-Message-Delivery") && m.header.Has("X-Message-Info") {
		live++
	}
	if strings.Contains(strings.ToLower(m.header.Get("Message-Id")), ".hotmail.com>") {
		live++
	}
	if live == 0 {
		return false
	}
	marks := live
	if strings.HasPrefix(m.subject, "Delivery Status Notification") {
		marks++
	}
	if m.header.Has("X-Dsncontext") {
		marks++
	}
	return marks >= 2
}

// outlookReason returns the "Unable to deliver message to the following
// recipients, due to ..." sentence of the text, and the text after it.
func outlookReason(body string) (string, string) {
	i := indexFold(body, "Unable to deliver message to the following recipient")
	if i < 0 {
		return "", ""
	}
	rest := body[i:]
	end := strings.Index(rest, "\n\n")
	if end < 0 {
		end = len(rest)
	}
	if end > 1000 {
		end = 1000
	}
	return rest[:end], rest[end:]
}

func outlookText(m *bounce) []parser.Event {
	reason, rest := outlookReason(m.body)
	if reason == "" {
		return nil
	}
	var evs []parser.Event
	for _, l := range strings.Split(rest, "\n") {
		if len(evs) >= 100 {
			break
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		a := office365AddressLine(l)
		if a == "" {
			break
		}
		evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: reason})
	}
	return evs
}

func outlookFix(m *bounce, evs []parser.Event) []parser.Event {
	reason := ""
	for i := range evs {
		if strings.TrimSpace(evs[i].Text) != "" {
			continue
		}
		if reason == "" {
			if reason, _ = outlookReason(m.body); reason == "" {
				return evs
			}
		}
		evs[i].Text = reason
	}
	return evs
}
