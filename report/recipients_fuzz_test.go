package report

import (
	"testing"

	"bouncelens/classify"
	"bouncelens/classify/policy"
)

// FuzzSnapshot: a damaged snapshot (header, compressed chunks or raw
// entries) is an error, never a panic, and what decodes is in order.
func FuzzSnapshot(f *testing.F) {
	var w snapWriter
	for _, a := range []string{"a@example.com", "ab@example.com", "b@example.org"} {
		w.add(snapEntry{a, policy.Moved, classify.ActionUpdateAddress, "n" + a})
	}
	meta, err := w.meta(0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(meta[ExportSnapshotMeta], meta[snapChunkName(0)], w.raw)
	f.Add([]byte{1, 0, 0, 0}, []byte{}, []byte{})
	f.Add([]byte{1, 200, 1, 3, 1}, []byte{0x28, 0xb5, 0x2f, 0xfd}, []byte{5, 1, 'x', 0, 0, 0})
	f.Fuzz(func(t *testing.T, header, z, raw []byte) {
		if n, rawLen, _, err := parseSnapHeader(header); err == nil && rawLen <= 1<<20 {
			if r, err := decodeSnapshot(n, rawLen, z); err == nil {
				drain(t, r)
			}
		}
		drain(t, &snapReader{raw: raw, left: len(raw)})
	})
}

func drain(t *testing.T, r *snapReader) {
	prev := ""
	for i := 0; ; i++ {
		e, ok, err := r.peek()
		if err != nil || !ok {
			return
		}
		if i > 0 && e.addr <= prev {
			t.Fatalf("entry %d %q after %q", i, e.addr, prev)
		}
		prev = e.addr
		r.skip()
	}
}
