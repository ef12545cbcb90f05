package postfix

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"time"
	"unicode/utf8"

	"bouncelens/parser"
)

// Defaults for the zero Options.
const (
	DefaultMaxLineLength = 1 << 20 // bytes, without the line end
	DefaultMaxQueueIDs   = 1 << 17 // open queue ids kept for correlation
	// DefaultQueueWindow is longer than Postfix's default
	// maximal_queue_lifetime (5 days): a message still queued keeps
	// getting lines (qmgr "from=" on every retry) until it expires.
	DefaultQueueWindow = 6 * 24 * time.Hour
)

// bufSize is the bufio.Reader size: lines up to this length are parsed in
// place, longer ones are copied into Reader.long.
const bufSize = parser.BufferSize

// Options configure a Reader. The zero value reads classic stamps as UTC in
// the year guessed from the current time.
type Options struct {
	// Year is the year of the first classic syslog line (those carry no
	// year). When it is 0, the year of Now() is used, or the year before
	// when the first line's month is after Now()'s month (December lines
	// read in January). After the first line, a month that moves forward
	// past December (Dec -> Jan) starts the next year; a month that moves
	// back (Jan 1 00:00:01, then a late Dec 31 23:59:59 line) is taken as
	// a line written out of order and gets the year of its month. A jump of
	// more than six months forward reads as a step back. A Reader
	// restored from a State continues that state's year and guesses
	// nothing.
	Year int
	// Location is the zone of classic stamps. Nil means UTC, so that a run
	// gives the same events on every machine; use time.Local for logs of
	// this machine. Stamps with an offset (RFC 3339, RFC 5424) ignore it.
	Location *time.Location
	// Now returns the current time for the year guess; nil means time.Now.
	// For a file, return its modification time as os.Stat gives it (the
	// time of the last line, in the zone it was written in): then a log
	// that crosses New Year (Dec 30 to Jan 2, modified Jan 2) reads
	// December in the year before, and a rotated file reads in the year
	// it was written, not the current one. A file spanning a year or more
	// cannot be told apart.
	Now func() time.Time
	// MaxLineLength is the longest line parsed, in bytes without the line
	// end; longer lines are skipped with parser.ErrLineTooLong. Zero means
	// DefaultMaxLineLength.
	MaxLineLength int
	// MaxQueueIDs caps the number of queue ids whose sender, Message-ID and
	// deferred recipients are remembered until their "removed" line. When
	// the cap is reached the oldest entry is dropped (Stats.Evicted). Zero
	// means DefaultMaxQueueIDs. It is a last resort: QueueWindow normally
	// keeps the table far smaller.
	MaxQueueIDs int
	// QueueWindow is how long, in log time, a queue id is remembered after
	// the last line that named it when no "removed" line ends it (a log
	// that starts or ends mid-stream, a lost line). Such an entry is then
	// dropped as it is (Stats.Stale); its deferred recipients were
	// returned as deferred events already. Log time is the latest time
	// stamp read so far (classic stamps read as UTC for this); lines
	// without one never drop anything. The table is checked when log time
	// moved on by an eighth of the window and a few thousand lines (or a
	// whole window) passed since the last check, so an idle entry may
	// live up to about twice the window. Zero means DefaultQueueWindow;
	// make it longer than Postfix's maximal_queue_lifetime, or the
	// expiry of a long-deferred message finds no recipients.
	QueueWindow time.Duration
	// HoldPartial leaves a last line without a line end unread: it is not
	// parsed nor counted, and Offset stops before it. Set it for a file
	// that is still being written: the next scan reads the line whole
	// from Offset. Without it such a line is read as a line.
	HoldPartial bool
	// Traffic also returns, besides the delivery events, one
	// parser.StatusReceived event per queue id at its first qmgr
	// "from=<...>, size=N, nrcpt=M (queue active)" line, and one
	// parser.StatusWarning event per "warning: " line of a Postfix
	// program (see the package documentation). Their lines are counted in
	// Stats.Received and Stats.Warnings instead of Stats.Ignored.
	Traffic bool
	// ScanAhead reads and scans lines on a goroutine of its own, ahead of
	// Next, which then only correlates them: a log is read on two cores.
	// The events, errors, Offset, Stats and State are those of a Reader
	// without it. Call Close when done with the Reader, read to its end
	// or not, to stop the goroutine.
	ScanAhead bool
}

