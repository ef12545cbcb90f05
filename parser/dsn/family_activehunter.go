package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famActiveHunter: bounces of Active!hunter, a Japanese mail filter. They
// come from MAILER-DAEMON with Subject "FAILURE NOTICE :<subject>", an
// X-AHMAILID field and a MIME boundary containing "Active!Hunter"; the text
// imitates Sendmail: "----- The following addresses had permanent fatal
// errors -----", ">>> bob@example.net <bob@example.net>", "----- Transcript
// of session follows -----" and the remote reply. Recognised by the
// X-AHMAILID field or the boundary.
var famActiveHunter = family{
	name:   "activehunter",
	detect: activehunterDetect,
	text:   activehunterText,
}

func activehunterDetect(m *bounce) bool {
	return m.header.Has("X-Ahmailid") || strings.Contains(m.header.Get("Content-Type"), "Active!Hunter")
}

func activehunterText(m *bounce) []parser.Event {
	var rcpts []string
	diag := ""
	if list, ok := afterLine(m.body, "The following addresses had permanent fatal errors"); ok {
		for _, l := range strings.Split(list, "\n") {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "-----") {
				break
			}
			if a := findAddress(t); a != "" && len(rcpts) < 100 {
				rcpts = append(rcpts, a)
			}
		}
	}
	if tr, ok := afterLine(m.body, "Transcript of session follows"); ok {
		diag = genericDiagnostic(tr)
	}
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Text: diag})
	}
	return evs
}
