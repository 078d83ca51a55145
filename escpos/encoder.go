package escpos

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/wxpos/wxpos/receipt"
)

// Control bytes used by the commands below.
const (
	esc = 0x1B
	gs  = 0x1D
	fsc = 0x1C
	dle = 0x10
	eot = 0x04
	lf  = 0x0A
)

// ErrInvalidArgument is returned (through Encoder.Err) when a command is given
// a parameter outside the range the printer accepts, such as a size of 9 or
// an empty QR code. Nothing is written for that command.
var ErrInvalidArgument = errors.New("escpos: invalid argument")

// Align is a justification for ESC a.
type Align byte

// Alignments understood by ESC a.
const (
	AlignLeft   Align = 0
	AlignCenter Align = 1
	AlignRight  Align = 2
)

// QRLevel is a QR code error-correction level for GS ( k fn 169.
type QRLevel byte

// QR error-correction levels (the byte values are the ones the printer expects).
const (
	QRLevelL QRLevel = 48 // recovers ~7%
	QRLevelM QRLevel = 49 // recovers ~15%
	QRLevelQ QRLevel = 50 // recovers ~25%
	QRLevelH QRLevel = 51 // recovers ~30%
)

// MaxQRData is the largest payload GS ( k accepts for one symbol (model 2,
// version 40, numeric data); byte data is further limited by the printer.
const MaxQRData = 7089

// DrawerPin selects the connector pin that ESC p pulses.
type DrawerPin byte

// Drawer kick connector pins.
const (
	DrawerPin2 DrawerPin = 0
	DrawerPin5 DrawerPin = 1
)

// Encoder writes ESC/POS commands to an io.Writer. Text is encoded to GBK.
//
// The first error (from the writer or from an invalid argument) is kept:
// later calls do nothing and Err reports it, so a job can be written without
// checking every call. Encoder never panics on bad input.
type Encoder struct {
	w   io.Writer
	gbk *encoding.Encoder
	buf []byte
	err error
}

// NewEncoder returns an Encoder writing to w. It does not buffer: each command
// is one Write, so wrap w in a bufio.Writer (and flush it) for device targets.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: w, gbk: simplifiedchinese.GBK.NewEncoder()}
}

// Err returns the first error met by the Encoder, or nil.
func (e *Encoder) Err() error { return e.err }

func (e *Encoder) write(b ...byte) {
	if e.err != nil {
		return
	}
	if _, err := e.w.Write(b); err != nil {
		e.err = fmt.Errorf("escpos: write: %w", err)
	}
}

func (e *Encoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidArgument}, args...)...)
	}
}

// Init resets the printer to its power-on settings (ESC @).
func (e *Encoder) Init() { e.write(esc, '@') }

// Chinese switches the printer's double-byte (Kanji/汉字) mode on (FS &) or
// off (FS .). It must be on for GBK text to print as Chinese.
func (e *Encoder) Chinese(on bool) {
	if on {
		e.write(fsc, '&')
		return
	}
	e.write(fsc, '.')
}

// Bold turns emphasised printing on or off (ESC E n).
func (e *Encoder) Bold(on bool) { e.write(esc, 'E', boolByte(on)) }

// Size sets the character magnification (GS ! n); w and h are 1..8. Size(1, 1)
// is normal, Size(2, 2) is double width and height.
func (e *Encoder) Size(w, h int) {
	if w < 1 || w > 8 || h < 1 || h > 8 {
		e.fail("size %dx%d outside 1..8", w, h)
		return
	}
	e.write(gs, '!', byte((w-1)<<4|(h-1)))
}

// Align sets the justification of the following lines (ESC a n).
func (e *Encoder) Align(a Align) {
	if a > AlignRight {
		e.fail("alignment %d", a)
		return
	}
	e.write(esc, 'a', byte(a))
}

// Text writes s encoded as GBK. Control characters other than '\n' are
// printed as '?' so that text (an item name, say) can never smuggle in a
// command such as a drawer kick; characters GBK cannot encode become one '?'
// per column they would occupy, so column layout is kept.
func (e *Encoder) Text(s string) {
	if e.err != nil || s == "" {
		return
	}
	e.buf = appendGBK(e.buf[:0], e.gbk, s)
	e.write(e.buf...)
}

// Line writes s followed by a line feed.
func (e *Encoder) Line(s string) {
	e.Text(s)
	e.write(lf)
}

