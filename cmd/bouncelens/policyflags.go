package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"bouncelens/classify/policy"
)

// policyFlags are the recipient policy flags of recipients, recipient and
// export: --policy FILE, then the few settings most often changed, which
// win over the file.
type policyFlags struct {
	file string
	sets [][2]string // key, value; in command-line order
}

// policyFlagKeys are the settings that have a flag of their own.
var policyFlagKeys = []struct{ key, usage string }{
	{"soft-limit", "`N` expiries with a transient cause, on distinct sends, make an address dead (0: never)"},
	{"soft-span", "...the first and the last at least this far apart: a `duration` (30d, 36h, 0)"},
	{"soft-window", "...all within this `duration` of the last (0: no limit)"},
	{"hard-limit", "`N` hard bounces the classifier is sure of make an address dead"},
}

func addPolicyFlags(fs *flag.FlagSet) *policyFlags {
	pf := &policyFlags{}
	fs.StringVar(&pf.file, "policy", "", "policy `file` of key = value lines over the defaults (see 'bouncelens help recipients')")
	def := policy.Default()
	for _, f := range policyFlagKeys {
		key := f.key
		v, _ := def.Get(key)
		fs.Func(key, fmt.Sprintf("%s (default %s)", f.usage, v), func(s string) error {
			scratch := policy.Default()
			if err := scratch.Set(key, s); err != nil {
				return err
			}
			pf.sets = append(pf.sets, [2]string{key, s})
			return nil
		})
	}
	return pf
}

// policy returns the defaults, then the --policy file, then the flags.
// A file that cannot be read is a policyFileError.
func (pf *policyFlags) policy() (policy.Policy, error) {
	p := policy.Default()
	if pf.file != "" {
		data, err := os.ReadFile(pf.file)
		if err != nil {
			return p, &policyFileError{err}
		}
		if p, err = policy.ParsePolicy(pf.file, data, p); err != nil {
			return p, err
		}
	}
	for _, kv := range pf.sets {
		if err := p.Set(kv[0], kv[1]); err != nil {
			return p, err
		}
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("policy flags: %w", err)
	}
	return p, nil
}

// policyFileError is a --policy file that could not be read: a runtime
// error (exit 1), where a file that says something wrong is a usage error.
type policyFileError struct{ err error }

func (e *policyFileError) Error() string { return "--policy: " + e.err.Error() }
func (e *policyFileError) Unwrap() error { return e.err }

// policyExit prints err for command name and returns its exit code.
func policyExit(e *env, name string, err error) int {
	var fe *policyFileError
	if errors.As(err, &fe) {
		fmt.Fprintf(e.stderr, "bouncelens %s: %v\n", name, err)
		return exitError
	}
	return usageError(e, name, "%v", err)
}

// policyHelp documents the policy for the recipients command's help: the
// states, the file's keys and their defaults.
func policyHelp() string {
	var b strings.Builder
	b.WriteString(`The policy (the bouncelens taxonomy, section 5.2; a recipient's state
depends on its history alone, never on today's date):

	dead           a hard bounce the classifier is sure of (5.1.1, a known
	               text...); 2 low-confidence ones a day apart; or soft
	               bounces past their group's rule (below)
	soft-bouncing  recipient-side failures below the rules: retry, or
	               investigate (low-confidence hard, filtered, onhold)
	moved          a 551 or 251 named a new address: update-address
	complained     a feedback-loop complaint: suppress, for good
	auto-reply     an auto-reply lately, nothing else: never a failure
	active         delivered, or nothing held against the address

Only recipient-side reasons count. Sender-side and content failures
(blocked, authfailure, spamdetected, ...) and transient ones (networkerror,
greylisted, ...) are the sending setup's: 'bouncelens report' shows them.
Only a send's final outcome counts (deferrals never do), a send counts once,
and a delivery resets the counters. Failures that hit many recipients of
one domain on one day (incident-share, incident-min) do not count.

A --policy file holds "key = value" lines ('#' starts a comment). The policy
flags --soft-limit, --soft-span, --soft-window and --hard-limit set the keys
of the same names, over the file. The keys, with their defaults:

`)
	def := policy.Default()
	for _, k := range policy.Keys() {
		v, _ := def.Get(k.Name)
		fmt.Fprintf(&b, "\t%-19s %-4s %s\n", k.Name, v, k.Doc)
	}
	return b.String()
}
