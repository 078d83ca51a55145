package main

import (
	"errors"
	"os"
	"runtime"

	"github.com/wxpos/wxpos/cli"
)

// errNoDisplay is what `wxpos` says, instead of a GLFW panic and its stack,
// when there is no desktop session to open the window in.
var errNoDisplay = errors.New("no display: the window needs a desktop session; the CLI works without one: wxpos --help")

// needDisplay fails with errNoDisplay (exit 1) on a Unix desktop-less
// session: neither DISPLAY (X11) nor WAYLAND_DISPLAY is set. Windows and
// macOS always have one.
func needDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios":
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return &cli.ExitError{Code: cli.ExitFailure, Err: errNoDisplay}
	}
	return nil
}
