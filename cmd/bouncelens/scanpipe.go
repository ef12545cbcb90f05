package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"bouncelens/parser"
	"bouncelens/parser/postfix"
	"bouncelens/store"
)

// The scan pipeline. Each input is read, parsed and classified by one of
// --workers parse goroutines; the classified records go in batches over a
// channel to one store goroutine, which dedups, aggregates and writes them.
// The store's result does not depend on the order in which batches arrive
// (ingest is commutative and idempotent), and everything the summary says
// is collected per input and merged in input order, so any number of
// workers gives the same store and the same output. With one worker the
// whole scan runs on the calling goroutine.

// recordBatch is how many records a parse worker sends at a time. A
// dozen batches are in flight (in the channels, being classified, being
// stored, in the pool), each holding its events' strings: at 1024 records
// that was 15 MB of the scan's live heap, which makes the GC run more
// often under the heap limit. 256 is as cheap in channel operations.
const recordBatch = 256

// batches recycles record batches: the store keeps nothing of the
// records it is given (it copies what it keeps), and recycling them
// saves a third of what a scan would allocate otherwise.
var batches = sync.Pool{New: func() any {
	b := make([]store.Record, 0, recordBatch)
	return &b
}}

// getBatch returns an empty batch of capacity recordBatch.
func getBatch() []store.Record { return (*batches.Get().(*[]store.Record))[:0] }

// putBatch recycles recs once the store added them. Their records are
// reset as they are filled again (parseInput), not here: the store's
// goroutine is the scan's busiest, the parser's has time to spare. Until
// then a pooled batch pins its records' strings.
func putBatch(recs []store.Record) {
	if cap(recs) != recordBatch {
		return
	}
	recs = recs[:0]
	batches.Put(&recs)
}

// inputResult is what one input contributed to the summary.
type inputResult struct {
	ran        bool // the input was opened (or its opening failed): it counts as an input
	events     int  // delivery events (with a recipient)
	received   int  // messages received (Postfix logs)
	warnings   int  // Postfix warnings
	anonymous  int
	outOfRange int // events outside --since/--until: not stored
	skipped    int
	firstSkips []error
	failed     error // the input could not be opened or read to its end
	stats      *postfix.Stats

	continued int64 // a log continued at this offset, where an earlier scan stopped
	unchanged bool  // nothing new since an earlier scan
}

// sink receives classified records, and what to record about each input
// once its records were added: the store's writer.
type sink interface {
	Add(ctx context.Context, recs []store.Record) (store.IngestStats, error)
	SetMeta(name string, value []byte)
	// Prepare does what it can of Add's work on the calling goroutine;
	// it may be called from several at once.
	Prepare(recs []store.Record)
	// PrepareIDs is Prepare for records not classified: Add skips those
	// it holds, and classifies the others.
	PrepareIDs(recs []store.Record)
}

// mostlyStored tells whether an Add found so few new records that the
// next batch of the same input is likely stored too: then its records go
// to the store unclassified (sink.PrepareIDs), and the store classifies
// the few it does not hold. Classifying and encoding what the store then
// skips was a third of the CPU of a scan of a log read before (--reread).
func mostlyStored(st store.IngestStats) bool {
	return st.Duplicate > 0 && st.New <= st.Duplicate/16
}

