package escpos

// StatusKind selects the real-time status byte DLE EOT n asks for.
type StatusKind byte

// Real-time status requests.
const (
	StatusPrinter StatusKind = 1 // online/offline, drawer pin
	StatusOffline StatusKind = 2 // why offline: cover, paper end, error
	StatusError   StatusKind = 3 // cutter, unrecoverable, auto-recoverable
	StatusPaper   StatusKind = 4 // paper roll sensors
)

// Status is what a printer reported about itself. Known is false when the
// printer did not answer (many USB and some network printers never do); the
// other fields are then meaningless.
type Status struct {
	Known     bool
	Offline   bool
	CoverOpen bool
	PaperOut  bool
	PaperLow  bool // near the end of the roll: print, but warn
	Fault     bool
}

// Err is the error a job should end with for this status, or nil when the
// printer can print (including when the status is unknown).
func (s Status) Err() error {
	switch {
	case !s.Known:
		return nil
	case s.PaperOut:
		return ErrPaperOut
	case s.CoverOpen:
		return ErrCoverOpen
	case s.Fault:
		return ErrPrinterFault
	case s.Offline:
		return ErrOffline
	}
	return nil
}

// validStatus reports whether b has the fixed bits every DLE EOT reply has
// (bits 1 and 4 set, bits 0 and 7 clear).
func validStatus(b byte) bool { return b&0x93 == 0x12 }

// apply folds one status reply into s.
func (s *Status) apply(kind StatusKind, b byte) {
	switch kind {
	case StatusPrinter:
		s.Offline = b&0x08 != 0
	case StatusOffline:
		s.CoverOpen = b&0x04 != 0
		s.PaperOut = s.PaperOut || b&0x20 != 0
		s.Fault = s.Fault || b&0x40 != 0
	case StatusError:
		s.Fault = s.Fault || b&0x68 != 0 // cutter, unrecoverable, auto-recoverable
	case StatusPaper:
		s.PaperLow = b&0x0C != 0
		s.PaperOut = s.PaperOut || b&0x60 != 0
	}
}
