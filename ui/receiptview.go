package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// receiptScreen shows a completed sale's receipt with print/reprint and the
// way to the next sale (or back to history for a reprint). The sale loop
// keeps one and re-arms it per receipt, reusing its label rows.
type receiptScreen struct {
	t *Terminal
	r receipt.Receipt

	title    *canvas.Text
	paid     *AmountDisplay // the amount paid, the largest thing on the screen
	change   *AmountDisplay // the change due on a cash sale, as large
	training *widget.Label
	grid     *fyne.Container
	rows     []receiptRow
	fields   map[msg]*widget.Label
	printMsg *widget.Label

	printBtn, nextBtn *keyButton
	root              fyne.CanvasObject

	fromHistory bool
	back        func() // from history: the history screen it came from
	printed     bool
	busy        bool
	armed       int // which receipt is shown: a print result for an earlier one is dropped
}

// receiptRow is one caption/value pair of the receipt grid.
type receiptRow struct{ key, value *widget.Label }

// newReceiptScreen builds the screen; reset shows a receipt on it.
func newReceiptScreen(t *Terminal, fromHistory bool) *receiptScreen {
	c := t.cat
	s := &receiptScreen{
		t: t, fromHistory: fromHistory,
		title:    canvas.NewText(c.T(msgCommonPaid), colorWeChatGreen),
		paid:     NewAmountDisplay(c.T(msgReceiptAmount)),
		change:   NewAmountDisplay(c.T(msgReceiptChange)),
		training: widget.NewLabelWithStyle(c.T(msgReceiptTraining), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		grid:     container.New(layout.NewFormLayout()),
		fields:   map[msg]*widget.Label{},
		printMsg: widget.NewLabel(""),
	}
	if fromHistory {
		s.title.Text = c.T(msgReceiptTitle)
	}
	s.title.TextSize = theme.TextHeadingSize()
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.printBtn = newIconButton("", theme.DocumentPrintIcon(), s.print)
	if fromHistory {
		s.nextBtn = newIconButton(c.T(msgCommonBack), theme.NavigateBackIcon(), func() {
			if s.back != nil {
				s.back()
				return
			}
			t.showHistory(t.showSale)
		})
	} else {
		s.nextBtn = newIconButton(c.T(msgCommonNewSale), theme.ContentAddIcon(), t.newSale)
		s.nextBtn.Importance = widget.HighImportance
	}
	buttons := container.NewHBox(s.printBtn, layout.NewSpacer(), container.NewGridWrap(fyne.NewSize(240, 64), s.nextBtn))
	amounts := container.NewGridWithColumns(2, s.paid, s.change)
	s.root = container.NewPadded(container.NewBorder(container.NewVBox(s.title, amounts, s.training),
		container.NewVBox(s.printMsg, buttons), nil, nil, container.NewVScroll(s.grid)))
	return s
}

// newSaleReceiptScreen builds the receipt screen of the sale loop.
func newSaleReceiptScreen(t *Terminal) *receiptScreen { return newReceiptScreen(t, false) }

// reset shows r, not yet printed unless it comes from history.
func (s *receiptScreen) reset(r receipt.Receipt) {
	c := s.t.cat
	s.r = r
	s.armed++
	s.busy = false
	s.printed = s.fromHistory
	clear(s.fields)

	n := 0
	row := func(caption, value string, bold bool) *widget.Label {
		if n == len(s.rows) {
			s.rows = append(s.rows, receiptRow{widget.NewLabel(""), widget.NewLabel("")})
		}
		rw := s.rows[n]
		n++
		rw.key.SetText(caption)
		rw.value.TextStyle = fyne.TextStyle{Bold: bold}
		rw.value.SetText(value)
		return rw.value
	}
	field := func(key msg, value string) {
		s.fields[key] = row(c.T(key), value, key == msgReceiptAmount)
	}
	field(msgReceiptStore, r.StoreName)
	for _, l := range r.Lines {
		caption := c.T(msgReceiptLine, l.Name, l.Qty)
		if l.Weighed() {
			caption = l.Name + " " + receipt.QtyText(l)
		}
		value := formatFen(l.TotalFen)
		if d := s.t.lineDetail(l); d != "" {
			value += "  (" + d + ")"
		}
		row(caption, value, false)
	}
	if d := r.Discount; d != nil {
		row(c.T(msgReceiptSaleDiscount, d.Reason), "-"+formatFen(d.AmountFen), false)
	}
	field(msgReceiptAmount, formatFen(r.TotalFen))
	field(msgReceiptTender, c.T(tenderMsg(r.Tender)))
	if r.Tender == receipt.TenderCash {
		field(msgReceiptTendered, formatFen(r.TenderedFen))
		field(msgReceiptChange, formatFen(r.ChangeFen))
	}
	if r.OutTradeNo != "" {
		field(msgReceiptOrderNo, r.OutTradeNo)
	}
	if r.TransactionID != "" {
		field(msgReceiptTxnID, r.TransactionID)
	}
	field(msgReceiptTime, r.Time.In(tz.Shanghai).Format("2006-01-02 15:04:05"))
	field(msgReceiptNo, r.No)
	if r.Cashier != "" {
		field(msgReceiptCashier, r.Cashier)
	}
	objs := make([]fyne.CanvasObject, 0, 2*n)
	for _, rw := range s.rows[:n] {
		objs = append(objs, rw.key, rw.value)
	}
	s.grid.Objects = objs
	s.grid.Refresh()
	s.paid.SetFen(r.TotalFen)
	s.change.SetFen(r.ChangeFen)
	showIf(s.change, r.Tender == receipt.TenderCash && r.ChangeFen > 0)

	if r.Training {
		s.training.Show()
	} else {
		s.training.Hide()
	}
	if s.t.opt.printer == nil {
		s.printBtn.Disable()
		s.printMsg.SetText(c.T(msgReceiptNoPrint))
	} else {
		s.printBtn.Enable()
		s.printMsg.SetText("")
	}
	s.setPrintLabel()
}

func (s *receiptScreen) setPrintLabel() {
	if s.printed {
		s.printBtn.SetText(s.t.cat.T(msgReceiptReprint))
	} else {
		s.printBtn.SetText(s.t.cat.T(msgReceiptPrint))
	}
}

func (s *receiptScreen) view() fyne.CanvasObject { return s.root }

// print sends the receipt to the printer off the UI goroutine.
func (s *receiptScreen) print() {
	t := s.t
	if t.opt.printer == nil || s.busy {
		return
	}
	s.busy = true
	s.printBtn.Disable()
	s.printMsg.SetText(t.cat.T(msgReceiptPrinting))
	r, reprint, armed := s.r, s.printed, s.armed
	t.async(t.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		err := t.opt.printer.Print(ctx, r, reprint)
		return func() {
			if s.armed != armed {
				return
			}
			s.busy = false
			s.printBtn.Enable()
			if err != nil {
				s.printMsg.SetText(t.errorTextOr(msgReceiptPrintErr, err))
				return
			}
			s.printed = true
			s.setPrintLabel()
			s.printMsg.SetText(t.cat.T(msgReceiptPrinted))
		}
	})
}

func (s *receiptScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF6:
		s.print()
	case fyne.KeyReturn, fyne.KeyEnter:
		if !s.fromHistory {
			s.t.newSale()
		}
	case fyne.KeyEscape:
		if s.fromHistory {
			s.nextBtn.OnTapped()
		}
	}
}
