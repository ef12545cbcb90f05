package main

import (
	"io"
	"os"
	"sync"
	"testing"

	"bouncelens/parser"
	"bouncelens/parser/postfix"
)

// stageInput is the classify stage's input: the events of a 5 MB genlog
// log, parsed once per test binary, and the log's size.
type stageInput struct {
	events []parser.Event
	bytes  int64
}

var stageEvents = sync.OnceValues(func() (stageInput, error) {
	dir, err := os.MkdirTemp("", "classify-stage")
	if err != nil {
		return stageInput{}, err
	}
	defer os.RemoveAll(dir)
	path, err := writeGenlog(dir, "--mb", "5", "--seed", "1")
	if err != nil {
		return stageInput{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return stageInput{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return stageInput{}, err
	}
	in := stageInput{bytes: fi.Size()}
	r := postfix.NewReader(f, path, postfix.Options{Year: 2026})
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return in, nil
		}
		if err == nil {
			in.events = append(in.events, ev)
		}
	}
})

// BenchmarkClassifyStage classifies the events of a genlog log through the
// scan's cached classifier, as a parse worker does; bytes are the log's.
func BenchmarkClassifyStage(b *testing.B) {
	in, err := stageEvents()
	if err != nil {
		b.Skip(err)
	}
	evs := in.events
	b.SetBytes(in.bytes)
	b.ReportAllocs()
	for b.Loop() {
		c := newClassifier(classifierSize)
		for i := range evs {
			c.classify(&evs[i])
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
