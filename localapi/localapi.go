package localapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// SocketName is the socket's file name inside the data directory.
const SocketName = "wxpos.sock"

// maxPath is the longest socket path the kernel accepts (sun_path is 108
// bytes on Linux, 104 on macOS, with a terminating NUL).
const maxPath = 103

// SocketPath is the socket of the window running on dataDir.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, SocketName) }

// ErrNoServer is returned by Do when no window answers on the socket: there
// is no socket file, or it is left from a process that ended.
var ErrNoServer = errors.New("no wxpos window is serving this data directory")

// ErrPathTooLong is returned by Listen and Do when the socket path does not
// fit a unix socket address.
var ErrPathTooLong = errors.New("socket path too long for a unix socket")

// Request is one command line the CLI asks the window process to run.
type Request struct {
	// Args is the subcommand and its arguments and flags, without the
	// global flags (the window's configuration and data directory apply).
	Args []string `json:"args"`
	// Dir is the client's working directory: file names in Args are
	// relative to it.
	Dir string `json:"dir,omitempty"`
	// Terminal says the client's standard error is a terminal: the command
	// may print progress there as it would when run directly.
	Terminal bool `json:"terminal,omitempty"`
	// Deadline is when the client stops waiting; the server ends the
	// command by then. Zero means the server's default.
	Deadline time.Time `json:"deadline,omitzero"`
}

// Frame is one line of the answer: output to copy, or the exit status that
// ends the answer.
type Frame struct {
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	Exit   *int   `json:"exit,omitempty"`
}

// Handler runs a request, writing what the command prints to stdout and
// stderr, and returns its exit status. ctx ends at the request's deadline
// or when the client goes away.
type Handler func(ctx context.Context, req Request, stdout, stderr io.Writer) int

// Output is implemented by the writers a Handler receives: Terminal reports
// whether the client's standard error is a terminal (a person watching).
type Output interface {
	io.Writer
	Terminal() bool
}

// maxLine bounds one JSON line read from the other side.
const maxLine = 1 << 20

// Do sends req to the window serving socket and copies the command's output
// to stdout and stderr as it arrives. It returns the command's exit status,
// or ErrNoServer when nothing answers (then the caller runs the command
// itself). ctx must carry a deadline; the request carries it to the server.
func Do(ctx context.Context, socket string, req Request, stdout, stderr io.Writer) (int, error) {
	if len(socket) > maxPath {
		return 0, fmt.Errorf("%w: %s (%d bytes, at most %d)", ErrPathTooLong, socket, len(socket), maxPath)
	}
	if _, err := os.Lstat(socket); errors.Is(err, os.ErrNotExist) {
		return 0, ErrNoServer
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || refused(err) {
			return 0, ErrNoServer
		}
		return 0, fmt.Errorf("window socket %s: %w", socket, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		req.Deadline = dl
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return 0, fmt.Errorf("window socket %s: send: %w", socket, err)
	}
	sc := bufio.NewScanner(conn)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		var f Frame
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			return 0, fmt.Errorf("window socket %s: bad answer: %w", socket, err)
		}
		if f.Stdout != "" {
			if _, err := io.WriteString(stdout, f.Stdout); err != nil {
				return 0, err
			}
		}
		if f.Stderr != "" {
			io.WriteString(stderr, f.Stderr)
		}
		if f.Exit != nil {
			return *f.Exit, nil
		}
	}
	err = sc.Err()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return 0, fmt.Errorf("window socket %s: the window ended the answer before the command finished: %w", socket, err)
}
