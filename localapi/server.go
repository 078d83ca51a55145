package localapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrInUse is returned by Serve when another live process answers on the
// socket.
var ErrInUse = errors.New("another wxpos window serves this data directory")

// Options configures Serve. The zero value is usable.
type Options struct {
	// CheckPeer decides whether a caller of the given uid may run
	// commands, where the system tells the caller's uid. Nil means only
	// this process's own user.
	CheckPeer func(uid int) error
	// MaxDuration bounds one command, whatever deadline the client asked
	// for; zero means one hour. DefaultDuration applies when the client
	// sent none; zero means ten minutes.
	MaxDuration, DefaultDuration time.Duration
	Logger                       *slog.Logger
}

// Server answers the CLI on a unix socket until Close.
type Server struct {
	path   string
	ln     *net.UnixListener
	fi     os.FileInfo // the socket file as created: Close removes only that one
	h      Handler
	opt    Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Serve listens on the socket at path and runs h for each request in its
// own goroutine until Close. A socket file that nothing answers on (left by
// a crash) is replaced; one a live process answers on is ErrInUse; a file
// that is not a socket is never removed.
func Serve(path string, h Handler, opt Options) (*Server, error) {
	if opt.CheckPeer == nil {
		me := os.Getuid()
		opt.CheckPeer = func(uid int) error {
			if uid != me {
				return fmt.Errorf("uid %d may not use the window of uid %d", uid, me)
			}
			return nil
		}
	}
	if opt.MaxDuration <= 0 {
		opt.MaxDuration = time.Hour
	}
	if opt.DefaultDuration <= 0 {
		opt.DefaultDuration = 10 * time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	ln, fi, err := listen(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{path: path, ln: ln, fi: fi, h: h, opt: opt, ctx: ctx, cancel: cancel}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Close stops accepting, ends the commands still running (their context is
// cancelled) and waits for them, and removes the socket file.
func (s *Server) Close() error {
	s.cancel()
	err := s.ln.Close()
	s.wg.Wait()
	if fi, serr := os.Lstat(s.path); serr == nil && os.SameFile(fi, s.fi) {
		if rerr := os.Remove(s.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// listen binds the socket in a private directory, makes it owner-only and
// renames it into place, so that it is never reachable with looser rights
// (the mode of a new socket follows the umask).
func listen(path string) (*net.UnixListener, os.FileInfo, error) {
	if err := clearStale(path); err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".s")
	if err != nil {
		return nil, nil, fmt.Errorf("window socket: %w", err)
	}
	defer os.RemoveAll(tmp)
	bound := filepath.Join(tmp, "s")
	if len(bound) > maxPath || len(path) > maxPath {
		return nil, nil, fmt.Errorf("%w: %s (%d bytes, at most %d)", ErrPathTooLong, bound, len(bound), maxPath)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: bound, Net: "unix"})
	if err != nil {
		return nil, nil, fmt.Errorf("window socket: %w", err)
	}
	ln.SetUnlinkOnClose(false) // the bound name moves; Close removes the final one
	fail := func(err error) (*net.UnixListener, os.FileInfo, error) {
		ln.Close()
		return nil, nil, fmt.Errorf("window socket %s: %w", path, err)
	}
	if err := os.Chmod(bound, 0o600); err != nil {
		return fail(err)
	}
	if err := os.Rename(bound, path); err != nil {
		return fail(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fail(err)
	}
	return ln, fi, nil
}

// clearStale removes a socket file at path that nothing answers on.
func clearStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("window socket %s: %w", path, err)
	}
	if fi.Mode().Type() != os.ModeSocket {
		return fmt.Errorf("window socket %s: a file that is not a socket is in the way (%v); move it away", path, fi.Mode().Type())
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("%w: %s", ErrInUse, path)
	}
	if !refused(err) {
		return fmt.Errorf("window socket %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("window socket %s: stale socket: %w", path, err)
	}
	return nil
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if s.ctx.Err() == nil {
				s.opt.Logger.Error("window socket: accept", "err", err)
			}
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// serve runs one request: peer check, request line, command, exit frame.
func (s *Server) serve(c *net.UnixConn) {
	w := &frames{conn: c}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(io.LimitReader(c, maxLine))
	line, err := br.ReadBytes('\n')
	if err != nil {
		s.opt.Logger.Warn("window socket: no request", "err", err)
		return
	}
	// The request is read before a refusal so that the client, still
	// writing it, reads the refusal instead of a broken pipe.
	uid, known, err := peerUID(c)
	if err == nil && known {
		err = s.opt.CheckPeer(uid)
	}
	if err != nil {
		s.opt.Logger.Warn("window socket: caller refused", "err", err)
		w.exit(1, "wxpos: refused by the window: "+err.Error()+"\n")
		return
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		w.exit(2, "wxpos: bad request to the window: "+err.Error()+"\n")
		return
	}
	c.SetReadDeadline(time.Time{})

	limit := time.Now().Add(s.opt.MaxDuration)
	dl := req.Deadline
	if dl.IsZero() {
		dl = time.Now().Add(s.opt.DefaultDuration)
	}
	if dl.After(limit) {
		dl = limit
	}
	ctx, cancel := context.WithDeadline(s.ctx, dl)
	defer cancel()
	w.cancel = cancel
	go func() {
		// The client sends nothing more: a read ends when it hangs up,
		// and the command with it.
		io.Copy(io.Discard, br)
		cancel()
	}()

	code := s.run(ctx, req, w)
	w.exit(code, "")
}

// run calls the handler; a panic is the command's failure, not the window's.
func (s *Server) run(ctx context.Context, req Request, w *frames) (code int) {
	defer func() {
		if r := recover(); r != nil {
			s.opt.Logger.Error("window socket: command panicked", "args0", first(req.Args), "panic", r)
			w.stream(false, req.Terminal).Write([]byte(fmt.Sprintf("wxpos: internal error: %v\n", r)))
			code = 1
		}
	}()
	s.opt.Logger.Info("window socket: command", "command", first(req.Args))
	return s.h(ctx, req, w.stream(true, req.Terminal), w.stream(false, req.Terminal))
}

func first(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return a[0]
}

// frames writes answer frames to one connection; stdout and stderr may be
// written from different goroutines.
type frames struct {
	mu     sync.Mutex
	conn   net.Conn
	err    error
	cancel context.CancelFunc
}

// writeTimeout is how long one frame may wait for a client that does not
// read; then the command is cancelled.
const writeTimeout = 30 * time.Second

func (f *frames) send(fr Frame) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	b, err := json.Marshal(fr)
	if err != nil {
		return err
	}
	f.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := f.conn.Write(append(b, '\n')); err != nil {
		f.err = err
		if f.cancel != nil {
			f.cancel()
		}
		return err
	}
	return nil
}

func (f *frames) exit(code int, stderr string) {
	f.send(Frame{Stderr: stderr, Exit: &code})
}

func (f *frames) stream(stdout, terminal bool) *output {
	return &output{f: f, stdout: stdout, terminal: terminal}
}

// output is one of the command's two streams, sent as frames.
type output struct {
	f        *frames
	stdout   bool
	terminal bool
}

func (o *output) Write(p []byte) (int, error) {
	fr := Frame{Stderr: string(p)}
	if o.stdout {
		fr = Frame{Stdout: string(p)}
	}
	if err := o.f.send(fr); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Terminal reports whether the client's standard error is a terminal.
func (o *output) Terminal() bool { return o.terminal }
