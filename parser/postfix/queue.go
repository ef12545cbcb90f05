package postfix

import "bouncelens/parser"

// entry is what is known about one open queue id.
type entry struct {
	sender string         // qmgr from=; "<>" for the null sender
	msgID  string         // cleanup message-id=, without <>
	open   []parser.Event // last deferral of each recipient not yet final
	seq    uint64         // creation number, to tell a reused id from its predecessor
}

// deferred records ev as the latest deferral of its recipient.
func (e *entry) deferred(ev *parser.Event) {
	for i := range e.open {
		if e.open[i].Recipient == ev.Recipient && e.open[i].OrigRecipient == ev.OrigRecipient {
			e.open[i] = *ev
			return
		}
	}
	e.open = append(e.open, *ev)
}

// done forgets a recipient that reached a final status.
func (e *entry) done(rcpt, orig string) {
	for i := range e.open {
		if e.open[i].Recipient == rcpt && e.open[i].OrigRecipient == orig {
			e.open = append(e.open[:i], e.open[i+1:]...)
			return
		}
	}
}

// queueTable maps queue ids to entries. It holds at most max entries; when
// full, the oldest (by creation) is dropped. Entries end at "removed".
//
// TODO(issue 5): also drop entries not touched for a time window, so that a
// queue id whose "removed" line is missing does not wait for the cap.
type queueTable struct {
	m       map[string]*entry
	order   []queueRef // creation order; may hold stale refs of removed entries
	head    int        // first ref in order not yet evicted
	seq     uint64
	max     int
	evicted int
}

type queueRef struct {
	qid string
	seq uint64
}

func (q *queueTable) init(max int) {
	q.m = make(map[string]*entry)
	q.max = max
}

// get returns the entry of qid, or nil. It does not allocate.
func (q *queueTable) get(qid []byte) *entry { return q.m[string(qid)] }

// getOrCreate returns the entry of qid, creating it if needed.
func (q *queueTable) getOrCreate(qid []byte) *entry {
	if e := q.m[string(qid)]; e != nil {
		return e
	}
	for len(q.m) >= q.max {
		q.evictOldest()
	}
	q.seq++
	s := string(qid)
	e := &entry{seq: q.seq}
	q.m[s] = e
	q.order = append(q.order, queueRef{s, q.seq})
	if live := len(q.order) - q.head; live > 2*len(q.m)+1024 || q.head > 1024 && q.head > live {
		q.compact()
	}
	return e
}

// remove ends qid's record.
func (q *queueTable) remove(qid []byte) {
	delete(q.m, string(qid))
}

func (q *queueTable) evictOldest() {
	for q.head < len(q.order) {
		ref := q.order[q.head]
		q.order[q.head] = queueRef{}
		q.head++
		if e := q.m[ref.qid]; e != nil && e.seq == ref.seq {
			delete(q.m, ref.qid)
			q.evicted++
			return
		}
	}
	// Unreachable while order holds a ref for every entry; stay safe.
	for k := range q.m {
		delete(q.m, k)
		q.evicted++
		return
	}
}

// compact drops the refs of entries that were removed, keeping order.
func (q *queueTable) compact() {
	n := 0
	for _, ref := range q.order[q.head:] {
		if e := q.m[ref.qid]; e != nil && e.seq == ref.seq {
			q.order[n] = ref
			n++
		}
	}
	clear(q.order[n:])
	q.order, q.head = q.order[:n], 0
}
