//go:build windows || plan9 || js || wasip1 || aix

package store

import (
	"errors"
	"fmt"
)

// withExclusiveLock does not run fn here: Badger locks a store directory
// differently on these systems, and a read-only open leaves the store's
// files to the next scan.
func withExclusiveLock(dir string, fn func() error) error {
	return fmt.Errorf("locking %s: %w", dir, errors.ErrUnsupported)
}
