package catalog

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/gencatalog -doc ../shared/reference/smtp-codes.md -o codes.tsv

//go:embed codes.tsv
var codesTSV string

// Kind tells basic reply codes from enhanced status codes.
type Kind string

// The kinds, as written in codes.tsv.
const (
	Basic    Kind = "basic"    // three-digit SMTP reply code, e.g. "551"
	Enhanced Kind = "enhanced" // class.subject.detail, e.g. "X.1.6" or "5.7.515"
)

// Entry describes one code. Fields hold the reference text as written; the
// per-class fields of enhanced codes (Severity, Action) read like
// "4=soft; 5=hard": use SeverityFor and ActionFor to pick one class.
type Entry struct {
	Code       string // "551", "X.1.6" (any class) or a class-specific vendor code "5.7.515"
	Kind       Kind   // Basic or Enhanced
	Title      string // short name (for enhanced codes, the registry's summary)
	Class      string // reply class in words, or which classes an enhanced code is used with
	Severity   string // "hard", "soft" or "none"; per class for enhanced codes
	Source     string // defining RFC and section, registry or vendor
	BasicCodes string // enhanced codes only: the registry's associated basic codes
	Meaning    string // one or two sentences
	When       string // where in the SMTP dialogue it appears, typical texts
	Fix        string // what the sender or operator should do
	Action     string // default action; per class for enhanced codes
	Related    string // codes worth comparing
}

// SeverityFor returns the severity for one class digit ('2', '4' or '5').
// For a basic code, or a value that is not split by class, it returns
// Severity unchanged; "" if the class is not listed.
func (e Entry) SeverityFor(class byte) string { return perClass(e.Severity, class) }

// ActionFor returns the default action for one class digit, as SeverityFor.
func (e Entry) ActionFor(class byte) string { return perClass(e.Action, class) }

// perClass picks "C=value" out of a "4=soft; 5=hard" list.
func perClass(v string, class byte) string {
	if !strings.Contains(v, "=") {
		return v
	}
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && len(k) == 1 && k[0] == class {
			return strings.TrimSpace(val)
		}
	}
	return ""
}

type table struct {
	all   []Entry
	index map[string]int // code as written -> position in all
}

var load = sync.OnceValue(func() table {
	t := table{index: map[string]int{}}
	lines := strings.Split(strings.TrimSuffix(codesTSV, "\n"), "\n")
	for _, line := range lines[1:] { // skip the header
		f := strings.Split(line, "\t")
		if len(f) != 12 {
			panic("catalog: malformed codes.tsv line: " + line)
		}
		t.index[f[0]] = len(t.all)
		t.all = append(t.all, Entry{
			Code: f[0], Kind: Kind(f[1]), Title: f[2], Class: f[3], Severity: f[4],
			Source: f[5], BasicCodes: f[6], Meaning: f[7], When: f[8], Fix: f[9],
			Action: f[10], Related: f[11],
		})
	}
	return t
})

// All returns every entry in the order of the reference document: basic
// codes first, then enhanced codes. The slice is a copy.
func All() []Entry {
	return append([]Entry(nil), load().all...)
}

// Lookup returns the entry for a basic code ("551") or an enhanced code
// ("5.1.6", "X.1.6", "x.1.6"; leading zeros and surrounding space are
// ignored). A concrete code ("4.1.6", "5.1.6") falls back to the
// class-independent entry ("X.1.6"); an "X" code falls back to the first
// class-specific entry with the same subject and detail ("X.7.515" finds
// "5.7.515"). The boolean is false when no entry matches.
func Lookup(code string) (Entry, bool) {
	t := load()
	key, ok := normalize(code)
	if !ok {
		return Entry{}, false
	}
	if i, ok := t.index[key]; ok {
		return t.all[i], true
	}
	if len(key) == 3 {
		return Entry{}, false
	}
	sd := key[1:] // ".s.d"
	if key[0] != 'X' {
		if i, ok := t.index["X"+sd]; ok {
			return t.all[i], true
		}
		return Entry{}, false
	}
	for _, class := range []string{"5", "4", "2"} {
		if i, ok := t.index[class+sd]; ok {
			return t.all[i], true
		}
	}
	return Entry{}, false
}

// normalize returns code in catalog form: "551", "X.1.6", "5.7.515".
func normalize(code string) (string, bool) {
	code = strings.TrimSpace(code)
	if len(code) == 3 && allDigits(code) {
		if code[0] < '1' || code[0] > '5' {
			return "", false
		}
		return code, true
	}
	parts := strings.Split(code, ".")
	if len(parts) != 3 {
		return "", false
	}
	var b strings.Builder
	switch parts[0] {
	case "2", "4", "5":
		b.WriteString(parts[0])
	case "X", "x":
		b.WriteByte('X')
	default:
		return "", false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || !allDigits(p) {
			return "", false
		}
		n, _ := strconv.Atoi(p)
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
