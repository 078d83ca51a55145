package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// refundPoll is how often a refund in progress is re-read.
const refundPoll = 2 * time.Second

// Message keys of the cross-terminal refund, with their texts below (kept
// with the screen that alone uses them).
const (
	msgRefCounter      msg = "ref.counter"
	msgRefForeign      msg = "ref.foreign"
	msgRefForeignAt    msg = "ref.foreignAt"
	msgRefForeignHint  msg = "ref.foreignHint"
	msgRefThisTerminal msg = "ref.thisTerminal"
	msgRefBusy         msg = "ref.busy"
)

var refundForeignMessages = map[msg]translation{
	msgRefCounter:      {"收银台", "Counter"},
	msgRefForeign:      {"其他收银台", "another counter"},
	msgRefForeignAt:    {"其他收银台 %s", "another counter %s"},
	msgRefForeignHint:  {"此单在其他收银台收款，已向微信支付核实；退款记在本收银台。", "Taken at another counter and confirmed with WeChat Pay; the refund is recorded at this counter."},
	msgRefThisTerminal: {"本收银台", "this counter"},
	msgRefBusy:         {"这笔交易的退款正在处理，请等结果出来再退", "A refund of this sale is in progress: wait for its result before refunding again"},
}

// rt is Terminal.mt for the cross-terminal refund texts.
func (s *refundScreen) rt(m msg, args ...any) string {
	tr, ok := refundForeignMessages[m]
	if !ok {
		return s.c.t.mt(m, args...)
	}
	text := tr.zh
	if s.c.t.cat.lang == LangEN {
		text = tr.en
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// counterText says where a sale was taken.
func (s *refundScreen) counterText(r SaleRow) string {
	switch {
	case !r.Foreign:
		return s.rt(msgRefThisTerminal)
	case r.Origin != "":
		return s.rt(msgRefForeignAt, r.Origin)
	}
	return s.rt(msgRefForeign)
}

// refundScreen finds a sale (order number, receipt number, last digits of
// the transaction id, or a scanned receipt code), takes a full or partial
// amount up to what is left to refund and a reason, asks for a manager PIN,
// runs the core's refund flow and follows the refund to SUCCESS, CLOSED or
// ABNORMAL, printing the refund receipt on success.
type refundScreen struct {
	c    *console
	back func() // where 返回 and Esc go; nil: the manager menu

	search  *keyEntry
	results *fyne.Container
	detail  *fyne.Container
	message *widget.Label

	// Errors under the field they are about, in the error colour:
	// searchErr a search that failed, amountErr and reasonErr the form.
	searchErr, amountErr, reasonErr *widget.Label
	top, form                       *fyne.Container   // laid out again when an error comes or goes
	scroll                          *container.Scroll // the sale and its form

	sale    *SaleRow
	abn     *abnormalForm // the picked sale's first ABNORMAL refund; nil: none
	lines   *refundLines  // the picked sale's lines to give back; nil: a keyed sale
	full    *keyRadio
	amount  *keyEntry
	reason  *keySelectEntry
	submit  *keyButton
	state   *canvas.Text
	explain *widget.Label

	ctx context.Context
	// progress is each order's refund as far as this screen has followed
	// it: the detail shows the picked order's and never another's.
	progress map[string]*refundProgress
	// fresh is false while the picked sale is being re-read: a row from an
	// earlier search may predate a refund, and offering what is no longer
	// left would only be refused after the PIN.
	fresh bool
	// settingAmount is true while the screen itself writes the amount.
	settingAmount bool
}

// refundProgress is one order's refund on this screen.
type refundProgress struct {
	busy    bool            // being sent or followed
	state   pos.RefundState // the refund's last state; "" none yet
	explain string
	settled pos.AbnormalTo // an ABNORMAL refund being settled, and where to
}

func newRefundScreen(c *console) *refundScreen {
	t := c.t
	s := &refundScreen{c: c, search: newKeyEntry(t), results: container.NewVBox(), detail: container.NewVBox(),
		message: widget.NewLabel(""), amount: newKeyEntry(t),
		searchErr: newFieldError(), amountErr: newFieldError(), reasonErr: newFieldError(),
		state: canvas.NewText("", theme.Color(theme.ColorNameForeground)), explain: widget.NewLabel(""), ctx: t.ctx,
		progress: map[string]*refundProgress{}}
	s.search.SetPlaceHolder(t.mt(msgRefSearch))
	s.search.OnSubmitted = func(string) { s.find() }
	s.message.Wrapping = fyne.TextWrapWord
	s.explain.Wrapping = fyne.TextWrapWord
	s.state.TextSize = theme.TextSubHeadingSize()
	s.state.TextStyle = fyne.TextStyle{Bold: true}
	// The third option, by line, shows only for a sale sold by item.
	s.full = newRadio([]string{t.mt(msgRefFull), t.mt(msgRefPartial), t.tableT(refundLineMessages, msgRefByLine)}, s.modePicked)
	s.full.Horizontal = true
	s.full.Required = true
	// Typing an amount other than the whole remainder makes it partial.
	s.amount.OnChanged = func(v string) {
		if s.settingAmount || s.byLine() {
			return
		}
		if s.sale != nil && v != strings.TrimPrefix(formatFen(s.left()), "¥") && v != "" {
			s.full.Selected = t.mt(msgRefPartial)
			s.full.Refresh()
		}
	}
	s.reason = newKeySelectEntry(t, []string{t.mt(msgRefReasonReturn), t.mt(msgRefReasonWrong), t.mt(msgRefReasonQuality), t.mt(msgRefReasonTwice)})
	s.reason.SetPlaceHolder(t.mt(msgRefReason))
	s.submit = newIconButton(t.mt(msgRefSubmit), theme.ContentUndoIcon(), s.ask)
	s.submit.Importance = widget.HighImportance
	return s
}

func (s *refundScreen) left() int64 {
	if s.sale == nil {
		return 0
	}
	return s.sale.AmountFen - s.sale.RefundedFen
}

func (s *refundScreen) view() fyne.CanvasObject {
	t := s.c.t
	find := newIconButton(t.mt(msgRefFind), theme.SearchIcon(), s.find)
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), s.leave)
	s.top = container.NewVBox(heading(t.mt(msgRefTitle)), container.NewBorder(nil, nil, nil, find, s.search), s.searchErr)
	left := container.NewBorder(widget.NewLabelWithStyle(t.mt(msgRefResults), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, container.NewVScroll(s.results))
	s.scroll = container.NewVScroll(s.detail)
	split := container.NewHSplit(left, s.scroll)
	split.Offset = 0.5
	return container.NewPadded(container.NewBorder(s.top, container.NewBorder(nil, nil, back, nil, s.message), nil, nil, split))
}

// fieldError shows text under field l (nil: none) and clears the other
// form lines; "" clears them all.
func (s *refundScreen) fieldError(l *widget.Label, text string) {
	changed := false
	for _, x := range []*widget.Label{s.amountErr, s.reasonErr} {
		was := x.Visible()
		if x == l {
			setLine(nil, x, text)
		} else {
			setLine(nil, x, "")
		}
		changed = changed || was != x.Visible()
	}
	// The form grows or shrinks by a line: the detail lays its parts out
	// again, and the scroll takes the new height.
	if changed && s.scroll != nil {
		s.detail.Refresh()
		s.scroll.Refresh()
	}
}

// errorField is the form field a refund error concerns, nil for one that
// is no single field's (the network, the refund limits, a PIN).
func (s *refundScreen) errorField(err error) *widget.Label {
	if errors.Is(err, pos.ErrBadAmount) {
		return s.amountErr
	}
	return nil
}

func (s *refundScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.c.t.w.Canvas().Focus(s.search)
	s.find()
}

// scanned takes a code read from the receipt (its order number).
// scanned refuses a customer's payment code: it finds no sale, and a code
// that stays in a field is a code someone can copy.
func (s *refundScreen) scanned(string) {
	s.message.SetText(s.c.t.mt(msgRefScannedPayCode))
}

// notACode searches for what the scanner read (a receipt's barcode).
func (s *refundScreen) notACode(text string) {
	s.search.SetText(text)
	s.find()
}

func (s *refundScreen) find() {
	c, t := s.c, s.c.t
	q := s.search.Text
	s.message.SetText(t.mt(msgMgrLoading))
	setLine(s.top, s.searchErr, "")
	t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		rows, err := c.m.FindSales(ctx, q)
		return func() {
			s.message.SetText("")
			if err != nil {
				setLine(s.top, s.searchErr, c.errText(err))
				return
			}
			s.results.Objects = nil
			for i := range rows {
				r := rows[i]
				// The tender's short name: with the long one the English
				// list took 600 px beside the refund form and pushed the
				// screen past 1024 px.
				label := r.OutTradeNo + "  " + formatFen(r.AmountFen) + "  " + t.cat.T(tenderShortMsg(r.Tender))
				if r.RefundedFen > 0 {
					label += "  " + t.mt(msgRefRefundedShort, formatFen(r.RefundedFen))
				}
				if r.Foreign {
					label += "  " + s.counterText(r)
				}
				b := newButton(label, func() { s.pick(r) })
				b.Alignment = widget.ButtonAlignLeading
				s.results.Add(b)
			}
			if len(rows) == 0 {
				s.results.Add(widget.NewLabel(t.mt(msgRefNone)))
			}
			s.results.Refresh()
			if len(rows) == 1 {
				s.pick(rows[0])
			}
		}
	})
}

