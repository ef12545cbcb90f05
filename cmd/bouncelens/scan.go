package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync/atomic"
	"time"

	"bouncelens/parser/postfix"
	"bouncelens/store"
)

var scanCmd = &command{
	Name:      "scan",
	UsageLine: "scan [--db DIR] [--year YYYY] [--since WHEN] [--until WHEN] [--reread] [--workers N] [--dry-run] [--strict] [-q] [-v] PATH...",
	Short:     "read Postfix logs and bounce messages into the store",
	Long: `Scan reads each PATH and stores one classified event per recipient outcome.

A PATH is a Postfix log (plain or gzip'ed, recognised by content, not by
name), a bounce message (.eml), an mbox file, a Maildir folder, a directory
(walked in name order; hidden entries skipped), or - for standard input.
Scanning the same input again never counts anything twice.

Scans are incremental, for the nightly cron run over the same growing and
rotating logs: the store remembers, for each log, how far it was read
(identified by its first 4 KiB, decompressed, so a rotated or compressed
copy is the same log) and the Postfix reader's state there, in the same
commit as the events those bytes gave. The next scan reads only what was
appended; maillog.1 and maillog.2.gz after a rotation are read past that
point only; a truncated or replaced log is read from its start. Bounce
message files already read (same content) are skipped. An unfinished last
line of a plain log is left for the next scan. --reread reads everything
again (the store still skips the events it holds).

Classic syslog stamps have no year: it is inferred from the file's
modification time (the last lines were written then) and the month
sequence (December, then January, is the next year); --year sets it.

Lines and messages that cannot be read are skipped and counted; the run ends
with one summary line on stderr. Exit status: 0 done, 1 an input or the store
failed, 2 usage, 3 records were skipped and --strict was given, 4 the store is
in use by another run, 130 interrupted (what was stored is kept). A second
interrupt (Ctrl-C, SIGTERM) stops a scan at once, even one waiting for input
on a pipe: the committed checkpoints stay, and the next scan adds the rest.

Inputs are parsed and classified on --workers goroutines (default: the number
of CPUs) beside one store writer; the results do not depend on the number.
With more than two CPUs (two for --dry-run, or for --reread of a log scanned
before), a log's lines are also read and scanned on a goroutine of their own,
ahead of their correlation.
The store commits every --checkpoint new events and at the end: a scan that is
killed keeps its committed checkpoints, and the next scan of the same input
adds exactly what was lost. The Go heap is held near 200 MiB while reading
and 150 MiB while committing (the environment variable GOMEMLIMIT overrides
both; GOGC is 200 unless set).

Examples:
	bouncelens scan fixtures/
	bouncelens scan /var/log/mail.log /var/log/mail.log.*.gz
	zcat maillog-2026*.gz | bouncelens scan -
	bouncelens scan --db /srv/bouncelens ~/Maildir/.Bounces
	bouncelens scan -q /var/log/mail.log*               # from cron: only new lines are read
	bouncelens scan --since yesterday /var/log/mail.log # store only yesterday's and today's events
	bouncelens scan --dry-run -v /var/log/mail.log      # what would be stored
	bouncelens scan --cpuprofile cpu.out big.log && go tool pprof -top cpu.out
	bouncelens scan --trace trace.out big.log && go tool trace -pprof=sched trace.out > sched.pb
`,
	Setup: setupScan,
}

// scanOptions are scan's flags.
type scanOptions struct {
	db         string
	year       int
	strict     bool
	quiet      bool
	verbose    bool
	checkpoint int
	workers    int
	dryRun     bool
	cpuProfile string
	traceFile  string
	memProfile string
	reread     bool
	since      string
	until      string

	sinceT, untilT time.Time // since and until, read
}

// inRange reports whether an event at t passes --since/--until. Events
// without a time pass only when --since is not set.
func (o *scanOptions) inRange(t time.Time) bool {
	if t.IsZero() {
		return o.sinceT.IsZero()
	}
	return (o.sinceT.IsZero() || !t.Before(o.sinceT)) && (o.untilT.IsZero() || t.Before(o.untilT))
}

// filtered reports whether --since or --until is set: such a scan stores
// part of what it reads, so it does not record how far it read.
func (o *scanOptions) filtered() bool { return !o.sinceT.IsZero() || !o.untilT.IsZero() }

