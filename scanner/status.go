package scanner

import (
	"fmt"
	"time"
)

// State is the connection state of a Scanner, stored as a string.
type State string

// The states a Scanner reports.
const (
	// StateDisconnected: not (yet or any more) connected; retrying with backoff.
	StateDisconnected State = "disconnected"
	// StateConnected: the port is open and being read.
	StateConnected State = "connected"
	// StateStopped: Close was called or the context ended; final.
	StateStopped State = "stopped"
)

// Status is what the UI status bar shows about the scanner.
type Status struct {
	State State
	Port  string
	// Since is when State last changed.
	Since time.Time
	// Err is why the scanner is disconnected: the last open failure or the
	// read error that lost the device. Nil while connected or stopped.
	Err error
	// Retries counts failed opens since the last successful one.
	Retries int
}

// String is a one-line summary such as "scanner connected (/dev/ttyACM0)".
func (s Status) String() string {
	if s.Err != nil {
		return fmt.Sprintf("scanner %s (%s): %v", s.State, s.Port, s.Err)
	}
	return fmt.Sprintf("scanner %s (%s)", s.State, s.Port)
}

func sameStatus(a, b Status) bool {
	return a.State == b.State && a.Retries == b.Retries && errText(a.Err) == errText(b.Err)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
