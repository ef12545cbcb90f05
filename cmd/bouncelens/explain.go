package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"bouncelens/classify"
	"bouncelens/classify/catalog"
	"bouncelens/parser"
	"bouncelens/parser/smtpcode"
	"bouncelens/report"
)

var explainCmd = &command{
	Name:      "explain",
	UsageLine: "explain [--format FORMAT] CODE...",
	Short:     "say what an SMTP code means, when you see it and how to fix it",
	Long: `Explain looks up SMTP reply codes (551) and enhanced status codes (5.1.6,
X.1.6) in the built-in catalog and prints their title, meaning, when servers
send them, how to fix the cause and what to do about the recipient.

An argument may be a whole server reply in quotes; then explain also
classifies it: the reason, hard or soft, whose side the problem is on, the
action, and the forward address a 251/551 reply names.

Examples:
	bouncelens explain 551
	bouncelens explain 5.7.26 4.7.0
	bouncelens explain "551 5.1.6 User not local; please try <new@example.org>"
	bouncelens explain --format json 550 5.1.1 | jq -r '.codes[].fix'
`,
	Setup: setupExplain,
}

func setupExplain(fs *flag.FlagSet) runFunc {
	format := fs.String("format", "table", "output `format`: table (text), csv, json or markdown")
	return func(ctx context.Context, e *env, args []string) int { return runExplain(e, *format, args) }
}

// explained is one argument of explain: the catalog entries of its codes and,
// when it is more than a bare code, its classification.
type explained struct {
	arg     string
	entries []catalog.Entry
	missing []string // codes not in the catalog
	result  *classify.Result
	text    string
}

func explainArg(arg string) explained {
	x := explained{arg: arg}
	code, enhanced, rest := smtpcode.Parse(arg)
	if code != 0 {
		c := strconv.Itoa(code)
		if e, ok := catalog.Lookup(c); ok {
			x.entries = append(x.entries, e)
		} else {
			x.missing = append(x.missing, c)
		}
	}
	if enhanced != "" {
		if e, ok := catalog.Lookup(enhanced); ok {
			x.entries = append(x.entries, forClass(e, enhanced))
		} else {
			x.missing = append(x.missing, enhanced)
		}
	}
	if strings.TrimSpace(rest) != "" || (code != 0 && enhanced != "") {
		x.text = strings.TrimSpace(rest)
		r := classify.Classify(classify.Input{
			Code: code, Enhanced: enhanced, Text: arg,
			Forward: parser.ForwardAddress(code, enhanced, arg, ""),
		})
		x.result = &r
	}
	return x
}

func runExplain(e *env, formatName string, args []string) int {
	if len(args) == 0 {
		return usageError(e, "explain", "no CODE given")
	}
	var all []explained
	for _, a := range args {
		x := explainArg(a)
		if len(x.entries) == 0 && len(x.missing) == 0 {
			return usageError(e, "explain", "%q holds no SMTP code (want e.g. 551, 5.1.6 or \"551 5.1.6 text\")", a)
		}
		all = append(all, x)
	}
	exit := exitOK
	for _, x := range all {
		for _, m := range x.missing {
			fmt.Fprintf(e.stderr, "bouncelens explain: %s is not in the catalog\n", m)
			exit = exitError
		}
	}
	if formatName == "table" || formatName == "text" {
		for i, x := range all {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writeExplainText(e.stdout, x)
		}
		return exit
	}
	format, err := report.ByName(formatName)
	if err != nil {
		return usageError(e, "explain", "%v", err)
	}
	if err := format.Write(e.stdout, explainTables(all)); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens explain: writing: %v\n", err)
		return exitError
	}
	return exit
}

// forClass narrows an enhanced-code entry written for every class (X.1.6,
// severity "4=soft; 5=hard") to the class of the code asked about (5.1.6),
// so the answer names one severity and one action.
func forClass(e catalog.Entry, code string) catalog.Entry {
	if e.Kind != catalog.Enhanced || code == "" || code[0] < '2' || code[0] > '5' {
		return e
	}
	if sev := e.SeverityFor(code[0]); sev != "" {
		e.Severity = sev
	}
	if act := e.ActionFor(code[0]); act != "" {
		e.Action = act
	}
	if e.Code != code {
		e.Code = code + " (" + e.Code + ")"
	}
	return e
}

// entryFields are the catalog fields explain shows, in order.
func entryFields(en catalog.Entry) [][2]string {
	return [][2]string{
		{"title", en.Title}, {"class", en.Class}, {"severity", en.Severity},
		{"meaning", en.Meaning}, {"when", en.When}, {"fix", en.Fix},
		{"action", en.Action}, {"related", en.Related}, {"source", en.Source},
	}
}

func writeExplainText(w io.Writer, x explained) {
	for i, en := range x.entries {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", en.Code, en.Title)
		for _, f := range entryFields(en)[1:] {
			if f[1] != "" {
				fmt.Fprintf(w, "  %-9s %s\n", f[0], f[1])
			}
		}
	}
	if x.result != nil {
		r := x.result
		info := classify.Describe(r.Reason)
		fmt.Fprintf(w, "\nReading of %q:\n", x.arg)
		fmt.Fprintf(w, "  %-9s %s (%s for the recipient; %s side)\n", "reason", r.Reason, r.Class, r.Side)
		fmt.Fprintf(w, "  %-9s %s\n", "meaning", info.Meaning)
		fmt.Fprintf(w, "  %-9s %s\n", "action", r.Action)
		if r.Forward != "" {
			fmt.Fprintf(w, "  %-9s %s\n", "forward", r.Forward)
		}
	}
}

func explainTables(all []explained) []report.Table {
	codes := report.Table{ID: "codes", Title: "Codes", Columns: []report.Column{{Name: "CODE"}}}
	for _, f := range entryFields(catalog.Entry{}) {
		codes.Columns = append(codes.Columns, report.Column{Name: strings.ToUpper(f[0])})
	}
	readings := report.Table{ID: "readings", Title: "Readings", Columns: []report.Column{
		{Name: "INPUT"}, {Name: "REASON"}, {Name: "CLASS"}, {Name: "SIDE"}, {Name: "ACTION"},
		{Name: "FORWARD"}, {Name: "MEANING"},
	}}
	for _, x := range all {
		for _, en := range x.entries {
			row := []string{en.Code}
			for _, f := range entryFields(en) {
				row = append(row, f[1])
			}
			codes.Rows = append(codes.Rows, row)
		}
		if r := x.result; r != nil {
			readings.Rows = append(readings.Rows, []string{
				x.arg, r.Reason.String(), r.Class.String(), r.Side.String(), r.Action.String(),
				r.Forward, classify.Describe(r.Reason).Meaning,
			})
		}
	}
	if len(readings.Rows) == 0 {
		return []report.Table{codes}
	}
	return []report.Table{codes, readings}
}
