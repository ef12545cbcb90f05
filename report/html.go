package report

import (
	"bufio"
	"html"
	"io"
)

// htmlFormat writes one self-contained HTML document: a <style> element
// in its head, no scripts, no external resources. Every section is a
// heading, a table and its note; every cell is escaped. It suits the body
// of a cron mail sent as text/html. The tables also carry border and
// cellpadding attributes, so that a mail client that drops <style> still
// draws a grid.
type htmlFormat struct{}

const htmlHead = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>bouncelens report</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px; color: #1f2328; margin: 16px; }
h2 { font-size: 16px; margin: 24px 0 6px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; white-space: nowrap; }
.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
p.note { color: #59636e; font-size: 12px; margin: 4px 0 0 0; }
</style>
</head>
<body>
`

func (htmlFormat) Write(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(htmlHead)
	for _, t := range tables {
		bw.WriteString(`<h2 id="` + html.EscapeString(t.ID) + `">` + html.EscapeString(t.Title) + "</h2>\n")
		if len(t.Rows) == 0 {
			bw.WriteString("<p class=\"note\">No rows.</p>\n")
		} else {
			bw.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<thead><tr>")
			for _, c := range t.Columns {
				bw.WriteString(cellTag("th", c.Numeric) + html.EscapeString(c.Name) + "</th>")
			}
			bw.WriteString("</tr></thead>\n<tbody>\n")
			for _, r := range t.Rows {
				bw.WriteString("<tr>")
				for k, c := range t.Columns {
					cell := ""
					if k < len(r) {
						cell = r[k]
					}
					bw.WriteString(cellTag("td", c.Numeric) + html.EscapeString(cell) + "</td>")
				}
				bw.WriteString("</tr>\n")
			}
			bw.WriteString("</tbody>\n</table>\n")
		}
		if t.Note != "" {
			bw.WriteString(`<p class="note">` + html.EscapeString(t.Note) + "</p>\n")
		}
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}

// cellTag opens a th or td, right-aligned for numbers.
func cellTag(tag string, numeric bool) string {
	if numeric {
		return "<" + tag + ` class="n" align="right">`
	}
	return "<" + tag + ">"
}
