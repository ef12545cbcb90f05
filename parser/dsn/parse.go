package dsn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"bouncelens/parser"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // charsets beyond UTF-8 and ASCII
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Defaults for Options.
const (
	DefaultMaxHeaderBytes = 1 << 20 // top-level header block
	DefaultMaxPartBytes   = 8 << 20 // one report or returned-header part
)

const (
	maxMessageDepth   = 3  // message/rfc822 parts searched for a forwarded report
	maxMultipartDepth = 20 // nested multiparts
)

// Options tune ParseWithOptions. A nil *Options or a zero field means the
// default.
type Options struct {
	// Line is the 1-based line where the message starts in its container
	// (an mbox), copied to events and errors; 0 for a message file.
	Line int
	// MaxHeaderBytes limits the top-level header block; a larger one makes
	// the message an ErrBadMessage. Default DefaultMaxHeaderBytes.
	MaxHeaderBytes int64
	// MaxPartBytes limits what is read of one delivery-status part or
	// returned header block; the rest is ignored. Default DefaultMaxPartBytes.
	MaxPartBytes int64
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.MaxHeaderBytes <= 0 {
		out.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if out.MaxPartBytes <= 0 {
		out.MaxPartBytes = DefaultMaxPartBytes
	}
	return out
}

// Parse reads one message from r and returns one event per recipient of
// its delivery-status report(s), in report order, with Source set to source.
// It is ParseWithOptions with default options.
func Parse(r io.Reader, source string) ([]parser.Event, error) {
	return ParseWithOptions(r, source, nil)
}

// ParseWithOptions reads one message from r, as Parse does, with options;
// opts.Line is the message's line in its mbox.
//
// A message that is not usable returns a *parser.Error{Source, Line, Err}
// where Err is parser.ErrNotReport (not a bounce, complaint or auto-reply; wrapped with the
// content type found), parser.ErrBadMessage (wrapped with what could not be
// read) or parser.ErrNoRecipientDSN (a report without a recipient). Any other
// error comes from reading r and is final.
//
// Each event has Recipient (the Final-Recipient address, lower-cased; else
// X-Actual-Recipient or Original-Recipient) and Status (from Action, or the
// class of the status code when Action is missing or unknown; StatusUnknown
// when nothing says). Enhanced is the Status field, or the diagnostic's code
// of the same class when the field is missing or X.0.0. Code and Text come
// from Diagnostic-Code (without its "smtp;" type), Command from its "(in reply
// to RCPT TO command)" or "after RCPT TO", RemoteMTA from Remote-MTA. Time is
// Last-Attempt-Date, else Arrival-Date, else the message's Date. QueueID is
// X-Postfix-Queue-ID (the queue id on the reporting Postfix, which joins the
// report with that server's log). MessageID, Sender (the From address) and
// Subject come from the returned original; Sender falls back to
// X-Postfix-Sender.
func ParseWithOptions(r io.Reader, source string, opts *Options) ([]parser.Event, error) {
	o := opts.withDefaults()
	er := &errReader{r: r}
	evs, err := parse(er, &o)
	if er.err != nil {
		return nil, fmt.Errorf("reading %s: %w", source, er.err)
	}
	if err != nil {
		return nil, &parser.Error{Source: source, Line: o.Line, Err: err}
	}
	for i := range evs {
		evs[i].Source, evs[i].Line = source, o.Line
	}
	return evs, nil
}

// errReader keeps the first error other than io.EOF that its reader
// returns: that one is an I/O failure, not a bad message.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

var errHeaderTooBig = errors.New("header too large")

// limitReader is io.LimitedReader with an error and a limit that can be
// lifted, as in go-message's ReadWithOptions.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooBig
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// parse reads one message and returns its events without Source and Line.
func parse(r io.Reader, o *Options) ([]parser.Event, error) {
	h, br, err := readMessageHeader(r, o.MaxHeaderBytes, true)
	switch {
	case errors.Is(err, errHeaderTooBig):
		return nil, fmt.Errorf("%w: header larger than %d bytes", parser.ErrBadMessage, o.MaxHeaderBytes)
	case err != nil && h.Len() == 0:
		return nil, fmt.Errorf("%w: reading header: %v", parser.ErrBadMessage, err)
	case h.Len() == 0:
		return nil, fmt.Errorf("%w: no header fields", parser.ErrBadMessage)
	}
	// QUIRK: on a malformed header line (Microsoft-Antispam headers, go-message
	// issue 144) ReadHeader returns the fields before it. Go on with them: the
	// rest of the header lands in the body, where a multipart preamble is
	// skipped anyway.
	w := &walker{o: o}
	w.walkMessage(message.Header{Header: h}, br, 0)
	m := w.bounce()
	evs := decode(m)
	if len(evs) > 0 {
		return evs, nil
	}
	switch {
	case len(w.reports) > 0:
		return nil, parser.ErrNoRecipientDSN
	case w.err != nil && w.isReport:
		return nil, fmt.Errorf("%w: %v", parser.ErrBadMessage, w.err)
	}
	return nil, fmt.Errorf("%w: content type %s", parser.ErrNotReport, w.topType)
}

// readMessageHeader reads a header block of at most limit bytes from r,
// after skipping the prologue of an exported message file and with the
// repairs of fixReader if top is true. It returns the header, the reader positioned at the body, and the
// error of textproto.ReadHeader: on a malformed line the fields before it
// are returned with the error.
func readMessageHeader(r io.Reader, limit int64, top bool) (textproto.Header, *bufio.Reader, error) {
	lr := &limitReader{r: r, n: limit}
	br := bufio.NewReader(lr)
	if top {
		skipPrologue(br)
		br = bufio.NewReader(newFixReader(br))
	}
	h, err := textproto.ReadHeader(br)
	lr.n = 1<<63 - 1
	return h, br, err
}

// skipPrologue skips what some exports put before the header: a UTF-8 byte
// order mark, blank lines and an mbox "From " line (dsn.md section 8.1).
func skipPrologue(br *bufio.Reader) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	for {
		b, _ := br.Peek(1)
		if len(b) == 0 || (b[0] != '\r' && b[0] != '\n') {
			break
		}
		br.Discard(1)
	}
	if b, _ := br.Peek(5); string(b) == "From " {
		for {
			_, err := br.ReadSlice('\n')
			if err != bufio.ErrBufferFull {
				break
			}
		}
	}
}

