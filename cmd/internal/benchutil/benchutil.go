// Package benchutil holds what the benchmark commands (cmd/benchscan,
// cmd/benchdecode) share: the module root, medians and the peak RSS of a
// child process.
package benchutil

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
)

// ModuleRoot returns the directory of the go.mod above the working
// directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory: run the benchmark inside the bouncelens module")
		}
		dir = up
	}
}

// Median returns the median of xs (the mean of the two middle values for
// an even count), 0 for none. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// PeakRSS returns the peak resident set size of a finished process in
// bytes, or 0 when the system does not report it. The field is read by
// name (Maxrss of *syscall.Rusage) so that the commands build where
// syscall has no Rusage; Linux reports KiB, Darwin bytes.
func PeakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	v := reflect.ValueOf(ps.SysUsage())
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0
	}
	f := v.FieldByName("Maxrss")
	if !f.IsValid() || !f.CanInt() {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return f.Int()
	}
	return f.Int() * 1024
}

// Tail returns the last n bytes of s, marked with "..." when cut.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
