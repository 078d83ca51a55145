package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tender is a way to pay, chosen on the sale screen.
type tender int

const (
	tenderScan tender = iota
	tenderQR
	tenderCash
)

// saleScreen is where a sale is keyed: the big total, optional item lines,
// the keypad and the tender buttons.
//
// Keys: digits and "." key the amount, Backspace deletes, "+" adds the amount
// as an item line (with nothing keyed: one more of the selected line), "-"
// one less, "*" sets the selected line's quantity to the keyed number, Up
// and Down select a line, Delete deletes it, F4 discounts it (or the whole
// sale) or changes its price, F6 opens the item picker, Enter or F1 takes
// the scan tender, F2 the QR tender, F3 cash, Esc clears the amount (a
// second Esc clears the lines), F5 opens today's sales, F9 the settings
// and F10 the manager menu. A scanned item barcode adds the item.
type saleScreen struct {
	t *Terminal

	total    *AmountDisplay
	keyed    *widget.Label
	lineView *lineView
	hint     *widget.Label
	keypad   *Keypad

	addBtn, scanBtn, qrBtn, cashBtn, clearBtn, historyBtn, settingsBtn *keyButton
	managerBtn                                                         *keyButton
	lockBtn, shiftBtn                                                  *keyButton
	cashier                                                            *widget.Label // who is signed in
	minusBtn, plusBtn, deleteBtn, discountBtn, itemsBtn                *keyButton

	discount *discountForm // the discount form, while open
	console  *console      // the manager PIN prompt's, while asked

	root     fyne.CanvasObject
	left     *fyne.Container // the total, lines and hint; laid out again when the hint wraps
	linesRev int             // the draft's lines revision drawn; -1 before the first draw
	confirm  *saleConfirm    // a large amount waiting for the cashier's second press
}

// saleConfirm is a charge above the confirm threshold that the cashier has
// asked for once: the same tender again (or Enter) goes ahead with it.
type saleConfirm struct {
	tender   tender
	totalFen int64
	code     string // a payment code scanned for it, if any
}

func newSaleScreen(t *Terminal) *saleScreen {
	c := t.cat
	s := &saleScreen{
		t:     t,
		total: NewAmountDisplay(c.T(msgSaleTotal)),
		keyed: widget.NewLabel(""),
		hint:  widget.NewLabel(c.T(msgSaleHint)),

		linesRev: -1,
	}
	// A long hint (the large-amount confirmation) wraps instead of
	// widening the window.
	s.hint.Wrapping = fyne.TextWrapWord
	s.lineView = newLineView(t, s.pickLine)
	s.keypad = NewKeypad(s.press)
	s.addBtn = newIconButton(c.T(msgSaleAddLine), theme.ContentAddIcon(), s.addLine)
	s.scanBtn = newButton(c.T(msgSaleScan), func() { s.pay(tenderScan) })
	s.scanBtn.Importance = widget.HighImportance
	s.qrBtn = newButton(c.T(msgSaleQR), func() { s.pay(tenderQR) })
	s.qrBtn.Importance = widget.HighImportance
	s.cashBtn = newButton(c.T(msgSaleCash), func() { s.pay(tenderCash) })
	s.clearBtn = newButton(c.T(msgSaleClear), s.clear)
	s.historyBtn = newIconButton(c.T(msgSaleHistory), theme.HistoryIcon(), func() { t.showHistory(t.showSale) })
	s.settingsBtn = newIconButton(c.T(msgSaleSettings), theme.SettingsIcon(), func() { t.show(newSettingsScreen(t)) })
	s.managerBtn = newIconButton(c.T(msgSaleManager), theme.AccountIcon(), func() {
		if t.opt.manager != nil {
			t.ShowManager(t.opt.manager)
		}
	})
	if t.opt.manager == nil {
		s.managerBtn.Hide()
	}
	s.cashier = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.lockBtn = newIconButton(c.T(msgTillLock), theme.VisibilityOffIcon(), func() { t.lockTill("manual") })
	s.shiftBtn = newIconButton(c.T(msgTillShiftKey), theme.DocumentIcon(), func() { t.show(newShiftScreen(t)) })
	s.showCashier()
	s.root = s.build()
	return s
}

// reset re-arms the screen for the sale being keyed (t.draft).
func (s *saleScreen) reset() {
	s.confirm = nil
	s.showCashier()
	s.showHint(msgSaleHint, widget.MediumImportance)
	s.refresh()
}

func (s *saleScreen) view() fyne.CanvasObject { return s.root }

