package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/tarm/serial"
)

// Port is an open scanner connection. Read must return within a bounded time
// (the configured read timeout): n == 0 with a nil error means "no data
// yet"; any error means the device is gone and the port will be closed and
// reopened. Close is called once, from the goroutine that reads.
type Port interface {
	Read(p []byte) (n int, err error)
	Close() error
}

// Opener opens the device described by cfg (defaults applied). Tests and
// other drivers (a TCP scanner, a HID bridge) stand in for SerialOpener.
type Opener interface {
	Open(ctx context.Context, cfg Config) (Port, error)
}

// OpenerFunc adapts a function to Opener.
type OpenerFunc func(ctx context.Context, cfg Config) (Port, error)

// Open calls fn(ctx, cfg).
func (fn OpenerFunc) Open(ctx context.Context, cfg Config) (Port, error) { return fn(ctx, cfg) }

// ErrDisconnected is matched by the error a Port returns when the device
// vanished (USB unplug, pty closed, the device path now names another device).
var ErrDisconnected = errors.New("device went away")

// SerialOpener opens real serial ports with github.com/tarm/serial.
type SerialOpener struct{}

// Open opens cfg.Port with cfg's line settings and a read timeout, so reads
// never block past cfg.ReadTimeout. Input that arrived before the port was
// opened is discarded, so a stale payment code cannot be replayed.
func (SerialOpener) Open(ctx context.Context, cfg Config) (Port, error) {
	cfg = cfg.WithDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc := &serial.Config{
		Name:        cfg.Port,
		Baud:        cfg.Baud,
		ReadTimeout: cfg.ReadTimeout,
		Size:        byte(cfg.DataBits),
		Parity:      tarmParity(cfg.Parity),
		StopBits:    serial.StopBits(cfg.StopBits),
	}
	p, err := serial.OpenPort(sc)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, err // already says "open <port>: …"
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", cfg.Port, err)
	}
	sp := &serialPort{p: p, name: cfg.Port, timeout: cfg.ReadTimeout}
	// Remember which device the name points at, to notice when a new device
	// takes the name (a re-plugged scanner behind a by-id link). Names such
	// as COM3 cannot be stat'ed; they skip this check.
	if fi, err := os.Stat(cfg.Port); err == nil {
		sp.id = fi
	}
	_ = p.Flush() // best effort: discard input queued before we listened
	return sp, nil
}

func tarmParity(p Parity) serial.Parity {
	switch p {
	case ParityOdd:
		return serial.ParityOdd
	case ParityEven:
		return serial.ParityEven
	}
	return serial.ParityNone
}

// serialPort turns tarm/serial's read results into Port's contract.
//
// On Linux and other POSIX systems tarm/serial sets VMIN=0/VTIME, so an idle
// read returns (0, io.EOF) after the timeout. A hung-up tty (USB unplugged,
// pty master closed) also returns (0, io.EOF), but at once. So an EOF that
// comes back well before the timeout is probed with a zero-length write,
// which fails with EIO on a hung-up tty; and on every idle read the device
// path must still name the device we opened. On Windows an idle read is
// (0, nil) and an unplugged device fails the read with an error.
type serialPort struct {
	p       *serial.Port
	name    string
	id      os.FileInfo
	timeout time.Duration
}

func (sp *serialPort) Read(b []byte) (int, error) {
	start := time.Now()
	n, err := sp.p.Read(b)
	if n > 0 {
		return n, nil
	}
	switch {
	case err == nil:
		return 0, nil
	case !errors.Is(err, io.EOF):
		return 0, fmt.Errorf("%w: %w", ErrDisconnected, err)
	}
	if time.Since(start) < sp.timeout/2 {
		if _, werr := sp.p.Write(nil); werr != nil {
			return 0, fmt.Errorf("%w: %s hung up: %w", ErrDisconnected, sp.name, werr)
		}
		// Not hung up but not waiting either: pace the loop ourselves.
		time.Sleep(sp.timeout - time.Since(start))
	}
	if sp.id != nil {
		fi, err := os.Stat(sp.name)
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrDisconnected, err)
		}
		if !os.SameFile(fi, sp.id) {
			return 0, fmt.Errorf("%w: %s now names another device", ErrDisconnected, sp.name)
		}
	}
	return 0, nil
}

func (sp *serialPort) Close() error { return sp.p.Close() }
