package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"time"

	"bouncelens/parser"
	"bouncelens/parser/dsn"
	"bouncelens/parser/mbox"
	"bouncelens/parser/postfix"
)

// scanInput is one input opened by a scan: its reader, and what to record
// about it once it was read to its end (see filestate.go).
type scanInput struct {
	src *parser.Input
	r   parser.Reader
	log *postfix.Reader // when the input is a Postfix log

	// For a log: where the reading started, the record it continues (key
	// is "" for a log not seen before) and its first bytes.
	start int64
	key   string
	prev  fileRecord
	head  []byte

	msgKey string // for a message file identified by its content
	seen   bool   // a message file read by an earlier scan: nothing to read
	reread bool   // a log read by an earlier scan, read again (--reread)

	open parser.OpenOptions // to open the input again
}

// openScanInput opens in for a scan. With an index (a scan into a store)
// a log continues where an earlier scan of the same log stopped and a
// message file read before is marked seen, unless reread.
func openScanInput(e *env, o *scanOptions, ix *inputIndex, in input, progress func(int)) (*scanInput, error) {
	open := parser.OpenOptions{Count: progress, ReadAhead: o.workers > 1}
	src, peek, err := openSniffed(in, e.stdin, open, headLen)
	if err != nil {
		return nil, err
	}
	si := &scanInput{src: src, head: bytes.Clone(peek), open: open}
	if o.reread {
		_, _, si.reread = ix.findFile(si.head)
		ix = nil
	}
	switch sniff(si.head[:min(len(si.head), 512)]) {
	case kindBinary:
		si.r = binaryInput(src)
	case kindMessage:
		err = si.openMessage(ix)
	default:
		err = si.openLog(e, o, ix, in)
	}
	if err != nil {
		si.src.Close()
		return nil, err
	}
	return si, nil
}

// Close closes the input, after stopping its log reader's goroutine.
func (si *scanInput) Close() error {
	if si.log != nil {
		si.log.Close()
	}
	return si.src.Close()
}

// openMessage reads a message file whole when it is small enough to be
// identified by its content, and marks it seen when an earlier scan read
// it; mbox files and large files are read as a stream.
func (si *scanInput) openMessage(ix *inputIndex) error {
	src := si.src
	if ix == nil || src.Size < 0 || src.Size > maxHashedMessage || mbox.IsMbox(si.head) {
		si.r = dsn.NewReader(src.Reader, src.Name)
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(src, maxHashedMessage+1))
	if err != nil {
		return fmt.Errorf("%s: %w", src.Name, err)
	}
	si.msgKey = msgKey(data)
	if ix.seenMessage(si.msgKey) {
		si.seen = true
		si.r = &skipReader{}
		return nil
	}
	si.r = dsn.NewReader(bytes.NewReader(data), src.Name)
	return nil
}

// scanAhead tells whether a log is read and its lines scanned on a
// goroutine of their own, ahead of correlation (postfix.Options.ScanAhead):
// when cores are to spare. Handing lines from one core to another costs
// CPU (1.6-3.7% more for a 1 GB scan on 2 cores, which the store keeps
// busy), and gains time only when a core would otherwise wait for the
// parse: a --dry-run (26% faster on 1 GB on 2 cores), a log read again
// whose events the store likely holds (reread: then the records go to
// the store unclassified, and it has little to do; see mostlyStored), or
// a scan on more than two cores.
func scanAhead(o *scanOptions, reread bool) bool {
	cores := min(o.workers, runtime.GOMAXPROCS(0))
	return cores > 2 || cores == 2 && (o.dryRun || reread)
}

// openLog opens a Postfix log, continuing the record of an earlier scan
// when there is one.
func (si *scanInput) openLog(e *env, o *scanOptions, ix *inputIndex, in input) error {
	opts := postfix.Options{
		Year: o.year,
		Now:  e.timeNow,
		// A plain file may be in the middle of a write: its unfinished
		// last line is left for the next scan. Compressed files and
		// streams are complete.
		HoldPartial: in.path != "-" && !si.src.Gzipped,
		Traffic:     true,
		ScanAhead:   scanAhead(o, si.reread),
	}
	if mt := si.src.ModTime; !mt.IsZero() {
		// Classic stamps have no year: the log's last lines were written
		// about when the file was last modified.
		opts.Now = func() time.Time { return mt }
	}
	key, prev, found := ix.findFile(si.head)
	if found && !si.src.Gzipped && si.src.Size >= 0 && si.src.Size < prev.Offset {
		// A plain file shorter than what was read before: a different log
		// with the same first bytes (truncated, then written again).
		found = false
	}
	if found && prev.Offset > 0 {
		n, err := si.src.Skip(prev.Offset)
		switch {
		case err != nil:
			return err
		case n < prev.Offset && in.path != "-":
			// A gzip'ed file shorter than what was read before: read it
			// from the start.
			si.src.Close()
			src, err := parser.OpenWith(in.path, e.stdin, si.open)
			if err != nil {
				return err
			}
			si.src = src
			found = false
		default:
			si.start = n
		}
	}
	si.log = postfix.NewReader(si.src.Reader, si.src.Name, opts)
	if found && si.start > 0 {
		if err := si.log.Restore(prev.State); err != nil {
			return fmt.Errorf("%s: continuing where the last scan stopped: %w (scan with --reread to read it whole)", si.src.Name, err)
		}
		si.key, si.prev = key, prev
	}
	si.r = si.log
	return nil
}

// record returns the meta values to store once the input was read to its
// end: where a log was read to, or that a message was read. nil when there
// is nothing to record.
func (si *scanInput) record(now time.Time) (map[string][]byte, error) {
	switch {
	case si.msgKey != "" && !si.seen:
		return map[string][]byte{si.msgKey: encodeFileRecord(fileRecord{Name: si.src.Name, Size: si.src.Size, ModTime: si.src.ModTime, Scanned: now})}, nil
	case si.log == nil:
		return nil, nil
	}
	off := si.log.Offset() // absolute: it counts on from the restored offset
	if off == 0 || len(si.head) == 0 {
		return nil, nil
	}
	n := min(len(si.head), headLen)
	if int64(n) > off {
		// Do not identify a log by bytes not read yet (an unfinished line).
		n = int(off)
	}
	key := fileKey(si.head[:n])
	if key == si.key && off == si.prev.Offset && si.src.Name == si.prev.Name && si.src.Ino == si.prev.Ino {
		return nil, nil // nothing new
	}
	state, err := si.log.State()
	if err != nil {
		return nil, fmt.Errorf("%s: recording where the scan stopped: %w", si.src.Name, err)
	}
	rec := fileRecord{
		Name: si.src.Name, Dev: si.src.Dev, Ino: si.src.Ino, Gzip: si.src.Gzipped,
		Size: si.src.Size, Offset: off, ModTime: si.src.ModTime, Scanned: now, State: state,
	}
	meta := map[string][]byte{key: encodeFileRecord(rec)}
	if si.key != "" && si.key != key {
		meta[si.key] = nil // the log grew past its old, shorter key
	}
	return meta, nil
}
