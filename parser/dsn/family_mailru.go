package dsn

import (
	"strings"

	"bouncelens/parser"
)

// famMailRu: Mail.Ru, whose outgoing servers run Exim. The bounce comes
// from mailer-daemon@corp.mail.ru (or another mail.ru host), its Subject
// ends in ". Mail failure." after a Russian sentence, X-Failed-Recipients
// names the recipients, and the plain-text body has a Russian notice ("Это
// письмо создано автоматически сервером Mail.Ru ...") followed by Exim's
// own text with the same recipients: "The following address(es) failed:",
// each address on a line indented by two spaces, its error on the lines
// below ("SMTP error from remote mail server after RCPT TO:<...>:", "host
// mx.example.net [192.0.2.1]: 550 5.1.1 ..."), up to "------ This is a copy
// of the message". Recognised by the From domain.
var famMailRu = family{
	name:   "mailru",
	detect: mailruDetect,
	text:   mailruText,
}

func mailruDetect(m *bounce) bool {
	local, domain, _ := strings.Cut(m.from, "@")
	return (local == "mailer-daemon" || local == "postmaster") &&
		(domain == "mail.ru" || strings.HasSuffix(domain, ".mail.ru"))
}

// mailruText reads Exim's part of the text; without it, the addresses of
// X-Failed-Recipients with the text after each address in the notice.
func mailruText(m *bounce) []parser.Event {
	if evs := gmxBlocks(m.body); len(evs) > 0 {
		return evs
	}
	var evs []parser.Event
	for _, r := range strings.Split(m.header.Get("X-Failed-Recipients"), ",") {
		if a := findAddress(r); a != "" {
			evs = append(evs, parser.Event{Recipient: a, Status: parser.StatusBounced})
		}
	}
	return evs
}
