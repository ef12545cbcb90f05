package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"bouncelens/classify"
	"bouncelens/classify/policy"
	"bouncelens/report"
)

var recipientsCmd = &command{
	Name:      "recipients",
	UsageLine: "recipients [--db DIR] [--state STATE,...] [--domain DOMAIN] [--reason REASON,...] [--top N] [--format FORMAT] [--policy FILE] [policy flags]",
	Short:     "list recipients by state (dead, soft-bouncing, moved, ...) and what to do",
	Long: `Recipients reads every stored event once, judges each recipient's history by
the suppression policy below, and lists the recipients with their state, the
action for the CRM (suppress, update-address, retry, investigate), the last
code and reason, counts, and why in a few words ("2 suspend bounces 9 days
apart"). The most pressing states come first, then addresses in order.

--state takes states separated by commas, or all (default: every state but
active). --reason keeps recipients whose last reason is one of those given
(userunknown, mailboxfull, ...). Under the table, a note counts recipients
by state and the failures held against no recipient because they were on
the sending side or about content.

Formats: table (default), csv, json (an object with a "recipients" array),
jsonl (one object a line), markdown. Exit status: 0 (also with no rows), 1
store or I/O error, 2 usage (also a --policy file with a wrong line).

Examples:
	bouncelens recipients
	bouncelens recipients --state dead,complained --format csv > suppress.csv
	bouncelens recipients --state moved --format jsonl | jq -r '[.email, .new_address] | @tsv'
	bouncelens recipients --domain example.com --reason mailboxfull --top 20
	bouncelens recipients --soft-limit 3 --soft-span 0 --soft-window 30d
	bouncelens recipients --policy /etc/bouncelens/policy.conf --state all --format json

` + policyHelp(),
	Setup: setupRecipients,
}

type recipientsOptions struct {
	db, states, domain, reasons, format string
	top                                 int
	policy                              *policyFlags
}

func setupRecipients(fs *flag.FlagSet) runFunc {
	o := &recipientsOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.StringVar(&o.states, "state", "", "comma-separated `states` to list, or all (default: all but active)")
	fs.StringVar(&o.domain, "domain", "", "only recipients in this `domain`")
	fs.StringVar(&o.reasons, "reason", "", "only recipients whose last reason is one of these comma-separated `reasons`")
	fs.IntVar(&o.top, "top", 0, "at most `N` rows (0 for all)")
	fs.StringVar(&o.format, "format", "table", "output `format`: table, csv, json, jsonl or markdown")
	o.policy = addPolicyFlags(fs)
	return func(ctx context.Context, e *env, args []string) int { return runRecipients(ctx, e, o, args) }
}

func runRecipients(ctx context.Context, e *env, o *recipientsOptions, args []string) int {
	const name = "recipients"
	if len(args) > 0 {
		return usageError(e, name, "unexpected argument %q", args[0])
	}
	write, err := recipientWriter(o.format)
	if err != nil {
		return usageError(e, name, "%v", err)
	}
	if o.top < 0 {
		return usageError(e, name, "--top must be 0 or more")
	}
	opts := report.RecipientsOptions{Domain: o.domain, Top: o.top}
	if opts.States, err = parseStates(o.states); err != nil {
		return usageError(e, name, "%v", err)
	}
	if opts.Reasons, err = parseReasons(o.reasons); err != nil {
		return usageError(e, name, "%v", err)
	}
	p, err := o.policy.policy()
	if err != nil {
		return policyExit(e, name, err)
	}
	db, code := openStore(e, name, o.db, true)
	if db == nil {
		return code
	}
	defer db.Close()
	t, err := report.Recipients(ctx, db, &p, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
		return exitError
	}
	if err := write(e, t); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: writing: %v\n", name, err)
		return exitError
	}
	return exitOK
}

// recipientWriter returns the writer of the recipients and export tables
// for format: one of report's formats, or jsonl.
func recipientWriter(format string) (func(e *env, t report.Table) error, error) {
	if format == "jsonl" {
		return func(e *env, t report.Table) error { return report.JSONLines(e.stdout, t) }, nil
	}
	f, err := report.ByName(format)
	if err != nil {
		return nil, fmt.Errorf("%v, or jsonl", err)
	}
	return func(e *env, t report.Table) error { return f.Write(e.stdout, []report.Table{t}) }, nil
}

// parseStates reads --state: states separated by commas, or "all".
func parseStates(s string) ([]policy.State, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if strings.TrimSpace(s) == "all" {
		return policy.States(), nil
	}
	var out []policy.State
	for _, name := range strings.Split(s, ",") {
		st, ok := policy.ParseState(name)
		if !ok {
			var names []string
			for _, st := range policy.States() {
				names = append(names, st.String())
			}
			return nil, fmt.Errorf("--state: unknown state %q (want all, or some of %s)", strings.TrimSpace(name), strings.Join(names, ", "))
		}
		out = append(out, st)
	}
	return out, nil
}

// parseReasons reads --reason: reason ids separated by commas.
func parseReasons(s string) ([]classify.Reason, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []classify.Reason
	for _, name := range strings.Split(s, ",") {
		r, ok := classify.ParseReason(strings.TrimSpace(name))
		if !ok {
			return nil, fmt.Errorf("--reason: unknown reason %q (run 'bouncelens report' for the reasons in the store)", strings.TrimSpace(name))
		}
		out = append(out, r)
	}
	return out, nil
}
