//go:build !windows && !plan9 && !js && !wasip1 && !aix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestReadOnlyOpenOfKilledStoreInUse: a read-only open removes the empty
// log file a killed scan left only while no other process has the store
// open. A writer's lock makes it fail as in use; another reader's lock
// makes it fail with an error that names the file and says that the
// next scan removes it. The file stays in both cases, and the store
// opens once the other process is gone.
func TestReadOnlyOpenOfKilledStoreInUse(t *testing.T) {
	db, dir := openT(t)
	ingest(t, db, synth(50, 35))
	want := snap(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "00009.mem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		how  int    // the other process's lock
		want string // in the error
	}{
		{"writer", unix.LOCK_EX, ""},
		{"reader", unix.LOCK_SH, "left empty log files (00009.mem), not removable now"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := unix.Flock(int(f.Fd()), tt.how|unix.LOCK_NB); err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir, Options{ReadOnly: true})
			unix.Flock(int(f.Fd()), unix.LOCK_UN)
			switch {
			case err == nil:
				t.Fatal("read-only open succeeded while the store was in use")
			case tt.want == "" && !errors.Is(err, ErrLocked):
				t.Fatalf("error %v, want ErrLocked", err)
			case !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
			if _, err := os.Stat(empty); err != nil {
				t.Fatalf("the empty file went while the store was in use: %v", err)
			}
		})
	}
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	sameSnapshot(t, snap(t, ro), want)
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the empty file is still there (%v)", err)
	}
}
