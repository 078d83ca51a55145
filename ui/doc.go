// Package ui is the Fyne cashier window of wxpos. It renders state that the
// payment core (package pos) owns and never holds payment state itself.
//
// # Shape
//
// A Terminal is the window's content: a StatusBar (network, scanner,
// pending count, the red training banner) above one screen at a time —
// sale, scan-to-pay, QR-to-pay, cash, UNKNOWN, receipt, history, settings,
// and the manager and reconciliation screens that other files add. Screens
// are small unexported types; AmountDisplay, Keypad and StatusBar are the
// reusable widgets, one type per file.
//
// The screens drive the core through the narrow Checkout interface declared
// here (the consumer's side): PayScan and PayQR return a channel of Update
// values for one payment, PayCash a receipt, Cancel reverses or closes,
// Recheck asks WeChat now, History lists and searches the sales (today,
// or a search over 30 days, through the core's day index). The values they carry are
// package view's (re-exported here); the implementations are the facade's,
// package counter, which the wiring builds and hands in as Options: this
// package imports no database, replication or simulator code, and a test
// may hand it a fake instead.
//
// # Threads
//
// Fyne callbacks never block: every call into the core, the printer or the
// sandbox runs in a goroutine owned by the Terminal (payments, which outlive
// their screen) or by the current screen (countdowns, loading history; they
// end with the screen's context). Results come back through fyne.Do. Tests
// replace fyne.Do with a queue they drain on the test goroutine, so flows
// are deterministic and race-free.
//
// # Keys
//
// Sale: digits and "." key the amount, Backspace, "+" adds an item line,
// Enter or F1 scan, F2 QR, F3 cash, Esc clears, F5 today's sales, F9
// settings, F10 manager. Scan: a keyboard-wedge scanner types the code and
// Enter (a serial scanner's codes arrive through WithScanner); Esc cancels,
// which reverses a payment waiting for the password. QR: Esc closes the
// order; once it expired or was closed, F2 starts a new one for the same
// sale. Cash: digits or a note button, F3 the exact amount, Enter
// confirms. UNKNOWN: F4 retries now, F8 (or Esc) parks it for the next
// sale. Receipt: F6 prints or reprints, Enter starts the next sale. The
// manager menu: the digit shown on each tile opens it; the day screen's Z
// asks once more (the same button or Enter) before the PIN and says it is
// closing until the Z is made. Esc always goes back or cancels, from a
// text field too, and closes the PIN prompt first.
//
// F7 acknowledges the oldest unseen outcome (below).
//
// Every key the window gets goes through one classifier (keyBurst) before a
// screen sees it: a run of keys a few ms apart is a keyboard-wedge scanner,
// not a person. A burst shaped like a payment code is delivered as a scan
// (on the sale screen it starts scan-pay with the keyed amount, or asks for
// an amount); any other burst is shown as "not a payment code"; neither is
// ever typed into an amount. Keys are held until the input has been quiet
// for one burst window (35 ms; 250 ms for a group already a machine's) and
// the driver has read its event queue once more (20 ms): a gap between two
// keys never splits a group by itself, because a busy window reads keys
// typed 4 ms apart one frame late, all at once. Amounts have a
// ceiling and, above a threshold, a second press of the tender key to
// confirm (WithAmountLimits, config [payment] max_amount and
// confirm_above). Fyne hands a focused text
// field its keys directly, so every text field is a classifiedField
// (keyEntry, keySelectEntry) whose keys go through the classifier too: a
// payment code never becomes a field's text; the screen uses it (the cash
// screen offers scan-pay for the same amount on F1) or a notice says it
// was not used. Other bursts (a receipt number, a fast typist) reach the
// field as typed text.
//
// # Outcomes nobody saw
//
// A payment the core settled on its own — while the window was down, or
// after the cashier parked it — stays listed by the core until acknowledged
// (pos.Terminal.Unacknowledged, kept in the database). A banner under the
// status bar shows each one above every screen ("while you were away:
// ¥12.34 paid, receipt …") until the cashier presses its button or F7. A
// payment the cashier watches to its end is acknowledged by being shown.
// The pending count includes orders still in progress that this window is
// not following (one resumed after a restart).
//
// # Room
//
// The window opens at 1024×720 (a 1024×768 display less its title bar) and
// Fyne grows a window to its content's MinSize and never shrinks it, so no
// screen may need more, in either language, with a busy day's data
// (TestEveryScreenFits): status lines that are empty are hidden (setLine),
// long hints wrap, names truncate, reports scroll below their title. The
// one thing that matters most on a screen (the total, the change, the
// countdown, a failure, the amount paid) is drawn at the theme's hero size.
// TestScreenshots writes every screen as PNGs for a person to look at.
//
// # Text and font
//
// Every string comes from a typed catalogue (zh-CN by default, English
// switchable in settings); a test fails on a Chinese literal outside a
// translation table. An error reaches the screen only through
// Terminal.errorText, which picks the catalogue entry by the error's type
// or sentinel (errors.Is/As); one it does not know shows a generic entry
// with a reference that the log carries beside the error itself. The theme embeds a GB2312 subset of Droid Sans
// Fallback (Apache 2.0, about 1 MB, see package assets) for CJK; Latin falls
// back to Fyne's font and a rarer hanzi to the machine's fonts. A test fails
// when a translation uses a rune the embedded font lacks. Fyne parses the
// face once per text style, so Run starts those parses in the background
// while the window is being created.
//
// # The customer window
//
// With WithCustomerDisplay the sale screen tells the customer display
// (package custdisplay) the sale as keyed on every change, and the scan
// screen that the customer's code is asked for; the payment's own steps
// reach the display from the core's event stream, not from here. Run
// opens customerWindow, a second window that draws the display's frames
// in Chinese and English at once (customerMessages: said to the customer,
// not the cashier). Fyne places a new window where the window manager
// wants it; there is no monitor choice (docs/CUSTOMER_DISPLAY.md).
//
// # Choices where the protocol notes are open
//
//   - The password countdown shows the core's own deadline (pos
//     Config.ScanWait, 30 s by default, the 2021 guide's figure), not
//     WeChat's, which is not published.
//   - A scan reversed without the cashier asking is explained as "the
//     customer did not enter the password"; a QR order closed at or after
//     its deadline without the cashier asking as "expired". The core records
//     WeChat's error codes, not why it gave up, so counter.Checkout infers these
//     from whether Cancel was called and from the order's own times.
//   - The network light turns red when a payment goes UNKNOWN (a WeChat call
//     got no usable answer) and green on the next state only an answer can
//     produce.
//   - Retry now uses the core's Recheck when it has one, else one bounded
//     recovery pass (which honours the core's backoff).
package ui
