package parser

import (
	"strings"
)

// forwardTriggers are the phrases after which a 251/551 reply names the new
// address, most specific first (smtp-codes.md section 5.3, step 4).
var forwardTriggers = []string{
	"will forward to", "forwarded to", "forwarding to", "forward to",
	"please try", "moved to", "new address is", "new address", "please use", "try",
}

// ForwardAddress returns the new address a 251 or 551 reply names
// ("User not local; please try <new@example.org>"), or "" when there is none.
// code is the basic reply code (only 251 and 551 are considered), enhanced
// the enhanced status code (an X.7.x code means a relay refusal, not a move),
// text the reply text and rcpt the failed recipient, which is never returned.
// The domain of the result is lower-cased; the local part is kept as given.
func ForwardAddress(code int, enhanced, text, rcpt string) string {
	if code != 251 && code != 551 {
		return ""
	}
	if len(enhanced) > 2 && enhanced[1] == '.' && strings.HasPrefix(enhanced[2:], "7.") {
		return ""
	}
	lower := strings.ToLower(text)
	for _, p := range relayRefusals {
		if strings.Contains(lower, p) {
			return ""
		}
	}
	cands := addressCandidates(text)
	if len(cands) == 0 {
		return ""
	}
	ok := func(a candidate) bool { return validForward(a.addr, rcpt) }
	for _, trig := range forwardTriggers {
		i := strings.Index(lower, trig)
		if i < 0 {
			continue
		}
		for _, c := range cands {
			if c.pos >= i+len(trig) && ok(c) {
				return normalizeForward(c.addr)
			}
		}
	}
	for i := len(cands) - 1; i >= 0; i-- {
		if ok(cands[i]) {
			return normalizeForward(cands[i].addr)
		}
	}
	return ""
}

// relayRefusals are phrases of a 551 that refuses to relay rather than
// naming a new address. They are phrases, not the bare word "relay", which
// host names such as relay.example.net contain.
var relayRefusals = []string{"relaying", "relay access", "relay not", "not permitted", "denied"}

type candidate struct {
	addr string
	pos  int // byte offset of the address in the text
}

// addressCandidates returns the addresses in text: every <local@domain> in
// angle brackets, or, when there is none, every bare local@domain token.
func addressCandidates(text string) []candidate {
	var out []candidate
	for i := 0; i < len(text); i++ {
		if text[i] != '<' {
			continue
		}
		j := strings.IndexByte(text[i+1:], '>')
		if j < 0 {
			break
		}
		a := text[i+1 : i+1+j]
		if strings.Count(a, "@") == 1 && !strings.ContainsAny(a, " \t<\"") {
			out = append(out, candidate{a, i + 1})
		}
		i += j
	}
	if len(out) > 0 {
		return out
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ':' || r == ';' || r == ',' || r == '(' || r == ')'
	}) {
		f = strings.TrimRight(f, ".")
		if strings.Count(f, "@") == 1 {
			out = append(out, candidate{f, strings.Index(text, f)})
		}
	}
	return out
}

func validForward(addr, rcpt string) bool {
	at := strings.IndexByte(addr, '@')
	if at <= 0 || at > 64 || len(addr)-at-1 > 255 {
		return false
	}
	domain := addr[at+1:]
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.HasPrefix(domain, ".") {
		return false
	}
	if strings.EqualFold(addr[:at], "postmaster") {
		return false
	}
	if rcpt != "" {
		rat := strings.LastIndexByte(rcpt, '@')
		if rat > 0 && addr[:at] == rcpt[:rat] && strings.EqualFold(domain, rcpt[rat+1:]) {
			return false
		}
		if strings.EqualFold(addr, rcpt) {
			return false
		}
	}
	return true
}

func normalizeForward(addr string) string {
	at := strings.IndexByte(addr, '@')
	return addr[:at+1] + strings.ToLower(addr[at+1:])
}
