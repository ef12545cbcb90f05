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

// recordBatch is how many records a parse worker sends at a time.
const recordBatch = 4096

// inputResult is what one input contributed to the summary.
type inputResult struct {
	ran        bool // the input was opened (or its opening failed): it counts as an input
	events     int
	anonymous  int
	skipped    int
	firstSkips []error
	failed     error // the input could not be opened or read to its end
	stats      *postfix.Stats
}

// sink receives classified records: the store's writer.
type sink interface {
	Add(ctx context.Context, recs []store.Record) (store.IngestStats, error)
}

// parseInput reads one input to its end and passes its events to emit in
// batches of records still to classify. emit's error (the store failed, or
// the scan was cancelled) stops the input and is returned; input errors go
// into the result.
func parseInput(ctx context.Context, e *env, o *scanOptions, in input, progress func(int), emit func([]store.Record) error) (inputResult, error) {
	res := inputResult{ran: true}
	r, closer, err := openReader(in, e.stdin, progress, o.year, e.now, o.workers > 1)
	if err != nil {
		res.failed = err
		return res, nil
	}
	defer closer.Close()
	batch := make([]store.Record, 0, recordBatch)
	n := 0
	for ev, err := range parser.All(r) {
		if n++; n%recordBatch == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		if err != nil {
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
		if ev.Recipient == "" {
			res.anonymous++
			continue
		}
		res.events++
		batch = append(batch, store.Record{Event: ev})
		if len(batch) == cap(batch) {
			if err := emit(batch); err != nil {
				return res, err
			}
			batch = make([]store.Record, 0, recordBatch)
		}
	}
	if len(batch) > 0 {
		if err := emit(batch); err != nil {
			return res, err
		}
	}
	if pr, ok := r.(*postfix.Reader); ok {
		st := pr.Stats()
		res.stats = &st
	}
	return res, nil
}

// runPipeline scans inputs into w with o.workers parse goroutines and
// returns one result per input (in input order) and the store's totals.
// The first store error, or ctx's error, ends the scan; what was added to w
// before it stays added.
func runPipeline(ctx context.Context, e *env, o *scanOptions, inputs []input, w sink, done *atomic.Int64) ([]inputResult, store.IngestStats, error) {
	results := make([]inputResult, len(inputs))
	var total store.IngestStats
	progress := func(n int) { done.Add(int64(n)) }
	if o.workers <= 1 {
		cache := newClassifier(1 << 16)
		emit := func(recs []store.Record) error {
			classifyAll(cache, recs)
			st, err := w.Add(ctx, recs)
			total.New += st.New
			total.Duplicate += st.Duplicate
			return err
		}
		for i, in := range inputs {
			if err := ctx.Err(); err != nil {
				return results, total, err
			}
			var err error
			results[i], err = parseInput(ctx, e, o, in, progress, emit)
			if err != nil {
				return results, total, err
			}
		}
		return results, total, nil
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		raw        = make(chan []store.Record, 2*o.workers) // parsed, to classify
		classified = make(chan []store.Record, 2*o.workers) // to store
		jobs       = make(chan int)
		storeErr   error
		storeDone  = make(chan struct{})
	)
	go func() {
		defer close(storeDone)
		for recs := range classified {
			if storeErr != nil {
				continue // drain, so that no worker blocks
			}
			st, err := w.Add(ctx, recs)
			total.New += st.New
			total.Duplicate += st.Duplicate
			if err != nil {
				storeErr = err
				cancel(err)
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
			cache := newClassifier(1 << 16)
			for recs := range raw {
				classifyAll(cache, recs)
				select {
				case classified <- recs:
				case <-ctx.Done():
				}
			}
		}()
	}
	emit := func(recs []store.Record) error {
		select {
		case raw <- recs:
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
				res, err := parseInput(ctx, e, o, inputs[i], progress, emit)
				results[i] = res
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

// classifyAll classifies each record's event in place.
func classifyAll(cache *classifier, recs []store.Record) {
	for i := range recs {
		recs[i].Result = cache.classify(&recs[i].Event)
	}
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
		res.anonymous += r.anonymous
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
