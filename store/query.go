package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"bouncelens/parser"
)

// checkEvery is how many keys a scan reads between checks of ctx.
const checkEvery = 1024

// Counts returns the aggregates whose day passes f, ordered by day, then
// domain, status, reason, class, reply code and enhanced code.
func (db *DB) Counts(ctx context.Context, f Filter) ([]Count, error) {
	start := countDayPrefix(dayOf(f.Since))
	var end []byte // exclusive; nil: to the end of the count keys
	if !f.Until.IsZero() {
		end = countDayPrefix(dayEnd(f.Until))
	}
	var out []Count
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindCount}})
		defer it.Close()
		for it.Seek(start); it.Valid(); it.Next() {
			if len(out)%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			k := item.Key()
			if end != nil && bytes.Compare(k, end) >= 0 {
				break
			}
			pk, err := parseKey(k)
			if err != nil {
				return err
			}
			var n uint64
			err = item.Value(func(v []byte) error {
				n, err = cs.resolveCount(v)
				return err
			})
			if err != nil {
				return fmt.Errorf("count %x: %w", k, err)
			}
			if n == 0 { // written by a checkpoint that was not committed
				continue
			}
			c := pk.count
			out = append(out, Count{
				Day:      dayTime(c.day),
				Domain:   c.domain,
				Status:   c.status,
				Reason:   c.reason,
				Class:    c.class,
				Code:     int(c.code),
				Enhanced: c.enhanced,
				N:        n,
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading counts: %w", err)
	}
	return out, nil
}

// Recipients returns the recipients that pass f, sorted by address.
func (db *DB) Recipients(ctx context.Context, f RecipientFilter) ([]Recipient, error) {
	domain := strings.ToLower(f.Domain)
	var out []Recipient
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindRcpt}})
		defer it.Close()
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			addr := item.Key()[1:]
			if domain != "" && strings.ToLower(parser.DomainOf(string(addr))) != domain {
				continue
			}
			var (
				s  rcptState
				ok bool
			)
			err := item.Value(func(v []byte) error {
				var err error
				s, ok, err = cs.decodeRcptValue(string(addr), v)
				return err
			})
			if err != nil {
				return fmt.Errorf("recipient %s: %w", addr, err)
			}
			if !ok {
				continue
			}
			r := s.r
			if f.Moved && r.Forward == "" ||
				!f.Since.IsZero() && r.LastSeen.Before(f.Since) ||
				!f.Until.IsZero() && !r.LastSeen.Before(f.Until) {
				continue
			}
			out = append(out, r)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading recipients: %w", err)
	}
	return out, nil
}

// Recipient returns what is stored about addr, and false if nothing is.
// If addr is not stored as given, its lower-case form is tried (the
// parsers store addresses in lower case).
func (db *DB) Recipient(ctx context.Context, addr string) (Recipient, bool, error) {
	if err := ctx.Err(); err != nil {
		return Recipient{}, false, err
	}
	var (
		s     rcptState
		found bool
	)
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		for _, a := range []string{addr, strings.ToLower(addr)} {
			a = keyString(a, maxAddress)
			if s, found, err = cs.getRcpt(txn, a); err != nil || found {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Recipient{}, false, fmt.Errorf("reading recipient %s: %w", addr, err)
	}
	return s.r, found, nil
}

// Events calls fn for each stored event whose time passes f, in time order
// (events without a time first; events at the same nanosecond by
// Fingerprint). Times come back in UTC. The Record keeps the Source and
// Line of the first input it was ingested from. An error from fn stops the
// scan and is returned as is. fn runs inside a read transaction (a
// snapshot): events ingested meanwhile are not seen.
func (db *DB) Events(ctx context.Context, f Filter, fn func(Record) error) error {
	lo := tsOf(f.Since)
	hi := uint64(1<<64 - 1)
	endHour := uint32(1<<32 - 1)
	if !f.Until.IsZero() {
		hi = tsOf(f.Until)
		endHour = hourOfTS(hi)
	}
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindBlock}, PrefetchValues: true, PrefetchSize: 8})
		defer it.Close()
		var (
			hour = uint32(0)
			recs []timedRecord
			buf  []byte
		)
		emit := func() error {
			err := emitSorted(recs, fn)
			clear(recs)
			recs = recs[:0]
			return err
		}
		for it.Seek(hourPrefix(kindBlock, hourOfTS(lo))); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			pk, err := parseKey(item.Key())
			if err != nil {
				return err
			}
			if pk.hour > endHour {
				break
			}
			if pk.hour != hour {
				if err := emit(); err != nil {
					return err
				}
				hour = pk.hour
			}
			if !cs.visible(pk.seq) {
				continue
			}
			recs, buf, err = db.blockRecords(item, buf, lo, hi, "", recs)
			if err != nil {
				return fmt.Errorf("block %x: %w", item.Key(), err)
			}
		}
		return emit()
	})
	return unwrapScan(err, "reading events")
}

