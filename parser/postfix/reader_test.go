package postfix

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bouncelens/parser"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenOpts reads the inputs of the golden tests: the year is fixed, so
// the output does not depend on the day the tests run.
var goldenOpts = Options{Year: 2025}

// dump runs a Reader on the file in and returns one JSON line per event or
// error, then one line with the Stats.
func dump(t testing.TB, in string, opts Options) []byte {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, filepath.ToSlash(in), opts)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !parser.IsSkip(err) {
				t.Fatalf("final error: %v", err)
			}
			enc.Encode(struct {
				Error string `json:"error"`
			}{err.Error()})
			continue
		}
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
	}
	enc.Encode(struct {
		Stats statsJSON `json:"stats"`
	}{toJSON(r.Stats())})
	return out.Bytes()
}

// statsJSON is Stats with the sentinels as strings, for golden files.
type statsJSON struct {
	Stats
	Skipped map[string]int `json:"Skipped,omitempty"`
}

func toJSON(st Stats) statsJSON {
	s := statsJSON{Stats: st}
	s.Stats.Skipped = nil
	for k, v := range st.Skipped {
		if s.Skipped == nil {
			s.Skipped = make(map[string]int)
		}
		s.Skipped[k.Error()] = v
	}
	return s
}

func checkGolden(t *testing.T, got []byte, golden string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, _ := os.ReadFile(golden); !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review git diff", golden)
	}
}

func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.log")
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.log")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			checkGolden(t, dump(t, in, goldenOpts), strings.TrimSuffix(in, ".log")+".golden")
		})
	}
}

// TestGoldenFixtures pins the events of the project's shared fixtures.
func TestGoldenFixtures(t *testing.T) {
	for in, golden := range map[string]string{
		"../../fixtures/postfix/maillog":         "testdata/fixtures-maillog.golden",
		"../../fixtures/postfix/maillog-iso.log": "testdata/fixtures-maillog-iso.golden",
	} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			checkGolden(t, dump(t, in, goldenOpts), golden)
		})
	}
}

// readAll returns the events of r, counting skipped records; it fails on a
// final error.
func readAll(t testing.TB, r *Reader) (evs []parser.Event, skipped int) {
	t.Helper()
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return evs, skipped
		}
		if err != nil {
			if !parser.IsSkip(err) {
				t.Fatalf("final error: %v", err)
			}
			skipped++
			continue
		}
		evs = append(evs, ev)
	}
}

func countStatus(evs []parser.Event) map[parser.Status]int {
	m := make(map[parser.Status]int)
	for _, ev := range evs {
		m[ev.Status]++
	}
	return m
}

// TestFixtureMaillog checks the shape of the shared fixture beyond its
// golden file: the counts a reviewer can verify with grep.
func TestFixtureMaillog(t *testing.T) {
	f, err := os.Open("../../fixtures/postfix/maillog")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, "maillog", Options{Year: 2025})
	evs, skipped := readAll(t, r)
	got := countStatus(evs)
	// grep -c status=sent etc.; expired: the one expired message had one
	// recipient still deferred; rejected: 12 reject lines naming a to=.
	want := map[parser.Status]int{
		parser.StatusSent: 52, parser.StatusDeferred: 13, parser.StatusBounced: 17,
		parser.StatusExpired: 1, parser.StatusRejected: 11,
	}
	for st, n := range want {
		if got[st] != n {
			t.Errorf("%v events = %d, want %d", st, got[st], n)
		}
	}
	if skipped != 0 {
		t.Errorf("%d records skipped, want 0", skipped)
	}
	st := r.Stats()
	if st.Lines != 493 || st.Unparsed != 0 || st.OpenQueueIDs != 0 {
		t.Errorf("stats = %+v, want 493 lines, none unparsed, no open queue id", st)
	}
	first, last := evs[0].Time, evs[len(evs)-1].Time
	if first.Year() != 2025 || last.Year() != 2026 || last.Month() != time.January {
		t.Errorf("times run from %v to %v, want Dec 2025 to Jan 2026", first, last)
	}
	for _, ev := range evs {
		if ev.Status != parser.StatusRejected && ev.Sender == "" {
			t.Errorf("line %d: no sender for queue id %s", ev.Line, ev.QueueID)
		}
	}
}

