package main

import (
	"context"
	"flag"
	"fmt"

	"bouncelens/report"
	"bouncelens/store"
)

var movedCmd = &command{
	Name:      "moved",
	UsageLine: "moved [--db DIR] [--domain DOMAIN] [--since WHEN] [--until WHEN] [--format FORMAT]",
	Short:     "list recipients whose server named a new address (251/551)",
	Long: `Moved lists the recipients for which a server named a forward address: a 551
"User not local; please try <new@example.org>" (the mail bounced: update the
contact to the new address) or a 251 "will forward to <new@example.org>" (the
mail was delivered, but the recipient moved: update the contact anyway).

Examples:
	bouncelens moved
	bouncelens moved --format csv > moved.csv
	bouncelens moved --domain example.com --format json | jq -r '.moved[].new_address'
`,
	Setup: setupMoved,
}

type movedOptions struct {
	db, domain, since, until, format string
}

func setupMoved(fs *flag.FlagSet) runFunc {
	o := &movedOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.StringVar(&o.domain, "domain", "", "only recipients in this `domain`")
	fs.StringVar(&o.since, "since", "", "only recipients seen on or after this `day`")
	fs.StringVar(&o.until, "until", "", "only recipients seen before this `day`")
	fs.StringVar(&o.format, "format", "table", "output `format`: table, csv, json or markdown")
	return func(ctx context.Context, e *env, args []string) int { return runMoved(ctx, e, o, args) }
}

func runMoved(ctx context.Context, e *env, o *movedOptions, args []string) int {
	if len(args) > 0 {
		return usageError(e, "moved", "unexpected argument %q", args[0])
	}
	format, err := report.ByName(o.format)
	if err != nil {
		return usageError(e, "moved", "%v", err)
	}
	filter, err := timeFilter(e, o.since, o.until)
	if err != nil {
		return usageError(e, "moved", "%v", err)
	}
	db, code := openStore(e, "moved", o.db, true)
	if db == nil {
		return code
	}
	defer db.Close()
	recs, err := db.Recipients(ctx, store.RecipientFilter{Moved: true, Domain: o.domain, Since: filter.Since, Until: filter.Until})
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens moved: %v\n", err)
		return exitError
	}
	if err := format.Write(e.stdout, []report.Table{report.Moved(recs)}); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens moved: writing: %v\n", err)
		return exitError
	}
	return exitOK
}
