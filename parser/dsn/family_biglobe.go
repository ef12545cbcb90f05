package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famBiglobe: BIGLOBE (biglobe.ne.jp). The bounce comes from
// postmaster@biglobe.ne.jp with a Sendmail-like Subject ("Returned mail:
// Service unavailable"), in ISO-2022-JP: a Japanese notice, then
// "----- The following addresses had delivery problems -----" with one
// address a line, and "----- Non-delivered information -----" with the
// reason in English ("The number of messages in recipient's mailbox
// exceeded the local limit."). Recognised by the From domain and the
// section heading.
var famBiglobe = family{
	name:   "biglobe",
	detect: biglobeDetect,
	text:   biglobeText,
}

func biglobeDetect(m *bounce) bool {
	return fromDomain(m, "biglobe.ne.jp") &&
		len(m.reports) == 0 && strings.Contains(m.body, "----- The following addresses had delivery problems -----")
}

func biglobeText(m *bounce) []parser.Event {
	rest, ok := afterLine(m.body, "----- The following addresses had delivery problems -----")
	if !ok {
		return nil
	}
	var evs []parser.Event
	var diag []string
	inInfo := false
	for _, line := range strings.Split(rest, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			if inInfo && len(diag) > 0 {
				goto done
			}
		case strings.HasPrefix(t, "-----"):
			if inInfo {
				goto done
			}
			inInfo = containsFold(t, "Non-delivered information")
		case inInfo:
			diag = append(diag, t)
		default:
			if a := findAddress(t); a != "" {
				evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
			}
		}
	}
done:
	text := strings.Join(diag, " ")
	for i := range evs {
		evs[i].Text = text
	}
	return evs
}