// pick shows sale r with a fresh form, then re-reads it so the amounts
// offered are what is left now.
func (s *refundScreen) pick(r SaleRow) {
	s.show(r, true)
	s.reload()
}

// reload re-reads the sale shown; the refund button waits for it.
func (s *refundScreen) reload() {
	c, t := s.c, s.c.t
	no := s.sale.OutTradeNo
	s.fresh = false
	s.render()
	t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		rows, err := c.m.FindSales(ctx, no)
		return func() {
			if s.sale == nil || s.sale.OutTradeNo != no {
				return // another sale was picked meanwhile
			}
			if err != nil {
				s.message.SetText(c.errText(err))
			}
			for _, fr := range rows {
				if fr.OutTradeNo == no {
					s.show(fr, false)
				}
			}
			s.fresh = true
			s.render()
		}
	})
}

// show draws sale r. resetForm starts the form afresh (another sale: its
// own amount, no reason); otherwise only an untouched amount follows the
// new remainder.
func (s *refundScreen) show(r SaleRow, resetForm bool) {
	t := s.c.t
	oldLeft := s.left()
	s.sale = &r
	kv := func(k, v string) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(k), widget.NewLabelWithStyle(v, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
	}
	info := container.NewVBox(
		kv(t.cat.T(msgReceiptOrderNo), r.OutTradeNo),
		kv(t.cat.T(msgReceiptTender), t.cat.T(tenderMsg(r.Tender))),
		kv(t.cat.T(msgReceiptTime), r.PaidAt.In(tz.Shanghai).Format("2006-01-02 15:04")),
		kv(t.mt(msgRefPaid), formatFen(r.AmountFen)),
		kv(t.mt(msgRefRefunded), formatFen(r.RefundedFen)),
		kv(t.mt(msgRefLeft), formatFen(s.left())),
	)
	if r.TransactionID != "" {
		info.Add(kv(t.cat.T(msgReceiptTxnID), r.TransactionID))
	}
	info.Add(kv(s.rt(msgRefCounter), s.counterText(r)))
	if r.Foreign {
		hint := widget.NewLabel(s.rt(msgRefForeignHint))
		hint.Wrapping = fyne.TextWrapWord
		info.Add(hint)
	}
	s.amount.SetPlaceHolder(t.mt(msgRefAmountHint))
	wasByLine := s.byLine()
	s.showLines(r, resetForm)
	if resetForm || (wasByLine && s.lines == nil) || (!wasByLine && s.amount.Text == yuanText(oldLeft)) {
		s.full.Selected = t.mt(msgRefFull)
		s.full.Refresh()
		s.amount.Enable()
		s.setAmount(yuanText(s.left()))
	}
	if resetForm {
		s.reason.SetText("")
		s.fieldError(nil, "") // another sale's errors are not this one's
	}
	form := widget.NewForm(widget.NewFormItem(t.mt(msgRefHowMuch), s.full))
	if s.lines != nil {
		form.Append(s.lt(msgRefLines), s.lines.box)
	}
	form.Append(t.mt(msgRefAmount), container.NewVBox(s.amount, s.amountErr))
	form.Append(t.mt(msgRefReason), container.NewVBox(s.reason, s.reasonErr))
	s.form = container.NewVBox(form)
	if s.byLine() {
		s.priceLines()
	}
	// The form comes first: on a 1024×768 screen with the away banners up,
	// the sale's card pushed it below the fold, where Tab reaches a field
	// that nobody sees (Fyne does not scroll to the focused widget).
	s.detail.Objects = nil
	// A refund WeChat could not pay back comes first: settling it is what
	// the manager opened this sale for.
	if card := s.abnormalCard(r); card != nil {
		s.detail.Add(card)
	}
	s.detail.Objects = append(s.detail.Objects, s.form, s.submit, s.state, s.explain, widget.NewCard(t.mt(msgRefSale), "", info))
	s.detail.Refresh()
}

