package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/localapi"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// windowStandIn is the cashier window of a test child: it holds the
// database and the payment core as the window does, serves the CLI
// (cli.Serve, as Env.Window does), says so on stdout and runs until its
// standard input closes.
func windowStandIn(ctx context.Context, env *cli.Env) error {
	if _, err := env.Terminal(ctx); err != nil {
		return err
	}
	cli.Serve(env)
	fmt.Fprintln(env.Stdout, "serving", localapi.SocketPath(env.DataDir))
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// window starts the stand-in window on data and waits until it serves.
func window(t *testing.T, data, profile string) (stop func(), kill func()) {
	t.Helper()
	cmd := wxposProcess(t, data, profile)
	cmd.Env = append(cmd.Env, childEnv+"=window")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := false
	stop = func() { // the window's own way out: its input closes
		if !ended {
			ended = true
			stdin.Close()
			waitChild(t, cmd)
		}
	}
	kill = func() {
		if !ended {
			ended = true
			killChild(t, cmd)
		}
	}
	t.Cleanup(stop)
	quiet := time.AfterFunc(childWait, func() { cmd.Process.Kill() }) // ends the read below
	line, err := bufio.NewReader(stdout).ReadString('\n')
	quiet.Stop()
	if !strings.HasPrefix(line, "serving ") {
		kill()
		t.Fatalf("the window did not start serving: %q %v", line, err)
	}
	return stop, kill
}

// result is what a CLI process printed and its exit status.
type result struct {
	code        int
	out, errOut string
}

func runProcess(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := runChild(t, cmd)
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

var takenAt = regexp.MustCompile(`(report,taken_at,,,,)\S+`)

// TestWindowServesCLI runs orders, query, report, backup, recover and
// doctor as separate processes, first with the database free (they run
// themselves), then while another process holds it as the window does:
// the second time they are answered over the window's socket, and print
// the same and exit the same. pay is refused and charges nothing.
func TestWindowServesCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	env := gatetest.Start(t, time.Now, nil)
	dir, err := os.MkdirTemp("", "ws") // short: a socket path must fit 104 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	profile := filepath.Join(dir, "profile.json")
	if err := env.Sandbox.Profile(env.HTTP.URL).WriteFile(profile); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	wx := func(args ...string) result {
		cmd := wxposProcess(t, data, profile, args...)
		cmd.Dir = dir // file names are relative to the CLI's directory, not the window's
		return runProcess(t, cmd)
	}

	paid := wx("pay", "--fen", "1234", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")
	if paid.code != 0 {
		t.Fatalf("pay: %+v", paid)
	}
	var sale struct {
		OutTradeNo string `json:"out_trade_no"`
	}
	if err := json.Unmarshal([]byte(paid.out), &sale); err != nil || sale.OutTradeNo == "" {
		t.Fatalf("pay printed %q: %v", paid.out, err)
	}
	backup := filepath.Join(dir, "nightly.db")
	commands := [][]string{
		{"orders"},
		{"orders", "--json"},
		{"query", sale.OutTradeNo},
		{"query", "--json", sale.OutTradeNo},
		{"query", "P-NO-SUCH-ORDER"}, // exit 2
		{"report", "x", "--format", "csv"},
		{"report", "x", "--out", "x.txt"},
		{"report", "z"}, // exit 1: the day is not closed
		{"recover", "--timeout", "5s", "--json"},
		{"doctor"},
		{"backup", "nightly.db"},
	}
	direct := make([]result, len(commands))
	for i, args := range commands {
		direct[i] = wx(args...)
	}

	os.Remove(backup) // the window writes them again
	os.Remove(filepath.Join(dir, "x.txt"))
	stop, _ := window(t, data, profile)
	if r := wx("orders"); r.code != 0 {
		t.Fatalf("orders while the window is open: %+v", r)
	}
	fi, err := os.Lstat(localapi.SocketPath(data))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("window socket: %v, mode %v; want 0600", err, fi.Mode())
	}
	for i, args := range commands {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got, want := wx(args...), direct[i]
			// An X report says when it was taken: a few seconds apart.
			got.out, want.out = takenAt.ReplaceAllString(got.out, "$1…"), takenAt.ReplaceAllString(want.out, "$1…")
			if got != want {
				t.Errorf("through the window:\n%+v\nrun directly:\n%+v", got, direct[i])
			}
		})
	}
	if info, err := storage.CheckBackup(backup); err != nil || info.Orders != 1 {
		t.Errorf("the backup the window wrote: %+v, %v", info, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "x.txt")); err != nil || !strings.Contains(string(b), "12.34") {
		t.Errorf("the X report the window wrote for the CLI: %q, %v", b, err)
	}

	t.Run("pay refused", func(t *testing.T) {
		r := wx("pay", "--fen", "500", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
		if r.code != cli.ExitFailure || !strings.Contains(r.errOut, "close the window or use the till") {
			t.Errorf("pay while the window is open: %+v", r)
		}
		if n := len(env.Sandbox.Ledger().Orders); n != 1 {
			t.Errorf("WeChat has %d orders, want the 1 from before", n)
		}
	})

	stop()
	if _, err := os.Lstat(localapi.SocketPath(data)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left after the window closed: %v", err)
	}

	t.Run("stale socket after a crash", func(t *testing.T) {
		_, kill := window(t, data, profile)
		kill() // SIGKILL: the socket file stays behind
		if _, err := os.Lstat(localapi.SocketPath(data)); err != nil {
			t.Fatalf("no socket left by the killed window: %v", err)
		}
		if got := wx("orders"); got != direct[0] {
			t.Errorf("orders beside a stale socket: %+v, want the direct run %+v", got, direct[0])
		}
		window(t, data, profile) // replaces it
		if got := wx("orders"); got != direct[0] {
			t.Errorf("orders through the window that replaced the stale socket: %+v", got)
		}
	})
}
