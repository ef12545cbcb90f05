package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

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

// maxConflictRetries bounds retries of a batch that lost a write conflict
// to a concurrent Ingest on the same DB.
const maxConflictRetries = 16

// Ingest stores recs and updates the counts and recipient records they
// affect. It is idempotent: records already stored (same Fingerprint), and
// repeats within recs, are skipped and reported as duplicates, so
// ingesting the same input again, in any order or after a crash, changes
// nothing.
//
// Records are committed in batches; each batch (its events, counter
// increments and recipient updates) is one transaction, so a crash keeps
// whole batches only. Ingest checks ctx between batches and returns the
// stats of the batches committed so far with ctx's error.
func (db *DB) Ingest(ctx context.Context, recs []Record) (IngestStats, error) {
	var total IngestStats
	if db.ro {
		return total, fmt.Errorf("storing events: store %s is open read-only", db.dir)
	}
	for start := 0; start < len(recs); start += db.batch {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		end := min(start+db.batch, len(recs))
		st, err := db.ingestBatch(recs[start:end])
		total.New += st.New
		total.Duplicate += st.Duplicate
		if err != nil {
			return total, fmt.Errorf("storing events: %w", err)
		}
	}
	return total, nil
}

// ingestBatch commits recs in one transaction, or, if that is too big for
// Badger, in two halves recursively.
func (db *DB) ingestBatch(recs []Record) (IngestStats, error) {
	keys := make([]pending, len(recs))
	for i := range recs {
		keys[i] = pending{ts: tsOf(recs[i].Time), id: Fingerprint(&recs[i].Event)}
	}
	for attempt := 0; ; attempt++ {
		st, err := db.ingestTxn(recs, keys)
		switch {
		case errors.Is(err, badger.ErrConflict) && attempt < maxConflictRetries:
			continue
		case errors.Is(err, badger.ErrTxnTooBig) && len(recs) > 1:
			half := len(recs) / 2
			a, err := db.ingestBatch(recs[:half])
			if err != nil {
				return a, err
			}
			b, err := db.ingestBatch(recs[half:])
			return IngestStats{New: a.New + b.New, Duplicate: a.Duplicate + b.Duplicate}, err
		case err != nil:
			return IngestStats{}, err
		}
		return st, nil
	}
}

// pending is a record's event key, computed once per batch.
type pending struct {
	ts uint64
	id [16]byte
}

// ingestTxn runs one read-modify-write transaction over recs. Nothing it
// computes survives a failed attempt: a retry starts from what is stored.
func (db *DB) ingestTxn(recs []Record, keys []pending) (IngestStats, error) {
	var st IngestStats
	err := db.kv.Update(func(txn *badger.Txn) error {
		st = IngestStats{}
		seen := make(map[pending]struct{}, len(recs))
		counts := make(map[countKey]uint64)
		rcpts := make(map[string]*rcptState)
		var order []string // recipients in first-seen order, for deterministic writes
		for i := range recs {
			rec, k := &recs[i], keys[i]
			if _, dup := seen[k]; dup {
				st.Duplicate++
				continue
			}
			seen[k] = struct{}{}
			ek := eventKey(k.ts, k.id)
			_, err := txn.Get(ek)
			if err == nil {
				st.Duplicate++
				continue
			}
			if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			st.New++
			if err := txn.Set(ek, encodeRecord(nil, rec)); err != nil {
				return err
			}
			addr := keyString(rec.Recipient, maxAddress)
			if err := txn.Set(histKey(addr, k.ts, k.id), nil); err != nil {
				return err
			}
			counts[newCountKey(rec)]++
			rs := rcpts[addr]
			if rs == nil {
				s, err := getRcpt(txn, addr)
				if err != nil {
					return err
				}
				rs = &s
				rcpts[addr] = rs
				order = append(order, addr)
			}
			rs.apply(rec, k.ts, k.id)
		}
		for ck, n := range counts {
			k := ck.bytes()
			old, err := getUint64(txn, k)
			if err != nil {
				return err
			}
			if err := txn.Set(k, binary.BigEndian.AppendUint64(nil, old+n)); err != nil {
				return err
			}
		}
		for _, addr := range order {
			if err := txn.Set(rcptKey(addr), rcpts[addr].encode(nil)); err != nil {
				return err
			}
		}
		return nil
	})
	return st, err
}

// getRcpt returns the stored state of addr, or an empty one.
func getRcpt(txn *badger.Txn, addr string) (rcptState, error) {
	item, err := txn.Get(rcptKey(addr))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return rcptState{r: Recipient{Address: addr}}, nil
	}
	if err != nil {
		return rcptState{}, err
	}
	var s rcptState
	err = item.Value(func(v []byte) error {
		s, err = decodeRcpt(addr, v)
		return err
	})
	if err != nil {
		return rcptState{}, fmt.Errorf("recipient %s: %w", addr, err)
	}
	return s, nil
}

// getUint64 returns the counter at k, or 0.
func getUint64(txn *badger.Txn, k []byte) (uint64, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return readUint64(item)
}

// readUint64 decodes a counter value: 8 bytes, big-endian.
func readUint64(item *badger.Item) (uint64, error) {
	var n uint64
	err := item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("%w: counter of %d bytes", errBadValue, len(v))
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, err
}