// Stats counts what a Reader has read so far.
type Stats struct {
	Lines   int           // lines read, including skipped ones
	Events  int           // events returned by Next
	Skipped map[error]int // lines returned as *parser.Error, by sentinel (parser.ErrLineTooLong, ...)

	Ignored  int // Postfix lines with nothing to report: connects, warnings, qmgr "from=" ... (with Options.Traffic, not those that gave an event)
	Foreign  int // lines of other programs (dovecot, opendkim, CRON, ...)
	Unparsed int // lines without a recognisable time stamp or tag (continuations, garbage)

	Probes                   int // address-verification results (status=deliverable/undeliverable): no event
	RejectsWithoutRecipient  int // smtpd/postscreen/milter rejects naming no to=<...> (CONNECT, EHLO stage): no event
	ExpiredWithoutRecipients int // qmgr "status=expired" lines for a queue id with no deferred recipient seen

	OpenQueueIDs int // queue ids currently remembered (not yet "removed")
	Evicted      int // queue ids dropped because of Options.MaxQueueIDs
	// Stale counts queue ids dropped after Options.QueueWindow without a
	// line. (omitempty: JSON dumps of logs that drop none stay as before.)
	Stale int `json:",omitempty"`

	// With Options.Traffic: the lines that gave a StatusReceived or a
	// StatusWarning event. Without it they are counted in Ignored, so
	// Ignored+Received+Warnings is the same with and without Traffic.
	Received int `json:",omitempty"`
	Warnings int `json:",omitempty"`
}

// Reader reads a Postfix log and returns its delivery events. It implements
// parser.Reader. It is not safe for concurrent use.
type Reader struct {
	br      *bufio.Reader
	src     string
	loc     *time.Location
	maxLine int

	line int    // number of the last line read, 1-based
	long []byte // holds a line longer than the bufio buffer
	err  error  // final error (io.EOF or an I/O error), returned for ever

	// br's buffered bytes, as Peek returned them, of which off were
	// returned as lines (see readLine).
	chunk []byte
	off   int

	// The input from cleanFrom to cleanTo is known to be ASCII without
	// NUL bytes: readLine checks what the buffer holds after a line in one
	// go, not line by line. lineASCII tells scanLine that the line
	// readLine returned lies in it.
	cleanFrom, cleanTo int64
	lineASCII          bool

	// Input offsets: pos is the end of the last line read, lineStart its
	// start (see Offset).
	pos, lineStart int64
	hold           bool   // Options.HoldPartial
	traffic        bool   // Options.Traffic
	scanAhead      bool   // Options.ScanAhead
	ahead          *ahead // the scanning goroutine, once started
	restored       bool   // Restore was called

	pending []parser.Event // events ready to be returned
	head    int            // next pending event
	none    parser.Event   // for apply: a record that makes no event in it

	year      int        // year of classic stamps; 0 until the first one
	lastMonth time.Month // month of the latest classic stamp, for rollover
	now       func() time.Time
	optYear   int

	queue   queueTable
	intern  interner
	stamps  stampCache // the last line's stamp
	isoHead stampCache // the head (date, hour, minute) of the last ISO stamp
	host    wordCache  // the last line's host name
	stats   Stats

	// Log clock (Unix seconds) for QueueWindow, and the sweep schedule.
	clock      int64
	clockSet   bool
	window     int64 // QueueWindow in seconds
	sweepEvery int64 // log time between sweeps
	lastSweep  int64 // clock at the last sweep
	sweepLine  int   // line of the last sweep
	// Day of the last stamp and its Unix seconds at midnight, so that the
	// clock costs no calendar arithmetic for most lines.
	dayYear, dayMonth, dayDay int
	dayBase                   int64
}

var _ parser.Reader = (*Reader)(nil)

