// Command wxpos is a WeChat Pay point-of-sale terminal. main only starts
// things: the command line lives in package cli, the window in package ui.
// Every part of the terminal (database, WeChat, payment core, scanner,
// printer, replication, the window's back end) is built in one place,
// cli/wiring.go; window.go only hands the window's parts to ui as Options.
//
// Built with -tags headless (headless.go) it has every command but not the
// window: no Fyne, no GL or X11 libraries to install, and a CLI command
// starts in about two thirds of the time — the build for servers (hq,
// notify serve, sandbox) and for scripts that call wxpos per payment.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wxpos/wxpos/cli"
)

func main() {
	root := cli.NewRoot(runWindow)
	handOff(root, os.Args[1:]) // before any signal is caught: the window may take this process over
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, root)
	stop()
	os.Exit(code)
}
