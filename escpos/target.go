package escpos

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// TargetKind is how a printer is attached.
type TargetKind string

// Printer connections.
const (
	TargetNone   TargetKind = "none"   // no printer: receipts go to the screen
	TargetUSB    TargetKind = "usb"    // a device file, e.g. /dev/usb/lp0
	TargetSerial TargetKind = "serial" // a serial port, e.g. /dev/ttyUSB0 at 9600 baud
	TargetTCP    TargetKind = "tcp"    // a network printer, raw port 9100
	TargetSpool  TargetKind = "spool"  // Windows: a printer by name, through the spooler in RAW mode
)

// Defaults for targets that leave them out.
const (
	DefaultTCPPort = "9100"
	DefaultBaud    = 9600
)

// Target says where receipts go. Parse one from a config value with
// ParseTarget; String gives the value back.
type Target struct {
	Kind TargetKind
	Path string // usb and serial: device path (or COMn on Windows); spool: printer name
	Baud int    // serial only
	Addr string // tcp only: host:port
}

// ParseTarget reads a printer setting:
//
//	none                      no printer (also the empty string)
//	usb:/dev/usb/lp0          device file
//	serial:/dev/ttyUSB0:9600  serial port and baud rate (baud optional, 9600)
//	tcp:192.168.1.50:9100     network printer (port optional, 9100)
//	serial:COM3:9600          Windows serial port (COM10 and up work too)
//	spool:POS-80              Windows: the printer of that name, RAW through the spooler
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == string(TargetNone) {
		return Target{Kind: TargetNone}, nil
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return Target{}, fmt.Errorf("%w: printer %q: want none, usb:PATH, serial:PATH[:BAUD], tcp:HOST[:PORT] or spool:NAME", ErrInvalidArgument, s)
	}
	switch TargetKind(kind) {
	case TargetUSB:
		return Target{Kind: TargetUSB, Path: rest}, nil
	case TargetSpool:
		name := strings.TrimSpace(rest)
		if name == "" {
			return Target{}, fmt.Errorf("%w: printer %q: no printer name", ErrInvalidArgument, s)
		}
		return Target{Kind: TargetSpool, Path: name}, nil
	case TargetSerial:
		t := Target{Kind: TargetSerial, Path: rest, Baud: DefaultBaud}
		if i := strings.LastIndexByte(rest, ':'); i > 0 {
			if baud, err := strconv.Atoi(rest[i+1:]); err == nil {
				if baud <= 0 {
					return Target{}, fmt.Errorf("%w: printer %q: baud rate %d", ErrInvalidArgument, s, baud)
				}
				t.Path, t.Baud = rest[:i], baud
			}
		}
		return t, nil
	case TargetTCP:
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			// No port given (a bare IPv6 address must be bracketed).
			host, port = strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]"), DefaultTCPPort
		}
		if host == "" || strings.ContainsAny(host, "/ ") {
			return Target{}, fmt.Errorf("%w: printer %q: bad host", ErrInvalidArgument, s)
		}
		if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
			return Target{}, fmt.Errorf("%w: printer %q: bad port", ErrInvalidArgument, s)
		}
		return Target{Kind: TargetTCP, Addr: net.JoinHostPort(host, port)}, nil
	}
	return Target{}, fmt.Errorf("%w: printer %q: unknown kind %q", ErrInvalidArgument, s, kind)
}

// String returns the setting ParseTarget reads back to t.
func (t Target) String() string {
	switch t.Kind {
	case TargetUSB:
		return "usb:" + t.Path
	case TargetSpool:
		return "spool:" + t.Path
	case TargetSerial:
		return "serial:" + t.Path + ":" + strconv.Itoa(t.Baud)
	case TargetTCP:
		return "tcp:" + t.Addr
	}
	return string(TargetNone)
}
