package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
)

// Keyboard-wedge scanners type a code's characters a few milliseconds apart
// (typically 1–20 ms, then Enter); a person at a keypad is 80 ms apart or
// more, and a rolled pair of keys about 30–60 ms. A run of at least
// burstMinLen characters each within burstGap of the last is a scanner's.
//
// The times are when the window handles each key, not when it was typed
// (Fyne gives key events no timestamp), and the driver reads keys only
// between frames (60 times a second when idle; after a slow frame on a
// software renderer or a busy machine's scheduler, much later). A gap
// seen between two keys is therefore no proof that nobody typed in it:
// the keys typed meanwhile may still be waiting in the event queue. So a
// gap never ends a group by itself; only the flush timer does, and only
// once the input has been seen quiet twice, pollGap apart and on time, so
// that the driver has read its queue in between. A group that is already a
// machine's (burstMinLen characters, or two within fastGap) waits holdGap
// for the rest of its scan: the first part of a split code is neither
// typed into an amount nor reported alone.
const (
	burstGap    = 35 * time.Millisecond
	burstMinLen = 4
	fastGap     = 15 * time.Millisecond
	holdGap     = 250 * time.Millisecond
	// pollGap is longer than one of the driver's event polls (1/60 s).
	pollGap = 20 * time.Millisecond
	// lateGap is how late a check may run and still count as on time: a
	// later one means the window was busy, and keys may be queued behind it.
	lateGap = 5 * time.Millisecond
	// maxHold bounds how long a window that is never on time holds keys.
	maxHold = 2 * holdGap
)

// inputKind says what a group of keystrokes turned out to be.
type inputKind int

const (
	inputTyped   inputKind = iota // a person typed these runes: deliver them as keys
	inputCode                     // a scanner typed a WeChat payment code
	inputNotCode                  // a scanner typed something that is not a payment code
)

// classified is one group of keystrokes with its verdict. For inputTyped,
// runes are delivered one by one and enter says an Enter followed them; for
// the other kinds text is what was scanned (the Enter is part of the scan).
type classified struct {
	kind  inputKind
	runes []rune
	enter bool
	text  string
}

// keyBurst tells a keyboard-wedge scan from a person typing, wherever focus
// is, by timing and shape: every keystroke goes through it before any screen
// sees it. Characters are held until Flush finds the input quiet, so a scan
// is never delivered as keys, even for a moment. Timestamps are the
// caller's, which keeps it testable without sleeping. It runs on the UI
// goroutine.
type keyBurst struct {
	pending []rune
	last    time.Time
	machine bool      // two of the pending characters came within fastGap
	quietAt time.Time // when a check first found the group quiet; zero until then
}

// Rune records one typed character at time at. It joins the pending group
// whatever the gap: had the input been quiet, Flush would have said so.
func (k *keyBurst) Rune(at time.Time, r rune) {
	if len(k.pending) > 0 && at.Sub(k.last) < fastGap {
		k.machine = true
	}
	k.pending = append(k.pending, r)
	k.last, k.quietAt = at, time.Time{}
}

// window is how long the pending group waits for its next character.
func (k *keyBurst) window() time.Duration {
	if k.machine || len(k.pending) >= burstMinLen {
		return holdGap
	}
	return burstGap
}

// Enter records Enter. It ends the pending group, if any (a scanner's
// suffix, or a person's Enter after keys not yet delivered); otherwise it
// is a key of its own.
func (k *keyBurst) Enter() []classified {
	if len(k.pending) == 0 {
		return []classified{{kind: inputTyped, enter: true}}
	}
	c := k.take()
	if c.kind == inputTyped {
		c.enter = true
	}
	return []classified{c}
}

// Key records any other key (Esc, F1, Backspace…): what is pending is
// classified now, whatever the timing, so the key acts after it.
func (k *keyBurst) Key() []classified {
	if len(k.pending) == 0 {
		return nil
	}
	return []classified{k.take()}
}

// Flush is the flush timer's check at time at. The pending group is
// classified once the input has been quiet for its burst window and a
// second check pollGap after the first ran on time; a late check starts
// the confirmation again (the window was busy: keys may be queued behind
// it), until maxHold.
func (k *keyBurst) Flush(at time.Time) []classified {
	if len(k.pending) == 0 || at.Before(k.due()) {
		return nil
	}
	confirmed := !k.quietAt.IsZero() && at.Sub(k.quietAt.Add(pollGap)) <= lateGap
	if !confirmed && at.Sub(k.last) < maxHold {
		k.quietAt = at
		return nil
	}
	return []classified{k.take()}
}

