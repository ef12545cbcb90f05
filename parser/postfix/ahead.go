package postfix

import (
	"errors"
	"io"
	"time"

	"bouncelens/parser"
)

// Scanning ahead (Options.ScanAhead). Reading a line and scanning it into
// a record (readLine, scanLine) takes about half of a Reader's time, and
// needs none of the correlation state; applying the record (applyTo)
// takes the other half and needs nothing of the reading. With ScanAhead a
// second Reader, a copy of the first taken at the first Next, reads and
// scans lines on a goroutine of its own and hands the records over in
// batches; the first applies them in order. Events, errors, line numbers,
// Offset, Stats and State are those of a Reader without it.
//
// The scanning copy owns the fields of reading and scanning (the bufio
// reader, chunk, line, pos, stamp caches, year); the applying Reader owns
// those of correlation (queue, interner, clock, pending). Each counts its
// own Stats fields, which add up. A record's byte slices point into its
// batch's buf, a copy of the lines, valid until the batch is recycled.
//
// Lines that make no record are not handed over, but for those whose
// stamp moves the log clock on (the applying side sweeps the queue table
// by it and by line numbers): the scanning side keeps the same clock, the
// latest stamp so far, and passes a stamp-only record when a line moves
// it. So the applying side ticks at the same lines as a Reader alone.

// aheadItems and aheadBuf bound a batch: records, and bytes of lines
// (variables for the tests, which make batches tiny).
var (
	aheadItems = 512
	aheadBuf   = 128 << 10
)

// aheadBatches are in flight at most (being filled, in the channel, being
// applied).
const aheadBatches = 4

// aheadItem is a scanned line that the applying side needs: a record, a
// stamp that moves the clock on, or a line to skip (err).
type aheadItem struct {
	rec        record
	line       int
	start, end int64 // the line's input offsets (Reader.lineStart, pos)
	err        error // a *parser.Error: the line is skipped
}

// aheadBatch is what the scanning side hands over at a time.
type aheadBatch struct {
	buf   []byte // the lines the records point into
	items []aheadItem

	// Where the scanning side was after the batch's last line, and its
	// Stats counts then.
	line      int
	pos       int64
	lineStart int64
	year      int
	lastMonth time.Month
	stats     Stats
	final     error // io.EOF or an I/O error: the last batch
}

// ahead is the applying Reader's end of the scanning goroutine.
type ahead struct {
	full chan *aheadBatch
	free chan *aheadBatch
	stop chan struct{}
	done chan struct{}

	cur  *aheadBatch // batch being applied
	next int         // its next item
	scan Stats       // the scanning side's counts as of the last batch taken
}

// startAhead starts the scanning goroutine on a copy of r.
func (r *Reader) startAhead() {
	a := &ahead{
		full: make(chan *aheadBatch, aheadBatches-2),
		free: make(chan *aheadBatch, aheadBatches),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	s := *r // the scanning copy: its stamp caches and year continue r's
	s.ahead = nil
	s.stats = Stats{}
	r.ahead = a
	go s.runAhead(a)
}

// runAhead reads and scans lines into batches until the input ends or
// Close is called.
func (r *Reader) runAhead(a *ahead) {
	defer close(a.done)
	clock, clockSet := r.clock, r.clockSet
	allocated := 0
	for {
		var b *aheadBatch
		select {
		case b = <-a.free:
		default:
			if allocated < aheadBatches {
				b = &aheadBatch{buf: make([]byte, 0, aheadBuf), items: make([]aheadItem, 0, aheadItems)}
				allocated++
			} else {
				select {
				case b = <-a.free:
				case <-a.stop:
					return
				}
			}
		}
		b.buf, b.items, b.final = b.buf[:0], b.items[:0], nil
		for len(b.items) < cap(b.items) {
			line, err := r.readLine()
			if err != nil {
				if !errors.As(err, new(*parser.Error)) {
					b.final = err
					break
				}
				b.items = append(b.items, aheadItem{line: r.line, start: r.lineStart, end: r.pos, err: err})
				continue
			}
			if len(line) > cap(b.buf)-len(b.buf) {
				// A new buffer: the records so far keep the old one
				// alive until they are overwritten. Long lines make
				// this happen; they are bounded by MaxLineLength.
				b.buf = make([]byte, 0, max(aheadBuf, len(line)))
			}
			off := len(b.buf)
			b.buf = append(b.buf, line...)
			b.items = b.items[:len(b.items)+1]
			it := &b.items[len(b.items)-1]
			it.rec = record{}
			if err := r.scanLine(b.buf[off:len(b.buf):len(b.buf)], &it.rec); err != nil {
				*it = aheadItem{line: r.line, start: r.lineStart, end: r.pos, err: err}
				b.buf = b.buf[:off]
				continue
			}
			moves := false // the line's stamp moves the log clock on
			if it.rec.timed {
				if t := r.unixOf(&it.rec.ts); !clockSet || t > clock {
					clock, clockSet, moves = t, true, true
				}
			}
			if it.rec.kind == recNone {
				b.buf = b.buf[:off] // the stamp is all the applying side reads
				if !moves {
					b.items = b.items[:len(b.items)-1] // nothing to apply
					continue
				}
			}
			it.line, it.start, it.end, it.err = r.line, r.lineStart, r.pos, nil
		}
		b.line, b.pos, b.lineStart = r.line, r.pos, r.lineStart
		b.year, b.lastMonth = r.year, r.lastMonth
		b.stats = r.stats
		select {
		case a.full <- b:
		case <-a.stop:
			return
		}
		if b.final != nil {
			return
		}
	}
}

// nextAhead returns the next scanned item, taking the next batch when the
// current one is applied; at the end of the input it returns the final
// error (io.EOF or an I/O error) with r's reading fields set to where the
// scanning side stopped.
func (r *Reader) nextAhead() (*aheadItem, error) {
	a := r.ahead
	for {
		if b := a.cur; b != nil {
			if a.next < len(b.items) {
				it := &b.items[a.next]
				a.next++
				r.line, r.lineStart, r.pos = it.line, it.start, it.end
				return it, nil
			}
			// The batch is applied: the lines after its last item were
			// read too, and are accounted for.
			r.line, r.lineStart, r.pos = b.line, b.lineStart, b.pos
			r.year, r.lastMonth = b.year, b.lastMonth
			a.scan = b.stats
			if b.final != nil {
				return nil, b.final
			}
			a.cur = nil
			a.free <- b // never blocks: it has room for every batch
		}
		a.cur, a.next = <-a.full, 0
	}
}

// Close stops the goroutine of Options.ScanAhead, if one runs, and waits
// for it (it stops when it sees the stop, or once a read in progress
// returns); it does not close the input. Next must not be called after
// Close. Without ScanAhead it does nothing.
func (r *Reader) Close() error {
	if a := r.ahead; a != nil {
		select {
		case <-a.stop:
		default:
			close(a.stop)
		}
		<-a.done
	}
	return nil
}

var _ io.Closer = (*Reader)(nil)
