package classify

import "strings"

// forwardTriggers are the phrases after which a reply names a new address,
// most specific first (smtp-codes.md 5.3 step 4; taxonomy "hasmoved").
var forwardTriggers = []string{
	"will forward to", "forwarded to", "forwarding to", "forward to", "please try",
	"has been replaced by", "replaced by", "moved to", "new address is", "new address:",
	"new address", "please use",
}

// forwardAddress returns the address that text names after a trigger
// phrase ("User not local; please try <new@example.org>"), or "". Relay
// refusals ("551 5.7.1 ... relaying denied") name none. The local part is
// kept as written; the domain is lower-cased.
func forwardAddress(enhanced, text string) string {
	if enhanced != "" && strings.HasPrefix(enhanced[1:], ".7.") && enhanced != "5.7.17" && enhanced != "5.7.18" {
		return ""
	}
	low := lower(text) // ASCII only: byte offsets stay valid for text
	if strings.Contains(low, "relay") {
		return ""
	}
	for _, trig := range forwardTriggers {
		i := strings.Index(low, trig)
		if i < 0 {
			continue
		}
		if a := addressAt(text[i+len(trig):]); a != "" {
			return a
		}
	}
	return ""
}

// addressAt reads "<local@domain>" or "local@domain" at the start of s,
// after spaces and a colon.
func addressAt(s string) string {
	s = strings.TrimLeft(s, " \t\r\n:")
	var a string
	if strings.HasPrefix(s, "<") {
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return ""
		}
		a = s[1:end]
	} else {
		end := strings.IndexAny(s, " \t\r\n<>,;()\"")
		if end < 0 {
			end = len(s)
		}
		a = strings.TrimRight(s[:end], ".")
	}
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || len(local) > 64 || domain == "" || len(domain) > 255 ||
		!strings.Contains(domain, ".") || strings.ContainsAny(a, " \t<>") || strings.Contains(domain, "@") {
		return ""
	}
	return local + "@" + lower(domain)
}