func setupScan(fs *flag.FlagSet) runFunc {
	o := &scanOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.IntVar(&o.year, "year", 0, "`year` of classic syslog timestamps (default: inferred from the current date)")
	fs.BoolVar(&o.strict, "strict", false, "exit with status 3 when any record was skipped")
	fs.BoolVar(&o.quiet, "q", false, "print nothing on success (errors still go to stderr)")
	fs.BoolVar(&o.verbose, "v", false, "list the first 20 skipped records")
	fs.IntVar(&o.checkpoint, "checkpoint", 4_000_000, "new events per store checkpoint: a crash or kill loses at most the checkpoint in progress, which the next scan of the same input reads again")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "inputs parsed at the same time, beside the store writer; 1 runs the whole scan on one goroutine (the results are the same)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "read, parse and classify, but store nothing (no store is opened): what would a scan find?")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the scan to `file` (go tool pprof)")
	fs.StringVar(&o.traceFile, "trace", "", "write a runtime execution trace of the scan to `file` (go tool trace): which stage waits for which")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the heap profile taken when the live heap was largest to `file` (go tool pprof)")
	fs.BoolVar(&o.reread, "reread", false, "read every input from its start, ignoring how far earlier scans read (events already stored are still skipped)")
	fs.StringVar(&o.since, "since", "", "store only events at or after `WHEN`: 2026-11-01, an RFC 3339 time, today, yesterday, 7d or 36h (such a scan does not record how far it read)")
	fs.StringVar(&o.until, "until", "", "store only events before `WHEN` (same forms as --since)")
	return func(ctx context.Context, e *env, args []string) int { return runScan(ctx, e, o, args) }
}

// The Go runtime's soft memory limits during a scan, unless GOMEMLIMIT
// is set: scanMemoryLimit while it reads, commitMemoryLimit while a
// checkpoint commits and the store closes. A commit holds more of its
// own (recipient runs, Badger's transactions) while Badger's value log
// and tables take mapped file pages, which count in the RSS too (the
// store drops them at times, DB.dropPages). Reading under 200 MiB rather
// than 160: five distinct 1 GB logs through stdin take 28.4-29.9 s
// instead of 33.3-34.7 s (from the second checkpoint on, Badger's
// compactions hold 40 MB more, and under 160 MiB the collector ran
// back to back: 1857 cycles), at the same peak RSS (285-301 MiB, set by
// the commits); the 1 GB scan takes the same time, at 203 MiB instead of
// 171. 240 MiB is no faster. A higher limit for the commit bought no
// time (180 MiB: 3.08 vs 3.07 s on 1 GB).
const (
	scanMemoryLimit   = 200 << 20
	commitMemoryLimit = 150 << 20
)

// memLimits switches the memory limit between reading and committing.
type memLimits struct {
	set   bool // the scan sets the limits: GOMEMLIMIT is not set
	final bool // the scan's last commit and close: the limit stays low
}

// committing is store.WriterOptions.Committing.
func (m *memLimits) committing(on bool) {
	switch {
	case !m.set:
	case on || m.final:
		debug.SetMemoryLimit(commitMemoryLimit)
	default:
		debug.SetMemoryLimit(scanMemoryLimit)
	}
}

// scanResult sums up one scan run.
type scanResult struct {
	inputs, events, newEvents, dups, skipped int
	received, warnings                       int // messages received and warnings, stored as events too
	outOfRange                               int // events outside --since/--until: not stored
	unchanged, continued                     int // inputs with nothing new since, or continued from, an earlier scan
	anonymous                                int // complaints whose recipient the report redacted: not stored
	firstSkips                               []error
	failed                                   []error // inputs that could not be read to the end
}

