package postfix

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"bouncelens/parser"
)

func FuzzReader(f *testing.F) {
	f.Add([]byte("Jan  1 00:00:00 mx postfix/smtp[1]: 3F2A1: to=<a@b>, status=bounced (550 5.1.1)\n"))
	f.Add([]byte("Jan  1 00:00:00 mx postfix/qmgr[1]: 3F2A1: from=<a@b>, status=expired, returned to sender\n"))
	f.Add([]byte("<22>1 2026-01-01T00:00:00Z mx postfix/smtp 1 - [a b=\"\\]\"] 3F2A1: to=<a@b>, status=sent\n"))
	inputs, _ := filepath.Glob("testdata/*.log")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz", Options{Year: 2026, MaxLineLength: 4096, MaxQueueIDs: 8})
		for calls := 0; ; calls++ {
			if calls > 2*len(data)+1 {
				t.Fatalf("no progress after %d calls to Next", calls)
			}
			ev, err := r.Next()
			if err == io.EOF {
				return
			}
			if perr := (*parser.Error)(nil); err != nil && !errors.As(err, &perr) {
				t.Fatalf("final error on in-memory input: %v", err)
			}
			if err != nil {
				continue
			}
			if ev.Line < 1 || ev.Recipient == "" || ev.Status == parser.StatusUnknown {
				t.Fatalf("ill-formed event: %+v", ev)
			}
			if ev.Source != "fuzz" || ev.Time.IsZero() {
				t.Fatalf("event without source or time: %+v", ev)
			}
		}
	})
}
