package escpos

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"
)

// Errors a print job can end with. A *PrintError wraps exactly one of them
// (or context.Canceled), so callers test with errors.Is and show the cashier
// a matching message; the underlying system error stays reachable too.
var (
	// ErrNoPrinter is returned when bytes are sent to the "none" target.
	ErrNoPrinter = errors.New("no receipt printer configured")
	// ErrOffline is returned when the printer cannot be reached (connection
	// refused, no such device, host unreachable, link dropped) or reports
	// itself offline.
	ErrOffline = errors.New("printer offline or not connected")
	// ErrPermission is returned when the device file cannot be opened for
	// lack of rights (on Linux, add the user to the lp or dialout group).
	ErrPermission = errors.New("no permission to open the printer device")
	// ErrTimeout is returned when the printer did not take the job before
	// the deadline (busy, paper jam, flow control stuck).
	ErrTimeout = errors.New("printer did not respond in time")
	// ErrPaperOut is returned when the printer reports its paper roll empty.
	ErrPaperOut = errors.New("printer is out of paper")
	// ErrCoverOpen is returned when the printer reports its cover open.
	ErrCoverOpen = errors.New("printer cover is open")
	// ErrPrinterFault is returned when the printer reports an error such as
	// an auto-cutter jam or overheating.
	ErrPrinterFault = errors.New("printer reports an error")
	// ErrIO is returned for any other failure talking to the printer.
	ErrIO = errors.New("printer communication error")
)

// PrintError describes a failed print job: the target, the step that failed
// ("open", "status", "write", "close"), the kind (one of the Err values
// above) and the underlying cause, if any.
type PrintError struct {
	Target string
	Op     string
	Kind   error
	Cause  error
}

func (e *PrintError) Error() string {
	s := "print to " + e.Target + ": " + e.Op + ": " + e.Kind.Error()
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *PrintError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// classify maps a system error met during a job to one of the kinds. ctx is
// the job context: once it is done, any error is due to it.
func classify(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return ErrTimeout
		}
		return ctxErr
	}
	var ne net.Error
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.Is(err, fs.ErrPermission):
		return ErrPermission
	case errors.Is(err, fs.ErrNotExist),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ENODEV),
		errors.Is(err, syscall.ENXIO), errors.Is(err, net.ErrClosed), isAny(err, offlineErrnos):
		return ErrOffline
	case errors.Is(err, syscall.ENOSPC):
		// The Linux usblp driver reports an empty paper roll this way.
		return ErrPaperOut
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return ErrOffline
	}
	return ErrIO
}

// isAny reports whether err matches one of targets.
func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
