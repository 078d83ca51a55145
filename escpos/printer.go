package escpos

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/tarm/serial"

	"github.com/wxpos/wxpos/receipt"
)

// Defaults for Printer fields left zero.
const (
	DefaultJobTimeout    = 15 * time.Second
	DefaultStatusTimeout = 400 * time.Millisecond
)

// Printer sends jobs to one Target. Each job opens the connection, writes,
// and closes it again, so an unplugged or restarted printer is picked up on
// the next receipt. A Printer is safe for concurrent use: jobs run one at a
// time, since two at once would interleave on a shared device. It must not
// be copied after first use.
type Printer struct {
	Target Target
	// JobTimeout bounds one job when ctx has no earlier deadline;
	// 0 means DefaultJobTimeout.
	JobTimeout time.Duration
	// CheckStatus asks the printer for its status (DLE EOT) before each job
	// and refuses to print when it reports paper out, cover open, an error
	// or offline. A printer that does not answer within StatusTimeout is
	// printed to anyway.
	CheckStatus   bool
	StatusTimeout time.Duration
	// DrawerPin is the pin OpenDrawer pulses.
	DrawerPin DrawerPin
	// Screen receives the plain-text receipt when Target is none; nil
	// discards it.
	Screen io.Writer

	busy sync.Mutex // one job at a time; each is bounded by JobTimeout
}

// conn is an open connection to a printer.
type conn interface {
	io.ReadWriteCloser
}

type deadliner interface {
	SetDeadline(time.Time) error
	SetReadDeadline(time.Time) error
}

// Print lays nothing out: it renders d (see Render) and sends it. On the
// none target it writes d.Text() to Screen instead and succeeds.
func (p *Printer) Print(ctx context.Context, d receipt.Doc, o *RenderOptions) error {
	if p.Target.Kind == TargetNone || p.Target.Kind == "" {
		if p.Screen == nil {
			return nil
		}
		_, err := io.WriteString(p.Screen, d.Text())
		return err
	}
	data, err := Encode(d, o)
	if err != nil {
		return err
	}
	return p.Send(ctx, data)
}

// OpenDrawer pulses the cash drawer connected to the printer (ESC p, 50 ms
// on, 500 ms off). On the none target it fails with ErrNoPrinter, so the
// caller can tell the cashier to open the drawer by key.
func (p *Printer) OpenDrawer(ctx context.Context) error {
	var b bytes.Buffer
	e := NewEncoder(&b)
	e.KickDrawer(p.DrawerPin, DrawerOnMS, DrawerOffMS)
	if err := e.Err(); err != nil {
		return err
	}
	return p.Send(ctx, b.Bytes())
}

// Status asks the printer for its real-time status. A printer that does not
// answer gives a Status with Known false and no error.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	var st Status
	err := p.job(ctx, func(ctx context.Context, c conn) error {
		var err error
		st, err = p.status(ctx, c)
		return err
	})
	return st, err
}

// Send writes data to the printer as one job. Failures are *PrintError
// values wrapping ErrOffline, ErrTimeout, ErrPaperOut, … (see errors.go).
func (p *Printer) Send(ctx context.Context, data []byte) error {
	return p.job(ctx, func(ctx context.Context, c conn) error {
		if p.CheckStatus {
			st, err := p.status(ctx, c)
			if err != nil {
				return err
			}
			if kind := st.Err(); kind != nil {
				return &PrintError{Target: p.Target.String(), Op: "status", Kind: kind}
			}
		}
		w := bufio.NewWriterSize(c, 4096)
		if _, err := w.Write(data); err != nil {
			return p.fail(ctx, "write", err)
		}
		if err := w.Flush(); err != nil {
			return p.fail(ctx, "write", err)
		}
		if tc, ok := c.(*net.TCPConn); ok {
			drain(tc)
		}
		return nil
	})
}

// drainTimeout bounds how long a finished TCP job waits for the printer to
// close its side.
const drainTimeout = 500 * time.Millisecond

// drain half-closes a TCP job and reads what the printer still sends (a late
// status byte) until it closes or drainTimeout passes. Closing with unread
// bytes would send a reset, and some printers drop the data they have not
// printed yet when they get one.
func drain(c *net.TCPConn) {
	if err := c.CloseWrite(); err != nil {
		return
	}
	if err := c.SetReadDeadline(time.Now().Add(drainTimeout)); err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, c)
}

func (p *Printer) fail(ctx context.Context, op string, err error) error {
	var pe *PrintError
	if errors.As(err, &pe) {
		return err
	}
	return &PrintError{Target: p.Target.String(), Op: op, Kind: classify(ctx, err), Cause: err}
}