func TestYearGuess(t *testing.T) {
	log := "Dec 31 23:59:59 mail postfix/smtp[1]: 3F2A81C0D2: to=<a@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
		"Jan  1 00:00:01 mail postfix/smtp[1]: 3F2A81C0D2: to=<b@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
		"Dec 31 23:59:58 mail postfix/smtp[1]: 3F2A81C0D2: to=<c@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
		"Feb  1 00:00:00 mail postfix/smtp[1]: 3F2A81C0D2: to=<d@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n" +
		"Jan 31 23:59:59 mail postfix/smtp[1]: 3F2A81C0D2: to=<e@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n"
	tests := []struct {
		name string
		opts Options
		want []int // year of each event
	}{
		{"read in January", Options{Now: fixedNow(2026, time.January)}, []int{2025, 2026, 2025, 2026, 2026}},
		{"read in December", Options{Now: fixedNow(2025, time.December)}, []int{2025, 2026, 2025, 2026, 2026}},
		{"Year given", Options{Year: 2019, Now: fixedNow(2026, time.January)}, []int{2019, 2020, 2019, 2020, 2020}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, _ := readAll(t, NewReader(strings.NewReader(log), "y", tt.opts))
			if len(evs) != len(tt.want) {
				t.Fatalf("%d events, want %d", len(evs), len(tt.want))
			}
			for i, ev := range evs {
				if ev.Time.Year() != tt.want[i] {
					t.Errorf("event %d (%s): year %d, want %d", i, ev.Recipient, ev.Time.Year(), tt.want[i])
				}
			}
		})
	}
	// Lines 3 and 5 were written out of order: they keep the year of their
	// month and do not start a new year.
}

func fixedNow(year int, m time.Month) func() time.Time {
	return func() time.Time { return time.Date(year, m, 15, 12, 0, 0, 0, time.UTC) }
}

func TestLocation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	log := "Jul  1 12:00:00 mail postfix/smtp[1]: 3F2A81C0D2: to=<a@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n"
	evs, _ := readAll(t, NewReader(strings.NewReader(log), "tz", Options{Year: 2026, Location: berlin}))
	if want := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC); len(evs) != 1 || !evs[0].Time.Equal(want) || evs[0].Time.Location() != time.UTC {
		t.Errorf("got %v, want %v in UTC", evs, want)
	}
}

// TestLongLines writes lines longer than bufio.Scanner's 64 KiB and than
// MaxLineLength: the first are parsed, the second skipped, and reading goes
// on after them.
func TestLongLines(t *testing.T) {
	pad := strings.Repeat("x", 100<<10)
	status := func(rcpt, text string) string {
		return "Nov 23 10:00:01 mail postfix/smtp[1]: 3F2A81C0D2: to=<" + rcpt + ">, relay=none, dsn=5.0.0, status=bounced (550 " + text + ")\n"
	}
	input := status("a@example.com", pad) + // 100 KiB: parsed
		"Nov 23 10:00:01 mail postfix/cleanup[2]: 3F2A81C0D2: warning: header To: " + strings.Repeat("<b@example.com>, ", 120000) + "\n" + // 2 MiB: skipped
		status("c@example.com", "short") +
		status("d@example.com", pad+pad) // no final newline below
	input = strings.TrimSuffix(input, "\n")
	path := filepath.Join(t.TempDir(), "long-line.log")
	if err := os.WriteFile(path, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, "long-line.log", Options{Year: 2026, MaxLineLength: 1 << 20})
	var rcpts []string
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var perr *parser.Error
			if !errors.As(err, &perr) || !errors.Is(err, parser.ErrLineTooLong) || perr.Line != 2 {
				t.Fatalf("got %v, want long-line.log:2: line too long", err)
			}
			rcpts = append(rcpts, "skipped")
			continue
		}
		rcpts = append(rcpts, ev.Recipient)
		if ev.Recipient != "c@example.com" && len(ev.Text) < 100<<10 {
			t.Errorf("%s: text of %d bytes, want the whole long line", ev.Recipient, len(ev.Text))
		}
	}
	if got, want := strings.Join(rcpts, " "), "a@example.com skipped c@example.com d@example.com"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if st := r.Stats(); st.Lines != 4 || st.Skipped[parser.ErrLineTooLong] != 1 {
		t.Errorf("stats = %+v", st)
	}
	// A small limit applies to lines that fit the buffer too.
	r = NewReader(strings.NewReader(status("e@example.com", "short")), "small", Options{MaxLineLength: 50})
	if _, err := r.Next(); !errors.Is(err, parser.ErrLineTooLong) {
		t.Errorf("MaxLineLength 50: got %v, want ErrLineTooLong", err)
	}
}

