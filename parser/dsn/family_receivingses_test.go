package dsn

import (
	"strings"
	"testing"

	"bouncelens/parser"
)

func TestReceivingSES(t *testing.T) {
	msg := strings.Replace(dsnReport("postmaster@example.org", "inbound-smtp.us-west-2.amazonaws.com"),
		"Subject:", "X-SES-Outgoing: 2026.01.01-192.0.2.1\nSubject:", 1)
	checkEvents(t, parseString(t, msg), "receivingses", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected"}})
	// Without SES's inbound Reporting-MTA the report is someone else's.
	other := strings.Replace(dsnReport("postmaster@example.org", "mx.example.org"),
		"Subject:", "X-SES-Outgoing: 2026.01.01-192.0.2.1\nSubject:", 1)
	checkEvents(t, parseString(t, other), "rfc3464", exactEnhanced, []eventWant{{"bob@example.net", parser.StatusBounced, 550, "5.1.1", "", "Recipient address rejected"}})
}