// walker collects, from one message and the messages it carries, the
// delivery-status and feedback-report bodies, the human-readable text and
// the header of the returned original.
type walker struct {
	o          *Options
	header     message.Header // top-level header of the walked message
	topType    string         // content type of the message, for ErrNotReport
	reportType string         // report-type parameter of a multipart/report, lower case
	isReport   bool           // multipart/report; report-type=delivery-status
	date       string         // Date of the message holding the report
	reports    [][]byte
	feedback   [][]byte // message/feedback-report bodies
	texts      []string // decoded text/plain parts before the returned original
	htmls      []string // decoded text/html parts before the returned original
	textBytes  int64    // bytes kept in texts and htmls, at most MaxPartBytes
	afterOrig  bool     // the returned original has been seen: later text is its body
	orig       *mail.Header
	inner      *walker // a message/rfc822 part seen before any report: maybe a forwarded bounce
	err        error   // first error that cut the walk short
}

// walkMessage walks a message whose header has been read and whose body is
// in body. depth counts enclosing message/rfc822 parts.
func (w *walker) walkMessage(h message.Header, body io.Reader, depth int) {
	e, err := message.New(h, body)
	if err != nil && e == nil {
		w.fail(err)
		return
	}
	// QUIRK: an unknown charset or transfer encoding still gives a readable
	// entity (raw bytes); use it.
	mt, params := contentType(&e.Header)
	w.header = e.Header
	w.topType = mt
	if rt := params["report-type"]; rt != "" {
		w.reportType = strings.ToLower(rt)
		w.topType += "; report-type=" + w.reportType
		w.isReport = mt == "multipart/report" && w.reportType == "delivery-status"
	}
	w.date = e.Header.Get("Date")
	w.walk(e, mt, params, depth, 0, 0, "")
}

