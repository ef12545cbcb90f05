// Command bouncelens tells mail operators what their bounces mean and what
// to do about them. It scans Postfix logs and bounce messages into an
// embedded Badger store and reports from it. Run "bouncelens help" for the
// commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first interrupt asks the command to stop cleanly (a scan
		// commits what it read). A second one kills it at once: a scan
		// blocked reading a pipe that stays open, or a long commit, must
		// not make Ctrl-C useless. The store keeps its committed
		// checkpoints either way; the next scan redoes the rest.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}
