//go:build !linux

package store

// dropValueLogPages does nothing here (see mapped_linux.go).
func dropValueLogPages(string) {}

// pageOutTables does nothing here (see mapped_linux.go).
func pageOutTables(string) {}
