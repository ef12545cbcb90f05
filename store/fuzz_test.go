package store

import (
	"bytes"
	"testing"
)

// FuzzDecoders: the decoders of what the store reads back (recipient run
// entries, recipient states, event blocks and records, fingerprint
// blocks, keys, count values and segment refs) never panic on any input, and fail on input cut short, the
// way a torn file would cut it. The seeds are real encodings.
func FuzzDecoders(f *testing.F) {
	var tab rcptTable
	recs := synth(40, 67)
	recs[3].Status = 200
	recs[5].Forward = "moved@new.example"
	var states []rcptState
	for k := range recs {
		r := &recs[k]
		fp := fprint{ts: tsOf(r.Time), id: Fingerprint(&r.Event)}
		i := tab.get(r.Recipient)
		tab.apply(i, r, fp)
		tab.addRef(i, partRef{hour: uint32(k / 10), part: uint16(k % 3)})
		var s rcptState
		s.r.Address = r.Recipient
		s.apply(r, fp.ts, fp.id)
		states = append(states, s)
		f.Add(encodeRecord(nil, r))
	}
	grouped, start := tab.groupRefs()
	for i := range uint32(tab.len()) {
		f.Add(tab.encodeRun(nil, i, grouped[start[i]:start[i+1]]))
	}
	for _, s := range states[:5] {
		f.Add(s.encode(nil))
	}
	f.Add(encodeFprintsTo(nil, []fprint{{ts: 1, id: [16]byte{2}}, {ts: 3, id: [16]byte{4}}}))
	f.Add(blockKey(480000, 7, 3))
	f.Add(fprintKey(480000, 7, 3))
	f.Add(appendCountKey(nil, &recs[0]))
	f.Add(encodeCount(7, 10, 3))
	f.Add(wrapRcpt(7, states[0].encode(nil), states[1].encode(nil)))
	f.Add(segRef{seg: 2, off: 4096, len: 300}.encode())
	// Counts of statuses far past any there are: the decoders stopped
	// at the error, but went on looping (and allocating) that many times.
	f.Add([]byte{rcptCodecV2, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		var a rcptAcc
		_, runErr := a.decodeRun(b, nil)
		_, rcptErr := decodeRcpt("a@example.com", b)
		_, recErr := decodeRecord(b)
		_ = decodeBlock(b, func(fprint, []byte) error { return nil })
		_ = decodeFprints(b, func(uint64, *[16]byte) {})
		_, _ = parseKey(b)
		_, _ = decodeRef(b)
		_, _ = decodeSegEnd(b)
		cs := commitState{commit: 5, aborted: []uint64{3}}
		_, _ = cs.resolveCount(b)
		_, _ = cs.resolveRcpt(b)
		if len(b) == 0 {
			return
		}
		// A valid encoding cut short is an error, not a shorter value.
		cut := bytes.Clone(b[:len(b)-1])
		if runErr == nil {
			if _, err := new(rcptAcc).decodeRun(cut, nil); err == nil {
				t.Errorf("run entry %x cut short decodes", b)
			}
		}
		if recErr == nil {
			if _, err := decodeRecord(cut); err == nil {
				t.Errorf("record %x cut short decodes", b)
			}
		}
		_ = rcptErr
	})
}