// blockRecords appends to recs the records of the event block item whose
// time is in [lo, hi) and, if addr is not "", whose recipient is addr. buf
// is scratch for the decompressed block; it is returned for reuse.
func (db *DB) blockRecords(item *badger.Item, buf []byte, lo, hi uint64, addr string, recs []timedRecord) ([]timedRecord, []byte, error) {
	err := item.Value(func(v []byte) error {
		v, err := db.block(v, buf)
		if err != nil {
			return err
		}
		buf = v
		return decodeBlock(v, func(fp fprint, raw []byte) error {
			if fp.ts < lo || fp.ts >= hi {
				return nil
			}
			rec, err := decodeRecord(raw)
			if err != nil {
				return fmt.Errorf("event %x: %w", fp.id, err)
			}
			if addr != "" && keyString(rec.Recipient, maxAddress) != addr {
				return nil
			}
			rec.Time = tsTime(fp.ts)
			recs = append(recs, timedRecord{fp, rec})
			return nil
		})
	})
	return recs, buf, err
}

// timedRecord is a decoded record and its place in time order.
type timedRecord struct {
	fp  fprint
	rec Record
}

// emitSorted sorts recs by (ts, id) and calls fn for each; an error from fn
// comes back as a callerError.
func emitSorted(recs []timedRecord, fn func(Record) error) error {
	slices.SortFunc(recs, func(a, b timedRecord) int { return a.fp.compare(b.fp) })
	for i := range recs {
		if err := fn(recs[i].rec); err != nil {
			return callerError{err}
		}
	}
	return nil
}

// History calls fn for each stored event of recipient addr whose time
// passes f, oldest first, as Events does. It reads the blocks indexed in
// the recipient's state: at most the newest 1024 blocks (maxRefs) with
// events of addr, so a recipient with events in more blocks than that
// (thousands of events over many hours) gets its most recent history only.
func (db *DB) History(ctx context.Context, addr string, f Filter, fn func(Record) error) error {
	a := keyString(addr, maxAddress)
	lo := tsOf(f.Since)
	hi := uint64(1<<64 - 1)
	if !f.Until.IsZero() {
		hi = tsOf(f.Until)
	}
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		s, found, err := cs.getRcpt(txn, a)
		if err != nil || !found {
			return err
		}
		var (
			recs []timedRecord
			buf  []byte
		)
		seen := make(map[blockRef]bool, len(s.refs))
		for _, ref := range s.refs {
			if seen[ref] || !cs.visible(ref.seq) || ref.hour < hourOfTS(lo) || ref.hour > hourOfTS(hi) {
				continue
			}
			seen[ref] = true
			if err := ctx.Err(); err != nil {
				return err
			}
			item, err := txn.Get(blockKey(ref.hour, ref.seq, ref.part))
			if err != nil {
				return fmt.Errorf("block %+v: %w", ref, err)
			}
			recs, buf, err = db.blockRecords(item, buf, lo, hi, a, recs)
			if err != nil {
				return fmt.Errorf("block %+v: %w", ref, err)
			}
		}
		return emitSorted(recs, fn)
	})
	return unwrapScan(err, "reading history of "+addr)
}

