package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/tz"
)

// Reconciler is what the reconciliation screen drives. Its methods may
// block on the database or the network; the screen calls them only from
// goroutines it owns. counter.Reconciler adapts recon.Desk and recon.Fetcher.
type Reconciler interface {
	// Days lists reconciled days, newest first.
	Days(ctx context.Context) ([]recon.DaySummary, error)
	// Result returns a day's reconciliation (recon.ErrNoResult if none).
	Result(ctx context.Context, day recon.Day) (*recon.Result, error)
	// Fetch downloads the day's bill now and reconciles it.
	Fetch(ctx context.Context, day recon.Day) (*recon.Result, error)
	// Resolve applies an action to a difference. by is who does it; a
	// refund needs a manager's credential. For ActionQuery the text is
	// WeChat's answer; the difference may stay open.
	Resolve(ctx context.Context, day recon.Day, id string, a recon.Action, note string, by recon.Approver) (*recon.Result, string, error)
}

// FundFlowReader is a Reconciler that also has the days' fund-flow checks
// (counter.Reconciler does): the screen shows a day's check under its
// reconciliation. It may block like the Reconciler's methods.
type FundFlowReader interface {
	FundFlow(ctx context.Context, day recon.Day) (*recon.FundFlowCheck, error)
}

// ShowReconciliation opens the reconciliation screen (per day: counts per
// category, totals side by side, the differences and their actions).
func (t *Terminal) ShowReconciliation(r Reconciler) { t.showReconciliation(r, t.showSale) }

// showReconciliation opens the reconciliation screen; back is where its
// 返回 goes.
func (t *Terminal) showReconciliation(r Reconciler, back func()) {
	s := newReconScreen(t, r)
	s.back = back
	t.show(s)
}

// reconScreen shows one day's reconciliation and the list of days.
type reconScreen struct {
	t    *Terminal
	r    Reconciler
	back func() // where 返回 and Esc go: the screen it was opened from

	day     recon.Day
	dayIn   *keyEntry
	days    *fyne.Container
	summary *widget.Label
	counts  *fyne.Container
	fees    *widget.Label
	flow    *fyne.Container // the day's fund-flow check, when there is one
	totals  *fyne.Container
	diffs   *fyne.Container
	body    *fyne.Container // summary, counts, totals, fees, fund flow, differences
	message *widget.Label
	ctx     context.Context
	busy    bool
}

func newReconScreen(t *Terminal, r Reconciler) *reconScreen {
	s := &reconScreen{
		t: t, r: r, back: t.showSale,
		day:     recon.DayOf(time.Now()).Add(-1),
		dayIn:   newKeyEntry(t),
		days:    container.NewVBox(),
		summary: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		counts:  container.NewGridWithColumns(3),
		fees:    widget.NewLabel(""),
		flow:    container.NewVBox(),
		totals:  container.NewGridWithColumns(5),
		diffs:   container.NewVBox(),
		message: widget.NewLabel(""),
		ctx:     t.ctx,
	}
	s.message.Wrapping = fyne.TextWrapWord
	s.dayIn.SetText(s.day.Dashed())
	s.dayIn.OnSubmitted = func(string) { s.openTyped() }
	return s
}

// rt translates a reconciliation text in the terminal's language.
func (s *reconScreen) rt(m msg, args ...any) string { return s.t.tableT(reconMessages, m, args...) }

func (s *reconScreen) view() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(s.rt(msgReconTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	open := newIconButton(s.rt(msgReconOpen), theme.SearchIcon(), s.openTyped)
	fetch := newIconButton(s.rt(msgReconFetch), theme.DownloadIcon(), s.fetchNow)
	back := newIconButton(s.t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { s.back() })
	top := container.NewBorder(nil, nil, title, container.NewHBox(open, fetch), s.dayIn)
	left := container.NewBorder(widget.NewLabelWithStyle(s.rt(msgReconDays), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, container.NewVScroll(s.days))
	s.body = container.NewVBox(s.summary, s.counts, s.totals, s.fees, s.flow, widget.NewSeparator(), s.diffs)
	main := container.NewVScroll(s.body)
	split := container.NewHSplit(left, main)
	split.Offset = 0.22
	// The message takes the width beside the back button: in an HBox a
	// wrapping label gets its minimum width and is drawn a character a line.
	bottom := container.NewBorder(nil, nil, back, nil, s.message)
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, split))
}

