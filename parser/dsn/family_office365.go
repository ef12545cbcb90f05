package dsn

import (
	"encoding/base64"
	"strings"

	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
)

// famOffice365: non-delivery reports of Microsoft 365 (Exchange Online) and
// Outlook.com (dsn.md 6.4). They are multipart/report messages from
// postmaster@<tenant domain>, postmaster@*.onmicrosoft.com or
// postmaster@outlook.com with Subject "Undeliverable: ..." (or a localised
// prefix), X-MS-Exchange-Message-Is-Ndr and Auto-Submitted: auto-replied; the
// text part lists "Delivery has failed to these recipients or groups:" and,
// under "Diagnostic information for administrators:", each recipient
// followed by "Remote Server returned '<reply>'". Some arrive without their
// delivery-status part, or as plain text: the text decoder reads those
// lines. Recognised like Sisimai does: two of the Microsoft cloud marks (the
// subject prefix, the NDR header, the Exchange Online anti-spam and
// cross-tenant headers, a Received or Message-ID of *.prod.outlook.com or
// *.protection.outlook.com, a From of *.onmicrosoft.com or outlook.com),
// one of which must be a cloud mark, so that on-premises Exchange is left
// to exchange2007.
var famOffice365 = family{
	name:   "office365",
	detect: office365Detect,
	text:   office365Text,
	fix:    office365Fix,
}

// office365Subjects are the Subject prefixes of Exchange NDRs, lower case,
// in the languages seen (dsn.md 5).
var office365Subjects = []string{
	"undeliverable:", "undeliverable ", "non remis", "non recapitabile", "olevererbart",
	"onbestelbaar", "unzustellbar", "no se puede entregar", "não é possível entregar",
}

// office365CloudHeaders are header fields Exchange Online adds to its NDRs
// (X-MS-Exchange-CrossTenant-OriginalArrivalTime, ...), spelt canonically.
var office365CloudHeaders = []string{
	"X-Ms-Exchange-Crosstenant-Originalarrivaltime", "X-Ms-Exchange-Crosstenant-Fromentityheader",
	"X-Ms-Exchange-Transport-Crosstenantheadersstamped", "X-Microsoft-Antispam-Prvs",
	"X-Exchange-Antispam-Report-Test", "X-Exchange-Antispam-Report-Cfa-Test",
	"X-Ms-Exchange-Crosstenant-Id", "X-Ms-Exchange-Organization-Expirationstarttime",
}

// office365HasSubject reports whether the subject starts with an Exchange
// NDR prefix.
func office365HasSubject(m *bounce) bool {
	s := strings.ToLower(m.subject)
	if strings.HasPrefix(s, "=?") {
		s = strings.ToLower(office365LenientWord(m.subject))
	}
	for _, p := range office365Subjects {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// office365LenientWord decodes the first B-encoded word of a subject that
// the header decoder left raw (Exchange writes words with "=" padding in
// the middle), for the ASCII prefix checks only.
func office365LenientWord(s string) string {
	parts := strings.SplitN(s, "?", 5)
	if len(parts) < 4 || !strings.EqualFold(parts[2], "b") {
		return s
	}
	enc := parts[3]
	if k := strings.IndexByte(enc, '='); k >= 0 {
		enc = enc[:k]
	}
	enc = enc[:len(enc)/4*4]
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return s
	}
	return string(b)
}

// office365CloudHost reports whether a host or message id belongs to
// Exchange Online.
func office365CloudHost(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, ".prod.outlook.com") || strings.Contains(s, ".protection.outlook.com") ||
		strings.Contains(s, ".prod.exchangelabs.com")
}

func office365Detect(m *bounce) bool {
	cloud := 0
	for _, h := range office365CloudHeaders {
		if m.header.Has(h) {
			cloud++
			break
		}
	}
	if office365CloudHost(m.header.Get("Message-Id")) {
		cloud++
	}
	for i, r := range m.header.Values("Received") {
		if i >= 4 {
			break
		}
		if office365CloudHost(r) {
			cloud++
			break
		}
	}
	if strings.HasSuffix(m.from, ".onmicrosoft.com") || m.from == "postmaster@outlook.com" {
		cloud++
	}
	if cloud == 0 {
		return false
	}
	marks := cloud
	if office365HasSubject(m) {
		marks++
	}
	if m.header.Has("X-Ms-Exchange-Message-Is-Ndr") {
		marks++
	}
	return marks >= 2
}

// office365Text reads an NDR without a delivery-status part.
func office365Text(m *bounce) []parser.Event {
	return office365Events(m.body)
}

// office365Fix fills in, from the text, the diagnostic of recipients whose
// report gives none.
func office365Fix(m *bounce, evs []parser.Event) []parser.Event {
	return office365FillText(m.body, evs)
}

