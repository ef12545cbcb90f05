package postfix

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sentLine is a delivery line at a classic stamp ("Dec 30 10:00:00").
func sentLine(stamp string, n int) string {
	return fmt.Sprintf("%s mail postfix/smtp[1]: 3F2A81C0D2: to=<r%d@example.com>, relay=none, dsn=2.0.0, status=sent (ok)\n", stamp, n)
}

// writeLog writes a log file with the given modification time and returns
// its path and the mtime as os.Stat reports it (in time.Local).
func writeLog(t *testing.T, path, content string, mtime time.Time) time.Time {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// scanFile reads path from offset on, with Now the file's mtime and the
// state of the scan before (nil for the first), as the scan command does.
func scanFile(t *testing.T, path string, offset int64, state []byte, now time.Time) (years []string, next int64, st []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	r := NewReader(f, filepath.Base(path), Options{Now: func() time.Time { return now }, HoldPartial: true})
	if state != nil {
		if err := r.Restore(state); err != nil {
			t.Fatal(err)
		}
	}
	evs, _ := readAll(t, r)
	for _, ev := range evs {
		years = append(years, ev.Time.Format("Jan 2 2006"))
	}
	st, err = r.State()
	if err != nil {
		t.Fatal(err)
	}
	return years, r.Offset(), st
}

// TestYearFromMtime checks the year rule (Options.Year) when Now is the
// file's modification time, which is the time of its last line: a log
// that crosses New Year, a rotated file a year old, and a log scanned in
// two parts on two nights, its December part before New Year and its
// January part after.
func TestYearFromMtime(t *testing.T) {
	dir := t.TempDir()
	local := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.Local) }

	dec := sentLine("Dec 30 10:00:00", 1) + sentLine("Dec 31 23:59:59", 2)
	jan := sentLine("Jan  1 00:00:01", 3) + sentLine("Jan  2 11:00:00", 4)

	t.Run("a log crossing New Year", func(t *testing.T) {
		path := filepath.Join(dir, "mail.log.1")
		mtime := writeLog(t, path, dec+jan, local(2027, time.January, 2, 12))
		years, _, _ := scanFile(t, path, 0, nil, mtime)
		if got, want := strings.Join(years, ", "), "Dec 30 2026, Dec 31 2026, Jan 1 2027, Jan 2 2027"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("a rotated file a year old", func(t *testing.T) {
		path := filepath.Join(dir, "mail.log.52")
		log := sentLine("Mar  1 08:00:00", 1) + sentLine("Mar 19 23:00:00", 2)
		mtime := writeLog(t, path, log, local(2025, time.March, 20, 0))
		years, _, _ := scanFile(t, path, 0, nil, mtime)
		if got, want := strings.Join(years, ", "), "Mar 1 2025, Mar 19 2025"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("a December and a January part on two nights", func(t *testing.T) {
		path := filepath.Join(dir, "mail.log")
		mtime1 := writeLog(t, path, dec+jan[:20], local(2026, time.December, 31, 23)) // a partial line at the end
		years1, off, state := scanFile(t, path, 0, nil, mtime1)
		mtime2 := writeLog(t, path, jan[20:], local(2027, time.January, 2, 12))
		years2, end, _ := scanFile(t, path, off, state, mtime2)
		if got, want := strings.Join(append(years1, years2...), ", "), "Dec 30 2026, Dec 31 2026, Jan 1 2027, Jan 2 2027"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		if fi, _ := os.Stat(path); end != fi.Size() {
			t.Errorf("second scan ends at %d of %d bytes", end, fi.Size())
		}
		// The year is in the state: a continuation does not guess again,
		// whatever Now says.
		years3, _, _ := scanFile(t, path, off, state, local(2031, time.June, 1, 0))
		if got, want := strings.Join(years3, ", "), "Jan 1 2027, Jan 2 2027"; got != want {
			t.Errorf("with Now in 2031: got %s, want %s", got, want)
		}
	})
}
