package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famInterScanMSS: bounces of Trend Micro InterScan Messaging Security
// Suite. They come from "InterScan MSS" or "InterScan Notification"
// <postmaster@...> as multipart/mixed with the boundary
// "InterScan_NT_MIME_Boundary" and no report; the text is either an SMTP
// transcript ("Sent <<< RCPT TO:<bob@example.net>" then
// "Received >>> 550 5.1.1 ...") or "Message from InterScan Messaging
// Security Suite" with "Unable to deliver message to <bob@example.net> ...".
// Recognised by the From name, or by the boundary with those wordings.
var famInterScanMSS = family{
	name:   "interscanmss",
	detect: interscanmssDetect,
	text:   interscanmssText,
}

func interscanmssDetect(m *bounce) bool {
	if strings.Contains(m.fromName, "InterScan MSS") || strings.Contains(m.fromName, "InterScan Notification") ||
		strings.Contains(m.header.Get("From"), "(\"InterScan ") {
		return true
	}
	if !strings.Contains(m.header.Get("Content-Type"), "InterScan_NT_MIME_Boundary") {
		return false
	}
	return strings.Contains(m.body, "Sent <<< ") || strings.Contains(m.body, "Message from InterScan")
}

func interscanmssText(m *bounce) []parser.Event {
	var evs []parser.Event
	for _, l := range strings.Split(m.body, "\n") {
		if len(evs) >= 100 {
			break
		}
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "Sent <<< "):
			cmd := strings.TrimSpace(t[len("Sent <<< "):])
			if hasPrefixFold(cmd, "RCPT TO:") {
				if a := findAddress(cmd); a != "" {
					evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Command: "RCPT"})
				}
			}
		case strings.HasPrefix(t, "Received >>> "):
			if n := len(evs); n > 0 && evs[n-1].Text == "" {
				evs[n-1].Text = strings.TrimSpace(t[len("Received >>> "):])
			}
		case hasPrefixFold(t, "Unable to deliver message to "):
			if a := findAddress(t); a != "" {
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: t})
			}
		}
	}
	return evs
}
