//go:build !windows && !plan9 && !js && !wasip1 && !aix

package store

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// withExclusiveLock runs fn while it holds an exclusive flock of dir:
// the lock Badger takes on a store directory (shared for a read-only
// open, exclusive otherwise), so fn runs only while no other process has
// the store open, and none can open it until fn returns.
func withExclusiveLock(dir string, fn func() error) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return fmt.Errorf("locking %s: %w", dir, err)
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return fn()
}
