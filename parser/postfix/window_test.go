package postfix

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"bouncelens/parser"
)

// logBuilder writes classic syslog lines at given offsets from a start.
type logBuilder struct {
	b     strings.Builder
	start time.Time
}

func (l *logBuilder) line(at time.Duration, tag, payload string) {
	fmt.Fprintf(&l.b, "%s mail %s: %s\n", l.start.Add(at).Format(time.Stamp), tag, payload)
}

// filler writes n messages that start and end (from=, removed) at time at:
// traffic that moves the line count on.
func (l *logBuilder) filler(at time.Duration, n int, id *int) {
	for range n {
		*id++
		q := fmt.Sprintf("F%09X", *id)
		l.line(at, "postfix/qmgr[1]", q+": from=<f@example.com>, size=1, nrcpt=1 (queue active)")
		l.line(at, "postfix/qmgr[1]", q+": removed")
	}
}

const (
	deferLine  = "AAAAAAAAAA: to=<r@example.net>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.1]:25: Connection timed out)"
	expireLine = "AAAAAAAAAA: from=<s@example.com>, status=expired, returned to sender"
)

// TestQueueWindow checks that an entry no line named for the window is
// dropped (Stats.Stale) and one that keeps getting lines is not, and that
// lines without a time stamp never drop anything.
func TestQueueWindow(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name   string
		window time.Duration
		build  func(l *logBuilder)
		// want: the last event's sender (of queue id AAAAAAAAAA), the
		// number of expired events, Stats.Stale and Stats.OpenQueueIDs.
		sender    string
		expired   int
		stale     int
		openAtEnd int
	}{{
		name:   "idle past the window",
		window: time.Hour,
		build: func(l *logBuilder) {
			l.line(0, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
			l.line(30*time.Minute, "postfix/qmgr[1]", "BBBBBBBBBB: from=<b@example.com>, size=1, nrcpt=1 (queue active)")
			l.line(30*time.Minute, "postfix/qmgr[1]", "BBBBBBBBBB: removed")
			// 61 minutes after the last line naming AAAAAAAAAA: dropped
			// before this line is read.
			l.line(61*time.Minute, "postfix/smtp[2]", "AAAAAAAAAA: to=<r@example.net>, relay=none, dsn=2.0.0, status=sent (ok)")
		},
		sender: "", stale: 1, openAtEnd: 0,
	}, {
		name:   "lines within the window keep it",
		window: time.Hour,
		build: func(l *logBuilder) {
			l.line(0, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
			for i := 1; i <= 10; i++ { // a retry every 50 minutes for 8 hours
				l.line(time.Duration(i)*50*time.Minute, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
			}
			l.line(505*time.Minute, "postfix/smtp[2]", "AAAAAAAAAA: to=<r@example.net>, relay=none, dsn=2.0.0, status=sent (ok)")
		},
		sender: "s@example.com", stale: 0, openAtEnd: 1,
	}, {
		name:   "lines without a time stamp do not advance the clock",
		window: time.Hour,
		build: func(l *logBuilder) {
			l.line(0, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
			for range sweepLines {
				l.b.WriteString("continuation line without a stamp\n")
				l.b.WriteString("Mar  9 99:00:00 mail postfix/qmgr[1]: DDDDDDDDDD: from=<bad-stamp@example.com>\n")
			}
			l.line(10*time.Minute, "postfix/smtp[2]", "AAAAAAAAAA: to=<r@example.net>, relay=none, dsn=2.0.0, status=sent (ok)")
		},
		sender: "s@example.com", stale: 0, openAtEnd: 1,
	}, {
		// Postfix gives up after maximal_queue_lifetime (5 days); a
		// deferred message is retried (qmgr from=) until then, with much
		// traffic between the retries, so that the table is swept many
		// times. The default window keeps it; an idle id goes.
		name:   "long-deferred message expires with its recipient",
		window: 0,
		build: func(l *logBuilder) {
			id := 0
			l.line(0, "postfix/cleanup[3]", "AAAAAAAAAA: message-id=<m@example.com>")
			l.line(0, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
			l.line(0, "postfix/smtp[2]", deferLine)
			l.line(0, "postfix/qmgr[1]", "CCCCCCCCCC: from=<idle@example.com>, size=1, nrcpt=1 (queue active)")
			for h := 4; h <= 5*24; h += 4 {
				at := time.Duration(h) * time.Hour
				l.filler(at, sweepLines/8, &id)
				l.line(at, "postfix/qmgr[1]", "AAAAAAAAAA: from=<s@example.com>, size=1, nrcpt=1 (queue active)")
				l.line(at, "postfix/smtp[2]", deferLine)
			}
			l.filler(5*day+time.Hour, sweepLines, &id)
			l.line(5*day+time.Hour, "postfix/qmgr[1]", expireLine)
			l.line(5*day+time.Hour, "postfix/qmgr[1]", "AAAAAAAAAA: removed")
			// CCCCCCCCCC was idle for more than the window: swept.
			l.filler(6*day+12*time.Hour, sweepLines, &id)
		},
		sender: "s@example.com", expired: 1, stale: 1, openAtEnd: 0,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &logBuilder{start: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
			tt.build(l)
			r := NewReader(strings.NewReader(l.b.String()), "w", Options{Year: 2026, QueueWindow: tt.window})
			evs, skipped := readAll(t, r)
			if skipped != 0 || len(evs) == 0 {
				t.Fatalf("%d events, %d skipped", len(evs), skipped)
			}
			last := evs[len(evs)-1]
			if last.QueueID != "AAAAAAAAAA" || last.Sender != tt.sender {
				t.Errorf("last event %s sender %q, want AAAAAAAAAA sender %q", last.QueueID, last.Sender, tt.sender)
			}
			expired := countStatus(evs)[parser.StatusExpired]
			if expired != tt.expired {
				t.Errorf("%d expired events, want %d", expired, tt.expired)
			}
			if tt.expired > 0 && (last.Status != parser.StatusExpired || last.Recipient != "r@example.net" || last.MessageID != "m@example.com" || last.Enhanced != "4.4.1") {
				t.Errorf("expired event %+v, want the last deferral of r@example.net", last)
			}
			st := r.Stats()
			if st.Stale != tt.stale || st.OpenQueueIDs != tt.openAtEnd {
				t.Errorf("Stale %d, OpenQueueIDs %d; want %d, %d", st.Stale, st.OpenQueueIDs, tt.stale, tt.openAtEnd)
			}
		})
	}
}

// TestQueueTableModel runs random operations on a queueTable and on a map
// and compares them: the open-addressing table must find every id the map
// has, and no other.
func TestQueueTableModel(t *testing.T) {
	for _, max := range []int{7, 100, 5000} {
		t.Run(fmt.Sprint("max ", max), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(max)))
			var q queueTable
			q.init(max)
			q.resize(16)                // small: probe runs wrap around the end of the slots
			model := map[string]int64{} // id -> last
			ids := make([]string, 3*max)
			for i := range ids {
				// Short ids, long ids and ids sharing their ends.
				switch i % 3 {
				case 0:
					ids[i] = fmt.Sprintf("%010X", rng.Uint64()&0xFFFFFFFFFF)
				case 1:
					ids[i] = fmt.Sprintf("4j%013d", i)
				default:
					ids[i] = fmt.Sprintf("AB%dCDEFGH", i)
				}
			}
			var now int64
			for op := range 200000 {
				id := ids[rng.IntN(len(ids))]
				switch k := rng.IntN(10); {
				case k < 4:
					now++
					e := q.getOrCreate([]byte(id), now)
					e.last = now
					if _, ok := model[id]; !ok && len(model) >= max {
						// The table evicted its oldest entry: follow it.
						for m := range model {
							if q.get([]byte(m)) == nil {
								delete(model, m)
							}
						}
					}
					model[id] = now
				case k < 7:
					q.remove([]byte(id))
					delete(model, id)
				case k < 9:
					e := q.get([]byte(id))
					if _, ok := model[id]; ok != (e != nil) || e != nil && e.qid != id {
						t.Fatalf("op %d: get(%s) = %v, model has it: %v", op, id, e, ok)
					}
				default:
					if rng.IntN(100) == 0 {
						cutoff := now - int64(rng.IntN(2*max))
						q.sweep(cutoff)
						for m, last := range model {
							if last < cutoff {
								delete(model, m)
							}
						}
					}
				}
				if q.n != len(model) {
					t.Fatalf("op %d: table holds %d ids, model %d", op, q.n, len(model))
				}
			}
			for id := range model {
				if q.get([]byte(id)) == nil {
					t.Errorf("%s lost", id)
				}
			}
			if q.n > max {
				t.Errorf("%d entries, cap %d", q.n, max)
			}
		})
	}
}

func TestIndexNear(t *testing.T) {
	for n := range 150 {
		for _, at := range []int{-1, 0, 1, 7, 8, 9, 63, 64, 65, 100, n - 1} {
			b := []byte(strings.Repeat("x\x00\xff", n)[:n])
			if at >= 0 && at < n {
				b[at] = ','
				if at+3 < n {
					b[at+3] = ',' // a later one must not win
				}
			}
			if got, want := indexNear(b, ','), bytes.IndexByte(b, ','); got != want {
				t.Fatalf("len %d, ',' at %d: indexNear = %d, want %d", n, at, got, want)
			}
		}
	}
}
