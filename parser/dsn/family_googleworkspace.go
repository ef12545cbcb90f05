package dsn

import (
	"bytes"
	"strings"

	"bouncelens/parser"
)

// famGoogleWorkspace: Gmail / Google Workspace notices about a message
// that Google could not send at all, typically through a misconfigured
// "Send mail as" account: a multipart/report from "Mail Delivery Subsystem
// <mailer-daemon@googlemail.com>" whose message/delivery-status part is
// empty (no recipient group), X-Failed-Recipients naming the recipient, and
// a text with a "** Message not delivered **" style heading, an
// explanation, and "The response was:" followed by the error of the remote
// server (often not an SMTP reply, e.g. "Unspecified Error
// (SENT_SECOND_EHLO): ..."). Recognised by the From address and a report
// part that names no recipient.
//
// NOTE: decode calls text only when there is no report part at all; these
// notices need it called when the report part gives no event.
var famGoogleWorkspace = family{
	name:   "googleworkspace",
	detect: googleworkspaceDetect,
	text:   googleworkspaceText,
}

func googleworkspaceDetect(m *bounce) bool {
	if !gmailDetect(m) || len(m.reports) == 0 {
		return false
	}
	for _, r := range m.reports {
		if len(r) > 64<<10 {
			r = r[:64<<10]
		}
		if bytes.Contains(bytes.ToLower(r), []byte("recipient:")) {
			return false
		}
	}
	return true
}

// googleworkspaceText returns one event per X-Failed-Recipients address,
// with the heading and the remote error as text.
func googleworkspaceText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, gmailEndMarkers...)
	rcpts := gmailRecipients(m, text)
	diag := gmailDiagnostic(text)
	if i := strings.Index(text, "** "); i >= 0 {
		heading := text[i:]
		if j := strings.IndexByte(heading, '\n'); j >= 0 {
			heading = strings.Trim(strings.TrimSpace(heading[:j]), "* ")
			if heading != "" && !strings.HasPrefix(diag, heading) {
				diag = heading + ": " + diag
			}
		}
	}
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Text: diag})
	}
	return evs
}
