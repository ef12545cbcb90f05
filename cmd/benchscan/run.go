package main

import (
	"bouncelens/cmd/internal/benchutil"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// inputFile is one generated log.
type inputFile struct {
	size   size
	format string // classic or iso
	gz     bool
	seed   int // genlog's --seed; 0 is 1
	day    int // days after genlog's default start (2026-03-02) that the log starts
}

func (f inputFile) name() string {
	n := f.size.name + "-" + f.format
	if f.seed > 1 {
		n += fmt.Sprintf("-seed%d", f.seed)
	}
	if f.day > 0 {
		n += fmt.Sprintf("-day%d", f.day)
	}
	n += ".log"
	if f.gz {
		n += ".gz"
	}
	return n
}

// concatInputs returns the files of the concatenation: big (seed 1), then
// the same size and format with seeds 2 to copies. Distinct logs, not
// copies of one: past the first, copies would be all stored already, and
// the scan would make no checkpoint of new events, which is what memory
// must stay flat through.
func concatInputs(big inputFile, copies int) []inputFile {
	fs := []inputFile{big}
	for seed := 2; seed <= copies; seed++ {
		f := big
		f.seed = seed
		fs = append(fs, f)
	}
	return fs
}

// genlogStart is genlog.py's default --start.
var genlogStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// growInputs returns the logs of the grown store: big (seed 1), then n-1
// more of its size and format, seeds 2 to n, each starting about where the
// one before it ends (size.days apart), as a nightly run meets them:
// later traffic into a store that holds the earlier.
func growInputs(big inputFile, n int) []inputFile {
	fs := []inputFile{big}
	for k := 2; k <= n; k++ {
		f := big
		f.seed, f.day = k, (k-1)*big.size.days
		fs = append(fs, f)
	}
	return fs
}

// inputsFor lists the files of the sizes: classic, iso and gzip'ed classic
// of each.
func inputsFor(sizes []size) []inputFile {
	var fs []inputFile
	for _, s := range sizes {
		fs = append(fs, inputFile{size: s, format: "classic"}, inputFile{size: s, format: "iso"}, inputFile{size: s, format: "classic", gz: true})
	}
	return fs
}

func run(cfg config) error {
	root, err := benchutil.ModuleRoot()
	if err != nil {
		return err
	}
	if cfg.dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no cache directory for the inputs (give --dir): %w", err)
		}
		cfg.dir = filepath.Join(cache, "bouncelens-bench")
	}
	if cfg.genlog == "" {
		cfg.genlog = filepath.Join(root, "..", "shared", "bench", "genlog.py")
	}
	files := inputsFor(cfg.sizes)
	if err := ensureInputs(cfg, files); err != nil {
		return err
	}
	bin := cfg.bin
	if bin == "" {
		tmp, err := os.MkdirTemp("", "benchscan-bin-")
		if err != nil {
			return fmt.Errorf("temporary directory for the binary: %w", err)
		}
		defer os.RemoveAll(tmp)
		bin = filepath.Join(tmp, "bouncelens")
		fmt.Fprintln(cfg.stderr, "benchscan: building ./cmd/bouncelens")
		build := exec.Command("go", "build", "-o", bin, "./cmd/bouncelens")
		build.Dir, build.Stdout, build.Stderr = root, cfg.stderr, cfg.stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building bouncelens: %w", err)
		}
	} else if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("--bin: %w", err)
	}
	b := &bench{cfg: cfg, bin: bin, scanFlags: strings.Fields(cfg.scanFlags)}

	var rows []row
	pflogsummNote := ""
	pflogsumm, lookErr := exec.LookPath("pflogsumm")
	if lookErr != nil {
		pflogsummNote = "pflogsumm: not installed (apt install pflogsumm)"
		fmt.Fprintln(cfg.stderr, "benchscan:", pflogsummNote)
	} else if !hasSize(cfg.sizes, "medium") {
		pflogsummNote = "not measured (medium not in --sizes)"
	}
	ceilings := map[string]row{}
	for _, f := range files {
		path := filepath.Join(cfg.dir, f.name())
		base := row{input: f.name(), size: f.size.name, order: f.size.order, format: f.format, gz: f.gz}
		ceil, err := b.ceiling(base, path)
		if err != nil {
			return err
		}
		ceilings[f.name()] = ceil
		text, err := b.textScan(ceil, path)
		if err != nil {
			return err
		}
		rows = append(rows, ceil, text)
		scan, rescan, err := b.scan(ceil, path)
		if err != nil {
			return err
		}
		dry, err := b.dryRun(ceil, path)
		if err != nil {
			return err
		}
		rows = append(rows, scan, rescan, dry)
		if lookErr == nil && f.size.name == "medium" && f.format == "classic" && !f.gz {
			p, err := b.pflogsumm(pflogsumm, ceil, path)
			if err != nil {
				return err
			}
			rows = append(rows, p)
		}
	}
	if cfg.concat > 0 {
		big := largestClassic(files)
		parts := concatInputs(big, cfg.concat)
		if err := ensureInputs(cfg, parts); err != nil {
			return err
		}
		r, err := b.concat(ceilings[big.name()], inputPaths(cfg.dir, parts))
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	if cfg.grow > 1 {
		big := largestClassic(files)
		parts := growInputs(big, cfg.grow)
		if err := ensureInputs(cfg, parts); err != nil {
			return err
		}
		rs, err := b.grow(ceilings[big.name()], inputPaths(cfg.dir, parts))
		if err != nil {
			return err
		}
		rows = append(rows, rs...)
	}

	w := cfg.stdout
	fmt.Fprintf(w, "## bouncelens scan benchmark\n\n")
	fmt.Fprintf(w, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %s\n", machine())
	fmt.Fprintf(w, "- bouncelens: %s; scan flags: %s\n", bin, orNone(cfg.scanFlags))
	runs := "1 run"
	if cfg.runs > 1 {
		runs = fmt.Sprintf("%d runs", cfg.runs)
	}
	fmt.Fprintf(w, "- %s after one warm-up, medians; MB/s = 10^6 bytes of uncompressed log a second; inputs in %s\n\n", runs, cfg.dir)
	fmt.Fprint(w, formatTable(rows, cfg.verbose))
	fmt.Fprintf(w, "\nBars of issue 5:\n\n")
	fmt.Fprint(w, formatBars(evalBars(rows, pflogsummNote)))
	if st := formatStages(rows); st != "" {
		fmt.Fprintf(w, "\nWhat bounds the scan (rows no bar reads):\n\n%s", st)
	}
	return nil
}

// inputPaths returns the paths of files in dir.
func inputPaths(dir string, files []inputFile) []string {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f.name())
	}
	return paths
}

// largestClassic returns the plain classic file of the largest size
// (inputsFor gives one of each size).
func largestClassic(files []inputFile) inputFile {
	var big *inputFile
	for i, f := range files {
		if f.format == "classic" && !f.gz && (big == nil || f.size.order > big.size.order) {
			big = &files[i]
		}
	}
	return *big
}

func hasSize(sizes []size, name string) bool {
	for _, s := range sizes {
		if s.name == name {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}

// ensureInputs generates the missing files with genlog.py. It needs
// python3 and the script only when a file is missing.
func ensureInputs(cfg config, files []inputFile) error {
	var missing []inputFile
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(cfg.dir, f.name())); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("python3 not found on PATH: it runs genlog.py to generate %s in %s: %w", missing[0].name(), cfg.dir, err)
	}
	if _, err := os.Stat(cfg.genlog); err != nil {
		return fmt.Errorf("genlog.py is needed to generate %s in %s (give --genlog, or check out ../shared next to the module): %w", missing[0].name(), cfg.dir, err)
	}
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return fmt.Errorf("input directory: %w", err)
	}
	for _, f := range missing {
		dst := filepath.Join(cfg.dir, f.name())
		tmp := fmt.Sprintf("%s.tmp%d", dst, os.Getpid())
		args := append([]string{cfg.genlog}, f.size.arg...)
		args = append(args, "--seed", fmt.Sprint(max(f.seed, 1)), "--format", f.format, "--out", tmp)
		if f.day > 0 {
			args = append(args, "--start", genlogStart.AddDate(0, 0, f.day).Format("2006-01-02T15:04:05"))
		}
		if f.gz {
			args = append(args, "--gzip")
		}
		fmt.Fprintf(cfg.stderr, "benchscan: generating %s\n", dst)
		cmd := exec.Command(python, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = cfg.stderr, &stderr
		if err := cmd.Run(); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("generating %s: %w\n%s", f.name(), err, benchutil.Tail(stderr.String(), 2000))
		}
		if err := os.Rename(tmp, dst); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("generating %s: %w", f.name(), err)
		}
	}
	return nil
}

