package scanner

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Scan is one code read from a scanner, with its verdict. Code is the full
// value, meant only for the payment request: String, GoString and LogValue
// show the last four characters, so printing or logging a Scan is safe.
type Scan struct {
	// Code is the full scanned value (for pos). Never log it.
	Code string
	// Err is nil for a WeChat Pay payment code, else a *CodeError.
	Err error
	// AIM is the stripped symbology identifier, if any ("]C0", "]Q1").
	AIM string
	// Unterminated reports that no suffix arrived (see Frame).
	Unterminated bool
	// Source is the port name, or "keyboard" for a Wedge.
	Source string
	// At is when the code was complete. Payment codes expire within about a
	// minute and are single-use: callers should drop scans that are old or
	// that arrived while no payment was waiting.
	At time.Time
}

// SourceKeyboard is the Source of scans produced by a Wedge.
const SourceKeyboard = "keyboard"

// OK reports whether the scan is a WeChat Pay payment code.
func (s Scan) OK() bool { return s.Err == nil }

// Reason returns why the scan was rejected, or "" when OK.
func (s Scan) Reason() Reason {
	var ce *CodeError
	if errors.As(s.Err, &ce) {
		return ce.Reason
	}
	return ""
}

// String shows the masked code and the verdict, never the full code.
func (s Scan) String() string {
	if s.OK() {
		return fmt.Sprintf("%s (%d chars) WeChat Pay code", Mask(s.Code), len(s.Code))
	}
	return fmt.Sprintf("%s (%d chars) rejected: %s", Mask(s.Code), len(s.Code), s.Reason())
}

// GoString is String, so that %#v does not print the code either.
func (s Scan) GoString() string { return "scanner.Scan{" + s.String() + "}" }

// LogValue implements slog.LogValuer with the code masked.
func (s Scan) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("code", Mask(s.Code)),
		slog.Int("len", len(s.Code)),
		slog.String("source", s.Source),
	}
	if !s.OK() {
		attrs = append(attrs, slog.String("reason", string(s.Reason())))
	}
	return slog.GroupValue(attrs...)
}

func scanFromFrame(f Frame, source string, at time.Time) Scan {
	return Scan{Code: f.Data, Err: f.Check(), AIM: f.AIM, Unterminated: f.Unterminated, Source: source, At: at}
}
