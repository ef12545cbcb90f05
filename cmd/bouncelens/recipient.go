package main

import (
	"context"
	"flag"
	"fmt"

	"bouncelens/report"
)

var recipientCmd = &command{
	Name:      "recipient",
	UsageLine: "recipient [--db DIR] [--format FORMAT] [--policy FILE] [policy flags] ADDRESS",
	Short:     "show one address's state and whole history, with the evidence",
	Long: `Recipient shows what the store holds about one address: its state, the action
and why (as 'bouncelens recipients' judges it), its counts, then every event,
oldest first: time, status, codes, reason and class, whether it counted
against the address and why not ("sender side (blocked): not held against
the address", "deferral: only a send's final outcome counts"), the remote
server, the raw diagnostic text, and where it was read (file:line of a log,
or the bounce message's file). The evidence a support team asks for.

The address is looked up as given, then in lower case. The store indexes an
address's newest 1024 event blocks: a very long history shows its newest
part, and says so.

Formats: table (default, for people), json (one object, with an "events"
array). Exit status: 0, 1 the address is not in the store (or a store
error), 2 usage.

Examples:
	bouncelens recipient bob@example.net
	bouncelens recipient --format json bob@example.net | jq -r '.events[] | select(.counted) | .text'
	bouncelens recipient --hard-limit 2 bob@example.net
`,
	Setup: setupRecipient,
}

type recipientOptions struct {
	db, format string
	policy     *policyFlags
}

func setupRecipient(fs *flag.FlagSet) runFunc {
	o := &recipientOptions{}
	fs.StringVar(&o.db, "db", "", dbUsage)
	fs.StringVar(&o.format, "format", "table", "output `format`: table or json")
	o.policy = addPolicyFlags(fs)
	return func(ctx context.Context, e *env, args []string) int { return runRecipient(ctx, e, o, args) }
}

func runRecipient(ctx context.Context, e *env, o *recipientOptions, args []string) int {
	const name = "recipient"
	switch {
	case len(args) == 0:
		return usageError(e, name, "which address? give one")
	case len(args) > 1:
		return usageError(e, name, "one address at a time (got %d arguments)", len(args))
	case o.format != "table" && o.format != "json":
		return usageError(e, name, "unknown format %q (want table or json)", o.format)
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
	h, ok, err := report.ReadRecipientHistory(ctx, db, args[0], &p)
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
		return exitError
	}
	if !ok {
		fmt.Fprintf(e.stderr, "bouncelens %s: %s is not in the store %s (no event was scanned for it)\n", name, args[0], db.Dir())
		return exitError
	}
	if o.format == "json" {
		err = h.WriteJSON(e.stdout)
	} else {
		err = h.WriteText(e.stdout)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: writing: %v\n", name, err)
		return exitError
	}
	return exitOK
}
