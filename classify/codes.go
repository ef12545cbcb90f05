package classify

import (
	"strings"

	"bouncelens/parser/smtpcode"
)

// subjectDetail returns ".1.6" for "5.1.6".
func subjectDetail(code string) string { return code[1:] }

// preferTextCode lists the enhanced codes that lose against a code found in
// the text (Sisimai's status.Prefer, taxonomy 2.2-5): "4.4.7", "4.7.0",
// "5.3.x" and "X.5.1", "X.5.2", "X.5.4", "X.5.5".
func preferTextCode(code string) bool {
	switch {
	case code == "4.4.7", code == "4.7.0", strings.HasPrefix(code, "5.3."):
		return true
	}
	switch subjectDetail(code) {
	case ".5.1", ".5.2", ".5.4", ".5.5":
		return true
	}
	return false
}

// pickEnhanced chooses between the enhanced code given with the event and
// the one found in its text (taxonomy 2.2-5 and 2.3 step 1): X.0.0 counts as
// none; a code in the text wins over a generic given one, and over one whose
// class does not match the reply code's.
func pickEnhanced(given, inText string, reply int) string {
	if smtpcode.IsOther(given) {
		given = ""
	}
	if smtpcode.IsOther(inText) {
		inText = ""
	}
	switch {
	case given == "":
		return inText
	case inText == "" || inText == given:
		return given
	case preferTextCode(given):
		return inText
	case reply != 0:
		rc := byte('0' + reply/100)
		if given[0] != rc && inText[0] == rc {
			return inText
		}
	}
	return given
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// findEnhanced is smtpcode.FindEnhanced(text, class), found faster: a code
// has a '.' right after its first byte, so only the bytes before a '.' are
// looked at, in the same order.
func findEnhanced(text string, class byte) string {
	for off := 1; off < len(text); {
		j := strings.IndexByte(text[off:], '.')
		if j < 0 {
			return ""
		}
		i := off + j - 1 // the byte before the '.'
		if i+5 > len(text) {
			return "" // FindEnhanced looks no further either
		}
		if class == 0 || text[i] == class {
			if code := enhancedAt(text, i); code != "" {
				return code
			}
		}
		off += j + 1
	}
	return ""
}

// enhancedAt is smtpcode.EnhancedAt, with no work for the commonest code, a
// canonical "d.d.d" between non-word bytes that needs no normalising.
func enhancedAt(text string, i int) string {
	if i+5 <= len(text) && (text[i] == '2' || text[i] == '4' || text[i] == '5') && text[i+1] == '.' &&
		isDigit(text[i+2]) && text[i+3] == '.' && isDigit(text[i+4]) &&
		(i == 0 || !isWordByte(text[i-1]) && text[i-1] != '.') &&
		(i+5 == len(text) || !isWordByte(text[i+5]) && text[i+5] != '.') {
		return text[i : i+5]
	}
	return smtpcode.EnhancedAt(text, i)
}

// isWordByte is smtpcode's word byte: a letter, a digit or '_'.
func isWordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// normalizeCode is smtpcode.Normalize, with no work for a code that is
// already canonical with one-digit subject and detail ("2.0.0"), the
// commonest.
func normalizeCode(s string) (string, bool) {
	if len(s) == 5 && (s[0] == '2' || s[0] == '4' || s[0] == '5') && s[1] == '.' && isDigit(s[2]) && s[3] == '.' && isDigit(s[4]) {
		return s, true
	}
	return smtpcode.Normalize(s)
}
