package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famSurfControl: bounces of the SurfControl E-mail Filter (Websense). They
// have X-Mailer: SurfControl E-mail Filter and X-SEF-* fields, come from
// the null sender, and hold a text part ("Your message could not be sent.
// A transcript of the attempts to send the message follows. ... Addressed
// To: bob@example.net ... bob@example.net: [192.0.2.1], 554 <reply>")
// with a message/delivery-status part. Recognised by the X-Mailer; the text
// decoder reads the transcript when the report is missing.
var famSurfControl = family{
	name:   "surfcontrol",
	detect: surfcontrolDetect,
	text:   surfcontrolText,
}

func surfcontrolDetect(m *bounce) bool {
	return strings.HasPrefix(m.header.Get("X-Mailer"), "SurfControl E-mail Filter")
}

func surfcontrolText(m *bounce) []parser.Event {
	var evs []parser.Event
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		if hasPrefixFold(t, "Addressed To:") {
			if a := findAddress(t); a != "" && len(evs) < 100 {
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
			}
			continue
		}
		// "bob@example.net: [192.0.2.1], 554 Service currently unavailable"
		head, rest, ok := strings.Cut(t, ": [")
		if !ok {
			continue
		}
		_, reply, ok := strings.Cut(rest, "], ")
		if !ok {
			continue
		}
		for i := range evs {
			if strings.EqualFold(evs[i].Recipient, strings.TrimSpace(head)) && evs[i].Text == "" {
				evs[i].Text = strings.TrimSpace(reply)
			}
		}
	}
	return evs
}
