package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
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
			n, err := readUint64(item)
			if err != nil {
				return err
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
			var s rcptState
			err := item.Value(func(v []byte) error {
				var err error
				s, err = decodeRcpt(string(addr), v)
				return err
			})
			if err != nil {
				return fmt.Errorf("recipient %s: %w", addr, err)
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
		for _, a := range []string{addr, strings.ToLower(addr)} {
			a = keyString(a, maxAddress)
			_, err := txn.Get(rcptKey(a))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			s, err = getRcpt(txn, a)
			found = err == nil
			return err
		}
		return nil
	})
	if err != nil {
		return Recipient{}, false, fmt.Errorf("reading recipient %s: %w", addr, err)
	}
	return s.r, found, nil
}

// Events calls fn for each stored event whose time passes f, in time order
// (events without a time first). Times come back in UTC. The Record keeps
// the Source and Line of the first input it was ingested from. An error
// from fn stops the scan and is returned as is. fn runs inside a read
// transaction (a snapshot): events ingested meanwhile are not seen.
func (db *DB) Events(ctx context.Context, f Filter, fn func(Record) error) error {
	start := eventKey(tsOf(f.Since), [16]byte{})
	var end []byte
	if !f.Until.IsZero() {
		end = eventKey(tsOf(f.Until), [16]byte{})
	}
	opts := badger.IteratorOptions{Prefix: []byte{kindEvent}, PrefetchValues: true, PrefetchSize: 100}
	err := db.scanRange(ctx, opts, start, end, func(_ *badger.Txn, item *badger.Item) error {
		rec, err := readRecord(item)
		if err != nil {
			return err
		}
		return callerError{fn(rec)}.orNil()
	})
	return unwrapScan(err, "reading events")
}

// History calls fn for each stored event of recipient addr whose time
// passes f, oldest first, as Events does.
func (db *DB) History(ctx context.Context, addr string, f Filter, fn func(Record) error) error {
	prefix := histPrefix(keyString(addr, maxAddress))
	start := binary.BigEndian.AppendUint64(bytes.Clone(prefix), tsOf(f.Since))
	var end []byte
	if !f.Until.IsZero() {
		end = binary.BigEndian.AppendUint64(bytes.Clone(prefix), tsOf(f.Until))
	}
	opts := badger.IteratorOptions{Prefix: prefix}
	err := db.scanRange(ctx, opts, start, end, func(txn *badger.Txn, hist *badger.Item) error {
		pk, err := parseKey(hist.Key())
		if err != nil {
			return err
		}
		item, err := txn.Get(eventKey(pk.ts, pk.id))
		if err != nil {
			return fmt.Errorf("event for history key %x: %w", hist.Key(), err)
		}
		rec, err := readRecord(item)
		if err != nil {
			return err
		}
		return callerError{fn(rec)}.orNil()
	})
	return unwrapScan(err, "reading history of "+addr)
}

// scanRange calls visit for each key in [start, end) under opts.Prefix in
// one read transaction (end nil: to the end of the prefix), checking ctx
// every checkEvery keys. It stops at the first error visit returns.
func (db *DB) scanRange(ctx context.Context, opts badger.IteratorOptions, start, end []byte, visit func(*badger.Txn, *badger.Item) error) error {
	return db.kv.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(opts)
		defer it.Close()
		n := 0
		for it.Seek(start); it.Valid(); it.Next() {
			if n++; n%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			if end != nil && bytes.Compare(item.Key(), end) >= 0 {
				break
			}
			if err := visit(txn, item); err != nil {
				return err
			}
		}
		return nil
	})
}

// callerError carries an error returned by a caller's callback through a
// scan, so that it comes back unwrapped while store errors get context.
type callerError struct{ err error }

func (c callerError) Error() string { return c.err.Error() }

// orNil returns nil when there is no caller error, so a nil callback
// result does not stop the scan.
func (c callerError) orNil() error {
	if c.err == nil {
		return nil
	}
	return c
}

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
		var err error
		if t.Events, err = countKeys(ctx, txn, kindEvent); err != nil {
			return err
		}
		if t.Recipients, err = countKeys(ctx, txn, kindRcpt); err != nil {
			return err
		}
		// First dated event: the first key past ts 0.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindEvent}})
		defer it.Close()
		if it.Seek(eventKey(1, [16]byte{})); it.Valid() {
			pk, err := parseKey(it.Item().Key())
			if err != nil {
				return err
			}
			t.FirstDay = dayTime(dayOf(tsTime(pk.ts)))
		}
		rit := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kindEvent}, Reverse: true})
		defer rit.Close()
		// In reverse, Seek goes to the last key <= its argument.
		if rit.Seek([]byte{kindEvent + 1}); rit.Valid() {
			pk, err := parseKey(rit.Item().Key())
			if err != nil {
				return err
			}
			if pk.ts != 0 {
				t.LastDay = dayTime(dayOf(tsTime(pk.ts)))
			}
		}
		return nil
	})
	if err != nil {
		return Totals{}, fmt.Errorf("reading store totals: %w", err)
	}
	return t, nil
}

// countKeys counts the keys of one kind without reading values.
func countKeys(ctx context.Context, txn *badger.Txn, kind byte) (uint64, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
	defer it.Close()
	var n uint64
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}
