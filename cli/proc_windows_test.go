package cli_test

import (
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/windows"
)

var (
	consoleOnce  sync.Once
	allocConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AllocConsole")
)

// interruptible starts cmd in a process group of its own, so that
// interrupt reaches it and not this test binary too, on a console this
// test binary shares with it: a Ctrl+Break is a console's event, and a test
// binary run with its output redirected (CI, Wine) may have no console,
// so it makes one (AllocConsole fails harmlessly when it has one).
func interruptible(cmd *exec.Cmd) {
	consoleOnce.Do(func() { allocConsole.Call() })
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// interrupt is Ctrl+Break to cmd's process group: Windows cannot signal a
// process (os.Process.Signal(os.Interrupt) fails there), and Go delivers a
// console's Ctrl+Break to signal.Notify as os.Interrupt.
func interrupt(cmd *exec.Cmd) error {
	return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(cmd.Process.Pid))
}
