//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestPINFromTerminal: on a terminal, staff setup says what it asks for,
// twice, and the PINs typed are not echoed; a refund on books without
// users points to staff setup instead of "wrong name or PIN".
// ttyScreen is a pseudo-terminal: tty is the side a command reads and
// writes, waitFor reads what a person would see on the screen.
type ttyScreen struct {
	t      *testing.T
	ptm    *os.File
	tty    *os.File
	screen chan string
	seen   strings.Builder
}

func newTTY(t *testing.T) *ttyScreen {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptm.Close(); tty.Close() })
	s := &ttyScreen{t: t, ptm: ptm, tty: tty, screen: make(chan string, 64)}
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := ptm.Read(buf)
			if n > 0 {
				s.screen <- string(buf[:n])
			}
			if err != nil {
				close(s.screen)
				return
			}
		}
	}()
	return s
}

func (s *ttyScreen) waitFor(want string) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(s.seen.String(), want) {
		select {
		case chunk, ok := <-s.screen:
			if !ok {
				s.t.Fatalf("terminal closed before %q; saw %q", want, s.seen.String())
			}
			s.seen.WriteString(chunk)
		case <-deadline:
			s.t.Fatalf("no %q on the terminal; saw %q", want, s.seen.String())
		}
	}
}

// typePIN sends a PIN once the terminal no longer echoes, as a person
// would after the prompt.
func (s *ttyScreen) typePIN(pin string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(int(s.tty.Fd()), unix.TCGETS)
		if err != nil {
			s.t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatal("echo never turned off for the PIN")
		}
		time.Sleep(time.Millisecond) // waiting on the other goroutine's ioctl, not on a result
	}
	io.WriteString(s.ptm, pin+"\n")
}

// execTTY runs a command line with stdin and stderr on the terminal.
func execTTY(t *testing.T, s *ttyScreen, args ...string) (int, string) {
	root := cli.NewRoot(func(context.Context, *cli.Env) error { t.Error("the UI was started"); return nil })
	var out bytes.Buffer
	root.SetIn(s.tty)
	root.SetOut(&out)
	root.SetErr(s.tty)
	root.SetArgs(args)
	return cli.Execute(context.Background(), root), out.String()
}

// TestPINFromTerminal: on a terminal, staff setup says what it asks for,
// twice, and the PINs typed are not echoed; a refund on books without
// users points to staff setup instead of "wrong name or PIN".
func TestPINFromTerminal(t *testing.T) {
	setConfigHome(t, t.TempDir()) // training books
	s := newTTY(t)
	data := t.TempDir()

	code, _ := execTTY(t, s, "--data", data, "refund", "PS1-T1-00000001", "--full", "--reason", "r", "--manager", "boss")
	s.waitFor("wxpos staff setup NAME")
	if code != cli.ExitFailure {
		t.Fatalf("refund without users: exit %d", code)
	}

	done := make(chan struct{})
	var setupCode int
	var setupOut string
	go func() {
		setupCode, setupOut = execTTY(t, s, "--data", data, "staff", "setup", "boss")
		close(done)
	}()
	s.waitFor("new PIN for boss: ")
	s.typePIN("2468")
	s.waitFor("the same PIN again, to confirm: ")
	s.typePIN("2468")
	<-done
	if setupCode != 0 || !strings.Contains(setupOut, "manager boss created") {
		t.Fatalf("staff setup: exit %d %q; terminal %q", setupCode, setupOut, s.seen.String())
	}
	if strings.Contains(s.seen.String(), "2468") {
		t.Fatalf("the PIN was echoed: %q", s.seen.String())
	}
}

// TestProgressOnTerminal: a payment shows its steps on a terminal's stderr
// while stdout stays one JSON object; off a terminal stderr stays empty.
func TestProgressOnTerminal(t *testing.T) {
	setConfigHome(t, t.TempDir()) // training books
	data := t.TempDir()
	s := newTTY(t)
	code, out := execTTY(t, s, "--data", data, "pay", "--fen", "1", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")
	var p payOut
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	s.waitFor(p.OutTradeNo + "  SUBMITTING → PAID")

	code, out, errOut := run(t, "--data", data, "pay", "--fen", "1", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")
	if code != 0 || errOut != "" || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("off a terminal: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