// job opens the target, runs fn and closes it, all within the job deadline.
// When the deadline passes the connection is closed under fn, which
// unblocks it on every target that supports it; job returns at the deadline
// either way, and the job goroutine ends as soon as the blocked call does.
func (p *Printer) job(ctx context.Context, fn func(context.Context, conn) error) error {
	if p.Target.Kind == TargetNone || p.Target.Kind == "" {
		return &PrintError{Target: p.Target.String(), Op: "open", Kind: ErrNoPrinter}
	}
	timeout := p.JobTimeout
	if timeout <= 0 {
		timeout = DefaultJobTimeout
	}
	p.busy.Lock()
	defer p.busy.Unlock()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	c, err := p.open(ctx)
	if err != nil {
		return p.fail(ctx, "open", err)
	}
	if d, ok := c.(deadliner); ok {
		if dl, ok := ctx.Deadline(); ok {
			_ = d.SetDeadline(dl) // best effort: device files may not support it
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	done := make(chan error, 1)
	go func() {
		err := fn(ctx, c)
		if stop() { // not yet closed by the deadline: close it here
			if cerr := c.Close(); err == nil && cerr != nil {
				err = p.fail(ctx, "close", cerr)
			}
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case err := <-done: // finished just as the deadline passed
			return err
		default:
		}
		return p.fail(ctx, "write", ctx.Err())
	}
}

// open connects to the target, giving up at the context deadline.
func (p *Printer) open(ctx context.Context) (conn, error) {
	t := p.Target
	switch t.Kind {
	case TargetTCP:
		var d net.Dialer
		return d.DialContext(ctx, "tcp", t.Addr)
	case TargetUSB:
		flag := os.O_WRONLY
		if p.CheckStatus {
			flag = os.O_RDWR
		}
		return openBlocking(ctx, func() (conn, error) { return os.OpenFile(t.Path, flag, 0) })
	case TargetSpool:
		return openBlocking(ctx, func() (conn, error) { return openSpool(t.Path) })
	case TargetSerial:
		return openBlocking(ctx, func() (conn, error) {
			return serial.OpenPort(&serial.Config{Name: t.Path, Baud: t.Baud, ReadTimeout: p.statusTimeout()})
		})
	}
	return nil, &PrintError{Target: t.String(), Op: "open", Kind: ErrInvalidArgument}
}

// openBlocking runs an open call that cannot take a context, returning at
// the deadline if it hangs; a late success is closed.
func openBlocking(ctx context.Context, open func() (conn, error)) (conn, error) {
	type result struct {
		c   conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := open()
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		return r.c, r.err
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.err == nil {
				_ = r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func (p *Printer) statusTimeout() time.Duration {
	if p.StatusTimeout > 0 {
		return p.StatusTimeout
	}
	return DefaultStatusTimeout
}

// status asks for the printer status, then the offline cause when offline,
// then the paper sensor. No answer (timeout, EOF, garbage) means unknown.
func (p *Printer) status(ctx context.Context, c conn) (Status, error) {
	var st Status
	b, ok, err := p.ask(ctx, c, StatusPrinter)
	if err != nil || !ok {
		return st, err
	}
	st.Known = true
	st.apply(StatusPrinter, b)
	kinds := []StatusKind{StatusPaper}
	if st.Offline {
		kinds = []StatusKind{StatusOffline, StatusError, StatusPaper}
	}
	for _, k := range kinds {
		b, ok, err := p.ask(ctx, c, k)
		if err != nil {
			return st, err
		}
		if ok {
			st.apply(k, b)
		}
	}
	return st, nil
}

// ask sends DLE EOT kind and reads the one-byte reply.
func (p *Printer) ask(ctx context.Context, c conn, kind StatusKind) (byte, bool, error) {
	d, canDeadline := c.(deadliner)
	if canDeadline {
		if err := d.SetReadDeadline(time.Now().Add(p.statusTimeout())); err != nil {
			return 0, false, nil // cannot bound the read: do not risk it
		}
		defer func() {
			if dl, ok := ctx.Deadline(); ok {
				_ = d.SetReadDeadline(dl)
			}
		}()
	}
	if _, err := c.Write([]byte{dle, eot, byte(kind)}); err != nil {
		return 0, false, p.fail(ctx, "status", err)
	}
	var buf [1]byte
	n, err := c.Read(buf[:])
	switch {
	case ctx.Err() != nil:
		return 0, false, p.fail(ctx, "status", ctx.Err())
	case n == 1 && validStatus(buf[0]):
		return buf[0], true, nil
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded):
		return 0, false, nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return 0, false, nil
	}
	return 0, false, p.fail(ctx, "status", err)
}