// Feed prints the buffer and feeds n lines (ESC d n).
func (e *Encoder) Feed(n int) {
	if n < 0 || n > 255 {
		e.fail("feed %d lines outside 0..255", n)
		return
	}
	e.write(esc, 'd', byte(n))
}

// QR prints data as a model 2 QR code (GS ( k): module size 1..16 dots, the
// given error-correction level, then store and print.
func (e *Encoder) QR(data string, size int, level QRLevel) {
	switch {
	case data == "" || len(data) > MaxQRData:
		e.fail("qr data length %d outside 1..%d", len(data), MaxQRData)
		return
	case size < 1 || size > 16:
		e.fail("qr module size %d outside 1..16", size)
		return
	case level < QRLevelL || level > QRLevelH:
		e.fail("qr level %d", level)
		return
	}
	e.write(gs, '(', 'k', 4, 0, 49, 65, 50, 0)             // fn 165: model 2
	e.write(gs, '(', 'k', 3, 0, 49, 67, byte(size))        // fn 167: module size
	e.write(gs, '(', 'k', 3, 0, 49, 69, byte(level))       // fn 169: error correction
	n := len(data) + 3                                     // cn fn m + data
	e.write(gs, '(', 'k', byte(n), byte(n>>8), 49, 80, 48) // fn 180: store
	if e.err == nil {
		if _, err := io.WriteString(e.w, data); err != nil {
			e.err = fmt.Errorf("escpos: write: %w", err)
		}
	}
	e.write(gs, '(', 'k', 3, 0, 49, 81, 48) // fn 181: print
}

// Cut cuts the paper (GS V m): a full cut, or a partial one leaving a tab.
// Feed first (Feed or FeedCut) so the last line clears the cutter.
func (e *Encoder) Cut(partial bool) { e.write(gs, 'V', boolByte(partial)) }

// FeedCut feeds to the cutting position plus n motion units and cuts
// (GS V 65 n for a full cut, GS V 66 n for a partial one).
func (e *Encoder) FeedCut(partial bool, n int) {
	if n < 0 || n > 255 {
		e.fail("cut feed %d outside 0..255", n)
		return
	}
	m := byte(65)
	if partial {
		m = 66
	}
	e.write(gs, 'V', m, byte(n))
}

// KickDrawer pulses a cash drawer pin (ESC p m t1 t2): on for onMS and off
// for offMS milliseconds, each rounded down to the printer's 2 ms unit and
// limited to 0..510 ms. offMS must not be shorter than onMS.
func (e *Encoder) KickDrawer(pin DrawerPin, onMS, offMS int) {
	switch {
	case pin > DrawerPin5:
		e.fail("drawer pin %d", pin)
		return
	case onMS < 2 || onMS > 510 || offMS < 2 || offMS > 510:
		e.fail("drawer pulse %d/%d ms outside 2..510", onMS, offMS)
		return
	case offMS < onMS:
		e.fail("drawer off time %d ms shorter than on time %d ms", offMS, onMS)
		return
	}
	e.write(esc, 'p', byte(pin), byte(onMS/2), byte(offMS/2))
}

// StatusRequest asks for one real-time status byte (DLE EOT n, n 1..4).
// Use it only on a connection that can be read back.
func (e *Encoder) StatusRequest(n StatusKind) {
	if n < StatusPrinter || n > StatusPaper {
		e.fail("status kind %d", n)
		return
	}
	e.write(dle, eot, byte(n))
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// appendGBK appends s encoded as GBK to dst, with the replacements Text
// describes (controls become '?', unencodable characters '?' per column).
func appendGBK(dst []byte, enc *encoding.Encoder, s string) []byte {
	var tmp [8]byte
	for _, r := range s {
		switch {
		case r == '\n':
			dst = append(dst, lf)
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == utf8.RuneError:
			dst = append(dst, '?')
		case r < 0x80:
			dst = append(dst, byte(r))
		default:
			n := utf8.EncodeRune(tmp[:4], r)
			out, _, err := enc.Transform(tmp[4:], tmp[:n], true)
			enc.Reset()
			if err != nil || out == 0 {
				for i := receipt.RuneWidth(r); i > 0; i-- {
					dst = append(dst, '?')
				}
				continue
			}
			dst = append(dst, tmp[4:4+out]...)
		}
	}
	return dst
}