// yuanText is fen as the amount field holds it ("12.34"); nothing for zero.
func yuanText(fen int64) string {
	if fen <= 0 {
		return ""
	}
	return strings.TrimPrefix(formatFen(fen), "¥")
}

// render shows the picked sale's refund progress and whether it can be
// refunded now.
func (s *refundScreen) render() {
	t := s.c.t
	if s.sale == nil {
		return
	}
	p := s.progress[s.sale.OutTradeNo]
	if p == nil {
		p = &refundProgress{}
	}
	s.state.Text = ""
	if p.state != "" {
		s.state.Text = t.mt(msgRefState, t.mt(refundStateMsg(p.state)))
		s.state.Color = levelColor(map[pos.RefundState]string{pos.RefundSuccess: "OK", pos.RefundClosed: "FAIL", pos.RefundAbnormal: "WARN"}[p.state])
	}
	s.state.Refresh()
	explain := p.explain
	if explain == "" && s.fresh && s.left() <= 0 {
		explain = t.mt(msgRefNothingLeft)
	}
	s.explain.SetText(explain)
	if s.fresh && !p.busy && s.left() > 0 {
		s.submit.Enable()
	} else {
		s.submit.Disable()
	}
}

// renderIf redraws when order no is the one shown.
func (s *refundScreen) renderIf(no string) {
	if s.sale != nil && s.sale.OutTradeNo == no {
		s.render()
	}
}

