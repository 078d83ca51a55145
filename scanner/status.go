package scanner

import (
	"fmt"
	"slices"
	"time"
)

// State is the connection state of a Scanner, stored as a string.
type State string

// The states a Scanner reports.
const (
	// StateConnecting: started, the first open has not finished yet.
	StateConnecting State = "connecting"
	// StateDisconnected: the last open failed or the device went away;
	// retrying with backoff.
	StateDisconnected State = "disconnected"
	// StateConnected: the port is open and being read.
	StateConnected State = "connected"
	// StateStopped: Close was called or the context ended; final.
	StateStopped State = "stopped"
)

// transitions is the Scanner's state machine: the states each state may
// move to. The read loop follows it; tests check every observed move.
var transitions = map[State][]State{
	StateConnecting:   {StateConnected, StateDisconnected, StateStopped},
	StateConnected:    {StateDisconnected, StateStopped},
	StateDisconnected: {StateConnected, StateStopped},
	StateStopped:      {},
}

// CanMove reports whether a Scanner may go from state s to next.
func (s State) CanMove(next State) bool {
	return s == next || slices.Contains(transitions[s], next)
}

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
