package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famAmazonWorkMail: Amazon WorkMail, which sends its bounces through SES:
// From MAILER-DAEMON@<region>.amazonses.com with "X-Mailer: Amazon
// WorkMail" in the top header, a multipart/mixed message whose text part
// says "An error occurred while trying to deliver the mail to the following
// recipients:" and then, after "Technical report:", the delivery-status
// fields written as plain text (Reporting-MTA, Action, Final-Recipient,
// Diagnostic-Code, Status). Expired messages quote the last remote reply in
// angle brackets ("554 4.4.7 Message expired: ... <421 4.4.2 Connection
// timed out>"), which is the code kept. Recognised by the X-Mailer field.
var famAmazonWorkMail = family{
	name:   "amazonworkmail",
	detect: amazonworkmailDetect,
	text:   amazonworkmailText,
	fix:    amazonsesFix,
}

func amazonworkmailDetect(m *bounce) bool {
	return strings.EqualFold(strings.TrimSpace(m.header.Get("X-Mailer")), "Amazon WorkMail") &&
		(hasPrefixFold(m.from, "mailer-daemon@") || hasPrefixFold(m.from, "postmaster@"))
}

// amazonworkmailText reads the report written as text after "Technical
// report:".
func amazonworkmailText(m *bounce) []parser.Event {
	rest, ok := afterLine(m.body, "Technical report:")
	if !ok {
		return nil
	}
	rep := *m
	rep.reports = [][]byte{[]byte(strings.TrimLeft(rest, "\r\n"))}
	evs := rfc3464(&rep)
	return amazonsesFix(m, evs)
}