func (s *refundScreen) progressOf(no string) *refundProgress {
	p := s.progress[no]
	if p == nil {
		p = &refundProgress{}
		s.progress[no] = p
	}
	return p
}

// ask checks the form and asks for the manager PIN.
func (s *refundScreen) ask() {
	t := s.c.t
	if s.sale == nil || !s.fresh {
		return
	}
	if p := s.progress[s.sale.OutTradeNo]; p != nil && p.busy {
		s.explain.SetText(s.rt(msgRefBusy))
		return
	}
	fen, ok := parseYuan(strings.TrimPrefix(strings.TrimSpace(s.amount.Text), "¥"))
	var lines []receipt.RefundLine
	if s.byLine() {
		var problem string
		lines, fen, problem = s.lines.priced()
		s.lines.say(problem)
		if problem != "" {
			s.fieldError(nil, "")
			return
		}
	}
	switch {
	case s.left() <= 0:
		s.fieldError(nil, "")
		s.explain.SetText(t.mt(msgRefNothingLeft))
		return
	case !ok || fen <= 0:
		s.fieldError(s.amountErr, t.mt(msgRefBadAmount))
		return
	case fen > s.left():
		s.fieldError(s.amountErr, t.mt(msgRefTooMuch, formatFen(s.left())))
		return
	case strings.TrimSpace(s.reason.Text) == "":
		s.fieldError(s.reasonErr, t.mt(msgRefNeedReason))
		return
	}
	s.fieldError(nil, "")
	no, reason := s.sale.OutTradeNo, strings.TrimSpace(s.reason.Text)
	s.c.askPINFor(staff.ActionRefund, no, fen, func(ap staff.Approval, pin string) {
		// By line, the amount goes too: the core refuses the refund if the
		// lines no longer come to what the manager approved.
		s.run(pos.RefundOrder{OutTradeNo: no, AmountFen: fen, Lines: lines, Reason: reason,
			Approval: pos.Approval{User: ap.Approver, Credential: pin}})
	})
}

