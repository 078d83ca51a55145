package scanner

import (
	"time"
	"unicode/utf8"
)

// Wedge turns keystrokes from a keyboard-wedge scanner (one that types the
// code into the focused field and presses Enter) into the same Scan values
// and verdicts as a serial Scanner. The UI feeds it from its key handlers;
// a cashier typing the digits shown under the customer's barcode works too.
// A Wedge is not safe for concurrent use: call it from the UI goroutine.
type Wedge struct {
	f   *Framer
	now func() time.Time
}

// NewWedge returns a Wedge using cfg's Prefix, StripAIM and MaxLen.
func NewWedge(cfg Config) *Wedge {
	cfg.Suffix = SuffixAny
	return &Wedge{f: NewFramer(cfg), now: time.Now}
}

// TypeRune records one typed character. CR or LF act as Enter. Full-width
// characters typed through a Chinese input method ('１', 'Ａ') are read as
// their ASCII forms.
func (w *Wedge) TypeRune(r rune) (Scan, bool) {
	switch {
	case r == '\r' || r == '\n':
		return w.Enter()
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		r = ' '
	}
	var b [utf8.UTFMax]byte
	w.f.Feed(nil, b[:utf8.EncodeRune(b[:], r)])
	return Scan{}, false
}

// Enter completes the typed code. ok is false when nothing was typed.
func (w *Wedge) Enter() (sc Scan, ok bool) {
	frames := w.f.Feed(nil, []byte{'\n'})
	if len(frames) == 0 {
		return Scan{}, false
	}
	return scanFromFrame(frames[0], SourceKeyboard, w.now()), true
}

// Backspace removes the last typed character.
func (w *Wedge) Backspace() {
	b := w.f.buf
	if len(b) == 0 {
		return
	}
	_, size := utf8.DecodeLastRune(b)
	w.f.buf = b[:len(b)-size]
}

// Len returns how many bytes are typed and waiting for Enter.
func (w *Wedge) Len() int { return w.f.Pending() }

// Reset forgets what was typed, e.g. when the payment screen closes.
func (w *Wedge) Reset() { w.f.Reset() }
