package main

import (
	"os"
	"testing"
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
)

// sharedSamples is the shared corpus of real bounces and logs; the tests
// that read it use the fixtures alone without it.
const sharedSamples = "../../../shared/samples"

// readEvents returns every event of the inputs under paths, as scan and
// decode read them.
func readEvents(t *testing.T, paths ...string) []parser.Event {
	t.Helper()
	inputs, errs := expandInputs(paths)
	for _, err := range errs {
		t.Fatal(err)
	}
	var evs []parser.Event
	for _, in := range inputs {
		r, closer, err := openReader(in, nil, nil, 2026, func() time.Time { return fixedNow }, false)
		if err != nil {
			t.Fatal(err)
		}
		for ev, err := range parser.All(r) {
			if err == nil {
				evs = append(evs, ev)
			}
		}
		closer.Close()
	}
	return evs
}

// TestClassifierIsClassify checks that the scan's cached classifier gives
// for every event of the fixtures, the shared samples and a genlog log what
// classify.Classify gives, whether the event's input is in the cache, is
// not yet, or was dropped with the cache.
func TestClassifierIsClassify(t *testing.T) {
	paths := []string{fixturesDir}
	if _, err := os.Stat(sharedSamples); err == nil {
		paths = append(paths, sharedSamples)
	} else {
		t.Logf("%v: fixtures only", err)
	}
	evs := readEvents(t, paths...)
	if p := genlogFile(t); p != "" {
		evs = append(evs, readEvents(t, p)...)
	}
	if len(evs) < 100 {
		t.Fatalf("only %d events read", len(evs))
	}
	t.Logf("%d events", len(evs))
	for _, max := range []int{1 << 16, 3} { // 3: dropped again and again
		c := newClassifier(max)
		for pass := range 2 { // the second pass finds the inputs cached
			for i := range evs {
				ev := &evs[i]
				got, want := c.classify(ev), classify.Classify(classifyInput(ev))
				if got != want {
					t.Fatalf("max %d, pass %d: event %s:%d (%+v): cached classifier %+v, classify.Classify %+v",
						max, pass, ev.Source, ev.Line, classifyInput(ev), got, want)
				}
			}
		}
		if max > len(evs) && len(c.cache) == 0 {
			t.Errorf("max %d: nothing cached", max)
		}
	}
}