// callerError carries an error returned by a caller's callback through a
// scan, so that it comes back unwrapped while store errors get context.
type callerError struct{ err error }

func (c callerError) Error() string { return c.err.Error() }

// unwrapScan returns a caller's error as it was, and wraps any other error
// with what was being done.
func unwrapScan(err error, doing string) error {
	var ce callerError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce.err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// readRecord decodes an event item; its time comes from the key.
func readRecord(item *badger.Item) (Record, error) {
	pk, err := parseKey(item.Key())
	if err != nil {
		return Record{}, err
	}
	var rec Record
	err = item.Value(func(v []byte) error {
		rec, err = decodeRecord(v)
		return err
	})
	if err != nil {
		return Record{}, fmt.Errorf("event %x: %w", pk.id, err)
	}
	rec.Time = tsTime(pk.ts)
	return rec, nil
}

// Stats returns how many events and recipients are stored and the first
// and last day with a dated event.
func (db *DB) Stats(ctx context.Context) (Totals, error) {
	var t Totals
	err := db.kv.View(func(txn *badger.Txn) error {
		cs, err := readCommitState(txn)
		if err != nil {
			return err
		}
		var (
			first, last uint64 // least dated ts, greatest ts
			buf         []byte
		)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindFprint}, PrefetchValues: true, PrefetchSize: 16})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			pk, err := parseKey(it.Item().Key())
			if err != nil {
				return err
			}
			if !cs.visible(pk.seq) {
				continue
			}
			err = it.Item().Value(func(v []byte) error {
				v, err := db.block(v, buf)
				if err != nil {
					return err
				}
				buf = v
				if len(v)%fpLen != 0 {
					return fmt.Errorf("%w: fingerprint block of %d bytes", errBadValue, len(v))
				}
				t.Events += uint64(len(v) / fpLen)
				for i := 0; i < len(v); i += fpLen { // sorted: the first dated one is the least
					if ts := binary.BigEndian.Uint64(v[i:]); ts != 0 {
						if first == 0 || ts < first {
							first = ts
						}
						break
					}
				}
				if len(v) > 0 {
					last = max(last, binary.BigEndian.Uint64(v[len(v)-fpLen:]))
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("fingerprints %x: %w", it.Item().Key(), err)
			}
		}
		if first != 0 {
			t.FirstDay = dayTime(dayOf(tsTime(first)))
		}
		if last != 0 {
			t.LastDay = dayTime(dayOf(tsTime(last)))
		}
		rit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindRcpt}, PrefetchValues: true})
		defer rit.Close()
		for rit.Rewind(); rit.Valid(); rit.Next() {
			if t.Recipients%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			err := rit.Item().Value(func(v []byte) error {
				cur, err := cs.resolveRcpt(v)
				if len(cur) > 0 {
					t.Recipients++
				}
				return err
			})
			if err != nil {
				return fmt.Errorf("recipient %q: %w", rit.Item().Key()[1:], err)
			}
		}
		return nil
	})
	if err != nil {
		return Totals{}, fmt.Errorf("reading store totals: %w", err)
	}
	return t, nil
}

// getRcpt returns the committed state of addr, and false if there is none.
func (cs *commitState) getRcpt(txn *badger.Txn, addr string) (rcptState, bool, error) {
	item, err := txn.Get(rcptKey(addr))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return rcptState{}, false, nil
	}
	if err != nil {
		return rcptState{}, false, err
	}
	var (
		s  rcptState
		ok bool
	)
	err = item.Value(func(v []byte) error {
		s, ok, err = cs.decodeRcptValue(addr, v)
		return err
	})
	if err != nil {
		return rcptState{}, false, fmt.Errorf("recipient %s: %w", addr, err)
	}
	return s, ok, nil
}

// decodeRcptValue decodes the committed state in a rcpt value, and false
// if there is none.
func (cs *commitState) decodeRcptValue(addr string, v []byte) (rcptState, bool, error) {
	cur, err := cs.resolveRcpt(v)
	if err != nil || len(cur) == 0 {
		return rcptState{}, false, err
	}
	s, err := decodeRcpt(addr, cur)
	return s, err == nil, err
}