// NewReader returns a Reader of the log in r; source names the input in
// events and errors. r is read through a bufio.Reader of its own.
func NewReader(r io.Reader, source string, opts Options) *Reader {
	rd := &Reader{
		br:      bufio.NewReaderSize(r, bufSize),
		src:     source,
		loc:     opts.Location,
		maxLine: opts.MaxLineLength,
		now:     opts.Now,
		optYear: opts.Year,
		hold:    opts.HoldPartial,
		traffic: opts.Traffic,

		scanAhead: opts.ScanAhead,
	}
	if rd.loc == nil {
		rd.loc = time.UTC
	}
	if rd.maxLine <= 0 {
		rd.maxLine = DefaultMaxLineLength
	}
	if rd.now == nil {
		rd.now = time.Now
	}
	max := opts.MaxQueueIDs
	if max <= 0 {
		max = DefaultMaxQueueIDs
	}
	rd.queue.init(max)
	window := opts.QueueWindow
	if window <= 0 {
		window = DefaultQueueWindow
	}
	rd.window = max64(int64(window/time.Second), 1)
	rd.sweepEvery = max64(rd.window/8, 1)
	rd.stats.Skipped = make(map[error]int)
	return rd
}

// Next returns the next event. At the end of the input it returns io.EOF. A
// *parser.Error means one line was skipped (too long, binary, a malformed
// status line): count it and call Next again. Any other error is an I/O
// error of the underlying reader, wrapped with the source name and line
// number; it is final and Next keeps returning it.
func (r *Reader) Next() (parser.Event, error) {
	var ev parser.Event
	err := r.NextInto(&ev)
	return ev, err
}

var _ parser.IntoReader = (*Reader)(nil)

// NextInto is Next with the event made in *ev, which must be the zero
// Event (parser.IntoReader).
func (r *Reader) NextInto(ev *parser.Event) error {
	// A line's fields are scanned into scratch (unless the scanning
	// goroutine did), and its event is made in ev (which stays zero until
	// an event is made in it), not copied in and out of r.pending.
	var scratch record
	for {
		if r.head < len(r.pending) {
			// The slot is not cleared: append overwrites it, and until
			// then it keeps at most cap(r.pending) events' strings alive.
			*ev = r.pending[r.head]
			r.head++
			if r.head == len(r.pending) {
				r.pending, r.head = r.pending[:0], 0
			}
			r.stats.Events++
			return nil
		}
		if r.err != nil {
			return r.err
		}
		rec, err := r.nextRecord(&scratch)
		if err == nil {
			if r.applyTo(rec, ev) {
				r.stats.Events++
				return nil
			}
			continue
		}
		var perr *parser.Error
		if errors.As(err, &perr) {
			r.stats.Skipped[sentinel(perr.Err)]++
			return err
		}
		r.err = err
		return err
	}
}

// nextRecord returns the next line's record, or the error that skips the
// line or ends the input: scanned here into scratch, or taken from the
// scanning goroutine (Options.ScanAhead).
func (r *Reader) nextRecord(scratch *record) (*record, error) {
	if !r.scanAhead {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		return scratch, r.scanLine(line, scratch)
	}
	if r.ahead == nil {
		r.startAhead()
	}
	it, err := r.nextAhead()
	if err != nil {
		return nil, err
	}
	return &it.rec, it.err
}

// Offset returns the number of bytes of input consumed through the end of
// the last complete line whose events have all been returned by Next:
// after Next returned io.EOF, where a continuation starts. After Restore it
// counts on from the Offset the state was taken at (as line numbers count
// on), so that over a chain of scans of one file it is the position in the
// file. A line held back by Options.HoldPartial is not consumed.
func (r *Reader) Offset() int64 {
	if r.head < len(r.pending) {
		return r.lineStart
	}
	return r.pos
}

// Stats returns the counts so far; the map is a copy.
func (r *Reader) Stats() Stats {
	st := r.stats
	if a := r.ahead; a != nil {
		// The scanning side's counts: each side counts what it does.
		sc := &a.scan
		st.Lines += sc.Lines
		st.Ignored += sc.Ignored
		st.Foreign += sc.Foreign
		st.Unparsed += sc.Unparsed
		st.Probes += sc.Probes
		st.RejectsWithoutRecipient += sc.RejectsWithoutRecipient
		st.ExpiredWithoutRecipients += sc.ExpiredWithoutRecipients
		st.Received += sc.Received
		st.Warnings += sc.Warnings
		st.Events += sc.Events
	}
	st.Skipped = maps.Clone(r.stats.Skipped)
	st.OpenQueueIDs = r.queue.n
	st.Evicted = r.queue.evicted
	st.Stale = r.queue.stale
	return st
}

