// Package report turns what the store holds into tables and writes them in
// one of several formats: a terminal table (tablewriter), CSV for
// spreadsheets, JSON for jq and scripts, and Markdown for cron mail.
//
// Tables are plain data (Table): the builders in sections.go compute them
// from store rows, and a Format writes any list of them. Rows are sorted by
// count, then key, so the output of the same store is byte-for-byte stable.
package report
