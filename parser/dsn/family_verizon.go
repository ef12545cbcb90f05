package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famVerizon: bounces of Verizon Wireless's e-mail to SMS / MMS gateways
// (vtext.com, vzwpix.com). They come from post_master@vtext.com (or
// *@vzwpix.com) as plain text or multipart/mixed without a report: an
// "Error: <summary>" line, "Error message below:" and the remote reply,
// then "Message details:" with "RCPT TO: <recipient>" (MMS: "To:").
// Recognised by the From domain with the "Error:" wording.
var famVerizon = family{
	name:   "verizon",
	detect: verizonDetect,
	text:   verizonText,
}

func verizonDetect(m *bounce) bool {
	if !strings.HasSuffix(m.from, "@vtext.com") && !strings.HasSuffix(m.from, "@vzwpix.com") {
		return false
	}
	head := m.body
	if len(head) > 2000 {
		head = head[:2000]
	}
	return strings.Contains(head, "Error:") || containsFold(head, "could not be delivered")
}

func verizonText(m *bounce) []parser.Event {
	body := m.body
	diag := ""
	if rest, ok := afterLine(body, "Error message below:"); ok {
		diag = genericDiagnostic(rest)
		if diag == "" {
			p, _, _ := strings.Cut(strings.TrimLeft(rest, " \t\r\n"), "\n\n")
			diag = p
		}
	}
	var rcpts []string
	details, ok := afterLine(body, "Message details:")
	if !ok {
		details = body
	}
	for _, l := range strings.Split(details, "\n") {
		t := strings.TrimSpace(l)
		if hasPrefixFold(t, "RCPT TO:") {
			if a := findAddress(t); a != "" && len(rcpts) < 100 {
				rcpts = append(rcpts, a)
			}
		}
		if diag == "" && hasPrefixFold(t, "Error:") {
			diag = strings.TrimSpace(t[len("Error:"):])
		}
	}
	if len(rcpts) == 0 {
		for _, l := range strings.Split(details, "\n") {
			t := strings.TrimSpace(l)
			if hasPrefixFold(t, "To:") {
				if a := findAddress(t); a != "" && !isOwnAddress(m, a) {
					rcpts = append(rcpts, a)
					break
				}
			}
		}
	}
	// Verizon's own summary ("Error: Invalid user address") says what it
	// made of the reply: keep it in front of the reply.
	code := smtpcode.FindReply(diag) // of the reply, before the summary goes in front
	if sum := verizonSummary(body); sum != "" && !strings.HasPrefix(diag, sum) {
		diag = sum + ": " + diag
	}
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Code: code, Text: diag})
	}
	return evs
}

// verizonSummary returns the text of the first "Error: ..." line of body.
func verizonSummary(body string) string {
	for _, l := range strings.SplitN(body, "\n", 50) {
		if t := strings.TrimSpace(l); hasPrefixFold(t, "Error:") {
			return strings.TrimSpace(t[len("Error:"):])
		}
	}
	return ""
}
