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
	"github.com/wxpos/wxpos/report"
)

// receiptScreen shows a completed sale's receipt with print/reprint and the
// way to the next sale (or back to history for a reprint).
type receiptScreen struct {
	t *Terminal
	r receipt.Receipt

	title    *canvas.Text
	fields   map[msg]*widget.Label
	printMsg *widget.Label

	printBtn, nextBtn *widget.Button

	fromHistory bool
	printed     bool
	busy        bool
}

func newReceiptScreen(t *Terminal, r receipt.Receipt, fromHistory bool) *receiptScreen {
	c := t.cat
	s := &receiptScreen{
		t: t, r: r, fromHistory: fromHistory, printed: fromHistory,
		title:    canvas.NewText(c.T(msgCommonPaid), colorWeChatGreen),
		fields:   map[msg]*widget.Label{},
		printMsg: widget.NewLabel(""),
	}
	if fromHistory {
		s.title.Text = c.T(msgReceiptTitle)
	}
	s.title.TextSize = theme.TextHeadingSize()
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.printBtn = widget.NewButtonWithIcon("", theme.DocumentPrintIcon(), s.print)
	if fromHistory {
		s.nextBtn = widget.NewButtonWithIcon(c.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newHistoryScreen(t)) })
	} else {
		s.nextBtn = widget.NewButtonWithIcon(c.T(msgCommonNewSale), theme.ContentAddIcon(), t.newSale)
		s.nextBtn.Importance = widget.HighImportance
	}
	if t.opt.printer == nil {
		s.printBtn.Disable()
		s.printMsg.SetText(c.T(msgReceiptNoPrint))
	}
	s.setPrintLabel()
	return s
}

func (s *receiptScreen) setPrintLabel() {
	if s.printed {
		s.printBtn.SetText(s.t.cat.T(msgReceiptReprint))
	} else {
		s.printBtn.SetText(s.t.cat.T(msgReceiptPrint))
	}
}

// field adds one labelled row and remembers the value label.
func (s *receiptScreen) field(grid *fyne.Container, key msg, value string) {
	v := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: key == msgReceiptAmount})
	s.fields[key] = v
	grid.Add(widget.NewLabel(s.t.cat.T(key)))
	grid.Add(v)
}

func (s *receiptScreen) view() fyne.CanvasObject {
	c, r := s.t.cat, s.r
	grid := container.New(layout.NewFormLayout())
	s.field(grid, msgReceiptStore, r.StoreName)
	for _, l := range r.Lines {
		grid.Add(widget.NewLabel(c.T(msgReceiptLine, l.Name, l.Qty)))
		grid.Add(widget.NewLabel(formatFen(l.TotalFen)))
	}
	s.field(grid, msgReceiptAmount, formatFen(r.TotalFen))
	s.field(grid, msgReceiptTender, c.T(tenderMsg(r.Tender)))
	if r.Tender == receipt.TenderCash {
		s.field(grid, msgReceiptTendered, formatFen(r.TenderedFen))
		s.field(grid, msgReceiptChange, formatFen(r.ChangeFen))
	}
	if r.OutTradeNo != "" {
		s.field(grid, msgReceiptOrderNo, r.OutTradeNo)
	}
	if r.TransactionID != "" {
		s.field(grid, msgReceiptTxnID, r.TransactionID)
	}
	s.field(grid, msgReceiptTime, r.Time.In(report.Shanghai).Format("2006-01-02 15:04:05"))
	s.field(grid, msgReceiptNo, r.No)
	top := container.NewVBox(s.title)
	if r.Training {
		top.Add(widget.NewLabelWithStyle(c.T(msgReceiptTraining), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	buttons := container.NewHBox(s.printBtn, layout.NewSpacer(), container.NewGridWrap(fyne.NewSize(240, 64), s.nextBtn))
	return container.NewPadded(container.NewBorder(top, container.NewVBox(s.printMsg, buttons), nil, nil,
		container.NewVScroll(grid)))
}

// print sends the receipt to the printer off the UI goroutine.
func (s *receiptScreen) print() {
	t := s.t
	if t.opt.printer == nil || s.busy {
		return
	}
	s.busy = true
	s.printBtn.Disable()
	s.printMsg.SetText(t.cat.T(msgReceiptPrinting))
	r, reprint := s.r, s.printed
	t.async(t.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		err := t.opt.printer.Print(ctx, r, reprint)
		return func() {
			s.busy = false
			s.printBtn.Enable()
			if err != nil {
				s.printMsg.SetText(t.cat.T(msgReceiptPrintErr, err.Error()))
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
