package dsn

import (
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famZoho: Zoho Mail. The bounce comes from mailer-daemon@mail.zoho.com
// (X-Mailer: Zoho Mail, X-ZohoMail header), Subject "Undelivered Mail
// Returned to Sender", and its text part says "This message was created
// automatically by mail delivery software. ... This is a permanent error."
// followed by one line per recipient: "bob@example.net Invalid Address,
// ERROR_CODE :550, ERROR_CODE :5.1.1 <bob@example.net>... User Unknown"
// (Zoho's summary, the reply code, then the rest of the reply), the
// returned header after it. Recognised by the From domain or the
// X-ZohoMail header of a mailer-daemon message.
var famZoho = family{
	name:   "zoho",
	detect: zohoDetect,
	text:   zohoText,
}

func zohoDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	if local != "mailer-daemon" && local != "postmaster" {
		return false
	}
	return domain == "zoho.com" || strings.HasSuffix(domain, ".zoho.com") || domain == "zohomail.com" ||
		strings.HasSuffix(domain, ".zohomail.com") || m.header.Has("X-Zohomail")
}

// zohoText reads the "address summary, ERROR_CODE :code, ERROR_CODE :text"
// lines (a line may wrap onto the next ones, up to a blank line).
func zohoText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "Received:", "Return-Path:", "Message-ID:")
	permanent := containsFold(text, "This is a permanent error")
	var evs []parser.Event
	var cur []string
	flush := func() {
		if len(cur) == 0 {
			return
		}
		line := strings.Join(cur, " ")
		cur = cur[:0]
		a := findAddress(line)
		if a == "" || !hasPrefixFold(line, a) {
			return
		}
		evs = append(evs, zohoEvent(a, strings.TrimSpace(line[len(a):]), permanent))
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case len(cur) > 0:
			cur = append(cur, t)
		case strings.Contains(t, "ERROR_CODE") || findAddress(t) != "" && hasPrefixFold(t, findAddress(t)):
			cur = append(cur, t)
		}
	}
	flush()
	return evs
}

// zohoEvent builds the event of one recipient line (after the address).
func zohoEvent(rcpt, rest string, permanent bool) parser.Event {
	ev := parser.Event{Recipient: rcpt, Status: parser.StatusBounced}
	parts := strings.Split(rest, "ERROR_CODE")
	summary := strings.Trim(strings.TrimSpace(parts[0]), ",")
	var code int
	var reply []string
	for _, p := range parts[1:] {
		p = strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), ":")), ", ")
		if p == "" {
			continue
		}
		if c, _, r := smtpcode.Parse(p); c != 0 && code == 0 && r == "" {
			code = c
			continue
		}
		reply = append(reply, p)
	}
	t := strings.Join(reply, " ")
	if t == "" {
		t = summary
	}
	if code != 0 {
		ev.Code = code
		if c, _, _ := smtpcode.Parse(t); c != code {
			t = zohoCode(code) + " " + t
		}
		if code/100 == 4 && permanent {
			ev.Status = parser.StatusExpired
		}
	}
	ev.Text = t
	return ev
}

// zohoCode formats a reply code.
func zohoCode(code int) string {
	return string([]byte{byte('0' + code/100), byte('0' + code/10%10), byte('0' + code%10)})
}
