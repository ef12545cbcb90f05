package dsn

import (
	"regexp"
	"strings"
)

// famExchange2007: non-delivery reports of on-premises Microsoft Exchange
// Server 2007 and later (dsn.md 6.4). They are multipart/report messages
// from postmaster@<domain> with a localised Subject prefix ("Undeliverable:",
// "Non remis :", "Non recapitabile:", "Olevererbart:", ...), a
// Content-Language field and, from 2010 on, X-MS-Exchange-Message-Is-Ndr.
// Their text lists the recipients under "Diagnostic information for
// administrators:" with "Remote Server returned '<reply>'" or
// "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" lines, which the
// text decoder and fix read with Office 365's reader. Recognised by the
// NDR header, or by the subject prefix with a Content-Language field.
var famExchange2007 = family{
	name:   "exchange2007",
	detect: exchange2007Detect,
	text:   office365Text,
	fix:    office365Fix,
}

// exchange2007Language matches a Content-Language value ("en-US", "fr").
var exchange2007Language = regexp.MustCompile(`^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`)

func exchange2007Detect(m *bounce) bool {
	if m.header.Has("X-Ms-Exchange-Message-Is-Ndr") {
		return true
	}
	return office365HasSubject(m) && exchange2007Language.MatchString(strings.TrimSpace(m.header.Get("Content-Language")))
}