func (w *walker) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// walk visits entity e of type mt: nest counts enclosing multiparts, pos is
// its index in the parent multipart of type parent.
func (w *walker) walk(e *message.Entity, mt string, params map[string]string, depth, nest, pos int, parent string) {
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if nest >= maxMultipartDepth {
			w.fail(fmt.Errorf("multiparts nested more than %d deep", maxMultipartDepth))
			return
		}
		w.walkMultipart(e, mt, params["boundary"], depth, nest, true)
	case isReportType(mt):
		b, err := readCapped(e.Body, w.o.MaxPartBytes)
		if err != nil {
			w.fail(fmt.Errorf("reading %s: %v", mt, err)) // keep what was read
		}
		w.reports = append(w.reports, b)
	case mt == "message/feedback-report":
		b, err := readCapped(e.Body, w.o.MaxPartBytes)
		if err != nil {
			w.fail(fmt.Errorf("reading %s: %v", mt, err))
		}
		w.feedback = append(w.feedback, b)
	case mt == "message/rfc822" || mt == "message/global":
		w.afterOrig = true
		if len(w.reports) > 0 || len(w.feedback) > 0 || depth+1 >= maxMessageDepth {
			if w.orig == nil {
				w.orig = w.readHeader(e.Body, false)
			}
			return
		}
		// Not seen a report yet: this may be a forwarded bounce; walk it.
		h, br, err := readMessageHeader(e.Body, w.o.MaxHeaderBytes, false)
		if h.Len() == 0 {
			if err != nil {
				w.fail(fmt.Errorf("reading %s header: %v", mt, err))
			}
			return
		}
		sub := &walker{o: w.o}
		sub.walkMessage(message.Header{Header: h}, br, depth+1)
		switch {
		case len(sub.reports) > 0:
			w.reports, w.orig, w.date = sub.reports, sub.orig, sub.date
		case w.orig == nil:
			w.orig = &mail.Header{Header: message.Header{Header: h}}
		}
		if w.inner == nil {
			w.inner = sub
		}
	case mt == "text/rfc822-headers" || mt == "message/rfc822-headers" || mt == "message/global-headers":
		w.afterOrig = true
		if w.orig == nil {
			w.orig = w.readHeader(e.Body, true)
		}
	case nest == 1 && pos == 2 && parent == "multipart/report" && w.orig == nil:
		// The third part of a report is the returned original, whatever its
		// label (text/plain, application/octet-stream are seen).
		w.afterOrig = true
		if h := w.readHeader(e.Body, true); h != nil && (h.Has("From") || h.Has("Message-Id")) {
			w.orig = h
		}
	case nest > 0 && e.Header.Has("From") && (e.Header.Has("Message-Id") || e.Header.Has("Received")):
		// QUIRK: the returned original written as a part of its own, its
		// header doubling as the part's header.
		w.afterOrig = true
		if w.orig == nil {
			w.orig = &mail.Header{Header: e.Header}
		}
	case (mt == "text/plain" || mt == "text/html") && !w.afterOrig:
		w.readText(e.Body, mt == "text/html")
	}
}

// readText keeps a decoded text part, within MaxPartBytes for all the text
// of the message.
func (w *walker) readText(body io.Reader, html bool) {
	left := w.o.MaxPartBytes - w.textBytes
	if left <= 0 {
		return
	}
	b, err := readCapped(body, left)
	if err != nil && len(b) == 0 {
		return
	}
	w.textBytes += int64(len(b))
	t := strings.ToValidUTF8(string(b), "\uFFFD")
	if html {
		w.htmls = append(w.htmls, t)
	} else {
		w.texts = append(w.texts, t)
	}
}

// walkMultipart walks the parts of e, a multipart of type mt. When the
// boundary is missing, or matches no line (a wrong boundary, or no parts at
// all), it guesses the boundary from the first "--" line of the body and
// tries again once (retry); a multipart/report whose body has no parts at
// all is searched for report fields.
func (w *walker) walkMultipart(e *message.Entity, mt, boundary string, depth, nest int, retry bool) {
	raw := &headBuffer{max: w.o.MaxPartBytes}
	var body io.Reader = io.TeeReader(e.Body, raw)
	if boundary == "" {
		// QUIRK: no usable boundary parameter: take the first line that
		// looks like a delimiter ("--X"), within the first 64 KiB.
		br := bufio.NewReaderSize(body, 64<<10)
		body = br
		prefix, _ := br.Peek(64 << 10)
		if boundary = guessBoundary(prefix); boundary == "" {
			retry = false
		}
	}
	var mr message.MultipartReader
	if boundary != "" {
		h := e.Header.Copy()
		h.SetContentType(mt, map[string]string{"boundary": boundary})
		ne, _ := message.New(h, body)
		mr = ne.MultipartReader()
	}
	for i := 0; mr != nil; i++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		// QUIRK: unknown charset or encoding: the part is still readable.
		if err != nil && (p == nil || !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
			if i > 0 {
				w.fail(fmt.Errorf("reading %s part %d: %v", mt, i+1, err))
				return
			}
			break
		}
		raw.drop()
		pmt, pparams := contentType(&p.Header)
		w.walk(p, pmt, pparams, depth, nest+1, i, mt)
	}
	// No part found.
	io.Copy(io.Discard, body)
	if raw.full {
		w.fail(fmt.Errorf("%s without parts", mt))
		return
	}
	if g := guessBoundary(raw.buf); retry && g != "" && g != boundary {
		// QUIRK: the boundary of the header is not the one of the body.
		ne, _ := message.New(e.Header, bytes.NewReader(raw.buf))
		w.walkMultipart(ne, mt, g, depth, nest, false)
		return
	}
	if mt == "multipart/report" && len(w.reports) == 0 {
		// QUIRK: a report written into the body without MIME parts.
		if i := reportStart(raw.buf); i >= 0 {
			w.reports = append(w.reports, raw.buf[i:])
			if i > 0 && !w.afterOrig { // the human-readable text before it
				w.texts = append(w.texts, strings.ToValidUTF8(string(raw.buf[:i]), "\uFFFD"))
			}
			return
		}
	}
	w.fail(fmt.Errorf("%s without parts", mt))
}

