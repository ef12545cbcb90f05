package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famFML: error notices of the fml mailing-list manager, sent to the
// list's admin address: header X-MLServer "fml [fml 4.0 ...]", a Subject
// such as "Loop Alert: ...", a plain-text explanation ("Duplicated
// Message-ID in <list@domain>.", "You are not a member of ...") then
// "Original mail as follows:" and the rejected message indented. The event
// is for the address the explanation names (the list), with the
// explanation as diagnostic.
var famFML = family{name: "fml", detect: fmlDetect, text: fmlText}

func fmlDetect(m *bounce) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(m.header.Get("X-Mlserver"))), "fml")
}

func fmlText(m *bounce) []parser.Event {
	text, _ := beforeAny(m.body, "Original mail as follows:", "Original mail header as follows:")
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	rcpt := findAddress(text)
	if rcpt == "" {
		rcpt = address(m.header.Get("To"))
	}
	if rcpt == "" {
		return nil
	}
	return []parser.Event{{Recipient: rcpt, Status: parser.StatusBounced, Text: text}}
}
