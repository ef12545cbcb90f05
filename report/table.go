package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Column describes one column of a Table.
type Column struct {
	Name    string // header as shown in terminal tables, CSV and Markdown
	Key     string // JSON object key; derived from Name when empty
	Numeric bool   // cells are integers or decimals: right-aligned, JSON numbers
}

// Table is one report section: plain data that every Format can write.
type Table struct {
	ID      string // stable machine name, the JSON key: "summary", "by_reason"
	Title   string // human title
	Columns []Column
	Rows    [][]string
	Note    string // one line shown under the table (terminal, Markdown) when set
}

// A Format writes tables in one output format.
type Format interface {
	Write(w io.Writer, tables []Table) error
}

var formats = map[string]Format{
	"table":    terminalFormat{},
	"csv":      csvFormat{},
	"json":     jsonFormat{},
	"markdown": markdownFormat{},
	"html":     htmlFormat{},
}

// Formats lists the names ByName accepts.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ByName returns the Format called name ("table", "csv", "json",
// "markdown", "html"; "md" is accepted for Markdown).
func ByName(name string) (Format, error) {
	if name == "md" {
		name = "markdown"
	}
	if f, ok := formats[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Formats(), ", "))
}

// key returns the JSON key of column c.
func (c Column) key() string {
	if c.Key != "" {
		return c.Key
	}
	var b strings.Builder
	for _, r := range strings.ToLower(c.Name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '%':
			b.WriteString("pct")
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "_") {
				b.WriteByte('_')
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Select returns the tables whose ID is in ids, in the order of ids; an
// unknown id is an error that lists the known ones.
func Select(tables []Table, ids []string) ([]Table, error) {
	if len(ids) == 0 {
		return tables, nil
	}
	byID := make(map[string]Table, len(tables))
	known := make([]string, 0, len(tables))
	for _, t := range tables {
		byID[t.ID] = t
		known = append(known, t.ID)
	}
	out := make([]Table, 0, len(ids))
	for _, id := range ids {
		t, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("unknown section %q (want one of %s)", id, strings.Join(known, ", "))
		}
		out = append(out, t)
	}
	return out, nil
}
