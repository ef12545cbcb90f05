package report

import (
	"time"

	"bouncelens/classify"
	"bouncelens/parser"
	"bouncelens/store"
)

// Traffic folds the events of a report's range, in time order (as
// store.DB.Events returns them), into the pflogsumm-style sections that
// daily counts cannot give: totals with the send reconciliation, traffic
// per hour and per day, domains ranked by deferrals and by bounces,
// deferral and reject detail, senders with the most failures, and
// warnings. Feed it every event with Add, then call Tables or Totals.
//
// A send is one recipient of one message: events with a queue id are one
// send per (queue id, recipient); without one, per (Message-ID, recipient);
// with neither, each event is a send of its own. A send's outcome is its
// last event's status: sent (delivered), bounced, expired, deferred (still
// deferred at the end of the range) or, for an event whose input stated no
// status, other. A log send ends at its sent, bounced or expired line: a
// later line with the same queue id and recipient starts a new send, as
// Postfix reuses queue ids. Rejects (our smtpd refused the recipient),
// complaints, auto-replies, received messages and warnings are counted
// apart: they are not sends.
//
// Memory: one map entry (16 bytes of key and value) per send still open,
// that is deferred and not yet ended (log sends), or seen at all (sends
// keyed by Message-ID, which a later bounce message may still change);
// one 8-byte entry per distinct recipient; and one small record per
// recipient domain, sender, and masked deferral, reject and warning text.
// Sends are told apart by a 64-bit FNV-1a hash of their key, so two sends
// share an entry only by a hash collision (about one in 10^7 for a
// million open sends).
type Traffic struct {
	opts Options

	open  map[uint64]sendState // open sends by key hash
	final [nFinal]uint64       // sends by current outcome
	sends uint64               // distinct sends

	deferredSends uint64 // sends deferred at least once
	events        [nStatus]uint64
	failures      [256]uint64 // failure events (isFailure) by reason

	recipients map[uint64]struct{} // distinct recipient addresses, by hash
	domains    map[string]*domainAgg
	senders    map[string]*senderAgg
	deferrals  map[textKey]*textAgg // by recipient domain, reason, masked text
	rejects    map[textKey]*textAgg // by reason, reply, masked text
	warnings   map[textKey]*textAgg // by program, masked text
	clients    map[uint64]struct{}  // (reject group, client) pairs seen, by hash

	hours   [24]trafficRow
	days    map[int64]*trafficRow // by Unix day
	lastDay int64
	lastRow *trafficRow
	undated trafficRow
}

// nStatus bounds the parser.Status values Traffic counts by index.
const nStatus = 16

// Outcomes of a send, indexes of Traffic.final.
const (
	finalDelivered = iota
	finalBounced
	finalExpired
	finalDeferred
	finalOther
	nFinal
)

// sendState is what Traffic keeps per open send: its current outcome and
// whether it was ever deferred.
type sendState struct {
	outcome  uint8
	deferred bool
}

// trafficRow is one row of the by_hour and traffic_by_day sections.
type trafficRow struct {
	received, delivered, deferred, bounced, expired, rejected uint64
}

// domainAgg is what Traffic counts per recipient domain.
type domainAgg struct {
	sends, deferredSends                                    uint64
	sent, deferrals, bounced, expired, rejected, complained uint64
}

// senderAgg is what Traffic counts per envelope sender.
type senderAgg struct {
	received, sends, deferrals, bounced, expired, complained uint64
}

// textKey groups events by a masked text: deferrals by recipient domain,
// rejects by reply, warnings by program (in group).
type textKey struct {
	group    string
	reason   classify.Reason
	code     int
	enhanced string
	text     string
}

// textAgg counts one textKey.
type textAgg struct {
	n           uint64
	clients     uint64 // distinct clients (rejects)
	first, last time.Time
	id          uint32 // creation order, for the clients set
}

// NewTraffic returns an empty accumulator; opts.Top bounds the ranked
// sections of Tables.
func NewTraffic(opts Options) *Traffic {
	return &Traffic{
		opts:       opts,
		open:       map[uint64]sendState{},
		recipients: map[uint64]struct{}{},
		domains:    map[string]*domainAgg{},
		senders:    map[string]*senderAgg{},
		deferrals:  map[textKey]*textAgg{},
		rejects:    map[textKey]*textAgg{},
		warnings:   map[textKey]*textAgg{},
		clients:    map[uint64]struct{}{},
		days:       map[int64]*trafficRow{},
		lastDay:    -1 << 62,
	}
}

