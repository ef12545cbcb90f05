package store

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing the range's
// dirty pages, do not wait for them.
const syncFileRangeWrite = 0x2

// startWriteback starts writing f's bytes [off, off+n) to disk and
// returns without waiting. It is a hint: the commit's fsync is what makes
// them durable, and errors are left to it.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SyncFileRange(int(fd), off, n, syncFileRangeWrite)
	})
}