// TestGzip reads a gzip'ed copy through parser.Open, then a copy cut in
// half: the events before the cut come out, then a final error naming the
// source and the line.
func TestGzip(t *testing.T) {
	plain, err := os.ReadFile("../../fixtures/postfix/maillog")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readAll(t, NewReader(bytes.NewReader(plain), "maillog", goldenOpts))

	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write(plain)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gz := filepath.Join(dir, "maillog.1.gz")
	if err := os.WriteFile(gz, zbuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := parser.Open(gz, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	got, _ := readAll(t, NewReader(in, "maillog", goldenOpts))
	if len(got) != len(want) {
		t.Fatalf("gzip: %d events, plain: %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("event %d: gzip %+v, plain %+v", i, got[i], want[i])
		}
	}

	cut := filepath.Join(dir, "cut.gz")
	if err := os.WriteFile(cut, zbuf.Bytes()[:zbuf.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	in2, err := parser.Open(cut, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in2.Close()
	r := NewReader(in2, in2.Name, goldenOpts)
	n := 0
	var final error
	for {
		_, err := r.Next()
		if err == nil {
			n++
			continue
		}
		if parser.IsSkip(err) {
			continue
		}
		final = err
		break
	}
	if !errors.Is(final, io.ErrUnexpectedEOF) || !strings.HasPrefix(final.Error(), cut+":") {
		t.Fatalf("final error %v, want %s:LINE: ... unexpected EOF", final, cut)
	}
	if n == 0 || n >= len(want) {
		t.Errorf("%d events before the cut, want some of %d", n, len(want))
	}
	line := r.Stats().Lines + 1
	if !strings.HasPrefix(final.Error(), fmt.Sprintf("%s:%d: ", cut, line)) {
		t.Errorf("final error %q does not name line %d", final, line)
	}
	if _, err := r.Next(); err != final {
		t.Errorf("Next after a final error = %v, want it again", err)
	}
}

// TestSamples reads the shared real-world samples: none may end with a
// final error, and for a few checked by hand the counts are pinned.
func TestSamples(t *testing.T) {
	dir := "../../../shared/samples/postfix"
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Skip("no samples in", dir)
	}
	// Counted by reading the files: status= words per to= line, expired
	// recipients from the deferred lines before the qmgr expired line,
	// rejects with a to=<...>.
	want := map[string]map[parser.Status]int{
		"lightmeterio_ControlCenter__18_expired.log":                         {parser.StatusSent: 2, parser.StatusDeferred: 5, parser.StatusExpired: 1},
		"lightmeterio_ControlCenter__1_bounce_simple.log":                    {parser.StatusSent: 2, parser.StatusBounced: 1},
		"lightmeterio_ControlCenter__14_reuse_of_queueid.log":                {parser.StatusSent: 67},
		"lightmeterio_ControlCenter__2_multiple_recipients_some_bounces.log": {parser.StatusSent: 8, parser.StatusBounced: 3},
		"lightmeterio_ControlCenter__6_deferred_message_retry.log":           {parser.StatusSent: 6, parser.StatusDeferred: 1},
		"lightmeterio_ControlCenter__17-smtpd-reject-with-milter-reject.log": {parser.StatusRejected: 3},
		"lightmeterio_ControlCenter__complete_mail.log":                      {parser.StatusSent: 372, parser.StatusBounced: 1, parser.StatusRejected: 8},
		"fail2ban_fail2ban__postfix.log":                                     {parser.StatusRejected: 20},
		"youyo_postfix-log-parser__test-iso8601.log":                         {parser.StatusSent: 4},
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := NewReader(f, name, Options{Year: 2024})
			evs, skipped := readAll(t, r)
			for _, ev := range evs {
				if ev.Recipient == "" || ev.Status == parser.StatusUnknown || ev.Line < 1 || ev.Time.IsZero() {
					t.Errorf("ill-formed event %+v", ev)
				}
			}
			if skipped != 0 {
				t.Errorf("%d records skipped", skipped)
			}
			w, ok := want[name]
			if !ok {
				return
			}
			got := countStatus(evs)
			for _, st := range []parser.Status{parser.StatusSent, parser.StatusDeferred, parser.StatusBounced, parser.StatusExpired, parser.StatusRejected} {
				if got[st] != w[st] {
					t.Errorf("%v: %d events, want %d", st, got[st], w[st])
				}
			}
		})
	}
}

// TestReuseOfQueueID checks on the real sample that the second message of
// a reused queue id gets its own sender and Message-ID.
func TestReuseOfQueueID(t *testing.T) {
	path := "../../../shared/samples/postfix/lightmeterio_ControlCenter__14_reuse_of_queueid.log"
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	evs, _ := readAll(t, NewReader(f, "reuse", Options{Year: 2019}))
	var ids []string
	for _, ev := range evs {
		if ev.QueueID == "BABABABABA" {
			ids = append(ids, ev.MessageID)
		}
	}
	want := []string{
		"h-b36847e73153e9ac645ba7cb2050cae3@h-5e67b9b4406.com",
		"h-ae29580097c1f26a25dab61b5e690cfd@h-5e67b9b4406.com",
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("Message-IDs of BABABABABA = %q, want %q", ids, want)
	}
}

// TestGenlog parses the shared benchmark generator's output, if python3 and
// the script are there.
func TestGenlog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	for _, format := range []string{"classic", "iso"} {
		t.Run(format, func(t *testing.T) {
			path := genlog(t, dir, format, "--lines", "60000")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r := NewReader(bytes.NewReader(data), format, Options{Year: 2026})
			evs, skipped := readAll(t, r)
			st := r.Stats()
			got := countStatus(evs)
			t.Logf("%s: %d lines, events %v, stats %+v", format, st.Lines, got, st)
			if skipped != 0 || st.Unparsed != 0 {
				t.Errorf("%d skipped, %d unparsed lines, want none", skipped, st.Unparsed)
			}
			if st.Lines != 60000 {
				t.Errorf("%d lines read, want 60000", st.Lines)
			}
			// Every status= line of a delivery agent is one event.
			var long int
			lines := map[parser.Status]int{}
			for _, l := range bytes.Split(data, []byte("\n")) {
				if len(l) > 64<<10 {
					long++
				}
				i := bytes.Index(l, []byte(", status="))
				if i < 0 || !bytes.Contains(l, []byte(" to=<")) {
					continue
				}
				w := l[i+len(", status="):]
				if sp := bytes.IndexByte(w, ' '); sp >= 0 {
					w = w[:sp]
				}
				s, _ := postfixStatus(w)
				lines[s]++
			}
			if long == 0 {
				t.Error("no line over 64 KiB in the generated log")
			}
			for _, s := range []parser.Status{parser.StatusSent, parser.StatusDeferred, parser.StatusBounced} {
				if got[s] != lines[s] {
					t.Errorf("%v: %d events, %d lines", s, got[s], lines[s])
				}
			}
			for _, s := range []parser.Status{parser.StatusSent, parser.StatusDeferred, parser.StatusBounced, parser.StatusExpired, parser.StatusRejected} {
				if got[s] == 0 {
					t.Errorf("no %v events", s)
				}
			}
		})
	}
}

// genlog runs the shared generator into dir and returns the file name; it
// skips the test when python3 or the script is missing.
func genlog(tb testing.TB, dir, format string, size ...string) string {
	tb.Helper()
	path, err := runGenlog(dir, format, size...)
	if errors.Is(err, errNoGenlog) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

var errNoGenlog = errors.New("python3 or ../../../shared/bench/genlog.py missing")

// runGenlog writes genlog.py's log of the given size (--lines N or --mb N)
// with seed 1 into dir.
func runGenlog(dir, format string, size ...string) (string, error) {
	script := "../../../shared/bench/genlog.py"
	if _, err := os.Stat(script); err != nil {
		return "", errNoGenlog
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		return "", errNoGenlog
	}
	out := filepath.Join(dir, "gen-"+format+".log")
	args := append([]string{script}, size...)
	args = append(args, "--seed", "1", "--format", format, "--out", out)
	if msg, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("genlog: %v\n%s", err, msg)
	}
	return out, nil
}

func TestQueueTableCap(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "Nov 23 10:00:00 mail postfix/qmgr[1]: Q%08X: from=<s%d@example.com>, size=1, nrcpt=1 (queue active)\n", i, i)
	}
	fmt.Fprintf(&b, "Nov 23 10:00:01 mail postfix/smtp[2]: Q%08X: to=<r@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n", 0)
	fmt.Fprintf(&b, "Nov 23 10:00:01 mail postfix/smtp[2]: Q%08X: to=<r@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n", 49)
	r := NewReader(strings.NewReader(b.String()), "cap", Options{Year: 2026, MaxQueueIDs: 10})
	evs, _ := readAll(t, r)
	if len(evs) != 2 || evs[0].Sender != "" || evs[1].Sender != "s49@example.com" {
		t.Errorf("events %+v: want the oldest queue id forgotten, the newest kept", evs)
	}
	if st := r.Stats(); st.OpenQueueIDs != 10 || st.Evicted != 40 {
		t.Errorf("stats %+v, want 10 open, 40 evicted", st)
	}
	// Removed entries do not pile up in the creation order.
	b.Reset()
	for i := range 100000 {
		fmt.Fprintf(&b, "Nov 23 10:00:00 mail postfix/qmgr[1]: Q%08X: from=<s@example.com>, size=1, nrcpt=1 (queue active)\nNov 23 10:00:00 mail postfix/qmgr[1]: Q%08X: removed\n", i, i)
	}
	r = NewReader(strings.NewReader(b.String()), "churn", Options{Year: 2026})
	readAll(t, r)
	if n := len(r.queue.order); n > 4096 {
		t.Errorf("creation order holds %d refs for %d open ids", n, len(r.queue.m))
	}
}
