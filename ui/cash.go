package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cashNotesFen are the quick buttons for common banknotes.
var cashNotesFen = []int64{1000, 2000, 5000, 10000}

// cashScreen takes cash: the amount due, what the customer handed over
// (keypad, keyboard or a note button) and the change. Enter confirms once
// enough is tendered; Esc goes back to the sale.
type cashScreen struct {
	t    *Terminal
	sale Sale

	due, tendered, change *AmountDisplay
	short                 *widget.Label
	keypad                *Keypad
	notes                 []*keyButton
	exactBtn, confirmBtn  *keyButton
	backBtn               *keyButton
	scanBtn               *keyButton // switch to scan-pay with a code scanned here

	// offer is a payment code scanned on this screen: F1 (or scanBtn)
	// charges it for the same amount, Esc drops it.
	offer string

	root  fyne.CanvasObject
	left  *fyne.Container // the amounts and the short line
	input amountInput
	busy  bool
	armed int // which sale the screen shows: results for an earlier one are dropped
}

// newCashScreen builds the screen; reset arms it for a sale.
func newCashScreen(t *Terminal) *cashScreen {
	c := t.cat
	s := &cashScreen{
		t:        t,
		due:      NewAmountDisplay(c.T(msgCashDue)),
		tendered: NewAmountDisplay(c.T(msgCashTendered)),
		change:   NewAmountDisplay(c.T(msgCashChange)),
		short:    widget.NewLabel(""),
	}
	s.short.Importance = widget.DangerImportance
	s.short.Wrapping = fyne.TextWrapWord
	// The change is what the cashier hands back: the largest thing here.
	s.due.SetSecondary(true)
	s.tendered.SetSecondary(true)
	s.keypad = NewKeypad(s.press)
	s.exactBtn = newButton(c.T(msgCashExact), func() { s.setTendered(s.sale.TotalFen) })
	for _, fen := range cashNotesFen {
		fen := fen
		s.notes = append(s.notes, newButton("¥"+strconv.FormatInt(fen/100, 10), func() { s.setTendered(fen) }))
	}
	s.confirmBtn = newIconButton(c.T(msgCashConfirm), theme.ConfirmIcon(), s.confirm)
	s.confirmBtn.Importance = widget.HighImportance
	s.backBtn = newIconButton(c.T(msgCommonBack), theme.NavigateBackIcon(), t.backToSale)
	s.scanBtn = newIconButton(c.T(msgCashScanSwitch), theme.ConfirmIcon(), s.takeOffer)
	s.scanBtn.Importance = widget.WarningImportance
	s.scanBtn.Hide()
	s.root = s.build()
	return s
}

// reset arms the screen for sale, with nothing tendered yet.
func (s *cashScreen) reset(sale Sale) {
	s.sale = sale
	s.armed++
	s.busy = false
	s.dropOffer()
	s.input.Clear()
	s.due.SetFen(sale.TotalFen)
	s.refresh()
}

func (s *cashScreen) view() fyne.CanvasObject { return s.root }

func (s *cashScreen) build() fyne.CanvasObject {
	notes := container.NewGridWithColumns(len(s.notes)+1, s.exactBtn)
	for _, b := range s.notes {
		notes.Add(b)
	}
	s.left = container.NewVBox(container.NewGridWithColumns(2, s.due, s.tendered), widget.NewSeparator(), s.change, s.short, s.scanBtn, layout.NewSpacer(), notes)
	right := container.NewVBox(s.keypad)
	bottom := container.NewHBox(s.backBtn, layout.NewSpacer(), container.NewGridWrap(fyne.NewSize(240, 72), s.confirmBtn))
	return container.NewPadded(container.NewBorder(nil, bottom, nil, right, s.left))
}

func (s *cashScreen) press(key string) {
	s.t.touched()
	if s.input.Press(key) {
		s.refresh()
	}
}

func (s *cashScreen) setTendered(fen int64) {
	s.input.Clear()
	for _, r := range strconv.FormatInt(fen/100, 10) {
		s.input.Press(string(r))
	}
	if f := fen % 100; f != 0 {
		s.input.Press(".")
		for _, r := range twoDigits(f) {
			s.input.Press(string(r))
		}
	}
	s.refresh()
}

// changeFen is what goes back to the customer; negative when short.
func (s *cashScreen) changeFen() int64 { return s.input.Fen() - s.sale.TotalFen }

func (s *cashScreen) refresh() {
	s.tendered.SetFen(s.input.Fen())
	ch := s.changeFen()
	if ch >= 0 {
		s.change.SetFen(ch)
		setLine(s.left, s.short, "")
	} else {
		s.change.SetFen(0)
		setLine(s.left, s.short, s.t.cat.T(msgCashShort, formatFen(-ch)))
	}
	if ch >= 0 && s.input.Fen() > 0 && !s.busy {
		s.confirmBtn.Enable()
	} else {
		s.confirmBtn.Disable()
	}
}

// confirm records the cash sale off the UI goroutine, then shows the receipt.
func (s *cashScreen) confirm() {
	t := s.t
	if s.busy || s.changeFen() < 0 || s.input.Fen() <= 0 {
		return
	}
	s.busy = true
	s.refresh()
	sale, tendered, armed := s.sale, s.input.Fen(), s.armed
	t.async(t.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		r, err := t.opt.checkout.PayCash(ctx, sale, tendered)
		return func() {
			if t.cur != s || s.armed != armed {
				return
			}
			s.busy = false
			if err != nil {
				setLine(s.left, s.short, t.errorText(err))
				s.refresh()
				return
			}
			t.draft.clear()
			t.showReceipt(r)
		}
	})
}

// scanned offers to charge a payment code scanned on the cash screen by
// scan-pay for the same amount instead: nothing is charged until the
// cashier says so (F1), and Esc says plainly that the code was not used.
func (s *cashScreen) scanned(code string) {
	if s.busy {
		s.t.outcomes.notify(s.t.cat.T(msgScanNotHere))
		return
	}
	s.offer = code
	s.short.SetText(s.t.cat.T(msgCashScanOffer, formatFen(s.sale.TotalFen)))
	s.scanBtn.Show()
}

// takeOffer leaves cash for scan-pay of the same sale with the scanned code.
func (s *cashScreen) takeOffer() {
	code, sale := s.offer, s.sale
	if code == "" || s.busy {
		return
	}
	s.dropOffer()
	s.t.showScan(sale).submit(code)
}

func (s *cashScreen) dropOffer() {
	s.offer = ""
	s.scanBtn.Hide()
}

func (s *cashScreen) typedRune(r rune) {
	if (r >= '0' && r <= '9') || r == '.' {
		s.press(string(r))
	}
}

func (s *cashScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyBackspace:
		s.press("\b")
	case fyne.KeyEscape:
		if s.offer != "" {
			s.dropOffer()
			s.short.SetText(s.t.cat.T(msgCashScanDropped))
			return
		}
		if !s.busy {
			s.t.backToSale()
		}
	case fyne.KeyF1:
		s.takeOffer()
	case fyne.KeyF3:
		s.setTendered(s.sale.TotalFen)
	case fyne.KeyReturn, fyne.KeyEnter:
		s.confirm()
	}
}
