//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/wxpos/wxpos/cli"
)

// TestPINFromTerminal: on a terminal, staff setup says what it asks for,
// twice, and the PINs typed are not echoed; a refund on books without
// users points to staff setup instead of "wrong name or PIN".
func TestPINFromTerminal(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // training books
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	defer tty.Close()

	screen := make(chan string, 64) // what the person at the terminal sees
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := ptm.Read(buf)
			if n > 0 {
				screen <- string(buf[:n])
			}
			if err != nil {
				close(screen)
				return
			}
		}
	}()
	var seen strings.Builder
	waitFor := func(s string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for !strings.Contains(seen.String(), s) {
			select {
			case chunk, ok := <-screen:
				if !ok {
					t.Fatalf("terminal closed before %q; saw %q", s, seen.String())
				}
				seen.WriteString(chunk)
			case <-deadline:
				t.Fatalf("no %q on the terminal; saw %q", s, seen.String())
			}
		}
	}
	// type sends a PIN once the terminal no longer echoes, as a person
	// would after the prompt.
	typePIN := func(pin string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if tio.Lflag&unix.ECHO == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("echo never turned off for the PIN")
			}
			time.Sleep(time.Millisecond) // waiting on the other goroutine's ioctl, not on a result
		}
		io.WriteString(ptm, pin+"\n")
	}

	data := t.TempDir()
	exec := func(args ...string) (int, string) {
		root := cli.NewRoot(func(context.Context, *cli.Env) error { t.Fatal("the UI was started"); return nil })
		var out bytes.Buffer
		root.SetIn(tty)
		root.SetOut(&out)
		root.SetErr(tty)
		root.SetArgs(append([]string{"--data", data}, args...))
		return cli.Execute(context.Background(), root), out.String()
	}

	code, _ := exec("refund", "PS1-T1-00000001", "--full", "--reason", "r", "--manager", "boss")
	waitFor("wxpos staff setup NAME")
	if code != cli.ExitFailure {
		t.Fatalf("refund without users: exit %d", code)
	}

	done := make(chan struct{})
	var setupCode int
	var setupOut string
	go func() {
		setupCode, setupOut = exec("staff", "setup", "boss")
		close(done)
	}()
	waitFor("new PIN for boss: ")
	typePIN("2468")
	waitFor("the same PIN again, to confirm: ")
	typePIN("2468")
	<-done
	if setupCode != 0 || !strings.Contains(setupOut, "manager boss created") {
		t.Fatalf("staff setup: exit %d %q; terminal %q", setupCode, setupOut, seen.String())
	}
	if strings.Contains(seen.String(), "2468") {
		t.Fatalf("the PIN was echoed: %q", seen.String())
	}
}