// parseInput reads one input to its end and passes its events to emit in
// batches of records still to classify. emit's error (the store failed, or
// the scan was cancelled) stops the input and is returned; input errors go
// into the result. It returns the meta values to store once the input's
// records are stored (where a log was read to), nil if none.
func parseInput(ctx context.Context, e *env, o *scanOptions, ix *inputIndex, in input, progress func(int), emit func([]store.Record) error) (inputResult, map[string][]byte, error) {
	res := inputResult{ran: true}
	si, err := openScanInput(e, o, ix, in, progress)
	if err != nil {
		res.failed = err
		return res, nil, nil
	}
	defer si.Close()
	res.continued = si.start
	batch := getBatch()
	n := 0
	for {
		if n++; n%recordBatch == 0 {
			if err := ctx.Err(); err != nil {
				return res, nil, err
			}
		}
		// The event is read into the batch's next record (a recycled
		// one: Reset keeps only its encoding buffer), which is taken
		// back when the event is not stored.
		batch = batch[:len(batch)+1]
		r := &batch[len(batch)-1]
		r.Reset()
		ev := &r.Event
		err := parser.NextInto(si.r, ev)
		if err != nil {
			batch = batch[:len(batch)-1]
			if err == io.EOF {
				break
			}
			if parser.IsSkip(err) {
				res.skipped++
				if len(res.firstSkips) < 20 {
					res.firstSkips = append(res.firstSkips, err)
				}
				continue
			}
			// A final error: the rest of this input is unreadable
			// (truncated gzip, I/O error). What was read is kept.
			res.failed = err
			break
		}
		keep := true
		switch {
		case !o.inRange(ev.Time):
			res.outOfRange++
			keep = false
		case ev.Status == parser.StatusReceived:
			res.received++
		case ev.Status == parser.StatusWarning:
			res.warnings++
		case ev.Recipient == "":
			res.anonymous++
			keep = false
		default:
			res.events++
		}
		if !keep {
			batch = batch[:len(batch)-1]
			continue
		}
		if len(batch) == cap(batch) {
			if err := emit(batch); err != nil {
				return res, nil, err
			}
			batch = getBatch()
		}
	}
	if len(batch) > 0 {
		if err := emit(batch); err != nil {
			return res, nil, err
		}
	}
	if si.log != nil {
		st := si.log.Stats()
		res.stats = &st
		res.unchanged = si.start > 0 && st.Lines == 0
	}
	res.unchanged = res.unchanged || si.seen
	if res.failed != nil || ix == nil || o.filtered() {
		// A log not read to its end is read again next time; a filtered
		// scan stores only part of what it read.
		return res, nil, nil
	}
	meta, err := si.record(e.timeNow())
	if err != nil {
		res.failed = err
	}
	return res, meta, nil
}

// storeJob is what goes to the store goroutine: a batch of records of one
// input or, with final, what to record about the input once its sent
// batches are added.
type storeJob struct {
	input int
	recs  []store.Record
	final bool
	sent  int               // with final: batches of the input sent before
	meta  map[string][]byte // with final: to store with Writer.SetMeta
}

// setMeta queues meta in w for its next checkpoint.
func setMeta(w sink, meta map[string][]byte) {
	for name, v := range meta {
		w.SetMeta(name, v)
	}
}

