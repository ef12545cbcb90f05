package main

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// peakHeap keeps the heap profile of the moment the live heap (as of the
// last GC) was largest: the profile that tells what a scan's peak memory
// is made of, which a profile at the end, after the store committed and
// let go of its tables, does not.
type peakHeap struct {
	quit chan struct{}
	done sync.WaitGroup
	max  uint64
	prof []byte
}

// peakPoll is how often the live heap is looked at.
const peakPoll = 100 * time.Millisecond

// watchPeakHeap starts watching the live heap; stop ends it.
func watchPeakHeap() *peakHeap {
	p := &peakHeap{quit: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(peakPoll)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.check(false)
			}
		}
	}()
	return p
}

// check takes a profile if the live heap grew by 5% since the last one
// (or force and there is none yet).
func (p *peakHeap) check(force bool) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := s[0].Value.Uint64()
	if !(force && p.prof == nil) && live <= p.max+p.max/20 {
		return
	}
	var b bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&b, 0); err != nil {
		return
	}
	p.max, p.prof = live, b.Bytes()
}

// stop ends the watch and returns the profile of the largest live heap
// seen (gzip'ed protobuf, as pprof.WriteHeapProfile writes it).
func (p *peakHeap) stop() []byte {
	close(p.quit)
	p.done.Wait()
	runtime.GC()
	p.check(true)
	return p.prof
}
