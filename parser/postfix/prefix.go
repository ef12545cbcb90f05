package postfix

import (
	"bytes"
	"time"
)

// stamp is a parsed time stamp. The time.Time is built only for lines that
// produce an event.
type stamp struct {
	year, month, day     int
	hour, min, sec, nsec int
	offset               int  // seconds east of UTC, when zoned
	zoned                bool // the stamp had an offset (RFC 3339, RFC 5424)
}

// time returns the stamp as a UTC time; loc is the zone of unzoned stamps.
func (s *stamp) time(loc *time.Location) time.Time {
	if s.zoned {
		t := time.Date(s.year, time.Month(s.month), s.day, s.hour, s.min, s.sec, s.nsec, time.UTC)
		return t.Add(-time.Duration(s.offset) * time.Second)
	}
	return time.Date(s.year, time.Month(s.month), s.day, s.hour, s.min, s.sec, s.nsec, loc).UTC()
}

// header is what precedes the payload: time, tag and the payload itself.
type header struct {
	ts      stamp
	name    []byte // the tag's program name, e.g. "postfix/submission/smtpd"
	payload []byte
}

// splitLine parses the prefix and tag of line. It reports false when the
// line has no recognisable time stamp or tag. Classic stamps get their year
// from r.
func (r *Reader) splitLine(line []byte, h *header) bool {
	if len(line) == 0 {
		return false
	}
	var rest []byte
	switch c := line[0]; {
	case c == '<':
		return parse5424(line, h)
	case isDigit(c):
		n := parseISO(line, &h.ts)
		if n == 0 || n >= len(line) || line[n] != ' ' {
			return false
		}
		rest = line[n+1:]
		// QUIRK: a container runtime ("docker logs -t") puts its own RFC 3339
		// stamp in front of the log's. The outer one has the year: keep it.
		var inner stamp
		if m := parseClassic(rest, &inner); m > 0 && m < len(rest) && rest[m] == ' ' {
			rest = rest[m+1:]
		} else if m := parseISO(rest, &inner); m > 0 && m < len(rest) && rest[m] == ' ' {
			rest = rest[m+1:]
		}
	case c >= 'A' && c <= 'Z':
		n := parseClassic(line, &h.ts)
		if n == 0 || n >= len(line) || line[n] != ' ' {
			return false
		}
		r.setYear(&h.ts)
		rest = line[n+1:]
	default:
		return false
	}
	return splitHostTag(rest, h)
}

// splitHostTag reads "HOST TAG: PAYLOAD" or "TAG: PAYLOAD" (Postfix's
// maillog_file without a host name).
func splitHostTag(rest []byte, h *header) bool {
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return false
	}
	if rest[sp-1] != ':' { // a host name, the tag follows
		rest = rest[sp+1:]
		if sp = bytes.IndexByte(rest, ' '); sp <= 0 {
			// A tag at the end of the line has no payload.
			return false
		}
		if rest[sp-1] != ':' {
			return false
		}
	}
	tag := rest[:sp-1]
	if i := bytes.IndexByte(tag, '['); i >= 0 {
		if tag[len(tag)-1] != ']' {
			return false
		}
		tag = tag[:i]
	}
	h.name = tag
	h.payload = stripSolarisID(rest[sp+1:])
	return true
}

// stripSolarisID removes the "[ID 197553 mail.info] " Solaris syslogd puts
// after the tag.
func stripSolarisID(p []byte) []byte {
	if bytes.HasPrefix(p, []byte("[ID ")) {
		if i := bytes.Index(p, []byte("] ")); i > 0 {
			return p[i+2:]
		}
	}
	return p
}

