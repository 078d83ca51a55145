package scanner

import "strings"

// Frame is one code cut out of the serial byte stream by a Framer.
type Frame struct {
	// Data is the code with noise, AIM identifier and prefix removed. When
	// Overflow is set it holds only the first MaxLen bytes.
	Data string
	// AIM is the symbology identifier that was stripped ("]Q1"), if any.
	AIM string
	// Overflow reports that the input was longer than MaxLen.
	Overflow bool
	// Unterminated reports that no suffix arrived: the frame was cut by
	// Flush (after Config.FrameGap of silence) and SuffixNone is not set.
	Unterminated bool
}

// Check returns nil when f carries a WeChat Pay payment code and otherwise a
// *CodeError (ReasonTooLong for an overflowing frame).
func (f Frame) Check() error {
	if f.Overflow {
		return newCodeError(ReasonTooLong, f.Data)
	}
	return CheckPaymentCode(f.Data)
}

// Framer reassembles codes from the bytes a scanner sends, however they are
// split across reads. It is pure: no I/O, no clock, no goroutines; one
// Framer serves one byte stream and is not safe for concurrent use.
//
// Control bytes (NUL, STX/ETX, TAB, …) and DEL are noise and dropped; CR and
// LF end a frame as Config.Suffix says; spaces around a code are trimmed;
// empty frames are skipped. At most MaxLen plus the prefix allowance bytes
// are buffered, so a stream without suffix cannot grow memory.
type Framer struct {
	suffix   Suffix
	prefix   string
	stripAIM bool
	maxLen   int
	limit    int // raw bytes kept: maxLen + prefix allowance

	buf       []byte
	overflow  bool
	pendingCR bool // SuffixCRLF: a CR was seen, waiting for LF
}

// NewFramer returns a Framer for cfg's Suffix, Prefix, StripAIM and MaxLen
// (zero values take their defaults).
func NewFramer(cfg Config) *Framer {
	cfg = cfg.WithDefaults()
	limit := cfg.MaxLen + len(cfg.Prefix) + 2 // 2 spaces of slack for trimming
	if cfg.StripAIM {
		limit += 3
	}
	return &Framer{
		suffix:   cfg.Suffix,
		prefix:   cfg.Prefix,
		stripAIM: cfg.StripAIM,
		maxLen:   cfg.MaxLen,
		limit:    limit,
		buf:      make([]byte, 0, limit),
	}
}

// Feed consumes p and appends every frame it completes to dst, returning
// the extended slice. Bytes after the last suffix stay pending.
func (f *Framer) Feed(dst []Frame, p []byte) []Frame {
	for _, b := range p {
		if f.pendingCR {
			f.pendingCR = false
			if b == '\n' {
				dst = f.emit(dst, false)
				continue
			}
		}
		switch {
		case b == '\r':
			switch f.suffix {
			case SuffixAny, SuffixCR:
				dst = f.emit(dst, false)
			case SuffixCRLF:
				f.pendingCR = true
			}
		case b == '\n':
			if f.suffix == SuffixAny || f.suffix == SuffixLF {
				dst = f.emit(dst, false)
			}
		case b < 0x20 || b == 0x7f:
			// noise
		case len(f.buf) < f.limit:
			f.buf = append(f.buf, b)
		default:
			f.overflow = true
		}
	}
	return dst
}

// Pending reports how many bytes wait for a suffix.
func (f *Framer) Pending() int { return len(f.buf) }

// Flush ends the pending bytes as a frame, as if a suffix had arrived; it is
// how SuffixNone frames end. ok is false when nothing but noise is pending.
func (f *Framer) Flush() (fr Frame, ok bool) {
	f.pendingCR = false
	out := f.emit(nil, f.suffix != SuffixNone)
	if len(out) == 0 {
		return Frame{}, false
	}
	return out[0], true
}

// Reset drops pending bytes, e.g. after the device was unplugged mid-code.
func (f *Framer) Reset() {
	f.buf = f.buf[:0]
	f.overflow = false
	f.pendingCR = false
}

func (f *Framer) emit(dst []Frame, unterminated bool) []Frame {
	raw, overflow := f.buf, f.overflow
	f.buf, f.overflow = f.buf[:0], false
	s := trimSpaces(string(raw))
	var fr Frame
	if f.stripAIM && isAIM(s) {
		fr.AIM, s = s[:3], trimSpaces(s[3:])
	}
	if f.prefix != "" {
		s = trimSpaces(strings.TrimPrefix(s, f.prefix))
	}
	if len(s) > f.maxLen {
		s, overflow = s[:f.maxLen], true
	}
	if s == "" && !overflow {
		return dst
	}
	fr.Data, fr.Overflow, fr.Unterminated = s, overflow, unterminated
	return append(dst, fr)
}

// isAIM reports whether s starts with an AIM symbology identifier:
// ']' + symbology letter + modifier character (ISO/IEC 15424).
func isAIM(s string) bool {
	if len(s) < 3 || s[0] != ']' {
		return false
	}
	c, m := s[1], s[2]
	return (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') &&
		(m >= '0' && m <= '9' || m >= 'A' && m <= 'Z' || m >= 'a' && m <= 'z')
}

// trimSpaces removes ASCII spaces only; control bytes never reach it.
func trimSpaces(s string) string { return strings.Trim(s, " ") }