// Add counts one event. Events must come in time order for the outcome of
// a send to be its last event's.
func (t *Traffic) Add(rec store.Record) {
	ev := &rec.Event
	st := ev.Status
	if int(st) < nStatus {
		t.events[st]++
	}
	if isFailure(st) {
		t.failures[rec.Result.Reason]++
	}
	t.addTime(ev)

	switch st {
	case parser.StatusReceived:
		if s := t.sender(ev.Sender); s != nil {
			s.received++
		}
		return
	case parser.StatusWarning:
		t.addText(t.warnings, textKey{group: ev.Family, text: Mask(ev.Text)}, ev.Time, "")
		return
	}

	if ev.Recipient != "" {
		t.recipients[hashString(0, "", ev.Recipient)] = struct{}{}
	}
	d := t.domain(ev.Domain())
	switch st {
	case parser.StatusRejected: // the sender is a stranger's: not counted
		d.rejected++
		code, enh := rec.Reply()
		t.addText(t.rejects, textKey{reason: rec.Result.Reason, code: code, enhanced: enh, text: Mask(ev.Text)}, ev.Time, ev.RemoteMTA)
		return
	case parser.StatusAutoReplied:
		return
	}
	s := t.sender(ev.Sender)
	if st == parser.StatusComplained {
		d.complained++
		if s != nil {
			s.complained++
		}
		return
	}

	// A send: sent, deferred, bounced, expired, or unknown.
	switch st {
	case parser.StatusSent:
		d.sent++
	case parser.StatusDeferred:
		d.deferrals++
		if s != nil {
			s.deferrals++
		}
		t.addText(t.deferrals, textKey{group: domainName(ev.Domain()), reason: rec.Result.Reason, text: Mask(ev.Text)}, ev.Time, "")
	case parser.StatusBounced:
		d.bounced++
		if s != nil {
			s.bounced++
		}
	case parser.StatusExpired:
		d.expired++
		if s != nil {
			s.expired++
		}
	}
	outcome := sendOutcome(st)
	var (
		key    uint64
		keyed  = true
		byLog  = ev.QueueID != ""
		prev   sendState
		exists bool
	)
	switch {
	case byLog:
		key = hashString('q', ev.QueueID, ev.Recipient)
	case ev.MessageID != "":
		key = hashString('m', ev.MessageID, ev.Recipient)
	default:
		keyed = false
	}
	if keyed {
		prev, exists = t.open[key]
	}
	if exists {
		t.final[prev.outcome]--
	} else {
		t.sends++
		d.sends++
		if s != nil {
			s.sends++
		}
	}
	t.final[outcome]++
	next := sendState{outcome: outcome, deferred: prev.deferred}
	if st == parser.StatusDeferred && !prev.deferred {
		next.deferred = true
		t.deferredSends++
		d.deferredSends++
	}
	switch {
	case !keyed:
	case byLog && outcome != finalDeferred && outcome != finalOther:
		delete(t.open, key) // the send ended; see the type's doc
	default:
		t.open[key] = next
	}
}

// sendOutcome maps a send's status to its outcome.
func sendOutcome(st parser.Status) uint8 {
	switch st {
	case parser.StatusSent:
		return finalDelivered
	case parser.StatusBounced:
		return finalBounced
	case parser.StatusExpired:
		return finalExpired
	case parser.StatusDeferred:
		return finalDeferred
	}
	return finalOther
}

// addTime counts ev in its hour of day and its day.
func (t *Traffic) addTime(ev *parser.Event) {
	var row *trafficRow
	if ev.Time.IsZero() {
		row = &t.undated
	} else {
		unix := ev.Time.Unix()
		day := unix / 86400
		if unix < 0 && unix%86400 != 0 {
			day--
		}
		if day != t.lastDay {
			r := t.days[day]
			if r == nil {
				r = &trafficRow{}
				t.days[day] = r
			}
			t.lastDay, t.lastRow = day, r
		}
		row = t.lastRow
		t.hours[ev.Time.UTC().Hour()].add(ev.Status)
	}
	row.add(ev.Status)
}

func (r *trafficRow) add(st parser.Status) {
	switch st {
	case parser.StatusReceived:
		r.received++
	case parser.StatusSent:
		r.delivered++
	case parser.StatusDeferred:
		r.deferred++
	case parser.StatusBounced:
		r.bounced++
	case parser.StatusExpired:
		r.expired++
	case parser.StatusRejected:
		r.rejected++
	}
}

func (r trafficRow) empty() bool { return r == trafficRow{} }

// domain returns the aggregate of recipient domain name, "" included.
func (t *Traffic) domain(name string) *domainAgg {
	d := t.domains[name]
	if d == nil {
		d = &domainAgg{}
		t.domains[name] = d
	}
	return d
}

// sender returns the aggregate of envelope sender name, nil for an unknown
// sender ("").
func (t *Traffic) sender(name string) *senderAgg {
	if name == "" {
		return nil
	}
	s := t.senders[name]
	if s == nil {
		s = &senderAgg{}
		t.senders[name] = s
	}
	return s
}

