package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"bouncelens/store"
)

// Exit codes, for cron and scripts.
const (
	exitOK          = 0   // success, also "no bounces found"
	exitError       = 1   // runtime error: I/O, store, unreadable input
	exitUsage       = 2   // bad command line
	exitSkipped     = 3   // finished, but records were skipped and --strict was given
	exitLocked      = 4   // the store is in use by another bouncelens run; retry later
	exitThreshold   = 5   // report: a --fail-if threshold was crossed
	exitInterrupted = 130 // interrupted; work committed so far is kept
)

// env is what a command may touch of the outside world; tests pass buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time // nil means time.Now
}

func (e *env) timeNow() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// command is one subcommand, in the style of the go command.
type command struct {
	Name      string
	UsageLine string // after "bouncelens "
	Short     string
	Long      string // may hold examples
	// Setup defines the command's flags on fs and returns the function that
	// runs the command with them once fs is parsed.
	Setup func(fs *flag.FlagSet) runFunc
}

// runFunc runs a command with its remaining arguments and returns the exit code.
type runFunc func(ctx context.Context, e *env, args []string) int

// commands is the flat subcommand table, in the order help lists them.
var commands = []*command{scanCmd, reportCmd, decodeCmd, explainCmd, compareCmd, movedCmd, recipientsCmd, recipientCmd, exportCmd}

func lookup(name string) *command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: it parses args and runs one command.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		mainUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			c := lookup(args[1])
			if c == nil {
				fmt.Fprintf(e.stderr, "bouncelens help %s: unknown command\nrun 'bouncelens help' for the list\n", args[1])
				return exitUsage
			}
			fs, _ := newFlagSet(c)
			commandUsage(e.stdout, c, fs)
			return exitOK
		}
		mainUsage(e.stdout)
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: unknown command\nrun 'bouncelens help' for the list\n", name)
		return exitUsage
	}
	fs, runner := newFlagSet(c)
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(e.stdout, c, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\nrun 'bouncelens help %s'\n", c.Name, err, c.Name)
		return exitUsage
	}
	return runner(ctx, e, pos)
}

// parseInterspersed parses flags wherever they are among the arguments
// ("decode DIR --format jsonl" as well as "decode --format jsonl DIR") and
// returns the other arguments in order. "-" is an argument (standard
// input); after "--" everything is.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		before := len(args)
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if before > len(rest) && len(rest) > 0 && args[before-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		i := 0
		for i < len(rest) && (rest[i] == "-" || !strings.HasPrefix(rest[i], "-")) {
			i++
		}
		pos = append(pos, rest[:i]...)
		if i == len(rest) {
			return pos, nil
		}
		args = rest[i:]
	}
}

// newFlagSet returns c's flag set and the runner bound to its flags.
func newFlagSet(c *command) (*flag.FlagSet, runFunc) {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by run, usage by commandUsage
	return fs, c.Setup(fs)
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `bouncelens tells you what your bounces mean and what to do about them.

Usage:
	bouncelens <command> [flags] [arguments]

Commands:
`)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.Name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "	%-*s  %s\n", width, c.Name, c.Short)
	}
	fmt.Fprint(w, `
Examples:
	bouncelens scan /var/log/mail.log /var/log/mail.log.1.gz ~/Maildir/.Bounces
	bouncelens report --since 2026-11-01 --format markdown
	bouncelens decode ~/Maildir/.Bounces --format jsonl
	bouncelens explain "551 5.1.6"
	bouncelens moved --format csv > moved.csv
	bouncelens recipients --state dead --format csv > suppress.csv
	bouncelens export --since-last > crm-changes.csv

The store is an embedded Badger database in $BOUNCELENS_DB, or
$XDG_DATA_HOME/bouncelens (~/.local/share/bouncelens); --db overrides both.

Run 'bouncelens help <command>' for a command's flags and examples.
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: bouncelens %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	fmt.Fprint(w, "\nFlags:\n")
	for _, n := range names {
		f := fs.Lookup(n)
		typ, usage := flag.UnquoteUsage(f)
		head := "  --" + n
		if typ != "" {
			head += " " + typ
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n    \t%s%s\n", head, usage, def)
	}
}

// usageError prints a one-line usage error for the command name and returns exitUsage.
func usageError(e *env, name string, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "bouncelens %s: %s\nrun 'bouncelens help %s'\n", name, fmt.Sprintf(format, a...), name)
	return exitUsage
}

// dbUsage documents --db, which every command that reads the store has.
const dbUsage = "store `directory` (default $BOUNCELENS_DB, else $XDG_DATA_HOME/bouncelens)"

// openStore opens the store named by --db, else by the environment
// (store.DefaultDirFrom). On failure it prints one line and returns the exit
// code to use.
func openStore(e *env, name string, dir string, readOnly bool) (*store.DB, int) {
	if dir == "" {
		d, err := store.DefaultDirFrom(e.getenv)
		if err != nil {
			fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
			return nil, exitError
		}
		dir = d
	}
	db, err := store.Open(dir, store.Options{ReadOnly: readOnly})
	if errors.Is(err, store.ErrNoStore) {
		fmt.Fprintf(e.stderr, "bouncelens %s: no store in %s yet: run 'bouncelens scan PATH...' first, or name the store with --db\n", name, dir)
		return nil, exitError
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
		if errors.Is(err, store.ErrLocked) {
			return nil, exitLocked
		}
		return nil, exitError
	}
	return db, exitOK
}
