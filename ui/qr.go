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
	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the side of the drawn QR code in pixels (at scale 1).
const qrSize = 360

// qrScreen creates a Native order and shows its code_url as a large QR code
// with the amount and an expiry countdown. PAID moves on to the receipt by
// itself; Esc closes the order.
type qrScreen struct {
	t    *Terminal
	sale Sale

	amount   *AmountDisplay
	prompt   *widget.Label
	img      *canvas.Image
	expires  *widget.Label
	progress *widget.Label
	reason   *widget.Label
	order    *widget.Label

	cancelBtn, backBtn, newBtn, simBtn *keyButton

	root     fyne.CanvasObject
	info     *fyne.Container // the column beside the code, laid out again as lines come and go
	buttons  *fyne.Container
	ended    *canvas.Text // where the code was: why there is none now, large
	state    State
	codeURL  string
	deadline time.Time
	done     bool
	// notified: WeChat's notification says the customer paid; the
	// screen says so until the confirmed sale opens the receipt.
	notified bool
}

// newQRScreen builds the screen; reset arms it for a sale.
func newQRScreen(t *Terminal) *qrScreen {
	c := t.cat
	s := &qrScreen{
		t:        t,
		amount:   NewAmountDisplay(c.T(msgQRTitle)),
		prompt:   widget.NewLabelWithStyle(c.T(msgQRPrompt), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		img:      canvas.NewImageFromResource(nil),
		expires:  widget.NewLabel(""),
		progress: widget.NewLabel(c.T(msgQRCreating)),
		reason:   widget.NewLabel(""),
		order:    widget.NewLabel(""),
	}
	s.img.FillMode = canvas.ImageFillContain
	s.img.ScaleMode = canvas.ImageScalePixels
	s.img.SetMinSize(fyne.NewSize(qrSize, qrSize))
	s.expires.Alignment = fyne.TextAlignCenter
	s.progress.Alignment = fyne.TextAlignCenter
	s.progress.Wrapping = fyne.TextWrapWord
	s.reason.Alignment = fyne.TextAlignCenter
	s.reason.Importance = widget.DangerImportance
	s.reason.Wrapping = fyne.TextWrapWord
	s.ended = canvas.NewText("", theme.Color(theme.ColorNameError))
	s.ended.TextSize = themeSize(sizeNameHero)
	s.ended.TextStyle = fyne.TextStyle{Bold: true}
	s.ended.Hide()
	s.order.Alignment = fyne.TextAlignCenter
	s.cancelBtn = newIconButton(c.T(msgCommonCancel), theme.CancelIcon(), s.cancel)
	s.backBtn = newIconButton(c.T(msgCommonBack), theme.NavigateBackIcon(), t.backToSale)
	s.newBtn = newIconButton(c.T(msgQRNew), theme.ViewRefreshIcon(), s.again)
	s.newBtn.Importance = widget.HighImportance
	s.simBtn = newIconButton(c.T(msgSimPayQR), theme.ConfirmIcon(), s.simulatePay)
	if t.opt.customer == nil || !t.bar.Status().Training {
		s.simBtn.Hide()
	}
	s.root = s.build()
	return s
}

// reset arms the screen for sale: no order yet, so no code to show.
func (s *qrScreen) reset(sale Sale) {
	s.sale = sale
	s.state, s.codeURL, s.deadline, s.done, s.notified = "", "", time.Time{}, false, false
	s.progress.Importance = widget.MediumImportance
	s.amount.SetFen(sale.TotalFen)
	s.img.Image = nil
	s.img.Hide()
	s.expires.SetText("")
	s.progress.SetText(s.t.cat.T(msgQRCreating))
	s.reason.SetText("")
	s.order.SetText("")
	s.cancelBtn.Show()
	s.cancelBtn.Disable()
	s.backBtn.Hide()
	s.newBtn.Hide()
	s.simBtn.Disable()
	s.ended.Hide()
	s.relayout()
}

// relayout lays the column beside the code out again after buttons or
// lines came or went.
func (s *qrScreen) relayout() {
	if s.info != nil {
		s.buttons.Refresh()
		s.info.Refresh()
	}
}

func (s *qrScreen) view() fyne.CanvasObject { return s.root }

func (s *qrScreen) build() fyne.CanvasObject {
	s.buttons = container.NewHBox(s.cancelBtn, s.backBtn, s.newBtn)
	s.info = container.NewVBox(
		s.amount, s.prompt, s.expires, s.progress, s.reason, s.order,
		layout.NewSpacer(),
		s.buttons,
		s.simBtn,
	)
	return container.NewPadded(container.NewBorder(nil, nil, nil, s.info,
		container.NewStack(container.NewCenter(s.img), container.NewCenter(s.ended))))
}

// start creates the order and follows it; the countdown stops with the screen.
func (s *qrScreen) start(ctx context.Context) {
	t := s.t
	p := &payment{amountFen: s.sale.TotalFen}
	t.pay = p
	sale := s.sale
	go func() {
		ch, err := t.opt.checkout.PayQR(t.ctx, sale)
		t.do(func() {
			if t.pay != p {
				return
			}
			if err != nil {
				s.finish(t.errorText(err))
				return
			}
			t.follow(p, ch)
		})
	}()
	t.everySecond(ctx, func() {
		if !s.done {
			s.showExpiry()
		}
	})
}

func (s *qrScreen) update(u Update) {
	c := s.t.cat
	s.state = u.State
	if u.OutTradeNo != "" {
		s.order.SetText(c.T(msgOrderNoIs, u.OutTradeNo))
	}
	if !u.Deadline.IsZero() {
		s.deadline = u.Deadline
	}
	if u.Notified && !s.done {
		s.notified = true
		s.progress.Importance = widget.SuccessImportance
	}
	defer s.showNotified()
	switch u.State {
	case StateShowingQR:
		if u.CodeURL != "" && u.CodeURL != s.codeURL {
			if err := s.draw(u.CodeURL); err != nil {
				s.reason.SetText(s.t.errorTextOr(msgQRNoCode, err))
			}
		}
		s.progress.SetText("")
		s.cancelBtn.Enable()
		s.simBtn.Enable()
		s.showExpiry()
	case StateClosing:
		s.progress.SetText(c.T(msgQRClosing))
		s.cancelBtn.Disable()
		s.simBtn.Disable()
	case StateClosed:
		m, head := msgQRClosed, msgQRClosedHead
		if u.Reason == ReasonExpired {
			m, head = msgQRExpired, msgQRExpiredHead
		}
		s.finish(c.T(m))
		s.ended.Text = c.T(head)
		s.ended.Show()
		s.ended.Refresh()
	case StateFailed, StateConflict:
		s.finish(c.T(reasonMsg(u.Reason)))
	}
}

// showNotified puts WeChat's word that the customer paid where the
// progress goes, over "closing" too: a QR closed at its deadline while the
// query could not confirm the payment is found paid by the close.
func (s *qrScreen) showNotified() {
	if s.notified && !s.done {
		s.progress.SetText(s.t.cat.T(msgQRNotified))
	}
}

// draw encodes codeURL as a QR image.
func (s *qrScreen) draw(codeURL string) error {
	q, err := qrcode.New(codeURL, qrcode.Medium)
	if err != nil {
		return err
	}
	s.codeURL = codeURL
	s.img.Image = q.Image(qrSize)
	s.img.Show()
	s.img.Refresh()
	return nil
}

func (s *qrScreen) showExpiry() {
	if s.deadline.IsZero() || s.state != StateShowingQR {
		s.expires.SetText("")
		return
	}
	left := time.Until(s.deadline).Round(time.Second)
	if left < 0 {
		left = 0
	}
	sec := int(left / time.Second)
	s.expires.SetText(s.t.cat.T(msgQRExpires, sec/60, sec%60))
}

// finish ends the attempt with text and offers the way back to the sale.
func (s *qrScreen) finish(text string) {
	s.done = true
	s.img.Hide()
	s.expires.SetText("")
	s.progress.SetText("")
	s.reason.SetText(text)
	s.cancelBtn.Hide()
	s.simBtn.Disable()
	s.backBtn.Show()
	s.newBtn.Show()
	s.relayout()
}

// again starts a fresh Native order for the same sale once the last one
// expired or was closed: the customer who was too slow gets a new code.
func (s *qrScreen) again() {
	if s.done {
		s.t.showQR(s.sale)
	}
}

func (s *qrScreen) cancel() {
	t := s.t
	p := t.pay
	if s.state != StateShowingQR || p == nil || p.outTradeNo == "" {
		return
	}
	s.state = StateClosing
	s.progress.SetText(t.cat.T(msgQRClosing))
	s.cancelBtn.Disable()
	t.cancelPayment(p, s.reason)
}

// simulatePay has the sandbox customer pay the order (training only).
func (s *qrScreen) simulatePay() {
	t := s.t
	p := t.pay
	if t.opt.customer == nil || p == nil || p.outTradeNo == "" {
		return
	}
	s.simBtn.Disable()
	no := p.outTradeNo
	go func() {
		ctx, cancel := context.WithTimeout(t.ctx, callTimeout)
		defer cancel()
		if err := t.opt.customer.PayNative(ctx, no); err != nil {
			t.do(func() {
				if t.pay == p {
					s.reason.SetText(t.errorText(err))
					s.simBtn.Enable()
				}
			})
		}
	}()
}

func (s *qrScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if s.done {
			s.t.backToSale()
			return
		}
		s.cancel()
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.done {
			s.t.backToSale()
		}
	case fyne.KeyF2:
		s.again()
	}
}
