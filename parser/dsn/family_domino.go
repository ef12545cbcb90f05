package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famDomino: bounces of IBM (Lotus, HCL) Domino. They come from
// Postmaster@<domain> with Subject "DELIVERY FAILURE: <reason>" (or
// "DELIVERY_FAILURE:"), usually as a multipart/report whose
// Diagnostic-Code is typed "X-Notes;" and may be cut short or left in
// ISO-2022-JP; the text part reads "Your message ... was not delivered to:
// <addresses> because: <reason>". The fix decodes the diagnostic and prefers
// the "because:" reason of the text (complete where the report cuts it); the text decoder reads that
// shape when there is no report. Recognised by the subject, or by the
// sentence with an "X-Notes;" report.
var famDomino = family{
	name:   "domino",
	detect: dominoDetect,
	text:   dominoText,
	fix:    dominoFix,
}

func dominoDetect(m *bounce) bool {
	s := strings.ToUpper(m.subject)
	if strings.HasPrefix(s, "DELIVERY FAILURE:") || strings.HasPrefix(s, "DELIVERY_FAILURE:") {
		return true
	}
	for _, r := range m.reports {
		if containsFold(string(r), "X-Notes;") {
			return true
		}
	}
	return false
}

// dominoParts splits the text into the addresses under "was not delivered
// to:" and the reason under "because:".
func dominoParts(body string) ([]string, string) {
	rest, ok := afterLine(body, "was not delivered to:")
	if !ok {
		return nil, ""
	}
	var rcpts []string
	var reason []string
	inReason := false
	for _, l := range strings.Split(rest, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case hasPrefixFold(t, "because:"):
			inReason = true
			if r := strings.TrimSpace(t[len("because:"):]); r != "" {
				reason = append(reason, r)
			}
		case inReason:
			if t == "" {
				if len(reason) > 0 {
					return rcpts, strings.Join(reason, " ")
				}
				continue
			}
			if len(reason) < 10 {
				reason = append(reason, t)
			}
		case t != "" && len(rcpts) < 100:
			if a := findAddress(t); a != "" {
				rcpts = append(rcpts, a)
			}
		}
	}
	return rcpts, strings.Join(reason, " ")
}

func dominoText(m *bounce) []parser.Event {
	rcpts, reason := dominoParts(m.body)
	evs := make([]parser.Event, 0, len(rcpts))
	for _, r := range rcpts {
		evs = append(evs, parser.Event{Recipient: r, Status: parser.StatusBounced, Text: reason})
	}
	return evs
}

func dominoFix(m *bounce, evs []parser.Event) []parser.Event {
	_, reason := dominoParts(m.body)
	for i := range evs {
		evs[i].Text = notesDecode(evs[i].Text)
		if reason != "" {
			evs[i].Text = reason
		}
	}
	return evs
}
