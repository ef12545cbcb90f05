// Command benchdecode measures how fast bouncelens decodes bounce messages,
// and compares it with Sisimai (the Perl bounce decoder) when that is
// installed.
//
// It copies every .eml file of the sample set N times into a temporary
// directory (distinct names), builds bouncelens, and runs
//
//	bouncelens decode --format jsonl DIR
//
// as a subprocess R times, measuring the wall time, the number of records
// written and the peak resident set size of the process. When Perl can load
// Sisimai (Debian package libsisimai-perl), it runs Sisimai->make over the
// same directory the same number of times. It prints one line per tool with
// the medians of the runs, and the ratio of bouncelens to Sisimai.
//
// Usage, from anywhere in the module:
//
//	go run ./cmd/benchdecode [--copies 30] [--runs 3] [--samples DIR] [--keep]
//
// The default sample set is ../shared/samples/dsn next to the module root.
package main

import (
	"bouncelens/cmd/internal/benchutil"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	copies := flag.Int("copies", 30, "copies of each sample message")
	runs := flag.Int("runs", 3, "runs of each tool; the table shows medians")
	samples := flag.String("samples", "", "directory of sample .eml files, searched recursively (default ../shared/samples/dsn from the module root)")
	keep := flag.Bool("keep", false, "keep the temporary directory and print its name")
	flag.Parse()
	if *copies < 1 || *runs < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*copies, *runs, *samples, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchdecode:", err)
		os.Exit(1)
	}
}

func run(copies, runs int, samples string, keep bool) error {
	root, err := benchutil.ModuleRoot()
	if err != nil {
		return err
	}
	if samples == "" {
		samples = filepath.Join(root, "..", "shared", "samples", "dsn")
	}
	files, err := emlFiles(samples)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .eml file under %s", samples)
	}
	tmp, err := os.MkdirTemp("", "benchdecode-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "benchdecode: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	mail := filepath.Join(tmp, "mail")
	n, size, err := copySamples(files, samples, mail, copies)
	if err != nil {
		return err
	}
	fmt.Printf("%d messages (%d samples x %d copies, %.1f MiB) in %s\n", n, len(files), copies, float64(size)/(1<<20), mail)

	bin := filepath.Join(tmp, "bouncelens")
	build := exec.Command("go", "build", "-o", bin, "./cmd/bouncelens")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building bouncelens: %w", err)
	}

	var results []result
	bl := result{tool: "bouncelens", emails: n}
	for range runs {
		// Exit status 3: some messages were skipped (not bounces); the
		// records of the others were written.
		m, err := measure(exec.Command(bin, "decode", "--format", "jsonl", mail), countLines, 0, 3)
		if err != nil {
			return fmt.Errorf("bouncelens: %w", err)
		}
		bl.add(m)
	}
	results = append(results, bl)

	if !sisimaiInstalled() {
		fmt.Print(formatTable(results))
		fmt.Println("Sisimai not installed: apt install libsisimai-perl")
		return nil
	}
	ss := result{tool: "Sisimai " + sisimaiVersion(), emails: n}
	for range runs {
		m, err := measure(exec.Command("perl", "-MSisimai", "-e", sisimaiScript, mail), lastNumber, 0)
		if err != nil {
			return fmt.Errorf("sisimai: %w", err)
		}
		ss.add(m)
	}
	results = append(results, ss)
	fmt.Print(formatTable(results))
	return nil
}

// sisimaiScript decodes the Maildir-like directory $ARGV[0] (Sisimai reads
// every file of a directory) and prints the number of records.
const sisimaiScript = `my $v = Sisimai->make($ARGV[0]) // []; print scalar(@$v), "\n";`

func sisimaiInstalled() bool {
	return exec.Command("perl", "-MSisimai", "-e1").Run() == nil
}

