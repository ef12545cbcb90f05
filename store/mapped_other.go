//go:build !linux

package store

// mappedDir returns "": there is nothing to release here (see
// mapped_linux.go).
func mappedDir(string) string { return "" }

// releaseMappedPages does nothing here (see mapped_linux.go).
func releaseMappedPages(string, bool) {}

// mappedResident returns 0: nothing is measured here (see mapped_linux.go).
func mappedResident() int64 { return 0 }
