package report

import (
	"bufio"
	"io"
)

// JSONLines writes t's rows as JSON Lines, one object a line with the keys
// and number rules of the json format, for pipes and CRM imports that
// stream: {"email": "a@example.com", "state": "dead", "hard": 1, ...}.
// Nothing is written for a table without rows.
func JSONLines(w io.Writer, t Table) error {
	bw := bufio.NewWriter(w)
	for _, r := range t.Rows {
		bw.WriteString("{")
		for k, c := range t.Columns {
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
		bw.WriteString("}\n")
	}
	return bw.Flush()
}