func sisimaiVersion() string {
	out, err := exec.Command("perl", "-MSisimai", "-e", "print Sisimai->version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// emlFiles returns the .eml files under dir, in walk order.
func emlFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".eml") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// copySamples copies each file copies times into the flat directory dst,
// under names made from the copy number and the path below base. It returns
// the number of files written and their total size.
func copySamples(files []string, base, dst string, copies int) (n int, size int64, err error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, 0, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return n, size, err
		}
		rel, err := filepath.Rel(base, f)
		if err != nil {
			rel = filepath.Base(f)
		}
		flat := strings.ReplaceAll(filepath.ToSlash(rel), "/", "_")
		for c := range copies {
			if err := os.WriteFile(filepath.Join(dst, copyName(c, flat)), data, 0o644); err != nil {
				return n, size, err
			}
			n++
			size += int64(len(data))
		}
	}
	return n, size, nil
}

// copyName is the file name of copy c of a sample.
func copyName(c int, flat string) string {
	return fmt.Sprintf("c%03d_%s", c, flat)
}

// measurement is one run of a tool.
type measurement struct {
	wall    time.Duration
	records int
	rss     int64 // peak resident set size in bytes, 0 if unknown
}

// measure runs cmd with its standard output read by count (which returns
// the number of records), and returns the wall time, the record count and
// the peak RSS. An exit status not in okStatus is an error.
func measure(cmd *exec.Cmd, count func(io.Reader) (int, error), okStatus ...int) (measurement, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return measurement{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	records, cerr := count(out)
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && slices.Contains(okStatus, exit.ExitCode())) {
		return measurement{}, fmt.Errorf("%v: %v\n%s", cmd.Args, err, benchutil.Tail(stderr.String(), 2000))
	}
	if cerr != nil {
		return measurement{}, fmt.Errorf("%v: reading output: %v", cmd.Args, cerr)
	}
	return measurement{wall: wall, records: records, rss: benchutil.PeakRSS(cmd.ProcessState)}, nil
}

// countLines counts the lines of r: decode --format jsonl writes one
// record a line.
func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// lastNumber reads all of r and returns the number on its last non-empty
// line (the record count the Sisimai script prints).
func lastNumber(r io.Reader) (int, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		return 0, errors.New("no output")
	}
	return strconv.Atoi(lines[len(lines)-1])
}

// result is the runs of one tool over the same messages.
type result struct {
	tool    string
	emails  int
	records []int
	walls   []float64 // seconds
	rss     []float64 // bytes
}

func (r *result) add(m measurement) {
	r.records = append(r.records, m.records)
	r.walls = append(r.walls, m.wall.Seconds())
	r.rss = append(r.rss, float64(m.rss))
}

// rate is n per second over secs, 0 when secs is not positive.
func rate(n int, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return float64(n) / secs
}

// formatTable prints one line per tool (medians of its runs) and, when
// there are two tools, the ratios of the first to the second.
func formatTable(rs []result) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tool\temails\trecords\tmedian wall s\temails/s\trecords/s\tpeak RSS MiB\truns\t")
	for _, r := range rs {
		wall := benchutil.Median(r.walls)
		recs := 0
		if len(r.records) > 0 {
			recs = r.records[len(r.records)-1]
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.0f\t%.0f\t%.1f\t%d\t\n",
			r.tool, r.emails, recs, wall, rate(r.emails, wall), rate(recs, wall), benchutil.Median(r.rss)/(1<<20), len(r.walls))
	}
	tw.Flush()
	if len(rs) == 2 {
		a, o := rs[0], rs[1]
		speed := ratio(rate(a.emails, benchutil.Median(a.walls)), rate(o.emails, benchutil.Median(o.walls)))
		mem := ratio(benchutil.Median(a.rss), benchutil.Median(o.rss))
		fmt.Fprintf(&b, "ratio %s/%s: %s emails/s, %s peak RSS\n", a.tool, o.tool, speed, mem)
	}
	return b.String()
}

// ratio formats a/b as "12.3x", or "n/a" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "x"
}