// setYear gives a classic stamp its year (see Options.Year). The month
// moves forward (by up to six months) or back; a forward move that wraps
// (Dec -> Jan) starts the next year, a move back is a line written out of
// order and changes nothing but its own year.
func (r *Reader) setYear(s *stamp) {
	m := time.Month(s.month)
	if r.year == 0 {
		r.year = r.optYear
		if r.year == 0 {
			now := r.now()
			r.year = now.Year()
			if m > now.Month() {
				r.year--
			}
		}
		r.lastMonth = m
	}
	s.year = r.year
	switch delta := (m - r.lastMonth + 12) % 12; {
	case delta == 0:
	case delta <= 6: // forward
		if m < r.lastMonth {
			r.year++
			s.year = r.year
		}
		r.lastMonth = m
	default: // back: an older line
		if m > r.lastMonth {
			s.year = r.year - 1
		}
	}
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseClassic parses "Mmm dd hh:mm:ss[.ffffff]" (day space- or
// zero-padded, or one digit after one space) and returns its length, or 0.
func parseClassic(b []byte, s *stamp) int {
	if len(b) < 14 || b[3] != ' ' {
		return 0
	}
	mon := 0
	for i, name := range months {
		if b[0] == name[0] && b[1] == name[1] && b[2] == name[2] {
			mon = i + 1
			break
		}
	}
	if mon == 0 {
		return 0
	}
	i := 4
	if b[i] == ' ' {
		i++
	}
	day, n := atoi(b, i, 2)
	if n == 0 || day < 1 || day > 31 {
		return 0
	}
	i += n
	if i >= len(b) || b[i] != ' ' {
		return 0
	}
	i++
	j := parseClock(b, i, s)
	if j == 0 {
		return 0
	}
	s.month, s.day, s.zoned, s.offset = mon, day, false, 0
	return j
}

// parseClock parses "hh:mm:ss[.f...]" at b[i:] into s and returns the index
// after it, or 0.
func parseClock(b []byte, i int, s *stamp) int {
	if len(b) < i+8 || b[i+2] != ':' || b[i+5] != ':' {
		return 0
	}
	h, n1 := atoi(b, i, 2)
	m, n2 := atoi(b, i+3, 2)
	sec, n3 := atoi(b, i+6, 2)
	if n1 != 2 || n2 != 2 || n3 != 2 || h > 23 || m > 59 || sec > 60 {
		return 0
	}
	i += 8
	ns := 0
	if i < len(b) && b[i] == '.' {
		i++
		digits := 0
		for i < len(b) && isDigit(b[i]) {
			if digits < 9 {
				ns = ns*10 + int(b[i]-'0')
				digits++
			}
			i++
		}
		if digits == 0 {
			return 0
		}
		for ; digits < 9; digits++ {
			ns *= 10
		}
	}
	s.hour, s.min, s.sec, s.nsec = h, m, sec, ns
	return i
}

// parseISO parses an RFC 3339 / ISO 8601 stamp
// "YYYY-MM-DDThh:mm:ss[.f...](Z|+hh:mm|+hhmm)" and returns its length, or 0.
func parseISO(b []byte, s *stamp) int {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') {
		return 0
	}
	y, n1 := atoi(b, 0, 4)
	mo, n2 := atoi(b, 5, 2)
	d, n3 := atoi(b, 8, 2)
	if n1 != 4 || n2 != 2 || n3 != 2 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0
	}
	i := parseClock(b, 11, s)
	if i == 0 || i >= len(b) {
		return 0
	}
	off := 0
	switch b[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		sign := 1
		if b[i] == '-' {
			sign = -1
		}
		i++
		hh, n := atoi(b, i, 2)
		if n != 2 {
			return 0
		}
		i += 2
		if i < len(b) && b[i] == ':' {
			i++
		}
		mm, n := atoi(b, i, 2)
		if n != 2 || hh > 23 || mm > 59 {
			return 0
		}
		i += 2
		off = sign * (hh*3600 + mm*60)
	default:
		return 0
	}
	s.year, s.month, s.day, s.offset, s.zoned = y, mo, d, off, true
	return i
}

// parse5424 parses
// "<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA MSG".
func parse5424(line []byte, h *header) bool {
	i := bytes.IndexByte(line, '>')
	if i < 2 || i > 4 || len(line) < i+3 || line[i+1] != '1' || line[i+2] != ' ' {
		return false
	}
	rest := line[i+3:]
	n := parseISO(rest, &h.ts)
	if n == 0 || n >= len(rest) || rest[n] != ' ' {
		return false
	}
	rest = rest[n+1:]
	var f [4][]byte // host, app, procid, msgid
	for k := range f {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return false
		}
		f[k], rest = rest[:sp], rest[sp+1:]
	}
	// Structured data: "-" or one or more [id k="v" ...] blocks.
	if len(rest) > 0 && rest[0] == '-' {
		rest = rest[1:]
	} else {
		for len(rest) > 0 && rest[0] == '[' {
			j := 1
			for j < len(rest) && rest[j] != ']' {
				if rest[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rest) {
				return false
			}
			rest = rest[j+1:]
		}
	}
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	rest = bytes.TrimPrefix(rest, []byte("\xef\xbb\xbf"))
	h.name = f[1]
	h.payload = rest
	return true
}

// atoi reads up to max digits at b[i:] and returns the value and the number
// of digits read.
func atoi(b []byte, i, max int) (int, int) {
	v, n := 0, 0
	for n < max && i+n < len(b) && isDigit(b[i+n]) {
		v = v*10 + int(b[i+n]-'0')
		n++
	}
	return v, n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
