package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famMailFoundry: bounces of the MailFoundry gateway. From
// MAILER-DAEMON@domain, Subject "Message delivery has failed", a text part
// "Unable to deliver message to: <addr>", "Delivery failed for the
// following reason:" and the diagnostic ("mx.example.net[192.0.2.1]
// responded with failure: 552 ..."), "This has been a permanent failure."
// Recognised by the first two sentences.
var famMailFoundry = family{name: "mailfoundry", detect: mailfoundryDetect, text: mailfoundryText}

func mailfoundryDetect(m *bounce) bool {
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return containsFold(head, "Unable to deliver message to: <") && containsFold(head, "Delivery failed for the following reason:")
}

func mailfoundryText(m *bounce) []parser.Event {
	var evs []parser.Event
	inReason := false
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case hasPrefixFold(t, "Unable to deliver message to:"):
			evs = append(evs, parser.Event{Recipient: findAddress(t), Status: parser.StatusBounced})
			inReason = false
		case hasPrefixFold(t, "Delivery failed for the following reason:"):
			inReason = true
		case hasPrefixFold(t, "This has been a permanent failure") || t == "":
			inReason = false
		case inReason && len(evs) > 0:
			ev := &evs[len(evs)-1]
			ev.Text = strings.TrimSpace(ev.Text + " " + t)
		}
	}
	for i := range evs {
		ev := &evs[i]
		// "host[192.0.2.1] responded with failure: 552 ..."
		if j := strings.Index(ev.Text, " responded with failure: "); j >= 0 {
			ev.RemoteMTA = token(ev.Text[:j])
			if k := strings.IndexByte(ev.RemoteMTA, '['); k > 0 {
				ev.RemoteMTA = ev.RemoteMTA[:k]
			}
			ev.Code, _, _ = smtpcode.Parse(ev.Text[j+len(" responded with failure: "):])
		}
	}
	return evs
}
