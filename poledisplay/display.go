package poledisplay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/tarm/serial"

	"github.com/wxpos/wxpos/custdisplay"
)

// DefaultBaud is the rate of a target that names none: the poles' factory
// setting is 9600 8N1 (some LED8 boards ship at 2400: say baud=2400).
const DefaultBaud = 9600

// ErrTarget is returned by ParseTarget for a setting it cannot read.
var ErrTarget = errors.New("invalid pole display target")

// Target is where a pole display is attached and what it speaks.
type Target struct {
	Path     string // the serial port: /dev/ttyUSB1, COM3
	Baud     int
	Protocol Protocol
}

// ParseTarget reads [display] target:
//
//	none (or empty)                                      no pole display
//	serial:/dev/ttyUSB1                                  9600 baud, ESC/POS
//	serial:/dev/ttyUSB1?baud=2400&protocol=led8          escpos, cd5220 or led8
//
// It returns ok false for none.
func ParseTarget(s string) (t Target, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return Target{}, false, nil
	}
	rest, found := strings.CutPrefix(s, "serial:")
	if !found {
		return Target{}, false, fmt.Errorf("%w %q: want none or serial:PORT[?baud=N&protocol=escpos|cd5220|led8]", ErrTarget, s)
	}
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return Target{}, false, fmt.Errorf("%w %q: no serial port", ErrTarget, s)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return Target{}, false, fmt.Errorf("%w %q: %v", ErrTarget, s, err)
	}
	t = Target{Path: path, Baud: DefaultBaud, Protocol: ProtocolESCPOS}
	for k, v := range q {
		switch k {
		case "baud":
			n, err := strconv.Atoi(v[0])
			if err != nil || n <= 0 {
				return Target{}, false, fmt.Errorf("%w %q: baud %q is not a rate", ErrTarget, s, v[0])
			}
			t.Baud = n
		case "protocol":
			switch p := Protocol(v[0]); p {
			case ProtocolESCPOS, ProtocolCD5220, ProtocolLED8:
				t.Protocol = p
			default:
				return Target{}, false, fmt.Errorf("%w %q: protocol %q (escpos, cd5220 or led8)", ErrTarget, s, v[0])
			}
		default:
			return Target{}, false, fmt.Errorf("%w %q: unknown parameter %q (baud, protocol)", ErrTarget, s, k)
		}
	}
	return t, true, nil
}

// String returns the setting ParseTarget reads back to t.
func (t Target) String() string {
	return "serial:" + t.Path + "?baud=" + strconv.Itoa(t.Baud) + "&protocol=" + string(t.Protocol)
}

// Display is a pole display on a serial port: a custdisplay.Sink. It opens
// the port on the first frame and again after a failure (the pole was
// unplugged), and sends Init after every open.
type Display struct {
	target Target
	open   func() (io.WriteCloser, error)

	mu   sync.Mutex // one frame at a time; the Hub calls from one goroutine anyway
	port io.WriteCloser
}

// New returns the display at t.
func New(t Target) *Display {
	return &Display{target: t, open: func() (io.WriteCloser, error) {
		return serial.OpenPort(&serial.Config{Name: t.Path, Baud: t.Baud})
	}}
}

// Show draws f. A write that outlasts ctx is abandoned: the port is closed
// (which ends the write) and opened again for the next frame.
func (d *Display) Show(ctx context.Context, f custdisplay.Frame) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	frame := Encode(d.target.Protocol, f)
	if d.port == nil {
		p, err := d.open()
		if err != nil {
			return fmt.Errorf("pole display %s: %w", d.target.Path, err)
		}
		d.port = p
		frame = append(Init(d.target.Protocol), frame...)
	}
	done := make(chan error, 1)
	port := d.port
	go func() {
		_, err := port.Write(frame)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		_ = port.Close()
		d.port = nil
		return fmt.Errorf("pole display %s: %w", d.target.Path, err)
	}
	return nil
}

// Close closes the port.
func (d *Display) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.port == nil {
		return nil
	}
	err := d.port.Close()
	d.port = nil
	return err
}
