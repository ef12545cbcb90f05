package dsn

import "strings"

// famBarracuda: bounces of the Barracuda Spam & Virus Firewall. They are
// RFC 3464 reports from MAILER-DAEMON with Subject "**Message you sent
// blocked by our bulk email filter**" (or "... by our Spam Firewall") and a
// text part that reads "Your message to: <address> was blocked by our Spam &
// Virus Firewall."; the report carries the reply ("550 5.7.1 Message content
// rejected, UBE, ..."). Recognised by the subject, or by a Received field of
// the Barracuda appliance with the sentence in the text.
var famBarracuda = family{
	name:   "barracuda",
	detect: barracudaDetect,
}

func barracudaDetect(m *bounce) bool {
	if strings.HasPrefix(m.subject, "**Message you sent blocked by ") {
		return true
	}
	for i, r := range m.header.Values("Received") {
		if i >= 3 {
			break
		}
		if strings.Contains(r, "(Barracuda)") || strings.Contains(r, "Barracuda Spam Firewall") {
			return len(m.reports) > 0 && strings.Contains(m.body, "Spam & Virus Firewall")
		}
	}
	return false
}
