package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// dropValueLogPages tells the kernel that this process does not need the
// pages of Badger's value log files it has mapped: their data stays in
// the page cache (the mappings are shared: nothing is lost, dirty pages
// are written back as usual), but they no longer count in the process's
// RSS until they are touched again. Badger writes and reads its value log
// through mappings of the files and keeps every file mapped until Close;
// a checkpoint's commit writes its recipient states there, so without
// this a scan's RSS grew by the states of each checkpoint (208 MiB of
// value log pages after 3 GB of log).
//
// The caller must make sure that no Badger write is in flight (DB.dropPages
// holds vlogMu): a write that fills a file remaps it, and madvise must not
// reach memory mapped anew at an old address. Only the value log is
// dropped: tables are mapped and unmapped by Badger's own goroutines at
// any time.
func dropValueLogPages(dir string) {
	adviseMapped(dir, ".vlog", unix.MADV_DONTNEED)
}

// pageOutTables asks the kernel to reclaim the pages of Badger's table
// files that this process has mapped (MADV_PAGEOUT): Badger builds each
// table through a mapping and keeps it mapped while the table lives, so
// the tables' pages stayed in the RSS and grew with the store (94 MiB
// after 4 GB of log). Unlike MADV_DONTNEED, MADV_PAGEOUT loses nothing
// whatever the range holds: Badger's goroutines may unmap a table, and
// something else be mapped at its address, between the read of the maps
// and the call, and reclaimed memory is read back when touched (a
// private page is swapped, or kept when there is no swap). Clean table
// pages leave the page cache too: a later read of them goes to the disk.
func pageOutTables(dir string) {
	adviseMapped(dir, ".sst", unix.MADV_PAGEOUT)
}

// adviseMapped calls madvise with advice on this process's shared
// mappings of the files below dir whose names end in suffix.
func adviseMapped(dir, suffix string, advice int) {
	if dir == "" {
		return
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	prefix := []byte(abs + string(filepath.Separator))
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode path
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || !bytes.HasPrefix(f[5], prefix) || !bytes.HasSuffix(f[5], []byte(suffix)) {
			continue
		}
		if len(f[1]) < 4 || f[1][3] != 's' { // shared mappings only
			continue
		}
		lo, hi, ok := bytes.Cut(f[0], []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), uintptr(advice))
	}
}
