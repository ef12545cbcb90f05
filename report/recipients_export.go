package report

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/klauspost/compress/zstd"

	"bouncelens/classify"
	"bouncelens/classify/policy"
	"bouncelens/store"
)

// The store meta names of the export watermark (store.DB.Meta).
const (
	// ExportWatermarkMeta holds the last export's Watermark as JSON.
	ExportWatermarkMeta = "export.watermark"
	// ExportSnapshotMeta holds the header of the last export's snapshot:
	// every recipient that was not active then, with its state, action
	// and new address. The snapshot itself is in ExportSnapshotMeta+".0",
	// ".1", ... (see encodeSnapshot).
	ExportSnapshotMeta = "export.snapshot"
)

// Watermark records an export with --since-last.
type Watermark struct {
	ExportedAt time.Time `json:"exported_at"`
	Rows       int       `json:"rows"`       // rows the export wrote
	Tracked    int       `json:"tracked"`    // recipients in its snapshot (not active)
	Recipients int       `json:"recipients"` // recipients in the store then
	Events     uint64    `json:"events"`     // events in the store then
}

// ExportOptions tunes Export.
type ExportOptions struct {
	// SinceLast exports only the recipients whose state, action or new
	// address changed since the last export with SinceLast (the first
	// time: every recipient that is not active), and returns the Meta that
	// advances the watermark. Without it, every recipient that is not
	// active is exported and nothing is to be stored.
	SinceLast bool
	Now       time.Time // the export's time, for the watermark
}

// ExportResult is what Export found.
type ExportResult struct {
	Rows     []RecipientVerdict // in address order
	Previous *Watermark         // the last export's watermark; nil if none (or without SinceLast)
	Current  Watermark          // this export's
	// Meta, with SinceLast, is the new snapshot and watermark: commit it
	// with store.Writer.CommitWith (in one transaction) to advance the
	// watermark; drop it for a dry run.
	Meta map[string][]byte
}

// snapEntry is a recipient's state as an export saw it.
type snapEntry struct {
	addr       string
	state      policy.State
	action     classify.Action
	newAddress string
}

func (e snapEntry) same(v *policy.Verdict) bool {
	return e.state == v.State && e.action == v.Action && e.newAddress == v.NewAddress
}