func (s *saleScreen) build() fyne.CanvasObject {
	s.left = container.NewBorder(
		container.NewVBox(s.total, s.keyed, widget.NewSeparator()),
		container.NewVBox(s.lineButtons(), s.hint), nil, nil,
		s.lineView.list,
	)
	right := container.NewVBox(s.keypad, container.NewGridWithColumns(2, s.addBtn, s.clearBtn))
	tenders := container.NewGridWithColumns(3,
		tall(s.scanBtn), tall(s.qrBtn), tall(s.cashBtn))
	footer := container.NewHBox(s.historyBtn, s.cashier, layout.NewSpacer(), s.shiftBtn, s.lockBtn, s.managerBtn, s.settingsBtn)
	return container.NewPadded(container.NewBorder(nil,
		container.NewVBox(tenders, footer), nil, right, s.left))
}

// tall makes a button at least 72 px high, comfortable for a finger.
func tall(b *keyButton) fyne.CanvasObject {
	return container.NewStack(container.NewGridWrap(fyne.NewSize(1, 72)), b)
}

// press applies a keypad key; a key that would take the sale over the
// ceiling is refused with a warning.
func (s *saleScreen) press(key string) {
	s.t.touched() // a tap on the keypad is a person at the till, like a key
	d := &s.t.draft
	next := d.input
	if !next.Press(key) {
		return
	}
	s.dropConfirm()
	if total := d.totalFen() - d.input.Fen() + next.Fen(); total > s.t.opt.limits.maxFen {
		s.warnf(msgSaleOverMax, formatFen(total), formatFen(s.t.opt.limits.maxFen))
		return
	}
	d.input = next
	s.refresh()
}

func (s *saleScreen) addLine() {
	s.dropConfirm()
	if s.t.draft.addLine(s.t.cat) {
		s.refresh()
	}
}

// dropConfirm forgets a pending large-amount confirmation: the sale changed.
func (s *saleScreen) dropConfirm() {
	if s.confirm != nil {
		s.confirm = nil
		s.showHint(msgSaleHint, widget.MediumImportance)
	}
}

func (s *saleScreen) clear() {
	s.confirm = nil
	d := &s.t.draft
	if d.input.Text() != "" {
		d.input.Clear()
	} else {
		d.clearLines()
	}
	s.showHint(msgSaleHint, widget.MediumImportance)
	s.refresh()
}

func (s *saleScreen) refresh() {
	d := &s.t.draft
	s.t.tellCustomer()
	s.total.SetFen(d.totalFen())
	keyed := ""
	if t := d.input.Text(); t != "" && len(d.lines) > 0 {
		keyed = "+ ¥" + t
	}
	p := d.priced(nil)
	if p.totals.DiscountFen() > 0 {
		keyed = strings.TrimSpace(keyed + " " + s.t.cat.T(msgSaleSaved, formatFen(p.totals.DiscountFen())))
	}
	s.keyed.SetText(keyed)
	if d.rev == s.linesRev {
		return // a keypress: the lines are as drawn
	}
	s.lineView.show()
	s.linesRev = d.rev
	if len(d.lines) > 0 {
		// What the screen shows, for the log (and a test driving the real
		// window): no names, only positions and amounts.
		var qty int64
		if d.sel >= 0 && d.sel < len(d.lines) {
			qty = d.lines[d.sel].Qty
		}
		s.t.log().Info("sale lines shown", "lines", len(d.lines), "selected", d.sel+1, "qty", qty,
			"total_fen", p.totals.NetFen, "discount_fen", p.totals.DiscountFen())
	}
}

func (s *saleScreen) warn(m msg) { s.showHint(m, widget.DangerImportance) }

func (s *saleScreen) warnf(m msg, args ...any) {
	s.hint.Importance = widget.DangerImportance
	s.hint.SetText(s.t.cat.T(m, args...))
	s.relayoutHint()
}

// showHint sets the hint line; the importance goes first because SetText
// is what redraws the label.
func (s *saleScreen) showHint(m msg, imp widget.Importance) {
	s.hint.Importance = imp
	s.hint.SetText(s.t.cat.T(m))
	s.relayoutHint()
}

// relayoutHint lays the left column out again: a hint that wraps to a
// second line needs the room.
func (s *saleScreen) relayoutHint() {
	if s.left != nil {
		s.left.Refresh()
	}
}

// pay opens the screen of tender k for the keyed sale.
func (s *saleScreen) pay(k tender) { s.charge(k, "") }

