package dsn

import (
	"bytes"
	"strings"
)

// famReceivingSES: bounces written by Amazon SES's inbound service (SES
// email receiving) for a domain whose mail it receives: an RFC 3464 report
// from postmaster@<the receiving domain>, Subject "Delivery Status
// Notification (Failure)", an X-SES-Outgoing header, and Reporting-MTA
// "dns; inbound-smtp.<region>.amazonaws.com". The report is read as usual.
// Recognised by the X-SES-Outgoing header and that Reporting-MTA.
var famReceivingSES = family{
	name:   "receivingses",
	detect: receivingsesDetect,
}

func receivingsesDetect(m *bounce) bool {
	if !m.header.Has("X-Ses-Outgoing") || len(m.reports) == 0 {
		return false
	}
	r := m.reports[0]
	if len(r) > 4096 {
		r = r[:4096]
	}
	r = bytes.ToLower(r)
	i := bytes.Index(r, []byte("reporting-mta:"))
	if i < 0 {
		return false
	}
	line := r[i:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return bytes.Contains(line, []byte("inbound-smtp.")) && strings.Contains(string(line), "amazonaws.com")
}
