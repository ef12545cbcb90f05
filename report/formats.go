package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// terminalFormat draws each table with tablewriter, title above, note below.
type terminalFormat struct{}

func (terminalFormat) Write(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	for i, t := range tables {
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "%s\n", t.Title)
		if len(t.Rows) == 0 {
			bw.WriteString("  (no rows)\n")
		} else {
			aligns := make([]tw.Align, len(t.Columns))
			headers := make([]any, len(t.Columns))
			for j, c := range t.Columns {
				aligns[j] = tw.AlignLeft
				if c.Numeric {
					aligns[j] = tw.AlignRight
				}
				headers[j] = c.Name
			}
			tbl := tablewriter.NewTable(bw,
				tablewriter.WithHeaderAutoFormat(tw.Off),
				tablewriter.WithRowAutoWrap(tw.WrapNormal),
				tablewriter.WithRowMaxWidth(48),
				tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
			)
			tbl.Header(headers...)
			for _, r := range t.Rows {
				if err := tbl.Append(r); err != nil {
					return fmt.Errorf("table %s: %w", t.ID, err)
				}
			}
			if err := tbl.Render(); err != nil {
				return fmt.Errorf("table %s: %w", t.ID, err)
			}
		}
		if t.Note != "" {
			fmt.Fprintf(bw, "%s\n", t.Note)
		}
	}
	return bw.Flush()
}

// csvFormat writes RFC 4180 CSV. One table is plain CSV with a header row;
// several tables are separated by an empty line, each with its header row
// (select one section for a file a spreadsheet opens directly).
type csvFormat struct{}

func (csvFormat) Write(w io.Writer, tables []Table) error {
	cw := csv.NewWriter(w)
	for i, t := range tables {
		if i > 0 {
			cw.Flush()
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		header := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			header[j] = c.key()
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonFormat writes one object whose keys are the table IDs, in table order,
// each holding an array of row objects; numeric columns are JSON numbers.
// Example: {"summary":[{"status":"sent","events":12,"share_pct":80.0}]}
type jsonFormat struct{}

func (jsonFormat) Write(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("{")
	for i, t := range tables {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  ")
		writeJSONString(bw, t.ID)
		bw.WriteString(": [")
		for j, r := range t.Rows {
			if j > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			writeJSONRow(bw, t.Columns, r)
		}
		if len(t.Rows) > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// writeJSONRow writes one row as a JSON object keyed by the columns' keys:
// numeric cells are JSON numbers (null when empty), the others strings.
func writeJSONRow(bw *bufio.Writer, cols []Column, r []string) {
	bw.WriteString("{")
	for k, c := range cols {
		if k > 0 {
			bw.WriteString(", ")
		}
		writeJSONString(bw, c.key())
		bw.WriteString(": ")
		cell := ""
		if k < len(r) {
			cell = r[k]
		}
		switch {
		case c.Numeric && isNumber(cell):
			bw.WriteString(cell)
		case c.Numeric && cell == "":
			bw.WriteString("null")
		default:
			writeJSONString(bw, cell)
		}
	}
	bw.WriteString("}")
}

// writeJSONString writes s as a JSON string without HTML escaping, so that
// "<new@example.org>" stays readable in jq output.
func writeJSONString(w *bufio.Writer, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXnN") // no hex, Inf or NaN
}

// markdownFormat writes GitHub-flavoured Markdown: a heading and a pipe
// table per section, suitable for cron mail and issue trackers.
type markdownFormat struct{}

func (markdownFormat) Write(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	for i, t := range tables {
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "## %s\n\n", t.Title)
		if len(t.Rows) == 0 {
			bw.WriteString("_No rows._\n")
		} else {
			bw.WriteString("|")
			for _, c := range t.Columns {
				fmt.Fprintf(bw, " %s |", mdEscape(c.Name))
			}
			bw.WriteString("\n|")
			for _, c := range t.Columns {
				if c.Numeric {
					bw.WriteString(" ---: |")
				} else {
					bw.WriteString(" --- |")
				}
			}
			bw.WriteString("\n")
			for _, r := range t.Rows {
				bw.WriteString("|")
				for _, cell := range r {
					fmt.Fprintf(bw, " %s |", mdEscape(cell))
				}
				bw.WriteString("\n")
			}
		}
		if t.Note != "" {
			fmt.Fprintf(bw, "\n%s\n", mdEscape(t.Note))
		}
	}
	return bw.Flush()
}

var mdReplacer = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return mdReplacer.Replace(s) }