// sentinels are the parser errors a Reader returns; sentinel maps a wrapped
// one back to its key for Stats.Skipped.
var sentinels = []error{parser.ErrLineTooLong, parser.ErrBinary, parser.ErrNoRecipient, parser.ErrMalformed}

func sentinel(err error) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

// skip returns the *parser.Error for the current line.
func (r *Reader) skip(err error) error {
	return &parser.Error{Source: r.src, Line: r.line, Err: err}
}

// readLine returns the next line without its line end. The slice is valid
// until the next call. A line longer than maxLine gives a *parser.Error with
// ErrLineTooLong after it was read to its end. A last line without a line
// end is returned as a line, and the call after it returns io.EOF; with
// HoldPartial it is left unread and the call returns io.EOF.
//
// Lines are cut from what br holds (r.chunk, from Peek) until it holds no
// whole line; only then is br read (ReadSlice) and told what was used.
func (r *Reader) readLine() ([]byte, error) {
	var b []byte
	if i := bytes.IndexByte(r.chunk[r.off:], '\n'); i >= 0 {
		b = r.chunk[r.off : r.off+i+1]
		r.off += i + 1
	} else {
		if r.off > 0 {
			r.br.Discard(r.off) // buffered: cannot fail
		}
		r.chunk, r.off = nil, 0
		var err error
		b, err = r.br.ReadSlice('\n')
		switch err {
		case nil:
		case io.EOF:
			if len(b) == 0 || r.hold {
				return nil, io.EOF
			}
		case bufio.ErrBufferFull:
			return r.readLong(b)
		default:
			return nil, fmt.Errorf("%s:%d: %w", r.src, r.line+1, err)
		}
		r.chunk, _ = r.br.Peek(r.br.Buffered()) // does not read
	}
	r.line++
	r.stats.Lines++
	r.lineStart = r.pos
	r.pos += int64(len(b))
	if r.lineStart >= r.cleanFrom && r.pos <= r.cleanTo {
		r.lineASCII = true
	} else {
		// The line is checked by scanLine; check the rest of the chunk
		// for the lines after it.
		r.lineASCII = false
		r.cleanFrom, r.cleanTo = r.pos, r.pos+int64(asciiTextPrefix(r.chunk[r.off:]))
	}
	b = trimEOL(b)
	if len(b) > r.maxLine {
		return nil, r.skip(parser.ErrLineTooLong)
	}
	return b, nil
}

// readLong reads the rest of a line that did not fit the buffer; first is
// what ReadSlice returned so far.
func (r *Reader) readLong(first []byte) ([]byte, error) {
	if cap(r.long) < 2*len(first) {
		r.long = make([]byte, 0, 2*len(first)) // one allocation for most
	}
	r.long = append(r.long[:0], first...)
	n := int64(len(first))
	tooLong := false
	for {
		b, err := r.br.ReadSlice('\n')
		n += int64(len(b))
		if !tooLong {
			if len(r.long)+len(b) > r.maxLine+2 { // +2: room for "\r\n"
				tooLong = true
				r.long = r.long[:0]
			} else {
				r.long = append(r.long, b...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && r.hold {
			return nil, io.EOF // a partial line: the next scan reads it whole
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s:%d: %w", r.src, r.line+1, err)
		}
		break
	}
	r.line++
	r.stats.Lines++
	r.lineStart = r.pos
	r.pos += n
	r.lineASCII = false
	if r.long = trimEOL(r.long); tooLong || len(r.long) > r.maxLine {
		return nil, r.skip(parser.ErrLineTooLong)
	}
	return r.long, nil
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// mostlyBad reports whether more than a quarter of line, which is not
// valid UTF-8, is control bytes or invalid UTF-8: then it is not text.
func mostlyBad(line []byte) bool {
	bad := 0
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' {
				bad++
			}
			i++
			continue
		}
		ru, n := utf8.DecodeRune(line[i:])
		if ru == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	return bad*4 > len(line)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
