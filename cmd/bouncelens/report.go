package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"bouncelens/report"
	"bouncelens/store"
)

var reportCmd = &command{
	Name:      "report",
	UsageLine: "report [--db DIR] [--since WHEN] [--until WHEN] [--top N] [--section ID,...] [--format FORMAT] [--fail-if EXPR]... [-q]",
	Short:     "print what the store holds: totals, traffic, domains, reasons, codes, rejects, senders",
	Long: `Report prints what the store holds for a range of days, in the sections mail
operators know from pflogsumm, in this order:

	totals                messages received; sends (one recipient of one message)
	                      and their outcomes: delivered, bounced, expired, still
	                      deferred; deferrals; rejects; complaints; warnings;
	                      distinct recipients, domains, senders; bounce and
	                      defer rate. Its note checks that every send has one
	                      outcome: sends = delivered + bounced + expired +
	                      deferred-final + other-final.
	summary               events by status, with shares
	traffic_by_day        received, delivered, deferred, bounced, expired and
	                      rejected per day (UTC)
	by_hour               the same per hour of day (UTC)
	by_domain             recipient domains by volume, with the bounce rate
	domains_by_deferrals  recipient domains by deferrals
	domains_by_bounces    recipient domains by bounces and expiries
	by_reason             failures by reason: hard/soft, side, action, meaning
	by_code               failures by SMTP code, with the catalog's title and
	                      meaning
	deferrals             deferral detail: per domain, its most frequent
	                      deferral texts (addresses, IPs and numbers masked)
	rejects               reject detail: reason, code, masked text, clients
	senders               senders with the most failures and their failure rate
	warnings              Postfix warnings by program and masked text
	by_day                events per day by status (not shown by default)

--section picks sections by id, in the order given. --top bounds the ranked
sections (domains, codes, deferral and reject texts, senders, warnings).

--since and --until take a date (2026-11-23, midnight UTC), an RFC 3339 time,
today, yesterday, or a span back from now (7d, 36h); since is inclusive,
until exclusive, both by UTC day.

Formats: table (terminal), csv, json, markdown and html. json is one object
keyed by section id, in the order shown; each value is an array of row
objects whose keys are the column names in lower case (numbers are JSON
numbers, an empty number is null). html is one self-contained document
(inline styles, no scripts) for a cron mail. With csv, select one --section
for a file a spreadsheet opens directly.

--fail-if METRIC OP LIMIT (repeatable, or comma-separated) sets a threshold
over the report's range: METRIC is a totals item (bounced, deferred,
rejected, expired, complained, warnings, ...), bounce-rate or defer-rate
(with a %), or a reason (blocked, userunknown: failure events with that
reason); OP is >, >=, <, <= or =. The report is printed, then one line on
stderr per threshold crossed, and the exit status is 5. With -q nothing is
printed unless a threshold is crossed: cron mails only when something is
wrong.

Exit status: 0 ok, 1 error, 2 bad command line, 4 store in use, 5 a
--fail-if threshold was crossed.

Examples:
	bouncelens report
	bouncelens report --since 7d --format markdown | mail -s "bounces" postmaster
	bouncelens report --format json | jq '.totals[] | select(.item == "bounce-rate")'
	bouncelens report --format json | jq '.by_reason[] | select(.hard > 0)'
	bouncelens report --section by_domain --top 0 --format csv > domains.csv

	# cron mails what a job prints: with -q, only when a threshold is
	# crossed. In a crontab a % must be written \%.
	15 6 * * * bouncelens report -q --since yesterday --until today --format markdown --fail-if 'bounce-rate>5\%,blocked>0,warnings>0'

	# an HTML mail each morning, through the local Postfix
	15 6 * * * (printf 'To: postmaster\nSubject: mail report\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n'; bouncelens report --since yesterday --until today --format html) | /usr/sbin/sendmail -t
`,
	Setup: setupReport,
}

type reportOptions struct {
	db, since, until, format, sections string
	top                                int
	quiet                              bool
	failIf                             thresholdList
}

// thresholdList collects --fail-if values; each may hold several
// comma-separated conditions.
type thresholdList []string

func (l *thresholdList) String() string { return strings.Join(*l, ",") }

