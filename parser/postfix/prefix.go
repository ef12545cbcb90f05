package postfix

import (
	"bytes"
	"encoding/binary"
	"math/bits"
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
// Zoned stamps and UTC ones are computed without time.Date's zone lookup.
func (s *stamp) time(loc *time.Location) time.Time {
	if s.zoned || loc == time.UTC {
		return time.Unix(s.unix(), int64(s.nsec)).UTC()
	}
	return time.Date(s.year, time.Month(s.month), s.day, s.hour, s.min, s.sec, s.nsec, loc).UTC()
}

// unix returns the stamp in seconds since 1970 UTC; an unzoned stamp is
// read as UTC (the log clock of the queue table needs no zone). Fields out
// of range (Feb 31, second 60) carry over as time.Date does.
func (s *stamp) unix() int64 {
	days := daysFromCivil(s.year, s.month, s.day)
	return days*86400 + int64(s.hour*3600+s.min*60+s.sec-s.offset)
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (H. Hinnant's algorithm); m is 1 to 12, d
// may exceed the month's length and counts on.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400 // [0, 399]
	mp := m - 3        // March is 0
	if mp < 0 {
		mp += 12
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// wordCacheLen bounds the words a wordCache keeps.
const wordCacheLen = 32

// wordCache keeps a word that starts a line (the time stamp) or follows
// the stamp (the host name), so that the next line, which mostly has the
// same, compares it instead of parsing it again.
type wordCache struct {
	n int // length of the word in b; 0 when none is kept
	b [wordCacheLen]byte
}

// match returns the length of the kept word when b starts with it and a
// space follows it, else 0.
func (c *wordCache) match(b []byte) int {
	n := c.n
	if n == 0 || len(b) <= n || b[n] != ' ' {
		return 0
	}
	if n >= 8 && n <= 16 {
		// Two loads a side, overlapping: no call.
		if binary.LittleEndian.Uint64(b) != binary.LittleEndian.Uint64(c.b[:]) ||
			binary.LittleEndian.Uint64(b[n-8:]) != binary.LittleEndian.Uint64(c.b[n-8:]) {
			return 0
		}
		return n
	}
	if string(b[:n]) != string(c.b[:n]) {
		return 0
	}
	return n
}

// keep remembers the word w (forgets it when w is too long).
func (c *wordCache) keep(w []byte) {
	if len(w) > wordCacheLen {
		c.n = 0
		return
	}
	c.n = copy(c.b[:], w)
}

// stampCache keeps the time stamp that started the last line, or the head
// of one (Reader.isoHead), with its parse: most lines share their second,
// or at least their minute, with the line before. Both stamp parsers are
// functions of the bytes they read, which end before the space after the
// stamp, so that equal bytes give an equal stamp. (A classic stamp never
// matches an ISO line: their first bytes differ.)
type stampCache struct {
	wordCache
	ts stamp // as parseClassic or parseISO left it (classic: before setYear)
}

// keep remembers the stamp line[:n], parsed as ts.
func (c *stampCache) keep(line []byte, n int, ts *stamp) {
	c.wordCache.keep(line[:n])
	c.ts = *ts
}

// splitLine parses the prefix and tag of line: the time stamp into ts,
// and it returns the tag's program name (e.g. "postfix/submission/smtpd")
// and the payload. It reports false when the line has no recognisable time
// stamp or tag (ts may then be changed). Classic stamps get their year
// from r.
func (r *Reader) splitLine(line []byte, ts *stamp) (name, payload []byte, ok bool) {
	if len(line) == 0 {
		return nil, nil, false
	}
	var rest []byte
	switch c := line[0]; {
	case c == '<':
		return parse5424(line, ts)
	case isDigit(c):
		n := r.stamps.match(line)
		if n > 0 {
			*ts = r.stamps.ts
		} else {
			// Mostly the minute of the line before: its head is kept.
			if r.isoHead.n == isoHeadLen && len(line) >= 20 &&
				binary.LittleEndian.Uint64(line) == binary.LittleEndian.Uint64(r.isoHead.b[:]) &&
				binary.LittleEndian.Uint64(line[8:]) == binary.LittleEndian.Uint64(r.isoHead.b[8:]) &&
				line[16] == r.isoHead.b[16] {
				*ts = r.isoHead.ts
				n = isoTail(line, ts)
			} else if n = parseISO(line, ts); n > 0 {
				r.isoHead.keep(line, isoHeadLen, ts)
			}
			if n == 0 || n >= len(line) || line[n] != ' ' {
				return nil, nil, false
			}
			r.stamps.keep(line, n, ts)
		}
		rest = line[n+1:]
		// QUIRK: a container runtime ("docker logs -t") puts its own RFC 3339
		// stamp in front of the log's. The outer one has the year: keep it.
		if len(rest) > 0 && (isDigit(rest[0]) || rest[0] >= 'A' && rest[0] <= 'Z') {
			var inner stamp
			if m := parseClassic(rest, &inner); m > 0 && m < len(rest) && rest[m] == ' ' {
				rest = rest[m+1:]
			} else if m := parseISO(rest, &inner); m > 0 && m < len(rest) && rest[m] == ' ' {
				rest = rest[m+1:]
			}
		}
	case c >= 'A' && c <= 'Z':
		n := r.stamps.match(line)
		if n > 0 {
			*ts = r.stamps.ts
		} else {
			n = parseClassic(line, ts)
			if n == 0 || n >= len(line) || line[n] != ' ' {
				return nil, nil, false
			}
			r.stamps.keep(line, n, ts)
		}
		if time.Month(ts.month) == r.lastMonth && r.year != 0 {
			ts.year = r.year // setYear's common case, without the call
		} else {
			r.setYear(ts)
		}
		rest = line[n+1:]
	default:
		return nil, nil, false
	}
	// "HOST TAG: PAYLOAD" or "TAG: PAYLOAD" (Postfix's maillog_file
	// without a host name). The host name is mostly the last line's.
	if n := r.host.match(rest); n > 0 {
		rest = rest[n+1:] // it has no ':' at its end
	} else if sp := indexSpace(rest); sp <= 0 {
		return nil, nil, false
	} else if rest[sp-1] != ':' { // a host name, the tag follows
		r.host.keep(rest[:sp])
		rest = rest[sp+1:]
	}
	return splitTag(rest)
}

// splitTag reads "NAME[PID]: PAYLOAD" or "NAME: PAYLOAD": the tag is the
// word up to the first space, it ends in ':', and the name ends at its
// first '[' when the tag ends in "]:".
func splitTag(rest []byte) (name, payload []byte, ok bool) {
	// The first ' ' or '[': indexSpaceOrBracket's words, inline for the
	// common case (a line's tag ends within its first words; one call
	// a line is worth a few percent).
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	const spaces, brackets = lo * ' ', lo * '['
	k := -1
	for i := 0; i+8 <= len(rest); i += 8 {
		w := binary.LittleEndian.Uint64(rest[i:])
		x, y := w^spaces, w^brackets // the bytes sought are now zero bytes
		if z := ((x-lo)&^x | (y-lo)&^y) & hi; z != 0 {
			k = i + bits.TrailingZeros64(z)/8 // the lowest flag is exact
			break
		}
	}
	if k < 0 {
		k = indexSpaceOrBracket(rest) // the last bytes, or none
	}
	if k < 0 || k == 0 && rest[0] == ' ' { // no space, or an empty tag
		return nil, nil, false
	}
	sp := k // the first space
	if rest[k] == '[' {
		j := indexSpace(rest[k+1:]) // after the PID and "]:"
		if j < 0 {
			return nil, nil, false // a tag at the end of the line has no payload
		}
		sp = k + 1 + j
	}
	// The tag is rest[:sp-1]; k < sp-1 when it ends in ':'.
	if rest[sp-1] != ':' {
		return nil, nil, false
	}
	if sp == k {
		name = rest[:sp-1]
	} else {
		if rest[sp-2] != ']' {
			return nil, nil, false
		}
		name = rest[:k]
	}
	payload = rest[sp+1:]
	if len(payload) > 0 && payload[0] == '[' {
		payload = stripSolarisID(payload)
	}
	return name, payload, true
}

// indexSpaceOrBracket returns the index of the first ' ' or '[' in b, or
// -1: indexNear for two bytes.
func indexSpaceOrBracket(b []byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	const spaces, brackets = lo * ' ', lo * '['
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		x, y := w^spaces, w^brackets // the bytes sought are now zero bytes
		if z := ((x-lo)&^x | (y-lo)&^y) & hi; z != 0 {
			return i + bits.TrailingZeros64(z)/8 // the lowest flag is exact
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ' ' || b[i] == '[' {
			return i
		}
	}
	return -1
}

// indexSpace is bytes.IndexByte(b, ' ') for the short words of a header
// (host, tag).
func indexSpace(b []byte) int { return indexNear(b, ' ') }

// indexNear is bytes.IndexByte for a byte expected within the next few
// dozen: eight bytes a step without a call, then IndexByte past the first
// 64.
func indexNear(b []byte, c byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	pat := lo * uint64(c)
	i := 0
	for ; i+8 <= len(b) && i < 64; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:]) ^ pat // c is now a zero byte
		if z := (w - lo) &^ w & hi; z != 0 {
			return i + bits.TrailingZeros64(z)/8 // the lowest flag is exact
		}
	}
	if i < 64 {
		for ; i < len(b); i++ {
			if b[i] == c {
				return i
			}
		}
		return -1
	}
	if j := bytes.IndexByte(b[i:], c); j >= 0 {
		return i + j
	}
	return -1
}

// stripSolarisID removes the "[ID 197553 mail.info] " Solaris syslogd puts
// after the tag.
func stripSolarisID(p []byte) []byte {
	if len(p) > 0 && p[0] == '[' && hasPrefix(p, "[ID ") {
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
	if m == r.lastMonth && r.year != 0 { // the common case: same month
		s.year = r.year
		return
	}
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

// month returns the number of the English month abbreviation b[:3], or 0.
func month(b []byte) int {
	switch uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) {
	case 'J'<<16 | 'a'<<8 | 'n':
		return 1
	case 'F'<<16 | 'e'<<8 | 'b':
		return 2
	case 'M'<<16 | 'a'<<8 | 'r':
		return 3
	case 'A'<<16 | 'p'<<8 | 'r':
		return 4
	case 'M'<<16 | 'a'<<8 | 'y':
		return 5
	case 'J'<<16 | 'u'<<8 | 'n':
		return 6
	case 'J'<<16 | 'u'<<8 | 'l':
		return 7
	case 'A'<<16 | 'u'<<8 | 'g':
		return 8
	case 'S'<<16 | 'e'<<8 | 'p':
		return 9
	case 'O'<<16 | 'c'<<8 | 't':
		return 10
	case 'N'<<16 | 'o'<<8 | 'v':
		return 11
	case 'D'<<16 | 'e'<<8 | 'c':
		return 12
	}
	return 0
}

// parseClassic parses "Mmm dd hh:mm:ss[.ffffff]" (day space- or
// zero-padded, or one digit after one space) and returns its length, or 0.
func parseClassic(b []byte, s *stamp) int {
	if len(b) < 14 || b[3] != ' ' {
		return 0
	}
	mon := month(b)
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
	h, ok1 := d2(b, i)
	m, ok2 := d2(b, i+3)
	sec, ok3 := d2(b, i+6)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return 0
	}
	ns, i := parseFraction(b, i+8)
	if i == 0 {
		return 0
	}
	s.hour, s.min, s.sec, s.nsec = h, m, sec, ns
	return i
}

// parseFraction parses the fraction of a second ".f..." that may follow
// the seconds at b[i:] and returns it in nanoseconds (digits past the
// ninth count for nothing) and the index after it, or 0 for a '.' without
// digits.
func parseFraction(b []byte, i int) (ns, next int) {
	if i >= len(b) || b[i] != '.' {
		return 0, i
	}
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
		return 0, 0
	}
	for ; digits < 9; digits++ {
		ns *= 10
	}
	return ns, i
}

