package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// mappedDir returns dir as /proc/self/maps names the files below it: an
// absolute path without symbolic links; "" for a store in memory.
func mappedDir(dir string) string {
	if dir == "" {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs
}

// releaseMappedPages takes the pages of the store's files that this
// process has mapped out of its RSS, in one pass over /proc/self/maps;
// those of the tables only if tablesOnly.
// Badger reads and writes its value log and tables through shared
// mappings of the files and keeps them mapped (the value log until
// Close, a table while it lives): without this a scan's RSS grew with
// each checkpoint (208 MiB of value log pages after 3 GB of log, 94 MiB
// of tables after 4 GB).
//
// The value log's pages get MADV_DONTNEED: their data stays in the page
// cache (the mappings are shared: nothing is lost, dirty pages are
// written back as usual), and they come back when touched. The caller
// must make sure that no Badger write is in flight (DB.dropPages holds
// vlogMu): a write that fills a file remaps it, and MADV_DONTNEED must
// not reach memory mapped anew at an old address.
//
// The tables' pages get MADV_PAGEOUT: Badger's own goroutines map and
// unmap tables at any time, so something else may be mapped at a table's
// old address between the read of the maps and the call. MADV_PAGEOUT
// loses nothing whatever the range holds (a private page is swapped, or
// kept when there is no swap). Clean table pages leave the page cache
// too: a later read of them goes to the disk.
func releaseMappedPages(dir string, tablesOnly bool) {
	if dir == "" {
		return
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	prefix := []byte(dir + string(filepath.Separator))
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// start-end perms offset dev inode path
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || !bytes.HasPrefix(f[5], prefix) {
			continue
		}
		var advice int
		switch {
		case bytes.HasSuffix(f[5], []byte(".vlog")) && !tablesOnly:
			advice = unix.MADV_DONTNEED
		case bytes.HasSuffix(f[5], []byte(".sst")):
			advice = unix.MADV_PAGEOUT
		default:
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

// mappedResident returns the bytes of file-backed pages resident in this
// process (the shared field of /proc/self/statm: the store's mappings and
// the executable's), 0 if unknown.
func mappedResident() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 3 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[2]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
