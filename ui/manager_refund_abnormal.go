package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/ui/view"
)

// Message keys of the abnormal-refund form, with their texts below (kept
// with the form that alone uses them).
const (
	msgAbnTitle       msg = "abn.title"
	msgAbnRefund      msg = "abn.refund"
	msgAbnMore        msg = "abn.more"
	msgAbnTo          msg = "abn.to"
	msgAbnToCard      msg = "abn.toCard"
	msgAbnToStore     msg = "abn.toStore"
	msgAbnBank        msg = "abn.bank"
	msgAbnAccount     msg = "abn.account"
	msgAbnName        msg = "abn.name"
	msgAbnSubmit      msg = "abn.submit"
	msgAbnNeedBank    msg = "abn.needBank"
	msgAbnBadAccount  msg = "abn.badAccount"
	msgAbnNeedName    msg = "abn.needName"
	msgAbnStoreHint   msg = "abn.storeHint"
	msgAbnUnsupported msg = "abn.unsupported"
	msgAbnDoneStore   msg = "abn.doneStore"
	msgAbnDoneCard    msg = "abn.doneCard"
)

var abnormalMessages = map[msg]translation{
	msgAbnTitle:       {"处理退款异常", "Settle the abnormal refund"},
	msgAbnRefund:      {"退款单 %s  %s：顾客的银行卡已注销或冻结，微信支付退不回去", "Refund %s  %s: the customer's card is closed or frozen; WeChat Pay could not pay it back"},
	msgAbnMore:        {"此单还有 %d 笔异常退款，处理完这笔后显示", "%d more abnormal refunds of this sale follow once this one is settled"},
	msgAbnTo:          {"退到", "Pay to"},
	msgAbnToCard:      {"顾客的其他借记卡", "the customer's other debit card"},
	msgAbnToStore:     {"退回门店账户", "back to the store's account"},
	msgAbnBank:        {"开户银行", "Bank"},
	msgAbnAccount:     {"银行卡号", "Card number"},
	msgAbnName:        {"持卡人姓名", "Card holder"},
	msgAbnSubmit:      {"提交处理", "Settle"},
	msgAbnNeedBank:    {"请选择开户银行（仅限列出的借记卡）", "Choose the bank (only the debit cards listed)"},
	msgAbnBadAccount:  {"银行卡号应为10到30位数字", "The card number is 10 to 30 digits"},
	msgAbnNeedName:    {"请填写持卡人姓名", "Enter the card holder's name"},
	msgAbnStoreHint:   {"款项退回门店的银行账户，请当面把钱退给顾客（如现金）", "The money goes back to the store's bank account: repay the customer in person (e.g. in cash)"},
	msgAbnUnsupported: {"当前接口（API v2）不能处理异常退款，请在微信支付商户平台处理", "This API (v2) cannot settle abnormal refunds: use the WeChat Pay merchant platform"},
	msgAbnDoneStore:   {"异常退款 %s 已退回门店账户：请当面退给顾客 %s", "Abnormal refund %s went back to the store's account: repay the customer %s in person"},
	msgAbnDoneCard:    {"异常退款 %s 已退到顾客的银行卡 %s", "Abnormal refund %s was paid to the customer's card: %s"},
}

// abnormalForm settles the first ABNORMAL refund of the picked sale:
// where the money goes, and for the customer's card its bank, number and
// holder. The card details go to the core and are not kept on the screen
// after it is sent.
type abnormalForm struct {
	s   *refundScreen
	row view.AbnormalRefund

	to                         *keyRadio
	bank                       *keySelect
	account, name              *keyEntry
	bankErr, accountErr, nameE *widget.Label
	cardItems                  *fyne.Container
	storeHint                  *widget.Label
	submit                     *keyButton
	box                        *fyne.Container
}

// at is Terminal.mt for the abnormal-refund texts.
func (s *refundScreen) at(m msg, args ...any) string {
	if _, ok := abnormalMessages[m]; ok {
		return s.c.t.tableT(abnormalMessages, m, args...)
	}
	return s.rt(m, args...)
}

// bankLabel is how a bank is offered: its name and WeChat's code.
func bankLabel(b pos.BankType) string { return b.Name + " " + b.Code }

// abnormalCard is the form for sale r's first ABNORMAL refund, nil when it
// has none.
func (s *refundScreen) abnormalCard(r SaleRow) fyne.CanvasObject {
	if len(r.Abnormal) == 0 {
		s.abn = nil
		return nil
	}
	t := s.c.t
	f := &abnormalForm{s: s, row: r.Abnormal[0], account: newKeyEntry(t), name: newKeyEntry(t),
		bankErr: newFieldError(), accountErr: newFieldError(), nameE: newFieldError(), storeHint: widget.NewLabel(s.at(msgAbnStoreHint))}
	s.abn = f
	var banks []string
	for _, b := range pos.AbnormalBankTypes {
		banks = append(banks, bankLabel(b))
	}
	f.bank = newSelect(banks, nil)
	f.bank.PlaceHolder = s.at(msgAbnBank)
	f.account.SetPlaceHolder(s.at(msgAbnAccount))
	f.name.SetPlaceHolder(s.at(msgAbnName))
	f.storeHint.Wrapping = fyne.TextWrapWord
	f.cardItems = container.NewVBox(widget.NewForm(
		widget.NewFormItem(s.at(msgAbnBank), container.NewVBox(f.bank, f.bankErr)),
		widget.NewFormItem(s.at(msgAbnAccount), container.NewVBox(f.account, f.accountErr)),
		widget.NewFormItem(s.at(msgAbnName), container.NewVBox(f.name, f.nameE)),
	))
	f.to = newRadio([]string{s.at(msgAbnToCard), s.at(msgAbnToStore)}, func(string) { f.layout() })
	f.to.Required = true
	f.to.Selected = s.at(msgAbnToCard)
	f.submit = newIconButton(s.at(msgAbnSubmit), theme.ConfirmIcon(), f.ask)
	f.submit.Importance = widget.WarningImportance
	what := widget.NewLabel(s.at(msgAbnRefund, f.row.OutRefundNo, formatFen(f.row.AmountFen)))
	what.Wrapping = fyne.TextWrapWord
	f.box = container.NewVBox(what, widget.NewForm(widget.NewFormItem(s.at(msgAbnTo), f.to)), f.cardItems, f.storeHint, f.submit)
	if n := len(r.Abnormal) - 1; n > 0 {
		more := widget.NewLabel(s.at(msgAbnMore, n))
		more.Wrapping = fyne.TextWrapWord
		f.box.Add(more)
	}
	f.layout()
	return widget.NewCard(s.at(msgAbnTitle), "", f.box)
}

