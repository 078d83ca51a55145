package cli_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// childWait bounds every wait on a child process in these tests: a child
// that does not end within it is killed and the test fails, instead of
// the test binary hanging until its -timeout.
const childWait = time.Minute

// waitChild waits for cmd to end, at most childWait; past that it kills it
// and fails the test with what the child was. It returns cmd.Wait's error.
func waitChild(t testing.TB, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(childWait):
		killErr := cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not end within %v (killed: %v)", cmd.Args[1:], childWait, killErr)
		return nil
	}
}

// killChild kills cmd's process (SIGKILL; TerminateProcess on Windows) and
// waits for it, bounded by childWait. A process that has already ended is
// not an error; a kill that fails is.
func killChild(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill %v: %v", cmd.Args[1:], err)
	}
	waitChild(t, cmd)
}

// setConfigHome points the user config directory (os.UserConfigDir: the
// config file, the training books) at dir for this test, on every system:
// $XDG_CONFIG_HOME on Linux, %AppData% on Windows.
func setConfigHome(t testing.TB, dir string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("AppData", dir)
}

// configHomeEnv is setConfigHome for a child process's environment.
func configHomeEnv(dir string) []string {
	return []string{"XDG_CONFIG_HOME=" + dir, "AppData=" + dir}
}

// runChild is cmd.Run with its wait bounded by childWait.
func runChild(t testing.TB, cmd *exec.Cmd) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		return err
	}
	return waitChild(t, cmd)
}

// outputOf is cmd.Output (or, combined, cmd.CombinedOutput) with its wait
// bounded by childWait. With combined false a Stderr the caller set is
// kept.
func outputOf(t testing.TB, cmd *exec.Cmd, combined bool) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout = &out
	if combined {
		cmd.Stderr = &out
	}
	err := runChild(t, cmd)
	return out.Bytes(), err
}