// headBuffer keeps the first max bytes written to it, until drop.
type headBuffer struct {
	buf     []byte
	max     int64
	full    bool // more than max bytes were written
	dropped bool
}

func (b *headBuffer) Write(p []byte) (int, error) {
	switch {
	case b.dropped || b.full:
	case int64(len(b.buf)+len(p)) > b.max:
		b.full, b.buf = true, nil
	default:
		b.buf = append(b.buf, p...)
	}
	return len(p), nil
}

// drop stops keeping bytes: a part was found.
func (b *headBuffer) drop() { b.dropped, b.buf = true, nil }

// reportStart returns the offset of the first line of b that starts a
// delivery-status field group, or -1.
func reportStart(b []byte) int {
	for off := 0; off < len(b); {
		line := b[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		name, _, ok := splitField(line)
		if ok && (name == "reporting-mta" || name == "final-recipient" || name == "original-recipient") {
			return off
		}
		off += len(line) + 1
	}
	return -1
}

// guessBoundary returns the boundary of the first "--boundary" line in b.
func guessBoundary(b []byte) string {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) > 2 && len(line) <= 72 && bytes.HasPrefix(line, []byte("--")) &&
			!bytes.HasSuffix(line, []byte("--")) && !bytes.ContainsAny(line, " \t") {
			return string(line[2:])
		}
	}
	return ""
}

// readHeader reads the header of a returned message from body, within
// MaxPartBytes. For a headers-only part (all true) the whole part is read
// and ended with a blank line, which such parts often lack. A malformed
// line ends the header but keeps the fields before it. It returns nil when
// no field was read.
func (w *walker) readHeader(body io.Reader, all bool) *mail.Header {
	var br *bufio.Reader
	if all {
		b, _ := readCapped(body, w.o.MaxPartBytes)
		br = bufio.NewReader(io.MultiReader(bytes.NewReader(b), strings.NewReader("\r\n\r\n")))
	} else {
		br = bufio.NewReader(io.LimitReader(body, w.o.MaxPartBytes))
	}
	h, _ := textproto.ReadHeader(br)
	if h.Len() == 0 {
		return nil
	}
	return &mail.Header{Header: message.Header{Header: h}}
}

// readCapped reads r up to limit bytes. It returns what it read, and the
// read error if any (a truncated or corrupt base64 part still gives the
// bytes before the damage).
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit))
}

// isReportType reports whether mt (lower case) is a delivery-status report.
func isReportType(mt string) bool {
	switch mt {
	case "message/delivery-status", "message/global-delivery-status", "text/delivery-status":
		return true
	}
	return false
}

// contentType returns the lower-case media type of h and its parameters.
// It falls back to a lenient reading when mime.ParseMediaType fails (a
// duplicate or badly quoted parameter), and to text/plain when there is no
// Content-Type.
func contentType(h *message.Header) (string, map[string]string) {
	mt, params, err := h.ContentType()
	if err == nil {
		return mt, params
	}
	// QUIRK: go-message returns the raw field on error; split it ourselves.
	v := h.Get("Content-Type")
	parts := strings.Split(v, ";")
	mt = strings.ToLower(strings.TrimSpace(parts[0]))
	if i := strings.IndexAny(mt, " \t"); i >= 0 {
		// A parameter folded onto the next line without its ';'
		// ("text/plain\n   charset=...").
		parts = append(parts, mt[i:])
		mt = mt[:i]
	}
	params = map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		if _, dup := params[k]; !dup && k != "" {
			params[k] = val
		}
	}
	return mt, params
}
