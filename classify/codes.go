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
