package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"bouncelens/parser"
	"bouncelens/parser/postfix"
)

// stageEvents is the classify stage's input: the events of a 5 MB genlog
// log (../shared/bench/genlog.py), parsed once per test binary, and the
// log's size.
var stageEvents = sync.OnceValues(func() ([]parser.Event, error) {
	script := "../../../shared/bench/genlog.py"
	if _, err := os.Stat(script); err != nil {
		return nil, errors.New("../shared/bench/genlog.py missing")
	}
	dir, err := os.MkdirTemp("", "classify-stage")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log")
	if out, err := exec.Command("python3", script, "--mb", "5", "--seed", "1", "--out", path).CombinedOutput(); err != nil {
		return nil, errors.New("genlog: " + err.Error() + ": " + string(out))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	stageBytes = fi.Size()
	r := postfix.NewReader(f, path, postfix.Options{Year: 2026})
	var evs []parser.Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return evs, nil
		}
		if err == nil {
			evs = append(evs, ev)
		}
	}
})

var stageBytes int64

// BenchmarkClassifyStage classifies the events of a genlog log through the
// scan's cached classifier, as a parse worker does; bytes are the log's.
func BenchmarkClassifyStage(b *testing.B) {
	evs, err := stageEvents()
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(stageBytes)
	b.ReportAllocs()
	for b.Loop() {
		c := newClassifier(1 << 16)
		for i := range evs {
			c.classify(&evs[i])
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
