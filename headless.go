//go:build headless

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/cli"
)

// windowName is the desktop build's file name where the headless build is
// installed as `wxpos` (the .deb: /usr/bin/wxpos and
// /usr/lib/wxpos/wxpos-window). Every command is then the headless
// build's, which starts in about two thirds of the time, and `wxpos` alone
// still opens the till.
const windowName = "wxpos-window"

// errHeadless is what the headless build says where the window would open
// and no desktop build is installed beside it; on Windows, where the zip
// holds both, it names the window's file.
var errHeadless = errors.New(headlessText())

func headlessText() string {
	if runtime.GOOS == "windows" {
		return "this is wxpos-cli.exe, the headless build: every command, no window; the till is wxpos.exe: wxpos-cli.exe --help"
	}
	return "this wxpos is the headless build (-tags headless): every command, no window; the till needs the desktop build, installed as " + windowName + " beside it or in ../lib/wxpos/: wxpos --help"
}

// runWindow has no window to run in the headless build.
func runWindow(context.Context, *cli.Env) error {
	return &cli.ExitError{Code: cli.ExitFailure, Err: errHeadless}
}

// handOff gives the command line to the desktop build when it asks for the
// window (no command) and one is installed: exec, so the till keeps this
// process (a systemd unit's main PID) and nothing of this one — no
// database opened, no lock taken — stands in its way. It returns only
// when there is nothing to hand off to.
func handOff(root *cobra.Command, args []string) {
	if cmd, _, _ := root.Find(args); cmd != root || runtime.GOOS == "windows" {
		return // a command, or Windows, where wxpos.exe is the window and wxpos-cli.exe this build
	}
	if bin := windowBinary(); bin != "" {
		err := syscall.Exec(bin, append([]string{os.Args[0]}, args...), os.Environ())
		// Exec returned: the file is there but would not run. Say so
		// rather than the headless message, which would send one looking
		// for a binary that is installed.
		os.Stderr.WriteString("wxpos: cannot start the window " + bin + ": " + err.Error() + "\n")
		os.Exit(cli.ExitFailure)
	}
}

// windowBinary is the desktop build installed with this one: beside it
// (an unpacked build) or in ../lib/wxpos/ (the .deb), found through
// symlinks; "" when there is none.
func windowBinary() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Dir(exe)
	for _, p := range []string{filepath.Join(dir, windowName), filepath.Join(dir, "..", "lib", "wxpos", windowName)} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}
