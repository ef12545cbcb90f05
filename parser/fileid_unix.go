//go:build unix

package parser

import (
	"os"
	"syscall"
)

// fileID returns the device and inode numbers of fi.
func fileID(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino)
	}
	return 0, 0
}
