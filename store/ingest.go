package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"bouncelens/parser"
)

// fingerprintTag versions Fingerprint: changing what is hashed changes
// every event key, which needs a schema bump.
const fingerprintTag = "bouncelens event v1\x00"

// Fingerprint returns the stable id of an event: the first 16 bytes of a
// SHA-256 over what survives log rotation and re-runs (the time to the
// nanosecond, queue id, Message-ID, recipient, status, reply code,
// enhanced code and text), never the source name or line. The same
// delivery read from maillog and from maillog.1.gz has the same
// fingerprint; the classification is not hashed either, so re-ingesting
// after a classifier change does not duplicate events.
func Fingerprint(ev *parser.Event) [16]byte {
	var buf [512]byte
	b := append(buf[:0], fingerprintTag...)
	b = binary.BigEndian.AppendUint64(b, tsOf(ev.Time))
	for _, s := range [...]string{ev.QueueID, ev.MessageID, ev.Recipient} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, byte(ev.Status))
	b = binary.AppendVarint(b, int64(ev.Code))
	for _, s := range [...]string{ev.Enhanced, ev.Text} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	sum := sha256.Sum256(b)
	var id [16]byte
	copy(id[:], sum[:])
	return id
}

// Ingest stores recs and updates the counts and recipient records they
// affect. It is idempotent: records already stored (same Fingerprint), and
// repeats within recs, are skipped and reported as duplicates, so
// ingesting the same input again, in any order or after a crash, changes
// nothing.
//
// Ingest is NewWriter, Add, Commit and Close: recs are committed in one
// checkpoint, or in several if they pass the default WriterOptions limits;
// a crash keeps whole checkpoints only. Concurrent calls take turns. If
// ctx is done, Ingest commits the records added so far and returns their
// stats with ctx's error (nothing, if ctx was done on entry).
func (db *DB) Ingest(ctx context.Context, recs []Record) (IngestStats, error) {
	if db.ro {
		return IngestStats{}, fmt.Errorf("storing events: store %s is open read-only", db.dir)
	}
	if err := ctx.Err(); err != nil {
		return IngestStats{}, err
	}
	w := db.NewWriter(WriterOptions{CheckpointEvents: db.batch})
	defer w.Close()
	st, err := w.Add(ctx, recs)
	if err != nil && ctx.Err() == nil {
		return IngestStats{}, err
	}
	if cerr := w.Commit(ctx); cerr != nil {
		return IngestStats{}, fmt.Errorf("storing events: %w", cerr)
	}
	return st, err
}
