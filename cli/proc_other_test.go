//go:build !windows

package cli_test

import (
	"os"
	"os/exec"
)

// interruptible prepares cmd, before Start, for interrupt.
func interruptible(*exec.Cmd) {}

// interrupt is a cashier's Ctrl+C to cmd: SIGINT.
func interrupt(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }
