package parser

// ReplyCode returns the first SMTP reply code in text: three digits starting
// with 2, 4 or 5, at the start or after a non-alphanumeric byte, followed by
// a space, '-', or the end. It returns 0 when there is none.
func ReplyCode(text string) int {
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if i > 0 && isWordByte(text[i-1]) {
			continue
		}
		if !isDigit(text[i+1]) || !isDigit(text[i+2]) {
			continue
		}
		if i+3 < len(text) && text[i+3] != ' ' && text[i+3] != '-' {
			continue
		}
		return int(c-'0')*100 + int(text[i+1]-'0')*10 + int(text[i+2]-'0')
	}
	return 0
}

// EnhancedCode returns the first enhanced status code (class.subject.detail,
// class 2, 4 or 5, one to three digits each) in text, or "". When class is
// '2', '4' or '5', only a code of that class counts. A number that is part of
// an IP address or version ("10.5.1.1", "v2.1.5") is not a code.
func EnhancedCode(text string, class byte) string {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' {
			continue
		}
		if class != 0 && c != class {
			continue
		}
		if i > 0 && (isWordByte(text[i-1]) || text[i-1] == '.') {
			continue
		}
		j := i + 1
		if j >= len(text) || text[j] != '.' {
			continue
		}
		j++
		n := digits(text, j)
		if n == 0 || n > 3 {
			continue
		}
		j += n
		if j >= len(text) || text[j] != '.' {
			continue
		}
		j++
		m := digits(text, j)
		if m == 0 || m > 3 {
			continue
		}
		j += m
		if j < len(text) && (isWordByte(text[j]) || (text[j] == '.' && j+1 < len(text) && isDigit(text[j+1]))) {
			continue
		}
		return text[i:j]
	}
	return ""
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