func (l *thresholdList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func setupReport(fs *flag.FlagSet) runFunc {
	o := &reportOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.StringVar(&o.since, "since", "", "first `day` to include (2026-11-01, today, yesterday, 7d)")
	fs.StringVar(&o.until, "until", "", "first `day` to leave out")
	fs.StringVar(&o.format, "format", "table", "output `format`: table, csv, json, markdown or html")
	fs.StringVar(&o.sections, "section", "", "comma-separated section `ids` to print (default: all but by_day)")
	fs.IntVar(&o.top, "top", 10, "rows in the ranked sections (0 for all)")
	fs.Var(&o.failIf, "fail-if", "exit with status 5 when `METRIC OP LIMIT` holds (bounce-rate>5%, blocked>0); repeatable, comma-separated")
	fs.BoolVar(&o.quiet, "q", false, "print nothing unless a --fail-if threshold is crossed (errors still go to stderr)")
	return func(ctx context.Context, e *env, args []string) int { return runReport(ctx, e, o, args) }
}

func runReport(ctx context.Context, e *env, o *reportOptions, args []string) int {
	if len(args) > 0 {
		return usageError(e, "report", "unexpected argument %q", args[0])
	}
	format, err := report.ByName(o.format)
	if err != nil {
		return usageError(e, "report", "%v", err)
	}
	if o.top < 0 {
		return usageError(e, "report", "--top must be 0 or more")
	}
	filter, err := timeFilter(e, o.since, o.until)
	if err != nil {
		return usageError(e, "report", "%v", err)
	}
	var thresholds []report.Threshold
	for _, v := range o.failIf {
		ths, err := report.ParseThresholds(v)
		if err != nil {
			return usageError(e, "report", "--fail-if %v", err)
		}
		thresholds = append(thresholds, ths...)
	}
	ids := report.DefaultSections
	if o.sections != "" {
		ids = strings.Split(o.sections, ",")
		if err := report.CheckSections(ids); err != nil {
			return usageError(e, "report", "%v", err)
		}
	}
	db, code := openStore(e, "report", o.db, true)
	if db == nil {
		return code
	}
	defer db.Close()

	if o.quiet && len(thresholds) == 0 {
		return exitOK // nothing to check, nothing to print
	}

	// Thresholds first: with -q, nothing more is read unless one is crossed.
	opts := report.Options{Top: o.top}
	var traffic *report.Traffic
	if report.NeedsEvents(ids) || len(thresholds) > 0 {
		traffic = report.NewTraffic(opts)
		err := db.Events(ctx, dayFilter(filter), func(r store.Record) error {
			traffic.Add(r)
			return nil
		})
		if err != nil {
			fmt.Fprintf(e.stderr, "bouncelens report: %v\n", err)
			return exitError
		}
	}
	var crossed []string
	if len(thresholds) > 0 {
		totals := traffic.Totals()
		for _, th := range thresholds {
			if hit, why := th.Check(totals); hit {
				crossed = append(crossed, fmt.Sprintf("bouncelens report: --fail-if %s: %s\n", th.Expr, why))
			}
		}
	}
	if o.quiet && len(crossed) == 0 {
		return exitOK
	}

	var tables []report.Table
	if report.NeedsCounts(ids) {
		counts, err := db.Counts(ctx, filter)
		if err != nil {
			fmt.Fprintf(e.stderr, "bouncelens report: %v\n", err)
			return exitError
		}
		tables = report.Build(counts, opts)
	}
	if traffic != nil {
		tables = append(tables, traffic.Tables()...)
	}
	tables, err = report.Select(tables, ids)
	if err != nil { // CheckSections passed: cannot happen
		fmt.Fprintf(e.stderr, "bouncelens report: %v\n", err)
		return exitError
	}
	if err := format.Write(e.stdout, tables); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens report: writing: %v\n", err)
		return exitError
	}
	if len(crossed) > 0 {
		io.WriteString(e.stderr, strings.Join(crossed, ""))
		return exitThreshold
	}
	return exitOK
}

// dayFilter widens f to whole UTC days, as Counts reads it, so that the
// sections from events and those from counts cover the same range.
func dayFilter(f store.Filter) store.Filter {
	day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
	if !f.Since.IsZero() {
		f.Since = day(f.Since)
	}
	if !f.Until.IsZero() && !day(f.Until).Equal(f.Until) {
		f.Until = day(f.Until).Add(24 * time.Hour)
	}
	return f
}

// timeFilter reads --since/--until into a store filter.
func timeFilter(e *env, since, until string) (store.Filter, error) {
	var f store.Filter
	var err error
	now := e.timeNow()
	if f.Since, err = parseWhen(since, now); err != nil {
		return f, fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseWhen(until, now); err != nil {
		return f, fmt.Errorf("--until: %w", err)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return f, fmt.Errorf("--until %s is not after --since %s", until, since)
	}
	return f, nil
}
