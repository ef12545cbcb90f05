package store

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

const (
	// batchBytes is the size of one write transaction of a checkpoint.
	batchBytes = 2 << 20
	// batchesInFlight bounds the transactions Badger has not written yet.
	batchesInFlight = 3
)

// asyncBatch writes a checkpoint's keys in transactions of about
// batchBytes (counting values, which badger.WriteBatch does not do for
// values bound for the value log), committed asynchronously, at most
// batchesInFlight at a time, so that Badger writes while the Writer
// encodes and memory stays bounded. In practice one is in flight: Badger
// makes a new transaction wait until every earlier commit is written (its
// read timestamp), so the Writer waits there for the previous one.
// Making the transactions on a goroutine of their own was no faster:
// Badger's memtable flushes are the limit.
type asyncBatch struct {
	total int // bytes queued so far (written)
	kv    *badger.DB
	vlog  *sync.RWMutex // DB.vlogMu, read-held while a commit is in flight
	txn   *badger.Txn
	bytes int
	sem   chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error // first error of an asynchronous commit
}

func newAsyncBatch(db *DB) *asyncBatch {
	return &asyncBatch{kv: db.kv, vlog: &db.vlogMu, sem: make(chan struct{}, batchesInFlight)}
}

// set queues k = v; k and v must not change afterwards.
func (a *asyncBatch) set(k, v []byte) error {
	if err := a.failed(); err != nil {
		return err
	}
	if a.txn == nil {
		a.txn = a.kv.NewTransaction(true)
	}
	err := a.txn.Set(k, v)
	if errors.Is(err, badger.ErrTxnTooBig) {
		a.commitAsync()
		a.txn = a.kv.NewTransaction(true)
		err = a.txn.Set(k, v)
	}
	if err != nil {
		return err
	}
	a.total += len(k) + len(v)
	if a.bytes += len(k) + len(v); a.bytes >= batchBytes {
		a.commitAsync()
	}
	return nil
}

// written returns the bytes of keys and values queued so far.
func (a *asyncBatch) written() int { return a.total }

// delete queues a deletion of k.
func (a *asyncBatch) delete(k []byte) error {
	if a.txn == nil {
		a.txn = a.kv.NewTransaction(true)
	}
	err := a.txn.Delete(k)
	if errors.Is(err, badger.ErrTxnTooBig) {
		a.commitAsync()
		a.txn = a.kv.NewTransaction(true)
		err = a.txn.Delete(k)
	}
	return err
}

func (a *asyncBatch) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

func (a *asyncBatch) commitAsync() {
	if a.txn == nil {
		return
	}
	a.sem <- struct{}{}
	a.wg.Add(1)
	a.vlog.RLock() // released by the callback, on Badger's goroutine
	a.txn.CommitWith(func(err error) {
		a.vlog.RUnlock()
		if err != nil {
			a.mu.Lock()
			if a.err == nil {
				a.err = fmt.Errorf("writing a batch: %w", err)
			}
			a.mu.Unlock()
		}
		<-a.sem
		a.wg.Done()
	})
	a.txn, a.bytes = nil, 0
}

// flush commits what is queued and waits until Badger has written it all.
func (a *asyncBatch) flush() error {
	a.commitAsync()
	a.wg.Wait()
	return a.failed()
}

// cancel drops what is queued and waits for the commits in flight.
func (a *asyncBatch) cancel() {
	if a.txn != nil {
		a.txn.Discard()
		a.txn = nil
	}
	a.wg.Wait()
}
