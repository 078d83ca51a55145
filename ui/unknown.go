package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/tz"
)

// unknownScreen is the explicit "we do not know yet" state of a WeChat
// payment: the amount, the order number, that the core is checking with
// WeChat, a retry-now button and the manager actions. It is not a spinner:
// the cashier sees why, and may park the payment and serve the next
// customer while recovery keeps checking.
type unknownScreen struct {
	t *Terminal

	title    *canvas.Text
	amount   *AmountDisplay
	order    *widget.Label
	checking *widget.Label
	explain  *widget.Label
	result   *widget.Label
	last     *widget.Label

	retryBtn, laterBtn, newSaleBtn *keyButton
	forcePaidBtn, forceVoidBtn     *keyButton

	box        *fyne.Container // the screen's lines, laid out again when one comes or goes
	outTradeNo string
	done       bool
}

func newUnknownScreen(t *Terminal, u Update) *unknownScreen {
	c := t.cat
	s := &unknownScreen{
		t:          t,
		title:      canvas.NewText(c.T(msgUnknownTitle), colorWarning),
		amount:     NewAmountDisplay(c.T(msgReceiptAmount)),
		order:      widget.NewLabel(c.T(msgOrderNoIs, u.OutTradeNo)),
		checking:   widget.NewLabelWithStyle(c.T(msgUnknownChecking), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		explain:    widget.NewLabel(c.T(msgUnknownExplain)),
		result:     widget.NewLabel(""),
		last:       widget.NewLabel(""),
		outTradeNo: u.OutTradeNo,
	}
	s.title.TextSize = theme.TextHeadingSize()
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.amount.SetFen(u.AmountFen)
	if u.Reason == ReasonNotRecorded {
		setLine(s.box, s.result, c.T(msgReasonNotRecorded))
	}
	s.explain.Wrapping = fyne.TextWrapWord
	s.result.Importance = widget.DangerImportance
	s.result.Wrapping = fyne.TextWrapWord
	s.retryBtn = newIconButton(c.T(msgUnknownRetry), theme.ViewRefreshIcon(), s.retry)
	s.retryBtn.Importance = widget.HighImportance
	s.laterBtn = newIconButton(c.T(msgUnknownLater), theme.MailForwardIcon(), t.newSale)
	s.newSaleBtn = newIconButton(c.T(msgCommonNewSale), theme.ContentAddIcon(), t.newSale)
	s.newSaleBtn.Hide()
	// Force paid / force void happen on the manager's payments-in-doubt
	// screen, behind the manager PIN; without a manager back end they stay
	// disabled.
	s.forcePaidBtn = newButton(c.T(msgUnknownForcePaid), s.manage)
	s.forceVoidBtn = newButton(c.T(msgUnknownForceVoid), s.manage)
	if t.opt.manager == nil {
		s.forcePaidBtn.Disable()
		s.forceVoidBtn.Disable()
	}
	showIf(s.result, s.result.Text != "")
	s.stamp()
	return s
}

func (s *unknownScreen) view() fyne.CanvasObject {
	// One row of actions: the cashier's, then the manager's behind a PIN.
	manager := container.NewHBox(widget.NewLabel(s.t.cat.T(msgUnknownManager)), s.forcePaidBtn, s.forceVoidBtn)
	s.box = container.NewVBox(
		s.title, container.NewCenter(s.amount), s.order, s.checking, s.last, s.explain, s.result,
		layout.NewSpacer(),
		container.NewBorder(nil, nil, container.NewHBox(s.retryBtn, s.laterBtn, s.newSaleBtn), manager),
	)
	return container.NewPadded(s.box)
}

// stamp notes when the screen last heard about the payment.
func (s *unknownScreen) stamp() {
	s.last.SetText(s.t.cat.T(msgUnknownLastHeard, time.Now().In(tz.Shanghai).Format("15:04:05")))
}

// update shows the outcome once recovery learns it (PAID goes to the receipt
// before it gets here).
func (s *unknownScreen) update(u Update) {
	s.stamp()
	if !final(u.State) {
		if u.Reason == ReasonNotRecorded {
			setLine(s.box, s.result, s.t.cat.T(msgReasonNotRecorded))
		}
		return
	}
	s.done = true
	c := s.t.cat
	switch u.State {
	case StateReversed:
		setLine(s.box, s.result, c.T(msgScanReversed))
	case StateClosed:
		setLine(s.box, s.result, c.T(msgQRClosed))
	default:
		setLine(s.box, s.result, c.T(reasonMsg(u.Reason)))
	}
	s.checking.Hide()
	s.retryBtn.Hide()
	s.laterBtn.Hide()
	s.newSaleBtn.Show()
}

// manage parks the payment and opens the manager's payments-in-doubt
// screen, where force paid / force void are decided with a PIN.
func (s *unknownScreen) manage() {
	t := s.t
	if t.opt.manager == nil {
		return
	}
	t.draft.clear()
	t.pay = nil
	t.show(newForceScreen(&console{t: t, m: t.opt.manager}))
}

// retry asks the core to query WeChat now.
func (s *unknownScreen) retry() {
	t := s.t
	if s.done || s.outTradeNo == "" {
		return
	}
	s.retryBtn.Disable()
	no := s.outTradeNo
	t.async(t.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		err := t.opt.checkout.Recheck(ctx, no)
		return func() {
			if t.cur != s {
				return
			}
			s.retryBtn.Enable()
			s.stamp()
			if err != nil {
				setLine(s.box, s.result, t.errorText(err))
			}
		}
	})
}

func (s *unknownScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF4:
		s.retry()
	case fyne.KeyF8, fyne.KeyEscape:
		// Park: recovery keeps checking, the banner announces the outcome.
		s.t.newSale()
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.done {
			s.t.newSale()
		}
	}
}
