package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"bouncelens/classify/catalog"
	"bouncelens/report"
)

var compareCmd = &command{
	Name:      "compare",
	UsageLine: "compare [--format FORMAT] CODE CODE...",
	Short:     "show how two or more SMTP codes differ, side by side",
	Long: `Compare puts the catalog entries of two or more codes side by side: title,
class, hard or soft, meaning, when you see each, the fix and the action.

Examples:
	bouncelens compare 251 551
	bouncelens compare 5.1.1 5.1.6 5.1.10
	bouncelens compare --format markdown 4.2.2 5.2.2
`,
	Setup: setupCompare,
}

func setupCompare(fs *flag.FlagSet) runFunc {
	format := fs.String("format", "table", "output `format`: table, csv, json or markdown")
	return func(ctx context.Context, e *env, args []string) int { return runCompare(e, *format, args) }
}

func runCompare(e *env, formatName string, args []string) int {
	if len(args) < 2 {
		return usageError(e, "compare", "want at least two codes")
	}
	format, err := report.ByName(formatName)
	if err != nil {
		return usageError(e, "compare", "%v", err)
	}
	var entries []catalog.Entry
	for _, a := range args {
		en, ok := catalog.Lookup(strings.TrimSpace(a))
		if !ok {
			fmt.Fprintf(e.stderr, "bouncelens compare: %s is not in the catalog\n", a)
			return exitError
		}
		entries = append(entries, en)
	}
	t := report.Table{ID: "compare", Title: "Comparison", Columns: []report.Column{{Name: "FIELD"}}}
	for _, en := range entries {
		t.Columns = append(t.Columns, report.Column{Name: en.Code, Key: en.Code})
	}
	for i, f := range entryFields(catalog.Entry{}) {
		row := []string{f[0]}
		for _, en := range entries {
			row = append(row, entryFields(en)[i][1])
		}
		t.Rows = append(t.Rows, row)
	}
	if err := format.Write(e.stdout, []report.Table{t}); err != nil {
		fmt.Fprintf(e.stderr, "bouncelens compare: writing: %v\n", err)
		return exitError
	}
	return exitOK
}
