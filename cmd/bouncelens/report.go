package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"bouncelens/report"
	"bouncelens/store"
)

var reportCmd = &command{
	Name:      "report",
	UsageLine: "report [--db DIR] [--since WHEN] [--until WHEN] [--top N] [--section ID,...] [--format FORMAT]",
	Short:     "print what the store holds: by status, reason, domain, code and day",
	Long: `Report prints the stored events as tables: a summary by status, failures by
reason (with hard/soft, whose side it is, the action to take and what the
reason means), recipient domains with their bounce rate, failures by SMTP
code with the catalog's title, and events per day.

--since and --until take a date (2026-11-23, midnight UTC), an RFC 3339 time,
today, yesterday, or a span back from now (7d, 36h); since is inclusive,
until exclusive, both by UTC day.

Formats: table (terminal), csv, json (one object keyed by section id, numbers
as numbers, for jq), markdown (for cron mail). Section ids: summary,
by_reason, by_domain, by_code, by_day. With csv, select one --section for a
file a spreadsheet opens directly.

Examples:
	bouncelens report
	bouncelens report --since 7d --format markdown | mail -s "bounces" postmaster
	bouncelens report --format json | jq '.by_reason[] | select(.hard > 0)'
	bouncelens report --section by_domain --top 0 --format csv > domains.csv
`,
	Setup: setupReport,
}

type reportOptions struct {
	db, since, until, format, sections string
	top                                int
}

func setupReport(fs *flag.FlagSet) runFunc {
	o := &reportOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.StringVar(&o.since, "since", "", "first `day` to include (2026-11-01, today, yesterday, 7d)")
	fs.StringVar(&o.until, "until", "", "first `day` to leave out")
	fs.StringVar(&o.format, "format", "table", "output `format`: table, csv, json or markdown")
	fs.StringVar(&o.sections, "section", "", "comma-separated section `ids` to print (default all)")
	fs.IntVar(&o.top, "top", 10, "rows in the domain and code sections (0 for all)")
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
	var ids []string
	if o.sections != "" {
		ids = strings.Split(o.sections, ",")
	}
	db, code := openStore(e, "report", o.db, true)
	if db == nil {
		return code
	}
	defer db.Close()
	counts, err := db.Counts(ctx, filter)
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens report: %v\n", err)
		return exitError
	}
	tables, err := report.Select(report.Build(counts, report.Options{Top: o.top}), ids)
	if err != nil {
		return usageError(e, "report", "%v", err)
	}
	if err := format.Write(e.stdout, tables); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens report: writing: %v\n", err)
		return exitError
	}
	return exitOK
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
