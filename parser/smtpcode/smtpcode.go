package smtpcode

import "strings"

// Normalize returns an enhanced status code in canonical form ("5.1.1",
// "X.1.6"; leading zeros dropped) and false if s is not one. The class may
// be 2, 4, 5 or X; subject and detail have one to three digits.
func Normalize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 5 || len(s) > 9 || s[1] != '.' {
		return "", false
	}
	c := s[0]
	switch c {
	case '2', '4', '5', 'X':
	case 'x':
		c = 'X'
	default:
		return "", false
	}
	subj, rest, ok := strings.Cut(s[2:], ".")
	if !ok || !isNumber(subj) || !isNumber(rest) {
		return "", false
	}
	subj, rest = trimZeros(subj), trimZeros(rest)
	if len(s) == 2+len(subj)+1+len(rest) && c == s[0] {
		return s, true // already canonical: no allocation
	}
	return string(c) + "." + subj + "." + rest, true
}

// IsOther reports whether a canonical enhanced code is X.0.0 ("other or
// undefined"), which says only the class: Postfix synthesizes it from a bare
// reply code, so it counts as no specific code (taxonomy.md 2.1).
func IsOther(code string) bool { return len(code) == 5 && code[1:] == ".0.0" }

func isNumber(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// FindEnhanced returns the first enhanced status code in text (class 2, 4
// or 5), canonical, or "". When class is not 0 only that class counts. A
// number inside an IP address or a version ("10.5.1.1", "v2.1.5") is skipped.
func FindEnhanced(text string, class byte) string {
	for i := 0; i+5 <= len(text); i++ {
		if class != 0 && text[i] != class {
			continue
		}
		if code := EnhancedAt(text, i); code != "" {
			return code
		}
	}
	return ""
}

// EnhancedAt returns the enhanced status code that starts at text[i], or "".
func EnhancedAt(text string, i int) string {
	if i+5 > len(text) {
		return ""
	}
	c := text[i]
	if c != '2' && c != '4' && c != '5' || text[i+1] != '.' {
		return ""
	}
	if i > 0 && (isWordByte(text[i-1]) || text[i-1] == '.') {
		return ""
	}
	j := i + 2
	n := digits(text, j)
	if n == 0 || n > 3 || j+n >= len(text) || text[j+n] != '.' {
		return ""
	}
	j += n + 1
	m := digits(text, j)
	if m == 0 || m > 3 {
		return ""
	}
	j += m
	if j < len(text) && (isWordByte(text[j]) || text[j] == '.' && j+1 < len(text) && isDigit(text[j+1])) {
		return ""
	}
	code, _ := Normalize(text[i:j])
	return code
}

// FindReply returns the SMTP reply code that text starts with ("550 ...",
// "550-..."), possibly after a "host x said:" or "smtp;" prefix, or the first
// one followed by an enhanced code of its class ("... 550 5.1.1 ..."); 0 if
// none. Other numbers ("try again in 300 seconds") are not codes.
func FindReply(text string) int {
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' || !isDigit(text[i+1]) || !isDigit(text[i+2]) {
			continue
		}
		if i > 0 && (isWordByte(text[i-1]) || text[i-1] == '.' || text[i-1] == '-') {
			continue
		}
		end := i + 3
		if end < len(text) && text[end] != ' ' && text[end] != '-' {
			continue
		}
		before := strings.TrimRight(text[:i], " ")
		if before == "" || hasSuffixFold(before, "said:") || hasSuffixFold(before, "smtp;") ||
			end < len(text) && text[end] == '-' ||
			end+1 < len(text) && text[end+1] == c && EnhancedAt(text, end+1) != "" {
			return int(c-'0')*100 + int(text[i+1]-'0')*10 + int(text[i+2]-'0')
		}
	}
	return 0
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII case of s.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func digits(s string, i int) int {
	n := 0
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// Parse reads the codes at the start of s, as typed on the command line
// or copied from a log: "551", "5.1.6", "551 5.1.6", "551-5.1.6 User not
// local; please try <x@y.org>". It returns the reply code (0 if none), the
// enhanced code in canonical form ("" if none; "X.1.6" is kept as X) and
// the rest of s with surrounding space removed.
func Parse(s string) (code int, enhanced string, rest string) {
	rest = strings.TrimSpace(s)
	if len(rest) >= 3 && isDigit(rest[0]) && isDigit(rest[1]) && isDigit(rest[2]) &&
		(len(rest) == 3 || rest[3] == ' ' || rest[3] == '-' || rest[3] == '\t') {
		if rest[0] >= '2' && rest[0] <= '5' {
			code = int(rest[0]-'0')*100 + int(rest[1]-'0')*10 + int(rest[2]-'0')
			rest = strings.TrimLeft(rest[3:], " \t-")
		}
	}
	if code != 0 || len(rest) > 0 && (rest[0] == '2' || rest[0] == '4' || rest[0] == '5' || rest[0] == 'X' || rest[0] == 'x') {
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		if e, ok := Normalize(rest[:end]); ok {
			enhanced = e
			rest = strings.TrimSpace(rest[end:])
		}
	}
	return code, enhanced, rest
}
