// Command wxpos is a WeChat Pay point-of-sale terminal. main only starts
// things: the command line lives in package cli, the window in package ui.
// Every part of the terminal (database, WeChat, payment core, scanner,
// printer, replication, the window's back end) is built in one place,
// cli/wiring.go; window.go only hands the window's parts to ui as Options.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"fyne.io/fyne/v2/app"

	"github.com/wxpos/wxpos/cli"
	_ "github.com/wxpos/wxpos/fynelocale" // before Fyne reads the locale: see its doc
	"github.com/wxpos/wxpos/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := cli.NewRoot(func(ctx context.Context, env *cli.Env) error {
		if err := needDisplay(); err != nil {
			return err
		}
		// The window runs all day and is idle most of it, and most of its
		// live heap is parsed font data that never changes: a quarter of
		// that is ample room for a sale's garbage (the soak measured 6 MB
		// less RSS than at 50%, for one more short GC every few sales).
		// Cap the total too, unless the operator tuned either.
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(25)
		}
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(128 << 20)
		}
		opts, err := windowOptions(ctx, env)
		if err != nil {
			return err
		}
		return ui.Run(ctx, app.NewWithID(cli.AppID), opts...)
	})
	code := cli.Execute(ctx, root)
	stop()
	os.Exit(code)
}
