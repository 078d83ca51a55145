package scanner

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Suffix is what the scanner sends after each code. Stored as a string in
// configuration files.
type Suffix string

// The suffixes a Framer understands.
const (
	SuffixAny  Suffix = "any"  // CR, LF or CRLF each end a code (default)
	SuffixCR   Suffix = "cr"   // CR ends a code; LF is noise
	SuffixLF   Suffix = "lf"   // LF ends a code; CR is noise
	SuffixCRLF Suffix = "crlf" // only CR LF ends a code; a lone CR or LF is noise
	SuffixNone Suffix = "none" // no suffix: a pause of Config.FrameGap ends a code
)

// ParseSuffix parses "any", "cr", "lf", "crlf" or "none" (any case).
func ParseSuffix(s string) (Suffix, error) {
	switch v := Suffix(strings.ToLower(strings.TrimSpace(s))); v {
	case SuffixAny, SuffixCR, SuffixLF, SuffixCRLF, SuffixNone:
		return v, nil
	case "":
		return SuffixAny, nil
	}
	return "", fmt.Errorf("scanner suffix %q: %w", s, ErrConfig)
}

// Parity is the serial parity setting, stored as a string.
type Parity string

// The parities tarm/serial can set.
const (
	ParityNone Parity = "none"
	ParityOdd  Parity = "odd"
	ParityEven Parity = "even"
)

// ParseParity parses "none"/"n", "odd"/"o" or "even"/"e" (any case).
func ParseParity(s string) (Parity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "n", "none":
		return ParityNone, nil
	case "o", "odd":
		return ParityOdd, nil
	case "e", "even":
		return ParityEven, nil
	}
	return "", fmt.Errorf("scanner parity %q: %w", s, ErrConfig)
}

// standardBauds are the rates every platform tarm/serial supports can set.
var standardBauds = []int{300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// ErrConfig is matched by every error about an invalid Config.
var ErrConfig = errors.New("invalid scanner configuration")

// Defaults used when a Config field is zero.
const (
	DefaultBaud        = 9600
	DefaultMaxLen      = 128 // auth_code is String(128) in the API
	DefaultReadTimeout = 100 * time.Millisecond
	DefaultFrameGap    = 300 * time.Millisecond
	DefaultRetryMin    = 250 * time.Millisecond
	DefaultRetryMax    = 5 * time.Second
	DefaultBuffer      = 4
)

// Config describes one serial scanner. The zero value of every field except
// Port means its default; call WithDefaults to see them filled in.
type Config struct {
	// Port is the device: /dev/ttyACM0, /dev/serial/by-id/…, COM3.
	Port string `toml:"port"`
	// Baud is the line speed; most scanners ship at 9600 or 115200.
	Baud int `toml:"baud"`
	// DataBits is 5–8; 0 means 8.
	DataBits int `toml:"data_bits"`
	// Parity is none, odd or even.
	Parity Parity `toml:"parity"`
	// StopBits is 1 or 2; 0 means 1.
	StopBits int `toml:"stop_bits"`
	// Suffix is the end-of-code marker the scanner is programmed to send.
	Suffix Suffix `toml:"suffix"`
	// Prefix, when set, is removed from the start of each code (a scanner
	// can be programmed to send a fixed prefix).
	Prefix string `toml:"prefix"`
	// StripAIM removes an AIM symbology identifier such as "]Q1" or "]C0".
	StripAIM bool `toml:"strip_aim"`
	// MaxLen caps a code's length after prefix removal; longer input is
	// reported as ReasonTooLong and never buffered past the cap.
	MaxLen int `toml:"max_len"`
	// ReadTimeout bounds each read so Close and context cancellation take
	// effect; tarm/serial rounds it to tenths of a second (0.1–1 s allowed).
	ReadTimeout time.Duration `toml:"read_timeout"`
	// FrameGap is how long pending characters may wait for a suffix before
	// they are taken as a code anyway (the only end marker for SuffixNone).
	FrameGap time.Duration `toml:"frame_gap"`
	// RetryMin and RetryMax bound the reconnect backoff (doubling).
	RetryMin time.Duration `toml:"retry_min"`
	RetryMax time.Duration `toml:"retry_max"`
	// Buffer is how many scans wait in Scans() before the oldest is dropped.
	Buffer int `toml:"buffer"`
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	set := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.DataBits == 0 {
		c.DataBits = 8
	}
	if c.Parity == "" {
		c.Parity = ParityNone
	}
	if c.StopBits == 0 {
		c.StopBits = 1
	}
	if c.Suffix == "" {
		c.Suffix = SuffixAny
	}
	if c.MaxLen == 0 {
		c.MaxLen = DefaultMaxLen
	}
	if c.Buffer == 0 {
		c.Buffer = DefaultBuffer
	}
	set(&c.ReadTimeout, DefaultReadTimeout)
	set(&c.FrameGap, DefaultFrameGap)
	set(&c.RetryMin, DefaultRetryMin)
	set(&c.RetryMax, DefaultRetryMax)
	return c
}

// Validate checks c after defaults are applied. Every error matches ErrConfig.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("scanner: "+format+": %w", append(args, ErrConfig)...))
	}
	if strings.TrimSpace(c.Port) == "" {
		bad("no port")
	}
	if !slices.Contains(standardBauds, c.Baud) {
		bad("baud %d (want a standard rate such as 9600 or 115200)", c.Baud)
	}
	if c.DataBits < 5 || c.DataBits > 8 {
		bad("data bits %d", c.DataBits)
	}
	if _, err := ParseParity(string(c.Parity)); err != nil {
		errs = append(errs, err)
	}
	if c.StopBits != 1 && c.StopBits != 2 {
		bad("stop bits %d", c.StopBits)
	}
	if _, err := ParseSuffix(string(c.Suffix)); err != nil {
		errs = append(errs, err)
	}
	if c.MaxLen < PaymentCodeLen || c.MaxLen > 4096 {
		bad("max length %d (want %d–4096)", c.MaxLen, PaymentCodeLen)
	}
	if c.ReadTimeout < 100*time.Millisecond || c.ReadTimeout > time.Second {
		bad("read timeout %v (want 100ms–1s)", c.ReadTimeout)
	}
	if c.FrameGap < 0 || c.RetryMin < 0 || c.RetryMax < c.RetryMin {
		bad("frame gap %v / retry %v–%v", c.FrameGap, c.RetryMin, c.RetryMax)
	}
	if c.Buffer < 1 {
		bad("buffer %d", c.Buffer)
	}
	return errors.Join(errs...)
}
