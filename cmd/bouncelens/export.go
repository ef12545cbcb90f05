package main

import (
	"context"
	"flag"
	"fmt"

	"bouncelens/report"
	"bouncelens/store"
)

var exportCmd = &command{
	Name:      "export",
	UsageLine: "export [--db DIR] [--since-last] [--dry-run] [-q] [--format FORMAT] [--policy FILE] [policy flags]",
	Short:     "export recipient states for a CRM, or only what changed since the last export",
	Long: `Export writes one row per recipient for a CRM import: email, state, action,
new_address, last_code, last_enhanced, last_reason, first_seen, last_seen,
events, delivered, hard, soft. States and actions are those of 'bouncelens
recipients' (see 'bouncelens help recipients' for the policy and its flags).

Without --since-last, every recipient that is not active is exported and
nothing is stored.

With --since-last, only the recipients whose state, action or new address
changed since the last --since-last export are written (the first time:
every recipient that is not active; a recipient that became active again
is written with state active and action none). After the rows are
written, the export's snapshot and watermark (time, rows, recipients) are
stored in the store, in one transaction, so the next run writes only newer
changes: run twice without a scan in between, the second run writes the
header alone. --dry-run writes the rows and stores nothing. A summary line
goes to stderr (-q drops it). A changed --policy changes states: the next
export writes the recipients it moved.

Formats: csv (default, with a header row even when nothing changed), json,
jsonl, table, markdown. Exit status: 0 (also with no rows), 1 store or I/O
error, 2 usage, 4 the store is in use by another run (a scan): retry later.

Examples:
	bouncelens export > recipients.csv
	bouncelens export --since-last > crm-$(date +%F).csv
	bouncelens export --since-last --dry-run --format jsonl | jq -c 'select(.state=="dead")'
	bouncelens scan /var/log/mail.log && bouncelens export --since-last -q | crm-import
`,
	Setup: setupExport,
}

type exportOptions struct {
	db, format            string
	sinceLast, dryRun, qu bool
	policy                *policyFlags
}

func setupExport(fs *flag.FlagSet) runFunc {
	o := &exportOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.BoolVar(&o.sinceLast, "since-last", false, "write only recipients whose state changed since the last --since-last export, and advance its watermark")
	fs.BoolVar(&o.dryRun, "dry-run", false, "with --since-last: write the rows, do not advance the watermark")
	fs.BoolVar(&o.qu, "q", false, "no summary line on stderr")
	fs.StringVar(&o.format, "format", "csv", "output `format`: csv, json, jsonl, table or markdown")
	o.policy = addPolicyFlags(fs)
	return func(ctx context.Context, e *env, args []string) int { return runExport(ctx, e, o, args) }
}

func runExport(ctx context.Context, e *env, o *exportOptions, args []string) int {
	const name = "export"
	if len(args) > 0 {
		return usageError(e, name, "unexpected argument %q", args[0])
	}
	write, err := recipientWriter(o.format)
	if err != nil {
		return usageError(e, name, "%v", err)
	}
	p, err := o.policy.policy()
	if err != nil {
		return policyExit(e, name, err)
	}
	commit := o.sinceLast && !o.dryRun
	if commit {
		// Like the read-only commands, refuse a store nothing was scanned
		// into, rather than create an empty one to store a watermark in.
		probe, code := openStore(e, name, o.db, true)
		if probe == nil {
			return code
		}
		probe.Close()
	}
	db, code := openStore(e, name, o.db, !commit)
	if db == nil {
		return code
	}
	defer db.Close()
	res, err := report.Export(ctx, db, &p, report.ExportOptions{SinceLast: o.sinceLast, Now: e.timeNow()})
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
		return exitError
	}
	// The rows first: if they cannot be written, the watermark stays.
	if err := write(e, report.ExportTable(res.Rows)); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: writing: %v\n", name, err)
		return exitError
	}
	if commit {
		w := db.NewWriter(store.WriterOptions{})
		err := w.CommitWith(ctx, res.Meta)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "bouncelens %s: storing the watermark (the next export writes these rows again): %v\n", name, err)
			return exitError
		}
	}
	if !o.qu {
		fmt.Fprintf(e.stderr, "bouncelens %s: %s\n", name, exportSummary(o, &res))
	}
	return exitOK
}

// exportSummary is the stderr line: what was written, since when, and
// whether the watermark moved.
func exportSummary(o *exportOptions, res *report.ExportResult) string {
	c := res.Current
	if !o.sinceLast {
		return fmt.Sprintf("%d %s not active, of %d", c.Rows, countNoun(c.Rows, "recipient"), c.Recipients)
	}
	s := fmt.Sprintf("%d %s changed", c.Rows, countNoun(c.Rows, "recipient"))
	if res.Previous != nil {
		s += " since the export of " + res.Previous.ExportedAt.Format("2006-01-02T15:04:05Z07:00")
	} else {
		s += " (first export)"
	}
	s += fmt.Sprintf("; %d of %d recipients not active", c.Tracked, c.Recipients)
	if o.dryRun {
		return s + "; dry run: watermark not advanced"
	}
	return s + "; watermark advanced"
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