// bench runs the measurements.
type bench struct {
	cfg       config
	bin       string
	scanFlags []string
}

func (b *bench) logf(format string, args ...any) {
	if b.cfg.verbose {
		fmt.Fprintf(b.cfg.stderr, "benchscan: "+format+"\n", args...)
	}
}

// ceiling measures the line scan of path: one warm-up, then the runs.
func (b *bench) ceiling(r row, path string) (row, error) {
	r.tool = toolCeiling
	if r.gz {
		r.tool = toolCeilingGz
	}
	fmt.Fprintf(b.cfg.stderr, "benchscan: %s\n", r.input)
	r, err := b.lineRuns(r, path, false)
	if err != nil {
		return r, err
	}
	r.ceiling = r.mbps()
	b.logf("  %s: %.1f MB/s", r.tool, r.ceiling)
	return r, nil
}

// textScan measures the line scan of path that makes a string of each
// line; ceil is the ceiling row of path.
func (b *bench) textScan(ceil row, path string) (row, error) {
	r := ceil
	r.tool, r.walls = toolText, nil
	if r.gz {
		r.tool = toolTextGz
	}
	r, err := b.lineRuns(r, path, true)
	if err != nil {
		return r, err
	}
	b.logf("  %s: %.1f MB/s", r.tool, r.mbps())
	return r, nil
}

// lineRuns times scanLines(path, text), one warm-up and the
// runs, into r.
func (b *bench) lineRuns(r row, path string, text bool) (row, error) {
	for i := 0; i <= b.cfg.runs; i++ {
		start := time.Now()
		lines, n, err := scanLines(path, text)
		wall := time.Since(start).Seconds()
		if err != nil {
			return r, fmt.Errorf("line scan of %s: %w", path, err)
		}
		r.lines, r.bytes = lines, n
		if i > 0 {
			r.walls = append(r.walls, wall)
		}
	}
	return r, nil
}

// lineScan is the ceiling: it counts the lines and bytes (newlines
// included) of a file, through gzip for a .gz name.
func lineScan(path string) (lines, n int64, err error) { return scanLines(path, false) }

// textSink keeps the last line of a text scan, so that no string of it can
// be left unmade.
var textSink string

// scanLines counts the lines and bytes (newlines included) of a file,
// through gzip for a .gz name; with text, it makes a string of each line
// (Scanner.Text) instead of looking at the scanner's bytes.
func scanLines(path string, text bool) (lines, n int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return 0, 0, err
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if text {
		var last string
		for sc.Scan() {
			last = sc.Text()
			lines++
			n += int64(len(last)) + 1
		}
		textSink = last
	} else {
		for sc.Scan() {
			lines++
			n += int64(len(sc.Bytes())) + 1
		}
	}
	return lines, n, sc.Err()
}

// dryRun measures bouncelens scan --dry-run of path: parse and classify,
// nothing stored. ceil is the ceiling row of path.
func (b *bench) dryRun(ceil row, path string) (row, error) {
	r := ceil
	r.tool, r.walls = toolDryRun, nil
	err := b.freshRuns(&r, "dry run ", func(db string) (measurement, error) {
		return b.runScan(db, path, nil, "--dry-run")
	})
	return r, err
}

