package dsn

import (
	"html"
	"strings"
)

// Text helpers shared by the family decoders. All work on decoded UTF-8
// text and run in time linear in its length.

// beforeAny returns s up to the first line that starts with one of the
// markers (after leading white space, case-insensitively), and true; or s
// whole and false when no line does. Decoders use it to cut the returned
// original off a bounce's text.
func beforeAny(s string, markers ...string) (string, bool) {
	for off := 0; off < len(s); {
		end := strings.IndexByte(s[off:], '\n')
		if end < 0 {
			end = len(s) - off
		}
		line := strings.TrimLeft(s[off:off+end], " \t>")
		for _, mk := range markers {
			if len(line) >= len(mk) && strings.EqualFold(line[:len(mk)], mk) {
				return s[:off], true
			}
		}
		off += end + 1
	}
	return s, false
}

// afterLine returns the text after the first line containing marker
// (case-insensitively), and true; or "" and false.
func afterLine(s, marker string) (string, bool) {
	i := indexFold(s, marker)
	if i < 0 {
		return "", false
	}
	rest := s[i:]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		return rest[j+1:], true
	}
	return "", true
}

// indexFold is strings.Index, ignoring ASCII case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	first := lowerByte(sub[0])
	for i := 0; i+n <= len(s); i++ {
		if lowerByte(s[i]) == first && strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

// containsFold reports whether sub is in s, ignoring ASCII case.
func containsFold(s, sub string) bool { return indexFold(s, sub) >= 0 }

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// findAddress returns the first e-mail address in s ("<a@b>", "a@b",
// "mailto:a@b"), without brackets or scheme, or "". An address needs a local part, an
// '@' and a domain with a dot.
func findAddress(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		start := i
		for start > 0 && isAddrByte(s[start-1]) {
			start--
		}
		end := i + 1
		for end < len(s) && (isAddrByte(s[end]) && s[end] != '@') {
			end++
		}
		local, domain := s[start:i], strings.TrimRight(s[i+1:end], ".-")
		local = strings.TrimLeft(local, ".")
		if local != "" && strings.Contains(domain, ".") {
			return local + "@" + domain
		}
	}
	return ""
}

// isAddrByte reports whether c may appear in a bare e-mail address as
// bounces print them.
func isAddrByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c >= 0x80: // UTF-8 addresses (RFC 6531)
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0
}

// htmlText returns the text of an HTML document: tags removed, line breaks
// at block ends, entities decoded, script and style content dropped.
func htmlText(s string) string {
	var b strings.Builder
	b.Grow(len(s) / 2)
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(html.UnescapeString(s))
			break
		}
		b.WriteString(html.UnescapeString(s[:i]))
		s = s[i:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(strings.TrimLeft(s[1:j], "/"))
		if k := strings.IndexAny(tag, " \t\r\n/"); k >= 0 {
			tag = tag[:k]
		}
		s = s[j+1:]
		switch tag {
		case "script", "style", "head", "title":
			if k := indexFold(s, "</"+tag); k >= 0 {
				s = s[k:]
			}
		case "br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "pre", "blockquote":
			b.WriteByte('\n')
		case "td", "th":
			b.WriteByte(' ')
		}
	}
	return b.String()
}