// toStore reports whether the money goes back to the store.
func (f *abnormalForm) toStore() bool { return f.to.Selected == f.s.at(msgAbnToStore) }

// layout shows the card fields or the store's hint, as the choice says.
func (f *abnormalForm) layout() {
	if f.toStore() {
		f.cardItems.Hide()
		f.storeHint.Show()
	} else {
		f.cardItems.Show()
		f.storeHint.Hide()
	}
	f.box.Refresh()
	if f.s.scroll != nil {
		f.s.detail.Refresh()
		f.s.scroll.Refresh()
	}
}

// fieldError shows text under l and clears the form's other lines.
func (f *abnormalForm) fieldError(l *widget.Label, text string) {
	for _, x := range []*widget.Label{f.bankErr, f.accountErr, f.nameE} {
		if x == l {
			setLine(nil, x, text)
		} else {
			setLine(nil, x, "")
		}
	}
	f.box.Refresh()
	if f.s.scroll != nil {
		f.s.detail.Refresh()
		f.s.scroll.Refresh()
	}
}

// settlement is what the form asks for, or the field that is wrong.
func (f *abnormalForm) settlement() (pos.AbnormalSettlement, *widget.Label, string) {
	a := pos.AbnormalSettlement{OutRefundNo: f.row.OutRefundNo, To: pos.AbnormalToMerchant}
	if f.toStore() {
		return a, nil, ""
	}
	a.To = pos.AbnormalToCustomerCard
	for _, b := range pos.AbnormalBankTypes {
		if bankLabel(b) == f.bank.Selected {
			a.BankType = b.Code
		}
	}
	a.BankAccount = strings.ReplaceAll(strings.TrimSpace(f.account.Text), " ", "")
	a.RealName = strings.TrimSpace(f.name.Text)
	digits := len(a.BankAccount) >= 10 && len(a.BankAccount) <= 30
	for _, c := range a.BankAccount {
		digits = digits && c >= '0' && c <= '9'
	}
	switch {
	case a.BankType == "":
		return a, f.bankErr, f.s.at(msgAbnNeedBank)
	case !digits:
		return a, f.accountErr, f.s.at(msgAbnBadAccount)
	case a.RealName == "":
		return a, f.nameE, f.s.at(msgAbnNeedName)
	}
	return a, nil, ""
}

// ask checks the form and asks for the manager PIN.
func (f *abnormalForm) ask() {
	s := f.s
	if s.sale == nil || !s.fresh {
		return
	}
	if p := s.progress[s.sale.OutTradeNo]; p != nil && p.busy {
		s.explain.SetText(s.rt(msgRefBusy))
		return
	}
	a, field, text := f.settlement()
	if field != nil {
		f.fieldError(field, text)
		return
	}
	f.fieldError(nil, "")
	no := s.sale.OutTradeNo
	s.c.askPINFor(staff.ActionAbnormalRefund, no, f.row.AmountFen, func(ap staff.Approval, pin string) {
		a.Approval = pos.Approval{User: ap.Approver, Credential: pin}
		f.account.SetText("") // the card number leaves the screen with the request
		f.name.SetText("")
		s.settle(no, a)
	})
}

// settle sends the settlement through the core and follows the refund.
func (s *refundScreen) settle(no string, a pos.AbnormalSettlement) {
	c, t := s.c, s.c.t
	p := s.progressOf(no)
	if p.busy {
		return
	}
	*p = refundProgress{busy: true, state: pos.RefundAbnormal, explain: t.mt(msgRefWaitExplain), settled: a.To}
	s.renderIf(no)
	t.async(s.ctx, func(ctx context.Context) func() {
		r, err := c.m.SettleAbnormalRefund(ctx, a)
		return func() {
			switch {
			case errors.Is(err, pos.ErrAbnormalUnsupported):
				*p = refundProgress{state: pos.RefundAbnormal, explain: s.at(msgAbnUnsupported)}
			case err != nil:
				*p = refundProgress{state: pos.RefundAbnormal, explain: c.errText(err)}
			default:
				s.follow(r)
				return
			}
			s.renderIf(no)
		}
	})
}

// settledText is the outcome line of a settled abnormal refund, "" for
// any other refund.
func (s *refundScreen) settledText(p *refundProgress, r *pos.Refund) string {
	switch {
	case r.State != pos.RefundSuccess || p.settled == "":
		return ""
	case p.settled == pos.AbnormalToMerchant:
		return s.at(msgAbnDoneStore, r.OutRefundNo, formatFen(r.AmountFen))
	}
	return s.at(msgAbnDoneCard, r.OutRefundNo, formatFen(r.AmountFen))
}