// addText counts one event in its text group; client, when set, is counted
// once per group.
func (t *Traffic) addText(m map[textKey]*textAgg, k textKey, at time.Time, client string) {
	a := m[k]
	if a == nil {
		a = &textAgg{first: at, id: uint32(len(m))}
		m[k] = a
	}
	a.n++
	if !at.IsZero() {
		if a.first.IsZero() {
			a.first = at
		}
		a.last = at
	}
	if client != "" {
		h := fnv(fnv(fnvOffset^uint64(a.id), "\xff"), client)
		if _, ok := t.clients[h]; !ok {
			t.clients[h] = struct{}{}
			a.clients++
		}
	}
}

// hashString is FNV-1a over kind, a and b, with a separator between a and
// b so that ("ab", "c") and ("a", "bc") differ.
func hashString(kind byte, a, b string) uint64 {
	return fnv(fnv(fnv(fnvOffset^uint64(kind), a), "\xff"), b) // 0xff never occurs in UTF-8
}

const fnvOffset = 14695981039346656037

// fnv continues an FNV-1a hash h over s.
func fnv(h uint64, s string) uint64 {
	const prime = 1099511628211
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime
	}
	return h
}

// Totals is what the totals section shows, as numbers.
type Totals struct {
	Received uint64 // messages that entered the queue (StatusReceived events)

	// Sends and their outcomes: Sends = Delivered + Bounced + Expired +
	// DeferredFinal + OtherFinal (Reconciles checks it).
	Sends         uint64
	Delivered     uint64 // sends whose last event is sent
	Bounced       uint64 // ... bounced
	Expired       uint64 // ... expired
	DeferredFinal uint64 // ... deferred: still deferred at the end of the range
	OtherFinal    uint64 // ... an event without a stated status

	Deferrals     uint64 // deferral events (attempts)
	DeferredSends uint64 // sends deferred at least once

	Rejected    uint64 // rejects by our smtpd: not sends
	Complained  uint64 // complaint events
	AutoReplied uint64 // auto-reply events
	Warnings    uint64 // warning events

	Recipients uint64 // distinct recipient addresses (sends, rejects, complaints, auto-replies)
	Domains    uint64 // distinct recipient domains, "" (no domain) included
	Senders    uint64 // distinct envelope senders ("<>" included, unknown not)

	// FailuresByReason counts failure events (deferred, bounced, expired,
	// rejected) by the classifier's reason.
	FailuresByReason map[classify.Reason]uint64
}

// Totals returns the numbers of the totals section.
func (t *Traffic) Totals() Totals {
	x := Totals{
		Received:      t.events[parser.StatusReceived],
		Sends:         t.sends,
		Delivered:     t.final[finalDelivered],
		Bounced:       t.final[finalBounced],
		Expired:       t.final[finalExpired],
		DeferredFinal: t.final[finalDeferred],
		OtherFinal:    t.final[finalOther],
		Deferrals:     t.events[parser.StatusDeferred],
		DeferredSends: t.deferredSends,
		Rejected:      t.events[parser.StatusRejected],
		Complained:    t.events[parser.StatusComplained],
		AutoReplied:   t.events[parser.StatusAutoReplied],
		Warnings:      t.events[parser.StatusWarning],
		Recipients:    uint64(len(t.recipients)),
		Domains:       uint64(len(t.domains)),
		Senders:       uint64(len(t.senders)),

		FailuresByReason: map[classify.Reason]uint64{},
	}
	for r, n := range t.failures {
		if n > 0 {
			x.FailuresByReason[classify.Reason(r)] = n
		}
	}
	return x
}

// Reconciles reports whether every send has exactly one outcome:
// Sends = Delivered + Bounced + Expired + DeferredFinal + OtherFinal.
func (x Totals) Reconciles() bool {
	return x.Sends == x.Delivered+x.Bounced+x.Expired+x.DeferredFinal+x.OtherFinal
}

// BounceRate returns the share of ended sends that failed, in percent, with
// its numerator and denominator: (bounced + expired) / (delivered + bounced
// + expired), the definition ByDomain uses. Sends still deferred are not
// ended. The rate is 0 when no send ended.
func (x Totals) BounceRate() (pct float64, failed, ended uint64) {
	failed = x.Bounced + x.Expired
	ended = failed + x.Delivered
	return ratio(failed, ended), failed, ended
}

// DeferRate returns the share of sends deferred at least once, in percent,
// with its numerator and denominator.
func (x Totals) DeferRate() (pct float64, deferred, sends uint64) {
	return ratio(x.DeferredSends, x.Sends), x.DeferredSends, x.Sends
}

func ratio(n, d uint64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}