func (s *reconScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.loadDays()
	s.load(s.day)
}

func (s *reconScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.back()
	}
}

func (s *reconScreen) openTyped() {
	d, err := recon.ParseDay(strings.TrimSpace(s.dayIn.Text))
	if err != nil {
		s.message.SetText(s.rt(msgReconBadDay))
		return
	}
	s.load(d)
}

// run does work off the UI goroutine with a deadline, one action at a time,
// and shows its result or error.
func (s *reconScreen) run(work func(ctx context.Context) (*recon.Result, string, error)) {
	if s.busy {
		return
	}
	s.busy = true
	s.message.SetText(s.rt(msgReconWorking))
	s.t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 3*callTimeout)
		defer cancel()
		res, text, err := work(ctx)
		var flow *recon.FundFlowCheck
		if fr, ok := s.r.(FundFlowReader); ok && err == nil && res != nil {
			flow, _ = fr.FundFlow(ctx, res.Day) // none yet (or unreadable): nothing shown
		}
		return func() {
			s.busy = false
			switch {
			case errors.Is(err, recon.ErrNoResult), errors.Is(err, recon.ErrNoBill):
				s.message.SetText(s.rt(msgReconNone))
				s.showResult(nil)
			case err != nil:
				s.message.SetText(s.t.errorTextOr(msgReconError, err))
			default:
				s.message.SetText(text)
				s.showResult(res)
				s.showFundFlow(flow)
				s.loadDays()
			}
		}
	})
}

func (s *reconScreen) load(d recon.Day) {
	s.day = d
	s.dayIn.SetText(d.Dashed())
	s.run(func(ctx context.Context) (*recon.Result, string, error) {
		res, err := s.r.Result(ctx, d)
		return res, "", err
	})
}

// fetchNow downloads the bill of the day typed in the day field (the one
// shown when the field does not hold a day).
func (s *reconScreen) fetchNow() {
	d, err := recon.ParseDay(strings.TrimSpace(s.dayIn.Text))
	if err != nil {
		s.message.SetText(s.rt(msgReconBadDay))
		return
	}
	s.day = d
	s.run(func(ctx context.Context) (*recon.Result, string, error) {
		res, err := s.r.Fetch(ctx, d)
		return res, "", err
	})
}

func (s *reconScreen) loadDays() {
	s.t.async(s.ctx, func(ctx context.Context) func() {
		days, err := s.r.Days(ctx)
		return func() {
			if err != nil {
				return
			}
			objs := make([]fyne.CanvasObject, 0, len(days))
			for _, ds := range days {
				label := ds.Day.Dashed() + "  " + s.rt(msgReconBalanced)
				imp := widget.SuccessImportance
				if !ds.Balanced() {
					label = ds.Day.Dashed() + "  " + s.rt(msgReconOpenCount, ds.Open)
					imp = widget.WarningImportance
				}
				day := ds.Day
				b := newButton(label, func() { s.load(day) })
				b.Importance = imp
				objs = append(objs, b)
			}
			s.days.Objects = objs
			s.days.Refresh()
		}
	})
}

