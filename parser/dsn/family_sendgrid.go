package dsn

import (
	"bytes"
	"strings"
)

// famSendGrid: bounces relayed by SendGrid (Twilio SendGrid). They are
// Postfix-style RFC 3464 reports ("Undelivered Mail Returned to Sender")
// whose delivery-status part carries X-SendGrid-QueueID and
// X-SendGrid-Sender, or that come from an address at sendgrid.net.
// Recognised by those fields or the From domain.
var famSendGrid = family{
	name:   "sendgrid",
	detect: sendgridDetect,
}

func sendgridDetect(m *bounce) bool {
	if strings.HasSuffix(m.from, "@sendgrid.net") || strings.HasSuffix(m.from, ".sendgrid.net") {
		return true
	}
	for _, r := range m.reports {
		if bytes.Contains(r, []byte("X-SendGrid-")) {
			return true
		}
	}
	return false
}