// freshRuns calls scan with a fresh store for the warm-up and each run,
// and adds the runs' measurements to r; what prefixes their log lines.
func (b *bench) freshRuns(r *row, what string, scan func(db string) (measurement, error)) error {
	for i := 0; i <= b.cfg.runs; i++ {
		var m measurement
		err := inFreshStore(func(db string) error {
			var err error
			m, err = scan(db)
			return err
		})
		if err != nil {
			return err
		}
		b.logf("  run %d: %s%.2f s %d events %.0f MiB", i, what, m.wall.Seconds(), m.sum.events, float64(m.rss)/(1<<20))
		if i > 0 {
			r.add(m)
		}
	}
	return nil
}

// scan measures bouncelens scan of path into a fresh store, then the
// rescan into the same store; each run has its own store. ceil gives the
// bytes, lines and ceiling of the input.
func (b *bench) scan(ceil row, path string) (scan, rescan row, err error) {
	scan, rescan = ceil, ceil
	scan.tool, rescan.tool = toolScan, toolRescan
	scan.walls, rescan.walls = nil, nil
	for i := 0; i <= b.cfg.runs; i++ {
		var first, again measurement
		err := inFreshStore(func(db string) error {
			var err error
			if first, err = b.runScan(db, path, nil); err != nil {
				return err
			}
			// --reread: read the whole file again, as if the store did
			// not know how far the first scan read, so that the rescan
			// measures reading and deduplicating, not skipping.
			again, err = b.runScan(db, path, nil, "--reread")
			return err
		})
		if err != nil {
			return scan, rescan, err
		}
		b.logf("  run %d: scan %.2f s %d events %.0f MiB; rescan %.2f s %d new", i, first.wall.Seconds(), first.sum.events, float64(first.rss)/(1<<20), again.wall.Seconds(), again.sum.newEvents)
		if again.sum.newEvents > 0 {
			fmt.Fprintf(b.cfg.stderr, "benchscan: warning: the rescan of %s stored %d new events (want 0)\n", ceil.input, again.sum.newEvents)
		}
		if i == 0 {
			continue
		}
		if len(scan.events) > 0 && scan.events[0] != first.sum.events {
			fmt.Fprintf(b.cfg.stderr, "benchscan: warning: %s gave %d events, then %d\n", ceil.input, scan.events[0], first.sum.events)
		}
		scan.add(first)
		rescan.add(again)
	}
	return scan, rescan, nil
}

// concat measures bouncelens scan - of the files at paths (the first
// one's ceiling row is one), piped one after the other from this process.
func (b *bench) concat(one row, paths []string) (row, error) {
	copies := len(paths)
	r := one
	r.input = fmt.Sprintf("%d x %s, seeds 1-%d (stdin)", copies, one.input, copies)
	r.concat, r.tool, r.walls = copies, toolScan, nil
	r.bytes, r.lines = 0, 0
	for _, p := range paths {
		lines, n, err := lineScan(p)
		if err != nil {
			return r, fmt.Errorf("line scan of %s: %w", p, err)
		}
		r.bytes, r.lines = r.bytes+n, r.lines+lines
	}
	fmt.Fprintf(b.cfg.stderr, "benchscan: %s\n", r.input)
	err := b.freshRuns(&r, "", func(db string) (measurement, error) {
		in, closeIn, err := concatenate(paths)
		if err != nil {
			return measurement{}, err
		}
		defer closeIn()
		return b.runScan(db, "-", in, "--reread")
	})
	return r, err
}

