package cli_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReplicateWaitsForAServerDownAtStart: replicate without --once, as its
// help says, keeps retrying while PostgreSQL is down — also when it is down
// at start — and stops cleanly on an interrupt.
func TestReplicateWaitsForAServerDownAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two retries")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "--data", filepath.Join(dir, "data"), "replicate",
		"--dsn", "postgres://wxpos@127.0.0.1:1/wxpos?sslmode=disable&connect_timeout=1")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), configHomeEnv(filepath.Join(dir, "xdg"))...)
	interruptible(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := false
	t.Cleanup(func() {
		if !ended {
			killChild(t, cmd)
		}
	})
	// A child that goes quiet is killed, which ends the scan below.
	quiet := time.AfterFunc(childWait, func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stderr)
	retries := 0
	var seen []string
	for retries < 2 && lines.Scan() {
		seen = append(seen, lines.Text())
		if strings.Contains(lines.Text(), "PostgreSQL not reachable") && strings.Contains(lines.Text(), "retrying in") {
			retries++
		}
	}
	quiet.Stop()
	if retries < 2 {
		ended = true
		waitChild(t, cmd)
		t.Fatalf("replicate gave up while the server was down; stderr:\n%s", strings.Join(seen, "\n"))
	}
	if err := interrupt(cmd); err != nil {
		t.Fatalf("interrupt: %v", err)
	}
	go func() {
		for lines.Scan() {
		}
	}()
	ended = true
	if err := waitChild(t, cmd); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("after an interrupt: %v", err)
		}
	}
}
