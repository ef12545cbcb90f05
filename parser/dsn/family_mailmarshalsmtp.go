package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMailMarshalSMTP: bounces of Trustwave (Marshal) MailMarshal SMTP.
// They come from postmaster@... with Subject `Undeliverable Mail: "<original
// subject>"` and no report: the text reads "Your message: ... Could not be
// delivered because of <reply> The following recipients were affected:
// <addresses>", then an "Additional Information" block (Original Sender,
// Sender-MTA, Remote-MTA, Reporting-MTA, Last-Attempt-Date). Recognised by
// the subject with those sentences.
var famMailMarshalSMTP = family{
	name:   "mailmarshalsmtp",
	detect: mailmarshalsmtpDetect,
	text:   mailmarshalsmtpText,
}

func mailmarshalsmtpDetect(m *bounce) bool {
	return strings.HasPrefix(m.subject, "Undeliverable Mail: ") && strings.Contains(m.body, "Could not be delivered because of")
}

func mailmarshalsmtpText(m *bounce) []parser.Event {
	rest, ok := afterLine(m.body, "Could not be delivered because of")
	if !ok {
		return nil
	}
	diagPart, list, _ := strings.Cut(rest, "The following recipients were affected:")
	diag := strings.Join(strings.Fields(diagPart), " ")
	list, _ = beforeAny(list, "Additional Information", "=====")
	var evs []parser.Event
	for _, l := range strings.Split(list, "\n") {
		if a := findAddress(l); a != "" && len(evs) < 100 {
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: diag})
		}
	}
	remote := ""
	for _, l := range strings.Split(rest, "\n") {
		if t := strings.TrimSpace(l); hasPrefixFold(t, "Remote-MTA:") {
			remote = strings.Trim(strings.TrimSpace(t[len("Remote-MTA:"):]), "<>")
		}
	}
	for i := range evs {
		evs[i].RemoteMTA = remote
	}
	return evs
}