// grow measures bouncelens scan of each file at paths after the ones
// before it, all into one store (a fresh one in each run), as the nightly
// run scans each day's log into the store of the days before. The rows are
// those of the second file on; the first one's is the fresh scan. ceil is
// the first file's ceiling row.
func (b *bench) grow(ceil row, paths []string) ([]row, error) {
	names := make([]string, len(paths))
	for k, p := range paths {
		names[k] = filepath.Base(p)
	}
	rows := make([]row, len(paths)-1)
	for k := range rows {
		r := ceil
		lines, n, err := lineScan(paths[k+1])
		if err != nil {
			return nil, fmt.Errorf("line scan of %s: %w", paths[k+1], err)
		}
		r.input = fmt.Sprintf("%s, into a store of %d log", names[k+1], k+1)
		if k > 0 {
			r.input += "s"
		}
		r.tool, r.grown, r.walls, r.rss, r.events = toolScan, k+1, nil, nil, nil
		r.lines, r.bytes = lines, n
		rows[k] = r
	}
	fmt.Fprintf(b.cfg.stderr, "benchscan: %d logs one after another into one store (%s ...)\n", len(paths), names[0])
	for i := 0; i <= b.cfg.runs; i++ {
		err := inFreshStore(func(db string) error {
			for k, p := range paths {
				m, err := b.runScan(db, p, nil)
				if err != nil {
					return err
				}
				b.logf("  run %d: %s %.2f s %d events %.0f MiB", i, names[k], m.wall.Seconds(), m.sum.events, float64(m.rss)/(1<<20))
				if i > 0 && k > 0 {
					rows[k-1].add(m)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// inFreshStore calls fn with a new temporary store directory, removed
// after fn returns.
func inFreshStore(fn func(db string) error) error {
	db, err := os.MkdirTemp("", "benchscan-db-")
	if err != nil {
		return fmt.Errorf("temporary store: %w", err)
	}
	err = fn(db)
	if rerr := os.RemoveAll(db); rerr != nil && err == nil {
		err = fmt.Errorf("removing the store: %w", rerr)
	}
	return err
}

// concatenate opens the files at paths and returns their concatenation.
func concatenate(paths []string) (io.Reader, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var rs []io.Reader
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files = append(files, f)
		rs = append(rs, f)
	}
	return io.MultiReader(rs...), closeAll, nil
}

// pflogsumm measures pflogsumm path > /dev/null.
func (b *bench) pflogsumm(exe string, ceil row, path string) (row, error) {
	r := ceil
	r.tool, r.walls, r.rss, r.events = toolPflogsumm, nil, nil, nil
	for i := 0; i <= b.cfg.runs; i++ {
		cmd := exec.Command(exe, path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			return r, fmt.Errorf("pflogsumm %s: %w\n%s", path, err, benchutil.Tail(stderr.String(), 2000))
		}
		b.logf("  pflogsumm run %d: %.2f s", i, wall.Seconds())
		if i > 0 {
			r.walls = append(r.walls, wall.Seconds())
			r.rss = append(r.rss, float64(benchutil.PeakRSS(cmd.ProcessState)))
		}
	}
	return r, nil
}

// measurement is one run of bouncelens scan.
type measurement struct {
	wall time.Duration
	rss  int64 // peak RSS in bytes, 0 if unknown
	sum  summary
}

func (r *row) add(m measurement) {
	r.walls = append(r.walls, m.wall.Seconds())
	r.rss = append(r.rss, float64(m.rss))
	r.events = append(r.events, m.sum.events)
}

// runScan runs bouncelens scan --db db [scan flags] [extra] path, with
// stdin as its standard input when not nil. Exit status 3 (records skipped,
// under --strict) is not an error.
func (b *bench) runScan(db, path string, stdin io.Reader, extra ...string) (measurement, error) {
	args := append([]string{"scan", "--db", db}, b.scanFlags...)
	args = append(append(args, extra...), path)
	cmd := exec.Command(b.bin, args...)
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stderr = stdin, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 3) {
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", b.bin, strings.Join(args, " "), err, benchutil.Tail(stderr.String(), 2000))
	}
	sum, err := parseSummary(stderr.String())
	if err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", b.bin, strings.Join(args, " "), err, benchutil.Tail(stderr.String(), 2000))
	}
	return measurement{wall: wall, rss: benchutil.PeakRSS(cmd.ProcessState), sum: sum}, nil
}

// machine describes the CPU and the Go version.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.SplitSeq(string(data), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs, GOMAXPROCS %d, %s, %s %s/%s", runtime.NumCPU(), runtime.GOMAXPROCS(0), model, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
