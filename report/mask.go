package report

import "strings"

// maxMasked caps a masked text, in bytes, so that one odd line cannot
// make a report row (or the group table behind it) large.
const maxMasked = 240

// Mask returns text with what varies between repeats of the same problem
// replaced, so that repeats group into one report row:
//
//   - an e-mail address (a word with '@') becomes "ADDR";
//   - an IPv4 or IPv6 address becomes "IP" ("[IPv6:2001:db8::1]" too);
//   - a 3-digit reply code (2xx, 4xx, 5xx, also as "421-" in a multi-line
//     reply) and an enhanced status code (5.1.1) are kept, since they say
//     what happened;
//   - in any other word, each run of letters and digits that has a digit
//     becomes "N" (numbers, ports, queue ids, tracking ids): "mx1.example.org"
//     becomes "N.example.org", "99.5%" becomes "N.N%".
//
// Words are separated by white space and by []()<>{},;="'/?&|. Runs of
// white space become one space, and the result is cut at 240 bytes
// (ending in "..."). Mask never fails: any input gives some output.
func Mask(text string) string {
	var b strings.Builder
	b.Grow(min(len(text), maxMasked+3))
	space := false
	for i := 0; i < len(text); {
		c := text[i]
		if isSpace(c) {
			space = b.Len() > 0
			i++
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if isDelim(c) {
			b.WriteByte(c)
			i++
		} else {
			j := i
			for j < len(text) && !isSpace(text[j]) && !isDelim(text[j]) {
				j++
			}
			maskWord(&b, text[i:j])
			i = j
		}
		if b.Len() > maxMasked {
			return cut(b.String())
		}
	}
	return b.String()
}

// cut shortens s to maxMasked bytes at a UTF-8 boundary and adds "...".
func cut(s string) string {
	n := maxMasked
	for n > 0 && s[n]&0xC0 == 0x80 { // do not split a multi-byte rune
		n--
	}
	return s[:n] + "..."
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDelim(c byte) bool {
	switch c {
	case '[', ']', '(', ')', '<', '>', '{', '}', ',', ';', '=', '"', '\'', '/', '?', '&', '|':
		return true
	}
	return false
}

// maskWord writes word masked. Leading and trailing ':' and '.' are
// punctuation ("said:", "later.", ":25"), kept around the masked core.
func maskWord(b *strings.Builder, word string) {
	lo, hi := 0, len(word)
	for lo < hi && (word[lo] == ':' || word[lo] == '.') {
		lo++
	}
	for hi > lo && (word[hi-1] == ':' || word[hi-1] == '.') {
		hi--
	}
	b.WriteString(word[:lo])
	core := word[lo:hi]
	if len(core) > 4 && core[3] == '-' && isReplyCode(core[:3]) { // a multi-line reply: "421-4.7.0"
		b.WriteString(core[:4])
		core = core[4:]
	}
	switch {
	case core == "":
	case strings.IndexByte(core, '@') >= 0:
		b.WriteString("ADDR")
	case !hasDigit(core):
		b.WriteString(core)
	case isIPv4(core) || isIPv6(core):
		b.WriteString("IP")
	case isReplyCode(core) || isEnhancedCode(core):
		b.WriteString(core)
	case len(core) > 5 && strings.EqualFold(core[:5], "ipv6:") && isIPv6(core[5:]):
		b.WriteString("IP")
	default:
		// Mask each run of letters and digits that has a digit.
		for core != "" {
			n := 0
			for n < len(core) && isAlnum(core[n]) {
				n++
			}
			if n == 0 {
				b.WriteByte(core[0])
				core = core[1:]
				continue
			}
			if hasDigit(core[:n]) {
				b.WriteByte('N')
			} else {
				b.WriteString(core[:n])
			}
			core = core[n:]
		}
	}
	b.WriteString(word[hi:])
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isReplyCode reports whether s is a reply code of a class that reports
// an outcome: 2xx, 4xx or 5xx.
func isReplyCode(s string) bool {
	return len(s) == 3 && isDigits(s) && (s[0] == '2' || s[0] == '4' || s[0] == '5')
}

// isEnhancedCode reports whether s is class.subject.detail with class 2, 4
// or 5 and one to three digits in the others (RFC 3463).
func isEnhancedCode(s string) bool {
	if len(s) < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' {
		return false
	}
	subject, detail, ok := strings.Cut(s[2:], ".")
	return ok && len(subject) <= 3 && len(detail) <= 3 && isDigits(subject) && isDigits(detail)
}

func isIPv4(s string) bool {
	parts := 0
	for s != "" {
		p, rest, _ := strings.Cut(s, ".")
		if len(p) > 3 || !isDigits(p) {
			return false
		}
		parts++
		if rest == "" && strings.HasSuffix(s, ".") {
			return false
		}
		s = rest
	}
	return parts == 4
}

// isIPv6 reports whether s looks like an IPv6 address: hex digits and at
// least two colons (a dotted IPv4 tail allowed), nothing else.
func isIPv6(s string) bool {
	colons := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			colons++
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == '.':
		default:
			return false
		}
	}
	return colons >= 2
}
