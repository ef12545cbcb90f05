//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSecondInterruptStopsAtOnce: a scan of standard input that waits for
// more input on a pipe that stays open does not stop at the first
// interrupt (it cannot commit what it has not finished reading), and the
// second one kills it at once. The store keeps the checkpoints it
// committed: a scan of the same input afterwards gives the report of one
// clean scan.
func TestSecondInterruptStopsAtOnce(t *testing.T) {
	content := testLog(t, 20000)
	ref := t.TempDir()
	if r := bin(t, ref, content, "scan", "--year", "2026", "-"); r.code != 0 {
		t.Fatalf("clean scan: exit %d\n%s", r.code, r.stderr)
	}
	want := fullReport(t, ref)

	db := t.TempDir()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	cmd := exec.Command(binPath, "scan", "--year", "2026", "--checkpoint", "2000", "-")
	cmd.Env = append(os.Environ(), "BOUNCELENS_DB="+db)
	cmd.Stdin = pr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if _, err := pw.Write(content); err != nil { // and the pipe stays open
		t.Fatal(err)
	}
	// Once the store is open, main's signal handling is in place.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(db, "MANIFEST")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the scan did not open its store in 10 s")
		}
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		// (If a first interrupt ever ends such a read, this test
		// needs a scan that waits some other way.)
		t.Fatalf("the scan ended at the first interrupt (%v), while it waited for input", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
			t.Fatalf("after the second interrupt: %v, want killed by SIGINT", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the scan still ran 10 s after the second interrupt")
	}
	if r := bin(t, db, content, "scan", "--year", "2026", "-"); r.code != 0 {
		t.Fatalf("scan after the kill: exit %d\n%s", r.code, r.stderr)
	}
	if got := fullReport(t, db); got != want {
		t.Fatalf("report after the kill and a new scan differs from one clean scan:\n%s\nwant:\n%s", clip(got), clip(want))
	}
}
