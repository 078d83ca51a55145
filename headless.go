//go:build headless

package main

import (
	"context"
	"errors"

	"github.com/wxpos/wxpos/cli"
)

// errHeadless is what the headless build says where the window would open.
var errHeadless = errors.New("this wxpos is the headless build (-tags headless): every command, no window; the till needs the desktop build: wxpos --help")

// runWindow has no window to run in the headless build.
func runWindow(context.Context, *cli.Env) error {
	return &cli.ExitError{Code: cli.ExitFailure, Err: errHeadless}
}
