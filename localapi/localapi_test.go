package localapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/localapi"
)

// shortDir is a temporary directory whose socket path fits sun_path.
func shortDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "la")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func echo(ctx context.Context, req localapi.Request, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "args %s\n", strings.Join(req.Args, " "))
	fmt.Fprintf(stderr, "terminal %v\n", stderr.(localapi.Output).Terminal())
	return len(req.Args)
}

func serve(t *testing.T, path string, h localapi.Handler, opt localapi.Options) *localapi.Server {
	t.Helper()
	s, err := localapi.Serve(path, h, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func do(t *testing.T, path string, req localapi.Request) (int, string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code, err := localapi.Do(ctx, path, req, &out, &errOut)
	return code, out.String(), errOut.String(), err
}

func TestRoundTrip(t *testing.T) {
	path := localapi.SocketPath(shortDir(t))
	serve(t, path, echo, localapi.Options{})
	code, out, errOut, err := do(t, path, localapi.Request{Args: []string{"orders", "--json", "x"}, Terminal: true})
	if err != nil {
		t.Fatal(err)
	}
	if code != 3 || out != "args orders --json x\n" || errOut != "terminal true\n" {
		t.Errorf("got code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSocketOwnerOnly(t *testing.T) {
	old := syscallUmask(0) // the loosest umask: the mode must not follow it
	defer syscallUmask(old)
	path := localapi.SocketPath(shortDir(t))
	serve(t, path, echo, localapi.Options{})
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".s*"))
	if len(left) != 0 {
		t.Errorf("private bind directory left behind: %v", left)
	}
}

func TestCloseRemovesSocket(t *testing.T) {
	path := localapi.SocketPath(shortDir(t))
	s, err := localapi.Serve(path, echo, localapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket still there after Close: %v", err)
	}
	if _, _, _, err := do(t, path, localapi.Request{Args: []string{"orders"}}); !errors.Is(err, localapi.ErrNoServer) {
		t.Errorf("Do after Close: %v, want ErrNoServer", err)
	}
}

// staleSocket leaves a socket file that nothing listens on, as a window
// killed with SIGKILL does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("no stale socket: %v", err)
	}
}

func TestStaleSocket(t *testing.T) {
	path := localapi.SocketPath(shortDir(t))
	staleSocket(t, path)
	if _, _, _, err := do(t, path, localapi.Request{Args: []string{"orders"}}); !errors.Is(err, localapi.ErrNoServer) {
		t.Fatalf("Do on a stale socket: %v, want ErrNoServer (the CLI then runs the command itself)", err)
	}
	serve(t, path, echo, localapi.Options{})
	if code, out, _, err := do(t, path, localapi.Request{Args: []string{"orders"}}); err != nil || code != 1 || out != "args orders\n" {
		t.Errorf("after replacing the stale socket: code %d, %q, %v", code, out, err)
	}
}

func TestRefusesToReplace(t *testing.T) {
	t.Run("a live server", func(t *testing.T) {
		path := localapi.SocketPath(shortDir(t))
		serve(t, path, echo, localapi.Options{})
		if _, err := localapi.Serve(path, echo, localapi.Options{}); !errors.Is(err, localapi.ErrInUse) {
			t.Errorf("second Serve: %v, want ErrInUse", err)
		}
	})
	t.Run("a file that is not a socket", func(t *testing.T) {
		path := localapi.SocketPath(shortDir(t))
		if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := localapi.Serve(path, echo, localapi.Options{}); err == nil {
			t.Fatal("Serve replaced a regular file")
		}
		if b, _ := os.ReadFile(path); string(b) != "keep me" {
			t.Errorf("the file was touched: %q", b)
		}
	})
}

func TestOtherUserRefused(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("the peer's uid is checked on Linux only")
	}
	path := localapi.SocketPath(shortDir(t))
	ran := false
	serve(t, path, func(context.Context, localapi.Request, io.Writer, io.Writer) int { ran = true; return 0 },
		localapi.Options{CheckPeer: func(uid int) error {
			// As if the window ran as someone else: this test's uid is a stranger.
			return fmt.Errorf("uid %d is not the window's user", uid)
		}})
	code, _, errOut, err := do(t, path, localapi.Request{Args: []string{"backup", "/tmp/x"}})
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 || ran || !strings.Contains(errOut, fmt.Sprintf("uid %d", os.Getuid())) {
		t.Errorf("code %d, handler ran %v, stderr %q; want refused with 1 before the command", code, ran, errOut)
	}
}

func TestClientGoneCancels(t *testing.T) {
	path := localapi.SocketPath(shortDir(t))
	started := make(chan struct{})
	ended := make(chan error, 1)
	serve(t, path, func(ctx context.Context, _ localapi.Request, stdout, _ io.Writer) int {
		close(started)
		<-ctx.Done()
		ended <- ctx.Err()
		return 4
	}, localapi.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := localapi.Do(ctx, path, localapi.Request{Args: []string{"recover"}}, io.Discard, io.Discard)
		done <- err
	}()
	<-started
	cancel() // the person pressed Ctrl-C
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Do: %v, want context.Canceled", err)
	}
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Errorf("the command's context: %v, want cancelled when the client hung up", err)
	}
}

func TestDeadlineTravels(t *testing.T) {
	path := localapi.SocketPath(shortDir(t))
	got := make(chan time.Time, 1)
	serve(t, path, func(ctx context.Context, req localapi.Request, _, _ io.Writer) int {
		dl, _ := ctx.Deadline()
		got <- dl
		return 0
	}, localapi.Options{})
	want := time.Now().Add(42 * time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), want)
	defer cancel()
	if _, err := localapi.Do(ctx, path, localapi.Request{Args: []string{"recover"}}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if dl := <-got; !dl.Equal(want.Round(0)) && dl.Sub(want).Abs() > time.Millisecond {
		t.Errorf("the command's deadline %v, want the client's %v", dl, want)
	}
}
