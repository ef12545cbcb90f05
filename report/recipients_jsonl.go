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
		writeJSONRow(bw, t.Columns, r)
		bw.WriteString("\n")
	}
	return bw.Flush()
}