func runScan(ctx context.Context, e *env, o *scanOptions, args []string) int {
	if len(args) == 0 {
		return usageError(e, "scan", "no PATH given")
	}
	if o.checkpoint < 1 {
		return usageError(e, "scan", "--checkpoint must be at least 1")
	}
	if o.workers < 1 {
		return usageError(e, "scan", "--workers must be at least 1")
	}
	var err error
	if o.sinceT, err = parseWhen(o.since, e.timeNow()); err != nil {
		return usageError(e, "scan", "--since: %v", err)
	}
	if o.untilT, err = parseWhen(o.until, e.timeNow()); err != nil {
		return usageError(e, "scan", "--until: %v", err)
	}
	inputs, badArgs := expandInputs(args)
	for _, err := range badArgs {
		fmt.Fprintf(e.stderr, "bouncelens scan: %v\n", err)
	}
	if len(inputs) == 0 {
		return exitError
	}
	var db *store.DB
	if !o.dryRun {
		var code int
		if db, code = openStore(e, "scan", o.db, false); db == nil {
			return code
		}
	}
	var total int64
	for _, in := range inputs {
		total += in.size
	}
	limits := &memLimits{set: e.getenv("GOMEMLIMIT") == ""}
	if limits.set {
		// A soft limit: the collector works harder near it instead of
		// letting the heap double past the live data (GOGC=100), which
		// keeps a scan of many GB in bounded memory. GOMEMLIMIT overrides.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(scanMemoryLimit))
	}
	if e.getenv("GOGC") == "" {
		// Under the limit, collect half as often: the parsers' garbage is
		// short-lived (5% faster on a 1 GB log, the same peak RSS).
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	var done atomic.Int64
	stop := func() {}
	if !o.quiet {
		stop = startProgress(ctx, e.stderr, &done, total)
	}
	stopProfile, perr := startProfiles(o)
	if perr != nil {
		stop()
		if db != nil {
			db.Close()
		}
		fmt.Fprintf(e.stderr, "bouncelens scan: %v\n", perr)
		return exitError
	}
	res, err := scanAll(ctx, db, e, o, inputs, &done, limits)
	if perr := stopProfile(); perr != nil && err == nil {
		err = perr
	}
	res.failed = append(res.failed, badArgs...)
	stop()
	if db != nil {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing store: %w", cerr)
		}
	}
	printScanSummary(e.stderr, res, o.quiet, o.verbose, o.dryRun)
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		fmt.Fprintln(e.stderr, "bouncelens scan: interrupted; events stored so far are kept")
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(e.stderr, "bouncelens scan: %v\n", err)
		return exitError
	case len(res.failed) > 0:
		return exitError
	case res.skipped > 0 && o.strict:
		return exitSkipped
	}
	return exitOK
}