// Export folds the store (FoldRecipients) into the rows of a CRM export.
func Export(ctx context.Context, db *store.DB, p *policy.Policy, opts ExportOptions) (ExportResult, error) {
	var res ExportResult
	var prev *snapReader
	prevChunks := 0
	if opts.SinceLast {
		wm, err := ReadWatermark(ctx, db)
		if err != nil {
			return res, err
		}
		res.Previous = wm
		prev, prevChunks, err = readSnapshot(ctx, db)
		if err != nil {
			return res, err
		}
	}
	var next snapWriter
	stats, err := FoldRecipients(ctx, db, p, func(rv RecipientVerdict) error {
		was := snapEntry{addr: rv.Address} // absent: active, as every address starts
		if prev != nil {
			for {
				e, ok, err := prev.peek()
				if err != nil {
					return err
				}
				if !ok || e.addr > rv.Address {
					break
				}
				prev.skip()
				if e.addr == rv.Address {
					was = e
					break
				}
				// An address in the snapshot and no longer in the store:
				// nothing to say about it.
			}
		}
		if rv.State != policy.Active || rv.Action != classify.ActionNone || rv.NewAddress != "" {
			next.add(snapEntry{rv.Address, rv.State, rv.Action, rv.NewAddress})
		}
		if opts.SinceLast && was.same(&rv.Verdict) {
			return nil
		}
		if !opts.SinceLast && rv.State == policy.Active {
			return nil
		}
		res.Rows = append(res.Rows, rv)
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Current = Watermark{ExportedAt: opts.Now.UTC(), Rows: len(res.Rows), Tracked: next.n,
		Recipients: stats.Recipients, Events: stats.Events}
	if opts.SinceLast {
		res.Meta, err = next.meta(prevChunks)
		if err != nil {
			return res, err
		}
		wm, err := json.Marshal(res.Current)
		if err != nil {
			return res, fmt.Errorf("encoding the watermark: %w", err)
		}
		res.Meta[ExportWatermarkMeta] = wm
	}
	return res, nil
}

// ExportTable is the export's table: the columns a CRM import maps.
func ExportTable(rows []RecipientVerdict) Table {
	t := Table{
		ID:    "export",
		Title: "Recipients whose state changed",
		Columns: []Column{
			{Name: "EMAIL"}, {Name: "STATE"}, {Name: "ACTION"}, {Name: "NEW ADDRESS"},
			{Name: "LAST CODE", Numeric: true}, {Name: "LAST ENHANCED"}, {Name: "LAST REASON"},
			{Name: "FIRST SEEN"}, {Name: "LAST SEEN"},
			{Name: "EVENTS", Numeric: true}, {Name: "DELIVERED", Numeric: true},
			{Name: "HARD", Numeric: true}, {Name: "SOFT", Numeric: true},
		},
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{
			r.Address, r.State.String(), r.Action.String(), r.NewAddress,
			replyCode(r.LastCode), r.LastEnhanced, r.LastReason.String(),
			timeString(r.FirstSeen), timeString(r.LastSeen),
			strconv.Itoa(r.Events), strconv.Itoa(r.Delivered), strconv.Itoa(r.Hard), strconv.Itoa(r.Soft),
		})
	}
	return t
}

// ReadWatermark returns the last export's watermark, nil if there was none.
func ReadWatermark(ctx context.Context, db *store.DB) (*Watermark, error) {
	v, ok, err := db.Meta(ctx, ExportWatermarkMeta)
	if err != nil || !ok {
		return nil, err
	}
	var wm Watermark
	if err := json.Unmarshal(v, &wm); err != nil {
		return nil, fmt.Errorf("reading the export watermark: %w", err)
	}
	return &wm, nil
}

// The snapshot (the value of ExportSnapshotMeta and its chunks):
//
//	header:  1 | entries uvarint | raw length uvarint | chunks uvarint
//	chunks:  ExportSnapshotMeta+".0", ".1", ...: a zstd frame of raw,
//	         cut in snapChunk pieces (a Badger value must fit in a value log file)
//	raw:     entries × (shared uvarint | suffix length uvarint | suffix |
//	         state uint8 | action uint8 | new address length uvarint | new address)
//
// Addresses are sorted and front-coded: shared is the length of the prefix
// an address shares with the one before it.
const (
	snapVersion = 1
	snapWindow  = 1 << 20 // zstd window: front-coded addresses gain little from more
	// snapMaxRaw bounds the raw snapshot a reader accepts (about 30
	// million recipients), so a damaged header cannot make it allocate
	// without limit.
	snapMaxRaw = 1 << 30
)

// snapChunk is the size of a snapshot chunk (a variable for the tests).
var snapChunk = 8 << 20

var errBadSnapshot = errors.New("damaged export snapshot")

// snapWriter front-codes entries in address order.
type snapWriter struct {
	raw  []byte
	prev string
	n    int
}

func (w *snapWriter) add(e snapEntry) {
	shared := 0
	for shared < len(e.addr) && shared < len(w.prev) && e.addr[shared] == w.prev[shared] {
		shared++
	}
	w.raw = binary.AppendUvarint(w.raw, uint64(shared))
	w.raw = binary.AppendUvarint(w.raw, uint64(len(e.addr)-shared))
	w.raw = append(w.raw, e.addr[shared:]...)
	w.raw = append(w.raw, byte(e.state), byte(e.action))
	w.raw = binary.AppendUvarint(w.raw, uint64(len(e.newAddress)))
	w.raw = append(w.raw, e.newAddress...)
	w.prev = e.addr
	w.n++
}

// meta returns the snapshot's meta values; the chunks of a previous,
// longer snapshot (prevChunks) are emptied.
func (w *snapWriter) meta(prevChunks int) (map[string][]byte, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(snapWindow))
	if err != nil {
		return nil, fmt.Errorf("encoding the export snapshot: %w", err)
	}
	z := enc.EncodeAll(w.raw, nil)
	enc.Close()
	m := map[string][]byte{}
	chunks := 0
	for off := 0; off < len(z); off += snapChunk {
		m[snapChunkName(chunks)] = z[off:min(off+snapChunk, len(z))]
		chunks++
	}
	for i := chunks; i < prevChunks; i++ {
		m[snapChunkName(i)] = []byte{}
	}
	h := []byte{snapVersion}
	h = binary.AppendUvarint(h, uint64(w.n))
	h = binary.AppendUvarint(h, uint64(len(w.raw)))
	h = binary.AppendUvarint(h, uint64(chunks))
	m[ExportSnapshotMeta] = h
	return m, nil
}

func snapChunkName(i int) string { return ExportSnapshotMeta + "." + strconv.Itoa(i) }

