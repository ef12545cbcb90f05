package policy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Key documents one setting of a policy file (and of Policy.Set).
type Key struct {
	Name string // "soft-limit"
	Doc  string // one line
}

// key is a Key with its accessors.
type key struct {
	Key
	get func(p *Policy) string
	set func(p *Policy, v string) error
}

// keys lists every setting, in the order Config writes them.
var keys = func() []key {
	var ks []key
	for _, g := range Groups() {
		g := g
		doc := groupInfos[g].doc
		ks = append(ks,
			key{Key{g.String() + "-limit", doc + ": how many, on distinct sends (0: never)"},
				func(p *Policy) string { return strconv.Itoa(p.rule(g).Limit) },
				func(p *Policy, v string) error {
					n, err := strconv.Atoi(v)
					if err != nil || n < 0 || n > maxLimit {
						return fmt.Errorf("want a whole number from 0 to %d", maxLimit)
					}
					p.rule(g).Limit = n
					return nil
				}},
			key{Key{g.String() + "-span", "...the first and the last at least this far apart"},
				func(p *Policy) string { return FormatDuration(p.rule(g).Span) },
				func(p *Policy, v string) (err error) { p.rule(g).Span, err = ParseDuration(v); return err }},
			key{Key{g.String() + "-window", "...all within this time of the last (0: no limit)"},
				func(p *Policy) string { return FormatDuration(p.rule(g).Window) },
				func(p *Policy, v string) (err error) { p.rule(g).Window, err = ParseDuration(v); return err }},
		)
	}
	return append(ks,
		key{Key{"auto-reply-window", "auto-reply until this long after the last one (0: for ever)"},
			func(p *Policy) string { return FormatDuration(p.AutoReplyWindow) },
			func(p *Policy, v string) (err error) { p.AutoReplyWindow, err = ParseDuration(v); return err }},
		key{Key{"incident-share", "incident: over this % of a domain's outcomes in a day fail alike (0: off)"},
			func(p *Policy) string { return strconv.FormatFloat(p.IncidentShare, 'g', -1, 64) },
			func(p *Policy, v string) error {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
					return errors.New("want a percentage from 0 to 100")
				}
				p.IncidentShare = f
				return nil
			}},
		key{Key{"incident-min", "...and at least this many of them"},
			func(p *Policy) string { return strconv.Itoa(p.IncidentMin) },
			func(p *Policy, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return errors.New("want a whole number, 0 or more")
				}
				p.IncidentMin = n
				return nil
			}},
	)
}()

// Keys returns the settings a policy file may hold, in order.
func Keys() []Key {
	out := make([]Key, len(keys))
	for i, k := range keys {
		out[i] = k.Key
	}
	return out
}

func lookupKey(name string) (key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return key{}, false
}

// Set sets the setting name (a Keys name, e.g. "soft-limit") to value, as
// written in a policy file. It does not Validate the whole policy.
func (p *Policy) Set(name, value string) error {
	k, ok := lookupKey(name)
	if !ok {
		return fmt.Errorf("unknown setting %q", name)
	}
	if err := k.set(p, strings.TrimSpace(value)); err != nil {
		return fmt.Errorf("%s = %q: %w", name, value, err)
	}
	return nil
}

// Get returns the value of setting name as a policy file writes it, and
// false if there is no such setting.
func (p *Policy) Get(name string) (string, bool) {
	k, ok := lookupKey(name)
	if !ok {
		return "", false
	}
	return k.get(p), true
}

// ParsePolicy reads a policy file over base and returns the result,
// validated. The file holds "key = value" lines (Keys); blank lines and
// text after '#' are ignored. Errors name the file (name) and the line:
// an unknown key, a key set twice, a value that does not parse.
//
//	# bouncelens policy
//	soft-limit  = 3
//	soft-span   = 0
//	soft-window = 30d
func ParsePolicy(name string, data []byte, base Policy) (Policy, error) {
	p := base
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return base, fmt.Errorf("%s:%d: want key = value, got %q", name, n, line)
		}
		k = strings.TrimSpace(k)
		if _, ok := lookupKey(k); !ok {
			return base, fmt.Errorf("%s:%d: unknown key %q", name, n, k)
		}
		if prev, dup := seen[k]; dup {
			return base, fmt.Errorf("%s:%d: %s set again (first on line %d)", name, n, k, prev)
		}
		seen[k] = n
		if err := p.Set(k, v); err != nil {
			return base, fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := p.Validate(); err != nil {
		return base, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Config returns p as a policy file: every key with its value and a
// comment. ParsePolicy reads it back to p.
func (p *Policy) Config() string {
	var b strings.Builder
	b.WriteString("# bouncelens recipient policy (taxonomy.md 5.2); durations: 30d, 36h, 90m, 0\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%-19s = %-6s # %s\n", k.Name, k.get(p), k.Doc)
	}
	return b.String()
}

// maxDays bounds durations (about 274 years), far from time.Duration's limit.
const maxDays = 100000

// ParseDuration reads a policy duration: a whole number of days ("30d") or
// weeks ("2w"), "0", or a Go duration ("36h", "90m", "1h30m"). Negative
// durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		v, err := strconv.ParseUint(s[:n-1], 10, 32)
		if err == nil {
			if s[n-1] == 'w' {
				v *= 7
			}
			if v <= maxDays {
				return time.Duration(v) * day, nil
			}
		}
		return 0, fmt.Errorf("bad duration %q (want e.g. 30d, 2w, 36h, 0)", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > maxDays*day {
		return 0, fmt.Errorf("bad duration %q (want e.g. 30d, 2w, 36h, 0)", s)
	}
	return d, nil
}

// FormatDuration writes d as ParseDuration reads it, in whole days when it
// is a whole number of days ("30d"), else as a Go duration without zero
// units ("36h", "90m").
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}