func (s *reconScreen) showResult(res *recon.Result) {
	s.totals.Objects = nil
	s.counts.Objects = nil
	s.diffs.Objects = nil
	defer func() {
		s.counts.Refresh()
		s.totals.Refresh()
		s.diffs.Refresh()
		if s.body != nil {
			s.body.Refresh() // re-lay out: the grids changed size
		}
	}()
	if res == nil {
		s.summary.SetText(s.rt(msgReconDayNone, s.day.Dashed()))
		s.fees.SetText("")
		s.showFundFlow(nil)
		return
	}
	for _, k := range recon.Kinds {
		l := widget.NewLabel(fmt.Sprintf("%s %d", s.rt(kindMsg(k)), res.Counts[k]))
		if k != recon.KindMatched && k != recon.KindOtherTerminal && res.Counts[k] > 0 {
			l.Importance = widget.WarningImportance
		}
		s.counts.Add(l)
	}
	state := s.rt(msgReconBalanced)
	if !res.Balanced() {
		state = s.rt(msgReconOpenCount, res.Open())
	}
	s.summary.SetText(fmt.Sprintf("%s · %s · %s", res.Day.Dashed(), state, s.rt(msgReconRows, res.BillRows)))
	s.fees.SetText(s.rt(msgReconFees, feeYuan(res.Fees.TerminalMilliFen), feeYuan(res.Fees.OtherMilliFen)))

	head := func(m msg) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s.rt(m), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.totals.Objects = append(s.totals.Objects, head(msgReconTender), head(msgReconLocal), head(msgReconBill),
		head(msgReconLocalRefunds), head(msgReconBillRefunds))
	for _, tt := range res.Totals {
		bill, billRef := formatFen(tt.BillFen), formatFen(tt.BillRefundFen)
		if !tt.InBill {
			bill, billRef = "—", "—"
		}
		name := s.rt(msgReconOtherTender)
		if tt.Tender != recon.TenderOther {
			name = s.t.cat.T(tenderMsg(tt.Tender))
		}
		if tt.InBill {
			bill = fmt.Sprintf("%s (%d)", bill, tt.BillCount)
		}
		nameLabel := widget.NewLabel(name)
		nameLabel.Truncation = fyne.TextTruncateEllipsis
		s.totals.Objects = append(s.totals.Objects, nameLabel,
			widget.NewLabel(fmt.Sprintf("%s (%d)", formatFen(tt.LocalFen), tt.LocalCount)),
			widget.NewLabel(bill),
			widget.NewLabel(formatFen(tt.LocalRefundFen)), widget.NewLabel(billRef))
	}
	if len(res.Differences) == 0 {
		s.diffs.Add(widget.NewLabel(s.rt(msgReconNoDiffs)))
	}
	for i := range res.Differences {
		s.diffs.Add(s.diffRow(res.Differences[i]))
	}
}

// showFundFlow shows a day's fund-flow check (nil: none): the basic
// account's net beside the trade bill's, then each difference with what to
// do. It is the whole merchant's; nothing here is resolved at the till.
func (s *reconScreen) showFundFlow(c *recon.FundFlowCheck) {
	s.flow.Objects = nil
	defer s.flow.Refresh()
	if c == nil {
		return
	}
	state := s.rt(msgReconBalanced)
	if !c.Balanced() {
		state = s.rt(msgReconFlowDiffs, len(c.Differences))
	}
	head := widget.NewLabel(s.rt(msgReconFlow, state, feeYuan(c.BillNetMilliFen), feeYuan(c.FlowNetMilliFen)))
	head.Wrapping = fyne.TextWrapWord
	if !c.Balanced() {
		head.Importance = widget.WarningImportance
	}
	s.flow.Add(head)
	for _, d := range c.Differences {
		no := d.TransactionID
		if d.Subject == recon.SubjectRefund {
			no = d.RefundID
		}
		l := widget.NewLabel(s.rt(msgReconFlowLine, s.rt(kindMsg(d.Kind)), no, formatFen(d.LocalFen), formatFen(d.BillFen)) +
			"\n" + s.rt(flowAdviceMsg(&d)))
		l.Wrapping = fyne.TextWrapWord
		s.flow.Add(l)
	}
}

// flowAdviceMsg is what to do about a fund-flow difference: the trade
// bill has it and the account not (LocalFen set, BillFen 0), the account
// has it and the trade bill not (LocalFen 0), the fee, or the amount.
func flowAdviceMsg(d *recon.Difference) msg {
	switch {
	case d.Kind == recon.KindFeeMismatch:
		return msgReconFlowAdviceFee
	case d.BillFen == 0:
		return msgReconFlowAdviceMissing
	case d.LocalFen == 0:
		return msgReconFlowAdviceUnbilled
	}
	return msgReconFlowAdviceAmount
}