// run sends the refund through the core and follows it.
func (s *refundScreen) run(req pos.RefundOrder) {
	c, t := s.c, s.c.t
	no := req.OutTradeNo
	p := s.progressOf(no)
	if p.busy {
		return
	}
	*p = refundProgress{busy: true, state: pos.RefundSubmitted, explain: t.mt(msgRefWaitExplain)}
	s.renderIf(no)
	t.async(s.ctx, func(ctx context.Context) func() {
		r, err := c.m.Refund(ctx, req)
		return func() {
			if err != nil {
				if l := s.errorField(err); l != nil {
					*p = refundProgress{}
					if s.sale != nil && s.sale.OutTradeNo == no {
						s.fieldError(l, c.errText(err))
					}
				} else {
					*p = refundProgress{explain: c.errText(err)}
				}
				s.renderIf(no)
				return
			}
			s.follow(r)
		}
	})
}

// follow records r's state for its order and re-reads it until it is
// final.
func (s *refundScreen) follow(r *pos.Refund) {
	c, t := s.c, s.c.t
	p := s.progressOf(r.OutTradeNo)
	p.state = r.State
	if r.State.Terminal() {
		p.busy = false
		s.finish(r)
		return
	}
	p.explain = t.mt(msgRefWaitExplain)
	s.renderIf(r.OutTradeNo)
	t.async(s.ctx, func(ctx context.Context) func() {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(refundPoll):
		}
		n, err := c.m.RefundRecord(ctx, r.OutRefundNo)
		return func() {
			if err != nil {
				p.explain = c.errText(err)
				s.renderIf(r.OutTradeNo)
				n = r
			}
			s.follow(n)
		}
	})
}

// finish explains the outcome and prints the refund receipt on success.
func (s *refundScreen) finish(r *pos.Refund) {
	c, t := s.c, s.c.t
	no := r.OutTradeNo
	p := s.progressOf(no)
	switch r.State {
	case pos.RefundSuccess:
		p.explain = t.mt(msgRefDone, formatFen(r.AmountFen), r.OutRefundNo)
		if text := s.settledText(p, r); text != "" {
			p.explain = text
		}
	case pos.RefundClosed:
		p.explain = t.mt(msgRefClosedExplain, r.ErrorCode)
	case pos.RefundAbnormal:
		p.explain = t.mt(msgRefAbnormalExplain)
	}
	if s.sale != nil && s.sale.OutTradeNo == no {
		if r.State == pos.RefundSuccess {
			s.reason.SetText("") // a second refund needs its own reason
			if s.lines != nil {
				s.lines.clear() // those lines are given back now
			}
		}
		s.reload() // the remainder changed
	}
	if r.State != pos.RefundSuccess || r.ReceiptNo == "" || t.opt.printer == nil {
		return
	}
	rno := r.ReceiptNo
	t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		rc, err := c.m.Receipt(ctx, rno)
		if err == nil {
			err = t.opt.printer.Print(ctx, *rc, false)
		}
		return func() {
			if err != nil {
				s.message.SetText(t.errorTextOr(msgReceiptPrintErr, err))
			} else {
				s.message.SetText(t.mt(msgRefPrinted, rno))
			}
		}
	})
}

func refundStateMsg(s pos.RefundState) msg {
	switch s {
	case pos.RefundSubmitted:
		return msgRefStSubmitted
	case pos.RefundProcessing:
		return msgRefStProcessing
	case pos.RefundSuccess:
		return msgRefStSuccess
	case pos.RefundClosed:
		return msgRefStClosed
	case pos.RefundAbnormal:
		return msgRefStAbnormal
	}
	return msg(s)
}

func (s *refundScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && !s.anyBusy() {
		s.leave()
	}
}

// leave goes back where the screen was opened from.
func (s *refundScreen) leave() {
	if s.back != nil {
		s.back()
		return
	}
	s.c.t.show(newManagerHome(s.c))
}

func (s *refundScreen) anyBusy() bool {
	for _, p := range s.progress {
		if p.busy {
			return true
		}
	}
	return false
}