// runPipeline scans inputs into w with o.workers parse goroutines and
// returns one result per input (in input order) and the store's totals.
// The first store error, or ctx's error, ends the scan; what was added to w
// before it stays added.
func runPipeline(ctx context.Context, e *env, o *scanOptions, ix *inputIndex, inputs []input, w sink, done *atomic.Int64) ([]inputResult, store.IngestStats, error) {
	results := make([]inputResult, len(inputs))
	var total store.IngestStats
	progress := func(n int) { done.Add(int64(n)) }
	if o.workers <= 1 {
		cache := newClassifier(classifierSize)
		stored := false // the input's last batch was mostly stored
		emit := func(recs []store.Record) error {
			if stored {
				w.PrepareIDs(recs)
			} else {
				classifyAll(cache, recs)
			}
			st, err := w.Add(ctx, recs)
			stored = mostlyStored(st)
			total.New += st.New
			total.Duplicate += st.Duplicate
			putBatch(recs)
			return err
		}
		for i, in := range inputs {
			if err := ctx.Err(); err != nil {
				return results, total, err
			}
			stored = false
			var (
				err  error
				meta map[string][]byte
			)
			results[i], meta, err = parseInput(ctx, e, o, ix, in, progress, emit)
			if err != nil {
				return results, total, err
			}
			setMeta(w, meta)
		}
		return results, total, nil
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		raw        = make(chan storeJob, 2*o.workers) // parsed, to classify
		classified = make(chan storeJob, 2*o.workers) // to store
		jobs       = make(chan int)
		storeErr   error
		storeDone  = make(chan struct{})
		stored     = make([]atomic.Bool, len(inputs)) // the input's last batch was mostly stored
	)
	go func() {
		defer close(storeDone)
		// An input's final job can overtake its last batches (they are
		// classified on several goroutines): its meta waits until they
		// are added.
		added := make([]int, len(inputs))
		waiting := make(map[int]storeJob)
		for j := range classified {
			if storeErr != nil {
				continue // drain, so that no worker blocks
			}
			if j.final {
				if added[j.input] == j.sent {
					setMeta(w, j.meta)
				} else {
					waiting[j.input] = j
				}
				continue
			}
			st, err := w.Add(ctx, j.recs)
			total.New += st.New
			total.Duplicate += st.Duplicate
			stored[j.input].Store(mostlyStored(st))
			putBatch(j.recs)
			if err != nil {
				storeErr = err
				cancel(err)
				continue
			}
			added[j.input]++
			if f, ok := waiting[j.input]; ok && added[j.input] == f.sent {
				setMeta(w, f.meta)
				delete(waiting, j.input)
			}
		}
	}()
	// Classifying costs about as much as parsing: it runs on goroutines of
	// its own, so that one large input keeps both cores busy.
	var cwg sync.WaitGroup
	for range o.workers {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			cache := newClassifier(classifierSize)
			for j := range raw {
				if stored[j.input].Load() {
					w.PrepareIDs(j.recs)
				} else {
					classifyAll(cache, j.recs)
					w.Prepare(j.recs) // ids and encodings: off the store goroutine
				}
				select {
				case classified <- j:
				case <-ctx.Done():
				}
			}
		}()
	}
	send := func(j storeJob) error {
		select {
		case raw <- j:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sent := 0
				emit := func(recs []store.Record) error {
					sent++
					return send(storeJob{input: i, recs: recs})
				}
				res, meta, err := parseInput(ctx, e, o, ix, inputs[i], progress, emit)
				results[i] = res
				if err == nil && meta != nil {
					err = send(storeJob{input: i, final: true, sent: sent, meta: meta})
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel(err)
				}
			}
		}()
	}
feed:
	for i := range inputs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(raw)
	cwg.Wait()
	close(classified)
	<-storeDone
	switch {
	case storeErr != nil:
		return results, total, storeErr
	case firstErr != nil && !errors.Is(firstErr, context.Canceled):
		return results, total, firstErr
	}
	return results, total, context.Cause(ctx)
}

// classifyAll classifies each record's event in place. Messages received
// and warnings are not delivery outcomes: they keep a zero Result.
func classifyAll(cache *classifier, recs []store.Record) {
	for i := range recs {
		classifyRecord(cache, &recs[i])
	}
}

// classifyRecord is classifyAll of one record.
func classifyRecord(cache *classifier, r *store.Record) {
	if s := r.Status; s == parser.StatusReceived || s == parser.StatusWarning {
		return
	}
	r.Result = cache.classify(&r.Event)
}

// summarize folds the per-input results, in input order, into the scan's
// result, printing each input's failure and, under -v, its log statistics.
func summarize(w io.Writer, verbose bool, inputs []input, results []inputResult, res *scanResult) {
	for i, r := range results {
		if !r.ran {
			continue
		}
		res.inputs++
		res.events += r.events
		res.received += r.received
		res.warnings += r.warnings
		res.outOfRange += r.outOfRange
		res.anonymous += r.anonymous
		if r.unchanged {
			res.unchanged++
		} else if r.continued > 0 {
			res.continued++
		}
		res.skipped += r.skipped
		for _, err := range r.firstSkips {
			if len(res.firstSkips) < 20 {
				res.firstSkips = append(res.firstSkips, err)
			}
		}
		if r.failed != nil {
			res.failed = append(res.failed, r.failed)
			fmt.Fprintf(w, "bouncelens scan: %v\n", r.failed)
		}
		if verbose && r.stats != nil {
			printLogStats(w, inputs[i], *r.stats)
		}
	}
}