func (s *reconScreen) diffRow(d recon.Difference) fyne.CanvasObject {
	kind := widget.NewLabelWithStyle(s.rt(kindMsg(d.Kind)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	kind.Importance = widget.WarningImportance
	no := d.OutTradeNo
	if d.Subject == recon.SubjectRefund {
		no = d.OutRefundNo + " ← " + d.OutTradeNo
	}
	amounts := s.rt(msgReconAmounts, formatFen(d.LocalFen), orDash(d.LocalState), formatFen(d.BillFen), orDash(d.BillState))
	if d.Forced {
		amounts += " · " + s.rt(msgReconForced)
	}
	info := container.NewVBox(container.NewHBox(kind, widget.NewLabel(no)), widget.NewLabel(amounts))
	advice := widget.NewLabel(s.rt(adviceMsg(&d)))
	advice.Wrapping = fyne.TextWrapWord
	info.Add(advice)
	if d.LastQuery != "" {
		info.Add(widget.NewLabel(d.LastQuery))
	}
	var actions fyne.CanvasObject
	if d.Resolved() {
		kind.Importance = widget.SuccessImportance
		r := d.Resolution
		actions = widget.NewLabel(s.rt(msgReconResolved, s.rt(actionMsg(r.Action)), r.Actor, r.Note))
	} else {
		box := container.NewHBox(layout.NewSpacer())
		for _, a := range d.Actions {
			box.Add(newButton(s.rt(actionMsg(a)), func() { s.act(d, a) }))
		}
		actions = box
	}
	return container.NewVBox(info, actions, widget.NewSeparator())
}

// act runs a on d; everything but a query first asks for a note, and a
// refund for a manager's name and PIN.
func (s *reconScreen) act(d recon.Difference, a recon.Action) {
	day := s.day
	do := func(note string, by recon.Approver) {
		s.run(func(ctx context.Context) (*recon.Result, string, error) {
			return s.r.Resolve(ctx, day, d.ID, a, note, by)
		})
	}
	if a == recon.ActionQuery {
		do("", recon.Approver{})
		return
	}
	note := newKeyEntry(s.t)
	note.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(s.rt(msgReconNoteRequired))
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem(s.rt(msgReconNote), note)}
	user, pin := newKeyEntry(s.t), newKeyPasswordEntry(s.t)
	if a == recon.ActionRefund {
		items = append(items, widget.NewFormItem(s.rt(msgReconManager), user), widget.NewFormItem(s.rt(msgReconPIN), pin))
	}
	form := dialog.NewForm(s.rt(actionMsg(a))+" · "+d.OutTradeNo, s.rt(msgReconConfirm), s.t.cat.T(msgCommonBack), items,
		func(ok bool) {
			s.t.modal = nil
			if ok {
				do(strings.TrimSpace(note.Text), recon.Approver{User: strings.TrimSpace(user.Text), Credential: pin.Text})
			}
		}, s.t.w)
	s.t.modal = func() { s.t.modal = nil; form.Hide() } // Esc cancels
	form.Show()
	s.t.w.Canvas().Focus(note)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// feeYuan formats a fee in thousandths of a fen as money: rounded to the
// fen, half away from zero, like every other amount ("¥0.30", "-¥1.00").
// The bill's exact five decimals stay in the bill and its CSV (package
// csvout's rule).
func feeYuan(milliFen int64) string { return formatFen(csvout.FeeFen(milliFen)) }

func kindMsg(k recon.Kind) msg { return msg("recon.kind." + string(k)) }

func actionMsg(a recon.Action) msg { return msg("recon.action." + string(a)) }

func adviceMsg(d *recon.Difference) msg {
	switch {
	case d.Kind == recon.KindLocalOnly && d.Forced:
		return msgReconAdviceForced
	case d.Kind == recon.KindLocalOnly:
		return msgReconAdviceLocal
	case d.Kind == recon.KindWeChatOnly:
		return msgReconAdviceWeChat
	case d.Kind == recon.KindAmountMismatch:
		return msgReconAdviceAmount
	case d.Subject == recon.SubjectRefund:
		return msgReconAdviceRefund
	}
	return msgReconAdviceStatus
}

// Texts of the reconciliation screen.
const (
	msgReconTitle        msg = "recon.title"
	msgReconOpen         msg = "recon.open"
	msgReconFetch        msg = "recon.fetch"
	msgReconDays         msg = "recon.days"
	msgReconBadDay       msg = "recon.badDay"
	msgReconWorking      msg = "recon.working"
	msgReconNone         msg = "recon.none"
	msgReconError        msg = "recon.error"
	msgReconBalanced     msg = "recon.balanced"
	msgReconOpenCount    msg = "recon.openCount"
	msgReconDayNone      msg = "recon.dayNone"
	msgReconRows         msg = "recon.rows"
	msgReconFees         msg = "recon.fees"
	msgReconTender       msg = "recon.tender"
	msgReconLocal        msg = "recon.local"
	msgReconBill         msg = "recon.bill"
	msgReconLocalRefunds msg = "recon.localRefunds"
	msgReconBillRefunds  msg = "recon.billRefunds"
	msgReconOtherTender  msg = "recon.otherTender"
	msgReconNoDiffs      msg = "recon.noDiffs"
	msgReconAmounts      msg = "recon.amounts"
	msgReconForced       msg = "recon.forced"
	msgReconResolved     msg = "recon.resolved"
	msgReconNote         msg = "recon.note"
	msgReconNoteRequired msg = "recon.noteRequired"
	msgReconConfirm      msg = "recon.confirm"
	msgReconManager      msg = "recon.manager"
	msgReconPIN          msg = "recon.pin"
	msgReconAdviceForced msg = "recon.advice.forced"
	msgReconAdviceLocal  msg = "recon.advice.local"
	msgReconAdviceWeChat msg = "recon.advice.wechat"
	msgReconAdviceAmount msg = "recon.advice.amount"
	msgReconAdviceRefund msg = "recon.advice.refund"
	msgReconAdviceStatus msg = "recon.advice.status"

	msgReconFlow               msg = "recon.flow"
	msgReconFlowDiffs          msg = "recon.flowDiffs"
	msgReconFlowLine           msg = "recon.flowLine"
	msgReconFlowAdviceFee      msg = "recon.flowAdvice.fee"
	msgReconFlowAdviceMissing  msg = "recon.flowAdvice.missing"
	msgReconFlowAdviceUnbilled msg = "recon.flowAdvice.unbilled"
	msgReconFlowAdviceAmount   msg = "recon.flowAdvice.amount"
)

var reconMessages = map[msg]translation{
	msgReconTitle:        {"对账", "Reconciliation"},
	msgReconOpen:         {"查看", "Open"},
	msgReconFetch:        {"立即下载账单", "Fetch bill now"},
	msgReconDays:         {"已对账日期", "Reconciled days"},
	msgReconBadDay:       {"日期格式：2026-11-25", "Day format: 2026-11-25"},
	msgReconWorking:      {"处理中…", "Working…"},
	msgReconNone:         {"该日尚未对账：请下载账单", "Not reconciled yet: fetch the bill"},
	msgReconError:        {"对账没有完成（参考号 %s）— 请稍后重试；如再次出现请把参考号告诉经理", "Reconciliation did not finish (reference %s) — try again later; if it repeats, give the manager this reference"},
	msgReconBalanced:     {"已平账", "balanced"},
	msgReconOpenCount:    {"%d 项待处理", "%d open"},
	msgReconDayNone:      {"%s：没有对账结果", "%s: no reconciliation"},
	msgReconRows:         {"账单 %d 行", "%d bill rows"},
	msgReconFees:         {"手续费：本机 %s，其他终端 %s", "Fees: this terminal %s, other terminals %s"},
	msgReconTender:       {"支付方式", "Tender"},
	msgReconLocal:        {"本机", "Terminal"},
	msgReconBill:         {"微信账单", "WeChat bill"},
	msgReconLocalRefunds: {"本机退款", "Terminal refunds"},
	msgReconBillRefunds:  {"账单退款", "Bill refunds"},
	msgReconOtherTender:  {"其他渠道", "Other channels"},
	msgReconNoDiffs:      {"没有差异", "No differences"},
	msgReconAmounts:      {"本机 %s（%s） · 账单 %s（%s）", "terminal %s (%s) · bill %s (%s)"},
	msgReconForced:       {"人工确认收款", "forced paid"},
	msgReconResolved:     {"已处理：%s，%s：%s", "Resolved: %s by %s: %s"},
	msgReconNote:         {"说明", "Note"},
	msgReconNoteRequired: {"请填写说明", "A note is required"},
	msgReconConfirm:      {"确定", "Confirm"},
	msgReconManager:      {"主管", "Manager"},
	msgReconPIN:          {"密码", "PIN"},
	msgReconAdviceForced: {"人工确认收款但微信无此交易：请查询；未付款则重新收款或核销", "Forced paid here but WeChat has no payment: query it; if unpaid, collect again or write it off"},
	msgReconAdviceLocal:  {"本机已收款但账单中没有：请查询（可能在次日账单）", "Paid here but not in the bill: query it (it may be on the next day's bill)"},
	msgReconAdviceWeChat: {"微信已收款但本机无销售：退款或补录销售（补发货）", "Money arrived without a local sale: refund it or record the sale"},
	msgReconAdviceAmount: {"金额不一致：请核对小票与账单", "Amounts differ: check the receipt against the bill"},
	msgReconAdviceRefund: {"退款记录不一致：请查询该退款", "Refund differs between the bill and the terminal: query it"},
	msgReconAdviceStatus: {"状态不一致：请查询该订单", "States differ: query the order"},

	kindMsg(recon.KindMatched):        {"一致", "Matched"},
	kindMsg(recon.KindAmountMismatch): {"金额不符", "Amount mismatch"},
	kindMsg(recon.KindLocalOnly):      {"本机有、微信无", "Terminal only"},
	kindMsg(recon.KindWeChatOnly):     {"微信有、本机无", "WeChat only"},
	kindMsg(recon.KindStatusMismatch): {"状态不符", "Status mismatch"},
	kindMsg(recon.KindOtherTerminal):  {"其他终端", "Other terminal"},

	msgReconFlow:                          {"资金账单（基本账户，全商户）：%s · 净额 交易账单 %s / 账户 %s", "Fund flow (basic account, whole merchant): %s · net trade bill %s / account %s"},
	msgReconFlowDiffs:                     {"%d 处不符", "%d differences"},
	msgReconFlowLine:                      {"%s %s：交易账单 %s，账户 %s", "%s %s: trade bill %s, account %s"},
	msgReconFlowAdviceFee:                 {"手续费与交易账单不符：请在商户平台核对费率，并联系微信支付客服", "The fee differs from the trade bill: check the fee rate in the merchant platform and ask WeChat Pay support"},
	msgReconFlowAdviceMissing:             {"账户尚无此笔入账：可能次日入账，请查次日资金账单", "Not in the account yet: it may move the next day — check the next day's fund flow"},
	msgReconFlowAdviceUnbilled:            {"账户有变动而当日交易账单无此笔：请查前后一日的账单", "Money moved for a trade the day's bill lacks: check the days before and after"},
	msgReconFlowAdviceAmount:              {"入账金额不等于结算金额减手续费：请核对代金券和手续费", "The account moved another amount than settlement less fee: check coupons and the fee"},
	kindMsg(recon.KindFeeMismatch):        {"手续费不符", "Fee mismatch"},
	kindMsg(recon.KindSettlementMismatch): {"入账金额不符", "Settlement mismatch"},

	actionMsg(recon.ActionQuery):      {"立即查询", "Query now"},
	actionMsg(recon.ActionRefund):     {"退款", "Refund"},
	actionMsg(recon.ActionRecordSale): {"补录销售", "Record sale"},
	actionMsg(recon.ActionExplain):    {"标记已说明", "Mark explained"},

	msgReconStatusWorking:  {"正在下载 %s 账单", "Fetching the %s bill"},
	msgReconStatusNotReady: {"账单未就绪，%s 重试", "Bill not ready, retry at %s"},
	msgReconStatusFailed:   {"账单下载失败，%s 重试", "Bill download failed, retry at %s"},
	msgReconStatusOpen:     {"对账差异 %d 项待处理", "%d reconciliation differences open"},
}

// reconStatusText is the status-bar text for the bill fetch worker ("" when
// there is nothing to say), e.g. "账单未就绪，10:30 重试".
func reconStatusText(c *catalog, st recon.Status) string {
	pick := func(m msg, args ...any) string {
		tr := reconMessages[m]
		s := tr.zh
		if c.lang == LangEN {
			s = tr.en
		}
		return fmt.Sprintf(s, args...)
	}
	at := st.NextAt.In(tz.Shanghai).Format("15:04")
	switch st.State {
	case recon.FetchWorking:
		return pick(msgReconStatusWorking, st.Day.Dashed())
	case recon.FetchNotReady:
		return pick(msgReconStatusNotReady, at)
	case recon.FetchFailed:
		return pick(msgReconStatusFailed, at)
	}
	if st.Open > 0 {
		return pick(msgReconStatusOpen, st.Open)
	}
	return ""
}

// Status-bar texts of the bill fetch worker.
const (
	msgReconStatusWorking  msg = "recon.status.working"
	msgReconStatusNotReady msg = "recon.status.notReady"
	msgReconStatusFailed   msg = "recon.status.failed"
	msgReconStatusOpen     msg = "recon.status.open"
)
