// Command benchscan measures how fast `bouncelens scan` reads Postfix logs,
// against the ceiling of a minimal Go line scan of the same files, and
// against pflogsumm when it is installed. It is the benchmark of issue 5
// (a gigabyte of log at disk speed, bounded memory) and runs from a fresh
// clone:
//
//	go run ./cmd/benchscan [--sizes medium,large] [--runs 3] [--concat 5] [--grow 5]
//
// Inputs. The logs are generated when missing into a cache directory (--dir,
// default $XDG_CACHE_HOME/bouncelens-bench or ~/.cache/bouncelens-bench) by
// python3 ../shared/bench/genlog.py (--genlog), next to the module root as
// the other tools of the repository find ../shared. Each size (small 10 MB,
// medium 200 MB, large 1000 MB; tiny is 2000 lines, for tests) gives
// SIZE-classic.log, SIZE-iso.log and SIZE-classic.log.gz (--seed 1).
//
// Measurements, for each file, in one run of the command:
//
//   - ceiling: os.Open (plus compress/gzip for .gz) and a bufio.Scanner
//     with a 1 MiB maximum token counting lines and bytes, in process;
//   - the same line scan making a string of each line (Scanner.Text),
//     as most Go programs that read lines do. No bar reads it; it shows
//     where the issue's own figures for the ceiling (1.4 GB/s, 7.7 M
//     lines/s) stand: this scan gave 1.5 GB/s and 8.4 M lines/s on the
//     machine where the ceiling gives 3.8 GB/s;
//   - bouncelens scan --db FRESH FILE as a subprocess, with its wall time,
//     its peak RSS (rusage of the child) and the events of its summary line;
//   - bouncelens rescan: the same scan again into the store of the previous
//     run, where every event is already stored;
//   - bouncelens scan --dry-run FILE: read, parse and classify, store
//     nothing; no bar reads it, but the lines after the bars compare it
//     with the scan: what parsing alone reaches, and what storing adds;
//   - pflogsumm FILE > /dev/null on the medium classic file, when pflogsumm
//     is on PATH (Debian package pflogsumm);
//   - with --concat N, the largest classic file of --sizes and N-1 more of
//     its size generated with seeds 2 to N (distinct traffic: copies of one
//     file would be all stored already past the first), piped one after
//     the other into bouncelens scan --db FRESH - from this process;
//   - with --grow N, the largest classic file of --sizes and N-1 later logs
//     of its size (seeds 2 to N, each starting about where the one before
//     ends), each scanned with bouncelens scan --db STORE FILE into one
//     store, as the nightly run scans each day's log into the store of the
//     days before: a row for each scan into a store that holds logs.
//
// Every measurement is one warm-up run then --runs runs; the table shows
// medians (-v adds the minimum and maximum MB/s). MB/s are 10^6 bytes of
// uncompressed log a second, also for .gz inputs. The stores are temporary
// directories under $TMPDIR, removed after each run. --scan-flags passes
// extra flags to every bouncelens scan (for example "--workers 1").
//
// The output is a markdown table (input, tool, MB/s, lines/s, events/s,
// peak RSS MiB, vs ceiling), then the bars of the issue with the measured
// values and PASS or FAIL, then what bounds the scan (the dry runs against
// the scans), and the machine. The exit status is 0 when the
// measurements ran, whatever the bars say; 1 on errors, 2 on usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

func main() {
	cfg := config{stdout: os.Stdout, stderr: os.Stderr}
	fs := flag.NewFlagSet("benchscan", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&cfg.dir, "dir", "", "`directory` of the generated logs, created and filled when needed (default $XDG_CACHE_HOME/bouncelens-bench or ~/.cache/bouncelens-bench)")
	fs.StringVar(&cfg.genlog, "genlog", "", "`path` of genlog.py (default ../shared/bench/genlog.py from the module root)")
	sizes := fs.String("sizes", "medium,large", "comma-separated `sizes`: small (10 MB), medium (200 MB), large (1000 MB); tiny (2000 lines) is for tests")
	fs.IntVar(&cfg.runs, "runs", 3, "measured runs of each measurement, after one warm-up run; the table shows medians")
	fs.StringVar(&cfg.bin, "bin", "", "`path` of a bouncelens binary (default: go build ./cmd/bouncelens into a temporary directory)")
	fs.IntVar(&cfg.concat, "concat", 0, "pipe the largest classic file and `N`-1 more of its size (seeds 2 to N) into bouncelens scan - (5 for the 5 GB test of the issue; 0: off)")
	fs.IntVar(&cfg.grow, "grow", 0, "scan the largest classic file and `N`-1 later logs of its size (seeds 2 to N, each starting where the one before ends) one after another into one store, as nightly runs do; a row for each of the later ones (0: off)")
	fs.StringVar(&cfg.scanFlags, "scan-flags", "", "extra `flags` for every bouncelens scan, split on white space (e.g. \"--workers 1\")")
	fs.BoolVar(&cfg.verbose, "v", false, "show the minimum and maximum MB/s of the runs and the progress of each run")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, `Usage: go run ./cmd/benchscan [flags]

Benchmark bouncelens scan on generated Postfix logs: a markdown table of
MB/s, lines/s, events/s, peak RSS and ratio to a plain Go line scan, then
the bars of issue 5 (PASS/FAIL) and the machine.

Examples:
	go run ./cmd/benchscan --sizes small --runs 1          # quick look, seconds
	go run ./cmd/benchscan                                  # medium and large, 3 runs
	go run ./cmd/benchscan --concat 5                       # plus 5 distinct 1 GB logs through stdin
	go run ./cmd/benchscan --grow 5                         # plus 5 later 1 GB logs into one store
	go run ./cmd/benchscan --sizes medium --scan-flags "--workers 1"
	go run ./cmd/benchscan --bin /tmp/bl --dir ~/benchdata > bench.md

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	var err error
	cfg.sizes, err = parseSizes(*sizes)
	if err == nil && cfg.runs < 1 {
		err = errors.New("--runs must be at least 1")
	}
	if err == nil && cfg.concat < 0 {
		err = errors.New("--concat must not be negative")
	}
	if err == nil && (cfg.grow < 0 || cfg.grow == 1) {
		err = errors.New("--grow must be 0 (off) or at least 2 (the first log, then later ones into its store)")
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchscan:", err)
		fs.Usage()
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchscan:", err)
		os.Exit(1)
	}
}

// config is what one benchmark run does.
type config struct {
	dir, genlog, bin, scanFlags string
	sizes                       []size
	runs, concat, grow          int
	verbose                     bool
	stdout, stderr              io.Writer
}

// size is one size of generated log.
type size struct {
	name  string
	arg   []string // genlog.py arguments that give the size
	order int      // larger sizes have larger orders
	days  int      // whole days a classic log of the size spans, rounded up
}

var allSizes = []size{
	{"tiny", []string{"--lines", "2000"}, 0, 1},
	{"small", []string{"--mb", "10"}, 1, 1},
	{"medium", []string{"--mb", "200"}, 2, 3},
	{"large", []string{"--mb", "1000"}, 3, 13},
}

// parseSizes reads the --sizes list: known names, at least one, each once,
// in the order given.
func parseSizes(s string) ([]size, error) {
	var out []size
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		i := slices.IndexFunc(allSizes, func(z size) bool { return z.name == f })
		if i < 0 {
			return nil, fmt.Errorf("unknown size %q in --sizes (want tiny, small, medium or large)", f)
		}
		if !slices.ContainsFunc(out, func(z size) bool { return z.name == f }) {
			out = append(out, allSizes[i])
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--sizes is empty")
	}
	return out, nil
}