// parseISO parses an RFC 3339 / ISO 8601 stamp
// "YYYY-MM-DDThh:mm:ss[.f...](Z|+hh:mm|+hhmm)" and returns its length, or 0.
func parseISO(b []byte, s *stamp) int {
	if !isoHead(b, s) {
		return 0
	}
	return isoTail(b, s)
}

// isoHeadLen is the length of an ISO stamp's head, "YYYY-MM-DDThh:mm:".
const isoHeadLen = 17

// isoHead parses the head of an ISO stamp, b[:isoHeadLen], into s and
// reports whether it is one; b must have room for the seconds and a zone
// (20 bytes). isoTail parses the rest: the head is a function of its
// bytes alone.
func isoHead(b []byte, s *stamp) bool {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return false
	}
	y1, ok1 := d2(b, 0)
	y2, ok2 := d2(b, 2)
	mo, ok3 := d2(b, 5)
	d, ok4 := d2(b, 8)
	h, ok5 := d2(b, 11)
	m, ok6 := d2(b, 14)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || m > 59 {
		return false
	}
	s.year, s.month, s.day, s.hour, s.min = y1*100+y2, mo, d, h, m
	return true
}

// isoTail parses "ss[.f...](Z|+hh:mm|+hhmm)" at b[isoHeadLen:], the rest
// of an ISO stamp whose head was checked, into s and returns the stamp's
// length, or 0.
func isoTail(b []byte, s *stamp) int {
	sec, ok := d2(b, isoHeadLen)
	if !ok || sec > 60 {
		return 0
	}
	ns, i := parseFraction(b, isoHeadLen+2)
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
	s.sec, s.nsec, s.offset, s.zoned = sec, ns, off, true
	return i
}

// parse5424 parses
// "<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA MSG".
func parse5424(line []byte, ts *stamp) (name, payload []byte, ok bool) {
	i := bytes.IndexByte(line, '>')
	if i < 2 || i > 4 || len(line) < i+3 || line[i+1] != '1' || line[i+2] != ' ' {
		return nil, nil, false
	}
	rest := line[i+3:]
	n := parseISO(rest, ts)
	if n == 0 || n >= len(rest) || rest[n] != ' ' {
		return nil, nil, false
	}
	rest = rest[n+1:]
	var f [4][]byte // host, app, procid, msgid
	for k := range f {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return nil, nil, false
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
				return nil, nil, false
			}
			rest = rest[j+1:]
		}
	}
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	rest = bytes.TrimPrefix(rest, []byte("\xef\xbb\xbf"))
	return f[1], rest, true
}

// d2 reads the two digits at b[i:i+2], which must be in range.
func d2(b []byte, i int) (int, bool) {
	hi, lo := b[i]-'0', b[i+1]-'0' // bytes below '0' wrap past 9
	return int(hi)*10 + int(lo), hi <= 9 && lo <= 9
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
