package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famBigfoot: bounces of Bigfoot's mail forwarding service. They are
// Sendmail-style RFC 3464 reports from "Mail Delivery Subsystem"
// <MAILER-DAEMON@bigfoot.com> whose text quotes the session
// (">>> RCPT TO:<...>", "<<< 553 ..."), with the original as
// message/partial. Recognised by the From domain, or by a Received
// field or Reporting-MTA of bigfoot.com.
var famBigfoot = family{
	name:   "bigfoot",
	detect: bigfootDetect,
	fix:    bigfootFix,
}

func bigfootDetect(m *bounce) bool {
	if strings.HasSuffix(m.from, "@bigfoot.com") || strings.HasSuffix(m.from, ".bigfoot.com") {
		return true
	}
	for _, r := range m.reports {
		if i := indexFold(string(r), "Reporting-MTA:"); i >= 0 {
			line, _, _ := strings.Cut(string(r[i:]), "\n")
			if containsFold(line, ".bigfoot.com") {
				return true
			}
		}
	}
	return false
}

// bigfootFix takes the SMTP command of the session the text quotes
// (">>> RCPT TO:<bob@example.net>") for the recipient it names.
func bigfootFix(m *bounce, evs []parser.Event) []parser.Event {
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, ">>> ") {
			continue
		}
		cmd := strings.TrimSpace(t[4:])
		a := findAddress(cmd)
		for i := range evs {
			if evs[i].Command == "" && a != "" && strings.EqualFold(a, evs[i].Recipient) {
				switch {
				case hasPrefixFold(cmd, "RCPT"):
					evs[i].Command = "RCPT"
				case hasPrefixFold(cmd, "MAIL"):
					evs[i].Command = "MAIL"
				}
			}
		}
	}
	return evs
}
