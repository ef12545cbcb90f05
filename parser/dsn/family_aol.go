package dsn

import "strings"

// famAOL: AOL's own bounces: RFC 3464 reports from "Postmaster
// <Postmaster@AOL.com>" or "MAILER-DAEMON@AOL.com (Mail Delivery System)",
// Reporting-MTA omr-*.mx.aol.com. The report is read as usual; the family
// only names the producer. Recognised by the From address.
var famAOL = family{
	name:   "aol",
	detect: aolDetect,
}

func aolDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	return (local == "postmaster" || local == "mailer-daemon") &&
		(domain == "aol.com" || strings.HasSuffix(domain, ".aol.com"))
}
