package mbox

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsMaildir reports whether dir looks like a Maildir: it has a cur/ or new/
// subdirectory and at least two of cur/, new/ and tmp/ (a checked-out copy
// may lack an empty one).
func IsMaildir(dir string) bool {
	n, curOrNew := 0, false
	for _, sub := range []string{"cur", "new", "tmp"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			n++
			curOrNew = curOrNew || sub != "tmp"
		}
	}
	return curOrNew && n >= 2
}

// MaildirFiles returns the paths of the message files in the Maildir dir:
// the regular files in cur/ and new/, then those of each Maildir++ folder
// (a subdirectory ".Name" that is itself a Maildir), folders in name order.
// tmp/ is never read (files there are still being written); names starting
// with '.' are skipped. Files within a directory are sorted by name. A
// missing cur/ or new/ is not an error.
func MaildirFiles(dir string) ([]string, error) {
	files, err := maildirFiles(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries { // os.ReadDir sorts by name
		name := e.Name()
		if !e.IsDir() || len(name) < 2 || name[0] != '.' || name == ".." {
			continue
		}
		sub := filepath.Join(dir, name)
		if !IsMaildir(sub) {
			continue
		}
		more, err := maildirFiles(sub)
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
	}
	return files, nil
}

// maildirFiles lists cur/ and new/ of one Maildir.
func maildirFiles(dir string) ([]string, error) {
	var files []string
	for _, sub := range []string{"cur", "new"} {
		d := filepath.Join(dir, sub)
		entries, err := os.ReadDir(d)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			files = append(files, filepath.Join(d, n))
		}
	}
	return files, nil
}
