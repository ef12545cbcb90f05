package parser

import (
	"io"
	"sync"
)

// readAheadChunk is the size of the chunks a readAhead reader fills ahead
// of its consumer; readAheadChunks of them are in flight at most.
const (
	readAheadChunk  = 1 << 20
	readAheadChunks = 4
)

// readAhead reads (and so decompresses) its source on a goroutine of its
// own, up to readAheadChunks chunks ahead of Read: the parser and the
// inflater then run on two cores.
type readAhead struct {
	full chan aheadChunk
	free chan []byte
	stop chan struct{}
	once sync.Once
	done chan struct{} // closed when the goroutine has returned

	cur []byte // unread part of the current chunk
	buf []byte // the current chunk's buffer, returned to free when read
	err error  // final error, returned once cur is empty
}

type aheadChunk struct {
	b   []byte
	err error
}

// newReadAhead starts reading src; Close stops it.
func newReadAhead(src io.Reader) *readAhead {
	r := &readAhead{
		full: make(chan aheadChunk, readAheadChunks),
		free: make(chan []byte, readAheadChunks+1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go r.fill(src)
	return r
}

func (r *readAhead) fill(src io.Reader) {
	defer close(r.done)
	allocated := 0
	for {
		var buf []byte
		select {
		case buf = <-r.free:
		default:
			if allocated < readAheadChunks+1 {
				buf = make([]byte, readAheadChunk)
				allocated++
			} else {
				select {
				case buf = <-r.free:
				case <-r.stop:
					return
				}
			}
		}
		n, err := readFull(src, buf)
		select {
		case r.full <- aheadChunk{buf[:n], err}:
		case <-r.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// readFull reads into buf until it is full or src fails; unlike
// io.ReadFull it passes src's errors on as they are (a truncated gzip
// stream's io.ErrUnexpectedEOF must reach the caller).
func readFull(src io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := src.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Read implements io.Reader.
func (r *readAhead) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.buf != nil {
			r.free <- r.buf[:cap(r.buf)]
			r.buf = nil
		}
		c := <-r.full
		r.buf, r.cur, r.err = c.b, c.b, c.err
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it, so that the source may be
// closed after it.
func (r *readAhead) Close() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return nil
}
