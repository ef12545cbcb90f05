package dsn

import "strings"

// famAmavis: non-delivery notices of amavisd-new, the content filter. They
// are RFC 3464 reports from "Content-filter at <host>" <postmaster@...>
// with Subject "Undeliverable mail, <reason>" (MTA-BLOCKED, BANNED, INVALID
// HEADER, VIRUS, ...) or "Considered UNSOLICITED BULK EMAIL ..."; the report
// carries the recipient and the reply. Recognised by the From name.
var famAmavis = family{
	name:   "amavis",
	detect: amavisDetect,
}

func amavisDetect(m *bounce) bool {
	return strings.HasPrefix(m.fromName, "Content-filter at ")
}
