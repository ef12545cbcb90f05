package dsn

import (
	"bytes"
	"strings"

	"bouncelens/parser"
)

// decodeARF reads a feedback-loop report (RFC 5965, dsn.md section 7.3):
// one complaint event per Original-Rcpt-To, else one for the returned
// original's To. The Feedback-Type ("abuse", "opt-out", "auth-failure",
// ...) goes to Event.Feedback; a report without one says "abuse", the type
// of the non-standard FBL reports that carry no field. A complaint whose
// recipient is redacted or missing keeps an empty Recipient: the report is
// still a complaint, and the caller decides what to do with it.
func decodeARF(m *bounce) []parser.Event {
	var evs []parser.Event
	for _, body := range m.feedback {
		f := feedbackFields(body)
		typ := strings.ToLower(token(f["feedback-type"]))
		if typ == "" {
			typ = "abuse"
		}
		ev := parser.Event{
			Status:    parser.StatusComplained,
			Feedback:  typ,
			Sender:    address(f["original-mail-from"]),
			RemoteMTA: mtaName(f["reporting-mta"]),
			Time:      parseDate(f["arrival-date"]),
			Text:      strings.TrimSpace(f["feedback-type"] + " " + f["user-agent"]),
		}
		if ip := token(f["source-ip"]); ip != "" {
			ev.Text += " from " + ip
		}
		rcpts := f.all("original-rcpt-to")
		if len(rcpts) == 0 {
			rcpts = []string{""}
		}
		for _, r := range rcpts {
			ev.Recipient = address(r)
			if !strings.Contains(ev.Recipient, "@") {
				ev.Recipient = ""
			}
			evs = append(evs, ev)
		}
	}
	if len(evs) == 0 { // report-type=feedback-report without the part
		evs = append(evs, parser.Event{Status: parser.StatusComplained, Feedback: "abuse"})
	}
	if orig := originalOf(m.orig); orig.to != "" {
		for i := range evs {
			if evs[i].Recipient == "" && strings.Contains(orig.to, "@") {
				evs[i].Recipient = orig.to
			}
		}
	}
	return evs
}

// arfFields are the fields of a feedback-report part, names lower-cased;
// repeated fields are joined with "\n".
type arfFields map[string]string

func (f arfFields) all(name string) []string {
	if f[name] == "" {
		return nil
	}
	return strings.Split(f[name], "\n")
}

// feedbackFields reads "Name: value" lines, with folded continuations.
func feedbackFields(body []byte) arfFields {
	f := arfFields{}
	var last string
	for _, line := range bytes.Split(body, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			f[last] += " " + string(bytes.TrimSpace(line))
			continue
		}
		name, value, ok := splitField(line)
		if !ok {
			continue
		}
		if old, dup := f[name]; dup {
			f[name] = old + "\n" + string(value)
		} else {
			f[name] = string(value)
		}
		last = name
	}
	return f
}