// charge checks the keyed sale against the limits and starts tender k; code
// is a payment code already scanned (scan tender only). Above the confirm
// threshold the first request only asks the cashier to confirm; a fresh
// scan never counts as that confirmation.
func (s *saleScreen) charge(k tender, code string) {
	t := s.t
	total, lim := t.draft.totalFen(), t.opt.limits
	switch {
	case total <= 0 && code != "":
		s.warn(msgSaleScanNoAmount)
		return
	case total <= 0:
		s.warn(msgSaleNoAmount)
		return
	case t.opt.checkout == nil:
		s.warn(msgCommonNoCore)
		return
	case total > lim.maxFen:
		s.warnf(msgSaleOverMax, formatFen(total), formatFen(lim.maxFen))
		return
	case total > lim.confirmAboveFen && (code != "" || !s.confirming(k, total)):
		s.confirm = &saleConfirm{tender: k, totalFen: total, code: code}
		s.hint.Importance = widget.WarningImportance
		s.hint.SetText(t.cat.T(msgSaleConfirm, formatFen(total)))
		s.relayoutHint()
		return
	}
	if code == "" && s.confirm != nil {
		code = s.confirm.code
	}
	s.confirm = nil
	sale := t.draft.sale(t.cat)
	t.draft.started = true // from now on a line is deleted only with a manager
	switch k {
	case tenderScan:
		sc := t.showScan(sale)
		if code != "" {
			sc.submit(code)
		}
	case tenderQR:
		t.showQR(sale)
	case tenderCash:
		t.showCash(sale)
	}
}

func (s *saleScreen) confirming(k tender, totalFen int64) bool {
	return s.confirm != nil && s.confirm.tender == k && s.confirm.totalFen == totalFen
}

// scanned starts a scan payment straight away when a code arrives (from the
// serial scanner or a keyboard-wedge burst) while an amount is keyed: the
// cashier need not press F1 first. Without an amount it asks for one.
func (s *saleScreen) scanned(code string) {
	if s.itemScanned(code) { // a serial scanner hands item codes here too
		return
	}
	s.charge(tenderScan, code)
}

// notACode adds the item a scanned barcode names; anything else the
// scanner typed is said, and the amount is left as it was.
func (s *saleScreen) notACode(text string) {
	if s.itemScanned(text) {
		return
	}
	s.warnf(msgSaleNotCode, shortScan(text))
}

func (s *saleScreen) typedRune(r rune) {
	d := &s.t.draft
	switch {
	case r >= '0' && r <= '9', r == '.':
		s.press(string(r))
	case r == '+' && d.input.Text() == "" && len(d.lines) > 0:
		s.bump(1)
	case r == '+':
		s.addLine()
	case r == '-':
		s.bump(-1)
	case r == '*':
		s.setQty()
	}
}

func (s *saleScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyBackspace:
		s.press("\b")
	case fyne.KeyEscape:
		if s.confirm != nil {
			s.dropConfirm()
			return
		}
		s.clear()
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.confirm != nil {
			s.pay(s.confirm.tender)
			return
		}
		s.pay(tenderScan)
	case fyne.KeyUp:
		s.moveSel(-1)
	case fyne.KeyDown:
		s.moveSel(1)
	case fyne.KeyDelete:
		s.deleteLine()
	case fyne.KeyF4:
		s.openDiscount()
	case fyne.KeyF6:
		if s.itemsBtn.Visible() {
			s.itemsBtn.OnTapped()
		}
	case fyne.KeyF1:
		s.pay(tenderScan)
	case fyne.KeyF2:
		s.pay(tenderQR)
	case fyne.KeyF3:
		s.pay(tenderCash)
	case fyne.KeyF5:
		s.historyBtn.OnTapped()
	case fyne.KeyF9:
		s.settingsBtn.OnTapped()
	case fyne.KeyF10:
		s.managerBtn.OnTapped()
	case fyne.KeyF8:
		if s.lockBtn.Visible() {
			s.lockBtn.OnTapped()
		}
	case fyne.KeyF11:
		if s.shiftBtn.Visible() {
			s.shiftBtn.OnTapped()
		}
	}
}

// showCashier shows who is signed in and the till's lock and shift
// buttons, while the terminal needs sign-in (WithTill, staff set up).
func (s *saleScreen) showCashier() {
	t := s.t
	v := t.till
	on := t.opt.till != nil && v.needed && v.state.Cashier != ""
	showIf(s.lockBtn, on)
	showIf(s.shiftBtn, on && v.state.Shift != 0)
	showIf(s.cashier, on)
	if on {
		s.cashier.SetText(t.cat.T(msgTillCashier, v.state.Cashier, v.state.Shift))
	}
}
