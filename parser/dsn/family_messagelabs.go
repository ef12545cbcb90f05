package dsn

import "strings"

// famMessageLabs: bounces of Symantec (Broadcom) Email Security.cloud,
// formerly MessageLabs (dsn.md 6.9). They come from "Mail Delivery System"
// <MAILER-DAEMON@messagelabs.com> with Subject "Mail Delivery Failure",
// an X-Msg-Ref field naming a *.messagelabs.com server, and a text part
// "This is the mail delivery agent at Symantec Email Security.cloud."; the
// report mixes per-message and per-recipient fields in one group and its
// Status is generic: the code comes from the diagnostic. Recognised by the
// From domain, or by X-Msg-Ref with the subject.
var famMessageLabs = family{
	name:   "messagelabs",
	detect: messagelabsDetect,
}

func messagelabsDetect(m *bounce) bool {
	if strings.HasSuffix(m.from, "@messagelabs.com") {
		return true
	}
	return strings.Contains(m.header.Get("X-Msg-Ref"), ".messagelabs.com") && strings.HasPrefix(m.subject, "Mail Delivery Failure")
}
