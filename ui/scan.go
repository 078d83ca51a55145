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

	"github.com/wxpos/wxpos/pos"
)

// scanPhase is where a scan-to-pay attempt stands on screen.
type scanPhase int

const (
	scanAwaitingCode scanPhase = iota // prompt shown, no code yet
	scanInFlight                      // a code was sent; following the payment
	scanDone                          // failed or reversed; the cashier decides
)

// scanScreen takes a payment code (serial scanner, keyboard-wedge scanner or
// typed digits + Enter), sends it and follows the payment: submitting, the
// customer's password with a countdown, reversing; PAID and UNKNOWN move to
// their own screens. Esc cancels: before a code it returns to the sale, while
// waiting for the password it reverses the payment.
type scanScreen struct {
	t    *Terminal
	sale Sale

	amount   *AmountDisplay
	prompt   *canvas.Text
	headline *canvas.Text // the countdown or "payment failed", the largest thing while shown
	how      *widget.Label
	typed    *widget.Label
	progress *widget.Label
	reason   *widget.Label
	order    *widget.Label
	sim      *fyne.Container

	cancelBtn, againBtn *keyButton

	root     fyne.CanvasObject
	center   *fyne.Container // the amount and the lines about the payment
	phase    scanPhase
	buf      []rune
	state    State
	deadline time.Time
}

// newScanScreen builds the screen; reset arms it for a sale.
func newScanScreen(t *Terminal) *scanScreen {
	c := t.cat
	s := &scanScreen{
		t:        t,
		amount:   NewAmountDisplay(c.T(msgScanTitle)),
		prompt:   canvas.NewText(c.T(msgScanPrompt), theme.Color(theme.ColorNamePrimary)),
		headline: canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		how:      widget.NewLabel(c.T(msgScanHow)),
		typed:    widget.NewLabel(""),
		progress: widget.NewLabel(""),
		reason:   widget.NewLabel(""),
		order:    widget.NewLabel(""),
	}
	s.prompt.TextSize = 40
	s.prompt.TextStyle = fyne.TextStyle{Bold: true}
	s.prompt.Alignment = fyne.TextAlignCenter
	s.headline.TextSize = themeSize(sizeNameHero)
	s.headline.TextStyle = fyne.TextStyle{Bold: true}
	s.headline.Alignment = fyne.TextAlignCenter
	s.how.Alignment = fyne.TextAlignCenter
	s.progress.Alignment = fyne.TextAlignCenter
	s.progress.TextStyle = fyne.TextStyle{Bold: true}
	s.reason.Alignment = fyne.TextAlignCenter
	s.order.Alignment = fyne.TextAlignCenter
	s.reason.Importance = widget.DangerImportance
	s.reason.Wrapping = fyne.TextWrapWord
	s.cancelBtn = newIconButton(c.T(msgCommonCancel), theme.CancelIcon(), s.cancel)
	s.againBtn = newIconButton(c.T(msgScanAgain), theme.ViewRefreshIcon(), s.again)
	s.againBtn.Importance = widget.HighImportance
	s.againBtn.Hide()
	s.sim = s.simPanel()
	s.root = s.build()
	return s
}

// reset arms the screen for sale: waiting for a code.
func (s *scanScreen) reset(sale Sale) {
	s.sale = sale
	s.amount.SetFen(sale.TotalFen)
	setLine(s.center, s.typed, "")
	s.buf = s.buf[:0]
	s.deadline = time.Time{}
	s.again()
}

