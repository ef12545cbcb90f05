package main

import (
	"bouncelens/cmd/internal/benchutil"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Tools of the rows of the table.
const (
	toolCeiling   = "ceiling: Go line scan"
	toolCeilingGz = "ceiling: gunzip + line scan"
	toolScan      = "bouncelens scan"
	toolRescan    = "bouncelens rescan"
	toolPflogsumm = "pflogsumm"

	// Rows that no bar reads: what bounds the scan, for the reader.
	// toolText is the line scan with a string made of each line (a
	// bufio.Scanner's Text, not Bytes), which is what most Go programs
	// that read lines do: the bars keep the stricter ceiling. toolDryRun
	// is bouncelens scan --dry-run: read, parse and classify, store
	// nothing.
	toolText   = "Go line scan, a string per line"
	toolTextGz = "gunzip + line scan, a string per line"
	toolDryRun = "bouncelens scan --dry-run"
)

// row is the runs of one tool over one input.
type row struct {
	input  string // file name, or a description of the concatenation
	size   string // size name (tiny, small, medium, large)
	order  int    // order of the size: larger inputs have larger orders
	format string // classic or iso
	gz     bool
	concat int // number of copies piped through stdin, 0 for a file
	grown  int // logs scanned into the store before this one (--grow), 0 for a fresh store
	tool   string

	bytes, lines int64     // uncompressed bytes and lines of one run
	walls        []float64 // seconds, one per run
	rss          []float64 // peak RSS in bytes, one per run; nil: not measured
	events       []int     // events of the summary line, one per run; nil: none
	ceiling      float64   // MB/s of the ceiling of the same input, 0: none
}

func (r *row) wall() float64 { return benchutil.Median(r.walls) }

// mbps is the MB/s (10^6 bytes) of the median run.
func (r *row) mbps() float64 { return perSec(float64(r.bytes)/1e6, r.wall()) }

func (r *row) isBouncelens() bool { return r.tool == toolScan || r.tool == toolRescan }

// single reports whether the row is one file into a fresh store, which is
// what the bars other than the concatenation's are taken on.
func (r *row) single() bool { return r.concat == 0 && r.grown == 0 }

// rssMiB is the median peak RSS in MiB, 0 when not measured.
func (r *row) rssMiB() float64 { return benchutil.Median(r.rss) / (1 << 20) }

// mbpsRange returns the slowest and fastest MB/s of the runs.
func (r *row) mbpsRange() (lo, hi float64) {
	if len(r.walls) == 0 {
		return 0, 0
	}
	return perSec(float64(r.bytes)/1e6, slices.Max(r.walls)), perSec(float64(r.bytes)/1e6, slices.Min(r.walls))
}

// medianInt is median for counts.
func medianInt(xs []int) float64 {
	f := make([]float64, len(xs))
	for i, x := range xs {
		f[i] = float64(x)
	}
	return benchutil.Median(f)
}

// perSec is n per second over secs, 0 when secs is not positive.
func perSec(n, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return n / secs
}

// summary is what the summary line of bouncelens scan says.
type summary struct {
	inputs, events int
	newEvents      int // -1 when the line does not say
	dups           int // -1 when the line does not say
}

// summaryRE matches the summary line "bouncelens scan: 1 input, 1,234
// events, 56 messages received, 7 warnings (1,000 new, 234 already
// stored)..."; the parts in parentheses and the received part are
// optional and numbers may be grouped with commas, so that small changes of
// the wording do not break the benchmark.
var summaryRE = regexp.MustCompile(`(?m)^bouncelens scan: ([\d,]+) inputs?(?: \([^)]*\))?, ([\d,]+) events?(?:, [\d,]+ messages? received, [\d,]+ warnings?)?(?: \(([\d,]+) new, ([\d,]+) already stored\))?`)

// parseSummary finds the last summary line in the standard error of a
// bouncelens scan.
func parseSummary(stderr string) (summary, error) {
	ms := summaryRE.FindAllStringSubmatch(stderr, -1)
	if len(ms) == 0 {
		return summary{}, errors.New("no summary line (\"bouncelens scan: N inputs, N events ...\") on stderr")
	}
	m := ms[len(ms)-1]
	num := func(s string) (int, error) {
		if s == "" {
			return -1, nil
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			return 0, fmt.Errorf("summary line %q: %w", m[0], err)
		}
		return n, nil
	}
	var s summary
	var err error
	for _, f := range []struct {
		dst *int
		src string
	}{{&s.inputs, m[1]}, {&s.events, m[2]}, {&s.newEvents, m[3]}, {&s.dups, m[4]}} {
		if *f.dst, err = num(f.src); err != nil {
			return summary{}, err
		}
	}
	return s, nil
}

// formatTable writes the rows as one markdown table; verbose adds the
// slowest and fastest MB/s and the number of runs.
func formatTable(rows []row, verbose bool) string {
	head := []string{"input", "tool", "MB/s", "lines/s", "events/s", "peak RSS MiB", "vs ceiling"}
	align := []string{"---", "---", "---:", "---:", "---:", "---:", "---:"}
	if verbose {
		head = append(head, "MB/s min", "MB/s max", "median s", "runs")
		align = append(align, "---:", "---:", "---:", "---:")
	}
	var b strings.Builder
	line := func(cells []string) { fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | ")) }
	line(head)
	line(align)
	for i := range rows {
		r := &rows[i]
		wall := r.wall()
		cells := []string{r.input, r.tool, fmtF(r.mbps(), 1), group(perSec(float64(r.lines), wall)), "-", "-", "-"}
		if r.events != nil {
			cells[4] = group(perSec(medianInt(r.events), wall))
		}
		if r.rss != nil && benchutil.Median(r.rss) > 0 {
			cells[5] = fmtF(r.rssMiB(), 1)
		}
		if r.ceiling > 0 {
			cells[6] = pct(r.mbps() / r.ceiling)
		}
		if verbose {
			lo, hi := r.mbpsRange()
			cells = append(cells, fmtF(lo, 1), fmtF(hi, 1), fmtF(wall, 3), strconv.Itoa(len(r.walls)))
		}
		line(cells)
	}
	return b.String()
}

// fmtF formats x with prec decimals, "-" when it is not a finite number.
func fmtF(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// pct formats a ratio as a whole percentage.
func pct(x float64) string { return fmtF(x*100, 0) + "%" }

// group formats x rounded to a whole number with commas between the
// thousands: 1234567.8 -> "1,234,568".
func group(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Results of a bar.
const (
	pass         = "PASS"
	fail         = "FAIL"
	notMeasured  = "n/a"
	rssLimit     = 256 // MiB, any input
	concatLimit  = 300 // MiB, the concatenation
	concatFlat   = 1.2 // the concatenation's RSS over one file's, at most: flat
	ceilingBar   = 0.35
	ceilingAim   = 0.50
	gzipBar      = 0.80
	pflogsummBar = 20.0
	isoBar       = 0.90
	rescanBar    = 2.0
)

// bar is one bar of the issue with what was measured.
type bar struct {
	name, measured, result string
}

func verdict(ok bool) string {
	if ok {
		return pass
	}
	return fail
}

// largest returns the row of the largest input that satisfies keep, nil
// for none; between rows of the same size, the first.
func largest(rows []row, keep func(*row) bool) *row {
	var best *row
	for i := range rows {
		r := &rows[i]
		if keep(r) && (best == nil || r.order > best.order) {
			best = r
		}
	}
	return best
}

// find returns the first row that satisfies keep, nil for none.
func find(rows []row, keep func(*row) bool) *row {
	for i := range rows {
		if keep(&rows[i]) {
			return &rows[i]
		}
	}
	return nil
}

func isTool(tool, format string, gz bool) func(*row) bool {
	return func(r *row) bool {
		return r.tool == tool && r.single() && r.gz == gz && (format == "" || r.format == format)
	}
}

// evalBars judges the bars of issue 5 on the rows. Each bar is taken on the
// largest input measured for it, named in the measured value, so that a
// quick run on small files still says something. pflogsummNote says why
// pflogsumm was not measured, when it was not.
func evalBars(rows []row, pflogsummNote string) []bar {
	var bars []bar

	b := bar{name: fmt.Sprintf("scan 1 GB classic >= %s of the ceiling (aim %s)", pct(ceilingBar), pct(ceilingAim)), result: notMeasured, measured: "not measured"}
	if r := largest(rows, isTool(toolScan, "classic", false)); r != nil && r.ceiling > 0 {
		x := r.mbps() / r.ceiling
		b.measured = fmt.Sprintf("%s (%s: %s of %s MB/s)", pct(x), r.input, fmtF(r.mbps(), 1), fmtF(r.ceiling, 1))
		b.result = verdict(x >= ceilingBar)
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf("gzip >= %s of gunzip + line scan", pct(gzipBar)), result: notMeasured, measured: "not measured (no .gz input)"}
	if r := largest(rows, isTool(toolScan, "", true)); r != nil && r.ceiling > 0 {
		x := r.mbps() / r.ceiling
		b.measured = fmt.Sprintf("%s (%s: %s of %s MB/s)", pct(x), r.input, fmtF(r.mbps(), 1), fmtF(r.ceiling, 1))
		b.result = verdict(x >= gzipBar)
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf(">= %gx pflogsumm on 200 MB", pflogsummBar), result: notMeasured, measured: pflogsummNote}
	if b.measured == "" {
		b.measured = "not measured"
	}
	if p := find(rows, func(r *row) bool { return r.tool == toolPflogsumm }); p != nil {
		if s := find(rows, func(r *row) bool { return r.tool == toolScan && r.single() && r.input == p.input }); s != nil && p.mbps() > 0 {
			x := s.mbps() / p.mbps()
			b.measured = fmt.Sprintf("%sx (%s: %s vs %s MB/s; pflogsumm %s MiB)", fmtF(x, 1), p.input, fmtF(s.mbps(), 1), fmtF(p.mbps(), 1), fmtF(p.rssMiB(), 1))
			b.result = verdict(x >= pflogsummBar)
		}
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf("ISO within %s of classic (MB/s)", pct(1-isoBar)), result: notMeasured, measured: "not measured"}
	if iso := largest(rows, func(r *row) bool {
		return isTool(toolScan, "iso", false)(r) && find(rows, func(c *row) bool { return isTool(toolScan, "classic", false)(c) && c.size == r.size }) != nil
	}); iso != nil {
		c := find(rows, func(c *row) bool { return isTool(toolScan, "classic", false)(c) && c.size == iso.size })
		if c.mbps() > 0 {
			x := iso.mbps() / c.mbps()
			b.measured = fmt.Sprintf("%s of classic (%s: %s vs %s MB/s)", pct(x), iso.size, fmtF(iso.mbps(), 1), fmtF(c.mbps(), 1))
			b.result = verdict(x >= isoBar)
		}
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf("peak RSS < %d MiB on 1 GB", rssLimit), result: notMeasured, measured: "not measured"}
	if big := largest(rows, func(r *row) bool { return r.isBouncelens() && r.single() && r.rssMiB() > 0 }); big != nil {
		worst := big
		for i := range rows {
			r := &rows[i]
			if r.isBouncelens() && r.single() && r.order == big.order && r.rssMiB() > worst.rssMiB() {
				worst = r
			}
		}
		b.measured = fmt.Sprintf("%s MiB (largest of the %s inputs: %s, %s)", fmtF(worst.rssMiB(), 1), big.size, worst.input, strings.TrimPrefix(worst.tool, "bouncelens "))
		b.result = verdict(worst.rssMiB() < rssLimit)
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf("peak RSS < %d MiB on the concatenation, flat (<= %gx one file)", concatLimit, concatFlat), result: notMeasured, measured: "not measured (--concat 5)"}
	if r := find(rows, func(r *row) bool { return r.concat > 0 && r.tool == toolScan }); r != nil && r.rssMiB() > 0 {
		b.measured = fmt.Sprintf("%s MiB at %s MB/s on %s", fmtF(r.rssMiB(), 1), fmtF(r.mbps(), 1), r.input)
		flat := true // unknown without the one file's scan: the limit alone
		if one := find(rows, func(c *row) bool { return isTool(toolScan, r.format, false)(c) && c.size == r.size }); one != nil && one.rssMiB() > 0 {
			x := r.rssMiB() / one.rssMiB()
			b.measured += fmt.Sprintf("; %sx the RSS of one file", fmtF(x, 2))
			flat = x <= concatFlat
		}
		b.result = verdict(r.rssMiB() < concatLimit && flat)
	}
	bars = append(bars, b)

	b = bar{name: fmt.Sprintf("rescan >= %gx faster than the first scan", rescanBar), result: notMeasured, measured: "not measured"}
	if re := largest(rows, func(r *row) bool {
		return isTool(toolRescan, "classic", false)(r) && find(rows, func(s *row) bool { return isTool(toolScan, "classic", false)(s) && s.input == r.input }) != nil
	}); re != nil && re.wall() > 0 {
		s := find(rows, func(s *row) bool { return isTool(toolScan, "classic", false)(s) && s.input == re.input })
		x := s.wall() / re.wall()
		b.measured = fmt.Sprintf("%sx (%s: %s s vs %s s)", fmtF(x, 2), re.input, fmtF(s.wall(), 2), fmtF(re.wall(), 2))
		b.result = verdict(x >= rescanBar)
	}
	bars = append(bars, b)
	return bars
}

// formatBars writes the bars as a markdown table.
func formatBars(bars []bar) string {
	var b strings.Builder
	b.WriteString("| bar | measured | result |\n|---|---|---|\n")
	for _, x := range bars {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", x.name, x.measured, x.result)
	}
	return b.String()
}

// formatStages says, for each input with a scan and a dry run into a
// fresh store, how fast parsing and classifying alone went and what the
// store added: what bounds the scan, which no bar reads.
func formatStages(rows []row) string {
	var b strings.Builder
	for i := range rows {
		d := &rows[i]
		if d.tool != toolDryRun || !d.single() {
			continue
		}
		s := find(rows, func(s *row) bool { return s.tool == toolScan && s.single() && s.input == d.input })
		if s == nil || s.wall() <= 0 || d.wall() <= 0 {
			continue
		}
		fmt.Fprintf(&b, "- %s: --dry-run (parse and classify, nothing stored) %s MB/s", d.input, fmtF(d.mbps(), 1))
		if d.ceiling > 0 {
			fmt.Fprintf(&b, " = %s of the ceiling", pct(d.mbps()/d.ceiling))
		}
		if t := find(rows, func(t *row) bool { return (t.tool == toolText || t.tool == toolTextGz) && t.input == d.input }); t != nil && t.mbps() > 0 {
			fmt.Fprintf(&b, ", %s of the line scan with a string per line", pct(d.mbps()/t.mbps()))
		}
		extra := s.wall() - d.wall()
		fmt.Fprintf(&b, "; the scan's %s s are %s s of that and %s s (%s) of storing\n", fmtF(s.wall(), 2), fmtF(d.wall(), 2), fmtF(extra, 2), pct(extra/s.wall()))
	}
	return b.String()
}
