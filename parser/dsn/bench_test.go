package dsn

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"bouncelens/parser"

	"github.com/emersion/go-message"
)

// Stage benchmarks over the shared sample set (or, without it, the
// fixtures): reading a message into a *bounce (header, MIME walk, transfer
// and charset decoding), family detection, the decoding pipeline on a read
// message, and the whole Parse. Each op is one pass over every message;
// besides the usual columns they report ns/msg and allocs/msg.
//
//	go test ./parser/dsn -run XXX -bench Stage -benchmem

// stageMessages returns the messages of the sample set, or the fixture
// messages when the sample set is absent, and their total size. It skips
// the benchmark when there are none.
func stageMessages(b *testing.B) (msgs [][]byte, size int64) {
	b.Helper()
	if _, err := os.Stat(samplesDir); err == nil {
		err := filepath.WalkDir(samplesDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") {
				return err
			}
			data := readFile(b, p)
			msgs = append(msgs, data)
			size += int64(len(data))
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	} else {
		msgs, size = benchMessages(b)
	}
	if len(msgs) == 0 {
		b.Skip("no sample or fixture messages")
	}
	return msgs, size
}

// readBounce is the reading stage of parse: the top-level header, the walk
// of the MIME structure, and the decoders' view of it. It returns nil for a
// message without a header.
func readBounce(data []byte, o *Options) *bounce {
	h, br, _ := readMessageHeader(bytes.NewReader(data), o.MaxHeaderBytes, true)
	if h.Len() == 0 {
		return nil
	}
	w := &walker{o: o}
	w.walkMessage(message.Header{Header: h}, br, 0)
	return w.bounce()
}

// readBounces reads every message once, for the stages after reading.
func readBounces(b *testing.B, msgs [][]byte) []*bounce {
	b.Helper()
	o := (*Options)(nil).withDefaults()
	var out []*bounce
	for _, data := range msgs {
		if m := readBounce(data, &o); m != nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		b.Skip("no readable message")
	}
	return out
}

// perMessage runs the benchmark loop around f (one pass over n messages)
// and reports ns/msg and allocs/msg.
func perMessage(b *testing.B, n int, size int64, f func()) {
	b.Helper()
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	loops := 0
	for b.Loop() {
		f()
		loops++
	}
	runtime.ReadMemStats(&after)
	if loops > 0 && n > 0 {
		msgs := float64(loops * n)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/msgs, "ns/msg")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/msgs, "allocs/msg")
	}
}

// BenchmarkStageRead measures reading: header, MIME walk, base64 and
// quoted-printable, charsets, the returned original's header.
func BenchmarkStageRead(b *testing.B) {
	msgs, size := stageMessages(b)
	o := (*Options)(nil).withDefaults()
	perMessage(b, len(msgs), size, func() {
		for _, data := range msgs {
			readBounce(data, &o)
		}
	})
}

// BenchmarkStageDetect measures family detection on read messages.
func BenchmarkStageDetect(b *testing.B) {
	msgs, size := stageMessages(b)
	bounces := readBounces(b, msgs)
	found := 0
	perMessage(b, len(bounces), size, func() {
		found = 0
		for _, m := range bounces {
			if detect(m) != nil {
				found++
			}
		}
	})
	b.ReportMetric(float64(found)/float64(len(bounces)), "detected/msg")
}

// BenchmarkStageDecode measures the decoding pipeline (ARF, detection,
// report fields, family text decoders, generic decoder, finish) on read
// messages.
func BenchmarkStageDecode(b *testing.B) {
	msgs, size := stageMessages(b)
	bounces := readBounces(b, msgs)
	events := 0
	perMessage(b, len(bounces), size, func() {
		events = 0
		for _, m := range bounces {
			events += len(decode(m))
		}
	})
	b.ReportMetric(float64(events)/float64(len(bounces)), "events/msg")
}

// BenchmarkStageParse measures Parse, reading and decoding, over the
// whole set.
func BenchmarkStageParse(b *testing.B) {
	msgs, size := stageMessages(b)
	perMessage(b, len(msgs), size, func() {
		for _, data := range msgs {
			if _, err := Parse(bytes.NewReader(data), "bench"); err != nil && !parser.IsSkip(err) {
				b.Fatal(err)
			}
		}
	})
}