// simPanel lists the sandbox scenario codes in training mode.
func (s *scanScreen) simPanel() *fyne.Container {
	cu := s.t.opt.customer
	if cu == nil || !s.t.bar.Status().Training {
		return container.NewVBox()
	}
	box := container.NewVBox(widget.NewLabelWithStyle(s.t.cat.T(msgSimTitlePick), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	// Two rows, however many scenarios the simulator has: a third row
	// pushed the screen past 1024×768 (741 px of 712).
	scs := cu.Scenarios()
	grid := container.NewGridWithColumns(max(3, (len(scs)+1)/2))
	for _, sc := range scs {
		code := sc.Code
		grid.Add(newButton(s.t.cat.scenario(sc.Name), func() { s.scanned(code) }))
	}
	box.Add(grid)
	return box
}

func (s *scanScreen) view() fyne.CanvasObject { return s.root }

func (s *scanScreen) build() fyne.CanvasObject {
	s.center = container.NewVBox(
		container.NewCenter(s.amount),
		layout.NewSpacer(),
		s.prompt, s.how, s.typed,
		s.headline, s.progress, s.reason, s.order,
		layout.NewSpacer(),
	)
	buttons := container.NewHBox(layout.NewSpacer(), s.cancelBtn, s.againBtn, layout.NewSpacer())
	return container.NewPadded(container.NewBorder(nil, container.NewVBox(buttons, s.sim), nil, nil, s.center))
}

// start redraws the password countdown once a second while the screen is
// shown.
func (s *scanScreen) start(ctx context.Context) {
	s.t.everySecond(ctx, func() {
		if s.state == StateWaitingPassword {
			s.showProgress()
		}
	})
}

func (s *scanScreen) scanned(code string) {
	if s.phase == scanAwaitingCode {
		s.submit(code)
	}
}

// submit validates the code and hands it to the core off the UI goroutine.
func (s *scanScreen) submit(code string) {
	t := s.t
	s.buf = s.buf[:0]
	setLine(s.center, s.typed, "")
	if !pos.ValidCode(code) {
		setLine(s.center, s.reason, t.cat.T(reasonMsg(ReasonCodeInvalid)))
		return
	}
	s.phase = scanInFlight
	setLine(s.center, s.reason, "")
	s.state = StateSubmitting
	s.showProgress()
	p := &payment{amountFen: s.sale.TotalFen}
	t.pay = p
	sale := s.sale
	go func() {
		// The payment outlives this screen (UNKNOWN, receipt), so it runs
		// under the terminal's context, not the screen's.
		ch, err := t.opt.checkout.PayScan(t.ctx, sale, code)
		t.do(func() {
			if t.pay != p {
				return
			}
			if err != nil {
				s.phase = scanDone
				s.state = StateFailed
				setLine(s.center, s.progress, "")
				setLine(s.center, s.reason, t.errorText(err))
				s.showButtons()
				return
			}
			t.follow(p, ch)
		})
	}()
}

// update renders one state of the payment (PAID and UNKNOWN never get here).
func (s *scanScreen) update(u Update) {
	s.state = u.State
	if u.OutTradeNo != "" {
		setLine(s.center, s.order, s.t.cat.T(msgOrderNoIs, u.OutTradeNo))
	}
	if !u.Deadline.IsZero() {
		s.deadline = u.Deadline
	}
	switch u.State {
	case StateFailed, StateConflict:
		s.phase = scanDone
		setLine(s.center, s.reason, s.t.cat.T(reasonMsg(u.Reason)))
	case StateReversed:
		s.phase = scanDone
		m := msgScanReversed
		if u.Reason == ReasonPasswordTimeout {
			m = msgReasonNoPassword
		}
		setLine(s.center, s.reason, s.t.cat.T(m))
	}
	s.showProgress()
}

func (s *scanScreen) showProgress() {
	c := s.t.cat
	s.headline.Text = ""
	switch s.state {
	case StateSubmitting, StateNew:
		setLine(s.center, s.progress, c.T(msgScanSubmitting))
	case StateWaitingPassword:
		left := int(time.Until(s.deadline).Round(time.Second) / time.Second)
		if left < 0 || s.deadline.IsZero() {
			left = 0
		}
		setLine(s.center, s.progress, c.T(msgScanWaiting, left))
		s.headline.Text = c.T(msgScanSeconds, left)
		s.headline.Color = theme.Color(theme.ColorNameForeground)
	case StateReversing:
		setLine(s.center, s.progress, c.T(msgScanReversing))
	case StateFailed, StateConflict:
		setLine(s.center, s.progress, "")
		s.headline.Text = c.T(msgCommonFailed)
		s.headline.Color = theme.Color(theme.ColorNameError)
	case StateReversed:
		setLine(s.center, s.progress, c.T(msgStateReversed))
	default:
		setLine(s.center, s.progress, c.T(msgScanChecking))
	}
	// While the countdown or the failure is the news, the amount steps
	// back to the amount size.
	s.amount.SetSecondary(s.headline.Text != "")
	if s.headline.Visible() != (s.headline.Text != "") {
		showIf(s.headline, s.headline.Text != "")
		s.center.Refresh()
	}
	s.headline.Refresh()
	s.showButtons()
}

func (s *scanScreen) showButtons() {
	switch s.phase {
	case scanAwaitingCode:
		s.prompt.Show()
		s.how.Show()
		s.cancelBtn.Enable()
		s.againBtn.Hide()
	case scanInFlight:
		s.prompt.Hide()
		s.how.Hide()
		// A reverse is only possible once the order number is known.
		if s.state == StateWaitingPassword && s.t.pay != nil && s.t.pay.outTradeNo != "" {
			s.cancelBtn.Enable()
		} else {
			s.cancelBtn.Disable()
		}
		s.againBtn.Hide()
	case scanDone:
		s.prompt.Hide()
		s.how.Hide()
		s.cancelBtn.Enable()
		s.againBtn.Show()
	}
}

// cancel is Esc / the cancel button.
func (s *scanScreen) cancel() {
	t := s.t
	switch s.phase {
	case scanAwaitingCode, scanDone:
		t.backToSale()
	case scanInFlight:
		p := t.pay
		if s.state != StateWaitingPassword || p == nil || p.outTradeNo == "" {
			return
		}
		s.state = StateReversing
		s.showProgress()
		t.cancelPayment(p, s.reason)
	}
}

// again resets the screen for a fresh code after a failure.
func (s *scanScreen) again() {
	s.t.pay = nil
	s.phase = scanAwaitingCode
	s.state = ""
	setLine(s.center, s.progress, "")
	setLine(s.center, s.reason, "")
	setLine(s.center, s.order, "")
	s.showButtons()
}

func (s *scanScreen) typedRune(r rune) {
	if s.phase != scanAwaitingCode || r < '0' || r > '9' || len(s.buf) >= 32 {
		return
	}
	s.buf = append(s.buf, r)
	setLine(s.center, s.typed, s.t.cat.T(msgScanTyped, len(s.buf)))
}

func (s *scanScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		s.cancel()
	case fyne.KeyBackspace:
		if s.phase == scanAwaitingCode && len(s.buf) > 0 {
			s.buf = s.buf[:len(s.buf)-1]
			setLine(s.center, s.typed, s.t.cat.T(msgScanTyped, len(s.buf)))
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		switch s.phase {
		case scanAwaitingCode:
			if len(s.buf) > 0 {
				s.submit(string(s.buf))
			}
		case scanDone:
			s.again()
		}
	}
}

// notACode says what a scanner typed that is not a payment code.
func (s *scanScreen) notACode(text string) {
	if s.phase == scanAwaitingCode {
		setLine(s.center, s.reason, s.t.cat.T(msgScanNotCode, shortScan(text)))
	}
}