// scanAll reads every input, classifies its events and stores them.
// Input errors are recorded in the result and the scan goes on; a store
// error or cancellation ends it. What was added before an interruption is
// committed, so that it is kept.
func scanAll(ctx context.Context, db *store.DB, e *env, o *scanOptions, inputs []input, done *atomic.Int64, limits *memLimits) (scanResult, error) {
	var res scanResult
	var w sink = discard{}
	var sw *store.Writer
	var ix *inputIndex
	if db != nil {
		var err error
		if ix, err = loadInputIndex(ctx, db); err != nil {
			return res, err
		}
		// Records of a log read before go to the store unclassified
		// (see runPipeline); it classifies those it does not hold.
		cache := newClassifier(classifierSize)
		sw = db.NewWriter(store.WriterOptions{
			CheckpointEvents: o.checkpoint,
			Committing:       limits.committing,
			Classify:         func(r *store.Record) { classifyRecord(cache, r) },
		})
		w = sw
	}
	results, st, err := runPipeline(ctx, e, o, ix, inputs, w, done)
	if sw != nil {
		limits.final = true
		limits.committing(true)
		// Commit also after an interruption: what was read is kept. The
		// commit runs to its end whatever ctx says.
		if cerr := sw.Commit(ctx); cerr != nil && err == nil {
			err = cerr
		}
		if cerr := sw.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	res.newEvents, res.dups = st.New, st.Duplicate
	summarize(e.stderr, o.verbose, inputs, results, &res)
	return res, err
}

// discard is the sink of --dry-run: it stores nothing.
type discard struct{}

func (discard) Add(context.Context, []store.Record) (store.IngestStats, error) {
	return store.IngestStats{}, nil
}

func (discard) SetMeta(string, []byte) {}

func (discard) Prepare([]store.Record) {}

func (discard) PrepareIDs([]store.Record) {}

// startProfiles starts the CPU profile of --cpuprofile and the execution
// trace of --trace; the returned stop function ends them and writes the
// heap profile of --memprofile.
func startProfiles(o *scanOptions) (stop func() error, err error) {
	var cpu *os.File
	if o.cpuProfile != "" {
		if cpu, err = os.Create(o.cpuProfile); err != nil {
			return nil, fmt.Errorf("CPU profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("CPU profile %s: %w", o.cpuProfile, err)
		}
	}
	var tf *os.File
	if o.traceFile != "" {
		if tf, err = os.Create(o.traceFile); err == nil {
			if err = trace.Start(tf); err != nil {
				tf.Close()
			}
		}
		if err != nil {
			if cpu != nil {
				pprof.StopCPUProfile()
				cpu.Close()
			}
			return nil, fmt.Errorf("execution trace: %w", err)
		}
	}
	var peak *peakHeap
	if o.memProfile != "" {
		peak = watchPeakHeap()
	}
	return func() error {
		var first error
		if tf != nil {
			trace.Stop()
			if err := tf.Close(); err != nil {
				first = fmt.Errorf("execution trace %s: %w", o.traceFile, err)
			}
		}
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil && first == nil {
				first = fmt.Errorf("CPU profile %s: %w", o.cpuProfile, err)
			}
		}
		if o.memProfile != "" {
			f, err := os.Create(o.memProfile)
			if err != nil {
				return fmt.Errorf("heap profile: %w", err)
			}
			_, err = f.Write(peak.stop())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil && first == nil {
				first = fmt.Errorf("heap profile %s: %w", o.memProfile, err)
			}
		}
		return first
	}, nil
}

// printLogStats says, under -v, what one log held: how many lines gave
// events, were Postfix lines with nothing to report, belonged to other
// programs, or were not understood at all (a sign of a log format bouncelens
// does not know yet).
func printLogStats(w io.Writer, in input, st postfix.Stats) {
	skipped := 0
	for _, n := range st.Skipped {
		skipped += n
	}
	name := in.path
	if name == "-" {
		name = "<stdin>"
	}
	fmt.Fprintf(w, "  %s: %s, %s, %d skipped, %d without a delivery outcome, %d of other programs, %d not understood",
		name, plural(st.Lines, "line"), plural(st.Events, "event"), skipped, st.Ignored, st.Foreign, st.Unparsed)
	if n := st.Probes + st.RejectsWithoutRecipient + st.ExpiredWithoutRecipients; n > 0 {
		fmt.Fprintf(w, ", %d with no recipient to report (probes, early rejects, expiries of unseen recipients)", n)
	}
	if st.Stale+st.Evicted > 0 {
		fmt.Fprintf(w, ", %d queue ids forgotten without a \"removed\" line (%d idle past the queue window, %d over the table's cap)", st.Stale+st.Evicted, st.Stale, st.Evicted)
	}
	fmt.Fprintln(w)
}

func printScanSummary(w io.Writer, res scanResult, quiet, verbose, dryRun bool) {
	if quiet && res.skipped == 0 && len(res.failed) == 0 {
		return
	}
	fmt.Fprintf(w, "bouncelens scan: %s", plural(res.inputs, "input"))
	var notes []string
	if res.unchanged > 0 {
		notes = append(notes, fmt.Sprintf("%d unchanged since the last scan", res.unchanged))
	}
	if res.continued > 0 {
		notes = append(notes, fmt.Sprintf("%d continued where the last scan stopped", res.continued))
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(notes, ", "))
	}
	fmt.Fprintf(w, ", %s", plural(res.events, "event"))
	if res.received+res.warnings > 0 {
		fmt.Fprintf(w, ", %s received, %s", plural(res.received, "message"), plural(res.warnings, "warning"))
	}
	if dryRun {
		fmt.Fprint(w, " (--dry-run: nothing stored)")
	} else {
		fmt.Fprintf(w, " (%d new, %d already stored)", res.newEvents, res.dups)
	}
	if res.outOfRange > 0 {
		fmt.Fprintf(w, ", %d outside --since/--until not stored", res.outOfRange)
	}
	if res.skipped > 0 {
		fmt.Fprintf(w, ", %s skipped (first: %v)", plural(res.skipped, "record"), res.firstSkips[0])
	}
	if res.anonymous > 0 {
		fmt.Fprintf(w, ", %s without a recipient not stored", plural(res.anonymous, "complaint"))
	}
	fmt.Fprintln(w)
	if verbose && res.skipped > 0 {
		for _, err := range res.firstSkips {
			fmt.Fprintf(w, "  skipped %v\n", err)
		}
	}
}

// plural returns "1 input", "2 inputs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// startProgress redraws the byte count four times a second on stderr, only
// when stderr is a terminal (never under cron or in a pipe).
func startProgress(ctx context.Context, stderr io.Writer, done *atomic.Int64, total int64) (stop func()) {
	f, ok := stderr.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-tick.C:
				if total > 0 {
					fmt.Fprintf(f, "\rscanning: %d / %d MiB (%d%%)", done.Load()>>20, total>>20, done.Load()*100/total)
				} else {
					fmt.Fprintf(f, "\rscanning: %d MiB", done.Load()>>20)
				}
			}
		}
		fmt.Fprint(f, "\r\033[K")
	}()
	return func() { cancel(); <-finished }
}