// due is when Flush next needs to be called.
func (k *keyBurst) due() time.Time {
	if k.quietAt.IsZero() {
		return k.last.Add(k.window())
	}
	return k.quietAt.Add(pollGap)
}

// Pending reports whether keystrokes are held, and until when Flush needs
// to be called.
func (k *keyBurst) Pending() (bool, time.Time) {
	return len(k.pending) > 0, k.due()
}

// take classifies and empties the pending group.
func (k *keyBurst) take() classified {
	runes := k.pending
	k.pending, k.machine, k.quietAt = nil, false, time.Time{}
	text := string(runes)
	switch {
	case pos.ValidCode(text):
		// Nobody keys 18 digits 35 ms apart: this is a scan, with or
		// without the scanner's Enter.
		return classified{kind: inputCode, text: text}
	case len(runes) >= burstMinLen && scannable(runes):
		return classified{kind: inputNotCode, text: text}
	}
	return classified{kind: inputTyped, runes: runes}
}

// scannable reports whether a wedge scanner could have typed runes: every
// code it reads (payment codes, item barcodes, staff cards, QR payloads) is
// printable ASCII with at least one digit or sign. Letters alone are a
// person typing a name fast, and anything beyond ASCII is an input
// method committing a word at once (a four-character Chinese name arrives
// as one burst): both are text for the focused field, never a scan.
func scannable(runes []rune) bool {
	letters := true
	for _, r := range runes {
		if r < ' ' || r > '~' {
			return false
		}
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == ' ') {
			letters = false
		}
	}
	return !letters
}

// shortScan is scanned text fit for one line of a notice: at most 24
// characters, the rest elided.
func shortScan(text string) string {
	r := []rune(text)
	if len(r) <= 24 {
		return text
	}
	return string(r[:24]) + "…"
}

// classifiedField is a text field whose keys go through the terminal's
// classifier like every other key of the window: Fyne hands a focused
// widget its keys directly, so a plain Entry would take a wedge scan as
// typed text (a customer's payment code in a name, a PIN or the audit
// trail). A payment code reaches the screen as a scanned code instead,
// never the field; a person's keys reach the field as before, except Esc,
// which always goes back or cancels.
type classifiedField interface {
	fyne.Focusable
	entry() *widget.Entry
}

// keyEntry is a classifiedField Entry.
type keyEntry struct {
	widget.Entry
	t *Terminal
}

func newKeyEntry(t *Terminal) *keyEntry {
	e := &keyEntry{t: t}
	e.ExtendBaseWidget(e)
	return e
}

// newKeyPasswordEntry is newKeyEntry for a PIN: the text is hidden; Fyne's
// eye at its end shows it while tapped on and, taking no focus, leaves Tab
// and the keys as they were (TestPINRevealKeepsKeys).
func newKeyPasswordEntry(t *Terminal) *keyEntry {
	e := &keyEntry{t: t}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) entry() *widget.Entry { return &e.Entry }

// TypedRune implements fyne.Focusable through the classifier.
func (e *keyEntry) TypedRune(r rune) { e.t.typedRune(r) }

// TypedKey implements fyne.Focusable through the classifier.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) { e.t.typedKey(ev) }

// FocusGained implements fyne.Focusable: the field is scrolled into sight.
func (e *keyEntry) FocusGained() { e.Entry.FocusGained(); reveal(e) }

// keySelectEntry is a classifiedField SelectEntry (a reason typed or
// picked from a list).
type keySelectEntry struct {
	widget.SelectEntry
	t *Terminal
}

func newKeySelectEntry(t *Terminal, options []string) *keySelectEntry {
	e := &keySelectEntry{t: t}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	// The drop-down is a stock button that takes focus on Tab and would
	// keep Esc: the same button, keys passed on.
	if b, ok := e.ActionItem.(*widget.Button); ok {
		kb := newIconButton("", b.Icon, b.OnTapped)
		kb.Importance = widget.LowImportance
		e.ActionItem = kb
	}
	return e
}

func (e *keySelectEntry) entry() *widget.Entry { return &e.Entry }

// TypedRune implements fyne.Focusable through the classifier.
func (e *keySelectEntry) TypedRune(r rune) { e.t.typedRune(r) }

// TypedKey implements fyne.Focusable through the classifier.
func (e *keySelectEntry) TypedKey(ev *fyne.KeyEvent) { e.t.typedKey(ev) }

// FocusGained implements fyne.Focusable: the field is scrolled into sight.
func (e *keySelectEntry) FocusGained() { e.SelectEntry.FocusGained(); reveal(e) }
