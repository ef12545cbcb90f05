package dsn

import (
	"strings"
)

// famEinsUndEins: 1&1 (IONOS, mail servers at kundenserver.de), the same
// "Nemesis" mail system as GMX: From "Mail Delivery System"
// <mailer-daemon@kundenserver.de> (or @1and1.*, @ionos.*), Subject "Mail
// delivery failed: returning message to sender", Exim's wording up to "The
// following address(es) failed:", then "bob@example.net:" and the error
// ("SMTP error from remote server for TEXT command, host: ... reason: 550
// ..."), up to "--- The header of the original message is following. ---".
// Recognised by the From domain.
var famEinsUndEins = family{
	name:   "einsundeins",
	detect: einsundeinsDetect,
	text:   gmxText,
}

func einsundeinsDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	if local != "mailer-daemon" && local != "postmaster" {
		return false
	}
	for _, d := range []string{"kundenserver.de", "1and1.com", "1and1.de", "1und1.de", "ionos.com", "ionos.de"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