// office365FillText completes events without a diagnostic from the
// diagnostics of the NDR text (by recipient, else the only one), then from
// the explanation under the recipient in the text.
func office365FillText(body string, evs []parser.Event) []parser.Event {
	var text []parser.Event
	read := false
	for i := range evs {
		if strings.TrimSpace(evs[i].Text) != "" {
			continue
		}
		if !read {
			text, read = office365Events(body), true
		}
		for _, t := range text {
			if strings.EqualFold(t.Recipient, evs[i].Recipient) || len(text) == 1 {
				evs[i].Text = t.Text
				if evs[i].RemoteMTA == "" {
					evs[i].RemoteMTA = t.RemoteMTA
				}
				break
			}
		}
	}
	return evs
}

// office365Original starts the returned original's header in the NDR text.
var office365Original = []string{
	"Original message headers:", "Original Message Headers", "En-têtes de message d'origine",
	"Intestazioni originali del messaggio", "Ursprüngliche Nachrichtenkopfzeilen",
}

// office365Events reads the recipients of an Exchange NDR text: each
// "Remote Server returned '...'" or "#550 5.1.1 ... ##" line under the
// administrators' section with the address line above it; failing that, the
// addresses listed under "Delivery has failed to these recipients" with the
// explanation that follows each.
func office365Events(body string) []parser.Event {
	text, _ := beforeAny(body, office365Original...)
	lines := strings.Split(text, "\n")
	var evs []parser.Event
	for i := 0; i < len(lines); i++ {
		diag, next := office365Diagnostic(lines, i)
		if diag == "" {
			continue
		}
		rcpt := ""
		for j, seen := i-1, 0; j >= 0 && seen < 4; j-- {
			l := strings.TrimSpace(lines[j])
			if l == "" {
				continue
			}
			seen++
			if a := office365AddressLine(l); a != "" {
				rcpt = a
				break
			}
		}
		if rcpt != "" {
			evs = append(evs, parser.Event{Recipient: rcpt, Status: parser.StatusBounced, Text: diag})
		}
		i = next
	}
	if len(evs) > 0 {
		return evs
	}
	return office365Listed(lines)
}

// office365Diagnostic returns the reply of the diagnostic line at lines[i]
// ("Remote Server returned '<reply>'" possibly continued over the next
// lines, or "#<reply> ##..."), and the index of its last line; "" when the
// line is not one.
func office365Diagnostic(lines []string, i int) (string, int) {
	l := strings.TrimSpace(lines[i])
	if strings.HasPrefix(l, "#") {
		l = strings.TrimLeft(l, "#")
		if smtpcode.FindReply(l) == 0 {
			return "", i
		}
		if k := strings.Index(l, "##"); k >= 0 {
			l = l[:k]
		}
		return strings.TrimSpace(l), i
	}
	if !hasPrefixFold(l, "Remote Server") {
		return "", i
	}
	k := strings.Index(l, "returned '")
	if k < 0 {
		return "", i
	}
	var b strings.Builder
	rest := l[k+len("returned '"):]
	end := i
	for {
		if j := strings.LastIndexByte(rest, '\''); j >= 0 && j == len(rest)-1 {
			b.WriteString(rest[:j])
			break
		}
		b.WriteString(rest)
		if end+1 >= len(lines) || end-i >= 10 || strings.TrimSpace(lines[end+1]) == "" {
			break
		}
		end++
		b.WriteByte(' ')
		rest = strings.TrimSpace(lines[end])
	}
	return strings.TrimSpace(b.String()), end
}

// office365AddressLine returns the address of a line that is only an
// address ("bob@example.net", "bob@example.net<mailto:bob@example.net>",
// "bob@example.net (bob@example.net)"), or "".
func office365AddressLine(l string) string {
	a := findAddress(l)
	if a == "" {
		return ""
	}
	rest := l
	if k := strings.Index(rest, "<mailto:"); k >= 0 {
		rest = rest[:k]
	}
	if k := strings.Index(rest, " ("); k >= 0 {
		rest = rest[:k]
	}
	rest = strings.Trim(strings.TrimSpace(rest), "<>")
	if !strings.EqualFold(rest, a) {
		return ""
	}
	return a
}

// office365Listed reads the "Delivery has failed to these recipients or
// groups:" list: address lines, each followed by a paragraph of explanation.
func office365Listed(lines []string) []parser.Event {
	var evs []parser.Event
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		a := office365AddressLine(l)
		if a == "" || !strings.Contains(l, "<mailto:") {
			continue
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(lines) && j-i <= 20; j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" || office365AddressLine(t) != "" {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
		evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced, Text: b.String()})
		i = j - 1
	}
	return evs
}