// readSnapshot returns a reader of the last export's snapshot (nil if
// there is none) and how many chunks it has.
func readSnapshot(ctx context.Context, db *store.DB) (*snapReader, int, error) {
	h, ok, err := db.Meta(ctx, ExportSnapshotMeta)
	if err != nil || !ok {
		return nil, 0, err
	}
	n, rawLen, chunks, err := parseSnapHeader(h)
	if err != nil {
		return nil, 0, err
	}
	var z []byte
	for i := 0; i < chunks; i++ {
		c, ok, err := db.Meta(ctx, snapChunkName(i))
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, fmt.Errorf("%w: chunk %d of %d is missing", errBadSnapshot, i, chunks)
		}
		z = append(z, c...)
	}
	r, err := decodeSnapshot(n, rawLen, z)
	if err != nil {
		return nil, 0, err
	}
	return r, chunks, nil
}

func parseSnapHeader(h []byte) (entries, rawLen, chunks int, err error) {
	if len(h) == 0 || h[0] != snapVersion {
		return 0, 0, 0, fmt.Errorf("%w: unknown version", errBadSnapshot)
	}
	h = h[1:]
	var vals [3]uint64
	for i := range vals {
		v, k := binary.Uvarint(h)
		if k <= 0 {
			return 0, 0, 0, fmt.Errorf("%w: short header", errBadSnapshot)
		}
		vals[i], h = v, h[k:]
	}
	if vals[1] > snapMaxRaw || vals[0] > vals[1] || vals[2] > snapMaxRaw {
		return 0, 0, 0, fmt.Errorf("%w: header out of range", errBadSnapshot)
	}
	return int(vals[0]), int(vals[1]), int(vals[2]), nil
}

// decodeSnapshot decompresses a snapshot of n entries and rawLen raw bytes.
func decodeSnapshot(n, rawLen int, z []byte) (*snapReader, error) {
	// The bound is the raw length the header says, plus room for the
	// window: a damaged frame cannot make the decoder allocate more.
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(rawLen)+2*snapWindow))
	if err != nil {
		return nil, fmt.Errorf("decoding the export snapshot: %w", err)
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(z, make([]byte, 0, min(rawLen, 64<<20)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSnapshot, err)
	}
	if len(raw) != rawLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d", errBadSnapshot, len(raw), rawLen)
	}
	return &snapReader{raw: raw, left: n}, nil
}

// snapReader reads snapshot entries in address order, checking that they
// are in order.
type snapReader struct {
	raw     []byte
	left    int
	prev    string
	cur     snapEntry
	has     bool
	entries int
}

// peek returns the next entry without consuming it; false at the end.
func (r *snapReader) peek() (snapEntry, bool, error) {
	if r.has {
		return r.cur, true, nil
	}
	if r.left == 0 {
		if len(r.raw) != 0 {
			return snapEntry{}, false, fmt.Errorf("%w: %d trailing bytes", errBadSnapshot, len(r.raw))
		}
		return snapEntry{}, false, nil
	}
	bad := func(what string) (snapEntry, bool, error) {
		return snapEntry{}, false, fmt.Errorf("%w: entry %d: %s", errBadSnapshot, r.entries, what)
	}
	shared, k := binary.Uvarint(r.raw)
	if k <= 0 || shared > uint64(len(r.prev)) {
		return bad("bad prefix length")
	}
	r.raw = r.raw[k:]
	suffix, k := binary.Uvarint(r.raw)
	if k <= 0 || suffix > uint64(len(r.raw)-k) || len(r.raw)-k-int(suffix) < 3 {
		return bad("bad address length")
	}
	r.raw = r.raw[k:]
	addr := r.prev[:shared] + string(r.raw[:suffix])
	r.raw = r.raw[suffix:]
	state, action := policy.State(r.raw[0]), classify.Action(r.raw[1])
	r.raw = r.raw[2:]
	nl, k := binary.Uvarint(r.raw)
	if k <= 0 || nl > uint64(len(r.raw)-k) {
		return bad("bad new address length")
	}
	r.raw = r.raw[k:]
	newAddr := string(r.raw[:nl])
	r.raw = r.raw[nl:]
	if r.entries > 0 && addr <= r.prev {
		return bad("addresses out of order")
	}
	r.prev = addr
	r.cur = snapEntry{addr, state, action, newAddr}
	r.has = true
	r.left--
	r.entries++
	return r.cur, true, nil
}

// skip consumes the entry peek returned.
func (r *snapReader) skip() { r.has = false }
