// Command wxpos is a WeChat Pay point-of-sale terminal. main only wires: the
// command line lives in package cli, the window in package ui, and wire.go
// connects the window to the payment core, scanner and printer.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"fyne.io/fyne/v2/app"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := cli.NewRoot(func(ctx context.Context, env *cli.Env) error {
		// The window runs all day and is idle most of it: trade a little
		// GC work for a heap that grows to 1.5× the live data instead of
		// 2×, and cap it, unless the operator tuned either.
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(50)
		}
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(128 << 20)
		}
		opts, err := uiOptions(ctx, env)
		if err != nil {
			return err
		}
		return ui.Run(ctx, app.NewWithID(cli.AppID), opts...)
	})
	code := cli.Execute(ctx, root)
	stop()
	os.Exit(code)
}
