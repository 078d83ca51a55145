package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// windowSize is the cashier window as Run opens it: 1024×768 less the title
// bar and a panel. A screen whose content needs more makes the real window
// grow (and stay grown) on a 1024×768 or 1280×800 display.
var windowSize = fyne.NewSize(1024, 720)

// fitWorld is a manager back end with a day of data in it: sales in every
// tender, refunds, cash moves, a closed day whose Z has a cash variance,
// and an open next day; plus the unseen outcomes and the reconciliation
// differences a busy day leaves.
type fitWorld struct {
	*mgrWorld
	recon    *fakeReconciler
	outcomes []Outcome
	history  []Record
	lineSale string // a sale by item, paid when a visit first needs it
}

// linesSale is a sale of three lines with discounts (linesSale), paid
// once per world.
func (w *fitWorld) linesSale(t testing.TB) string {
	if w.lineSale == "" {
		w.lineSale = linesSale(t, w.mgrWorld, 60).OutTradeNo
	}
	return w.lineSale
}

func newFitWorld(t *testing.T) *fitWorld {
	t.Helper()
	w := &fitWorld{mgrWorld: newMgrWorld(t)}
	ctx := context.Background()
	book := w.desk.Days()
	day := book.Today()
	if _, err := book.Open(day, "Wang", 50000); err != nil {
		t.Fatal(err)
	}
	var paid []*pos.Order
	for i := range 12 {
		o, err := w.core.PayScan(ctx, pos.Sale{AmountFen: int64(1000 + 137*i), Cashier: "Li"}, postest.Code(postest.Success, i+1))
		if err != nil || o.State != pos.StatePaid {
			t.Fatalf("sale %d: %v %+v", i, err, o)
		}
		paid = append(paid, o)
		if _, err := w.core.PayCash(ctx, pos.Sale{AmountFen: int64(2350 + 11*i)}, 10000); err != nil {
			t.Fatal(err)
		}
	}
	for i, o := range paid[:3] {
		_, err := w.core.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: 500,
			Reason: "customer returned an item that did not fit", Approval: pos.Approval{User: "Wang", Credential: "2468"}})
		if err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
	}
	// A sale by item with a refund by line: the Z lists the items back.
	w.lineSale = linesSale(t, w.mgrWorld, 60).OutTradeNo
	if _, err := w.core.Refund(ctx, pos.RefundOrder{OutTradeNo: w.lineSale, Lines: []receipt.RefundLine{{Line: 0, Qty: 1}, {Line: 1, Qty: 500}},
		Reason: "customer returned an item", Approval: pos.Approval{User: "Wang", Credential: "2468"}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []report.Move{
		{Kind: report.CashIn, AmountFen: 20000, Reason: "change for the till from the safe", By: "Li"},
		{Kind: report.CashOut, AmountFen: 3550, Reason: "milk and cleaning supplies for the staff room", By: "Li", ApprovedBy: "Wang"},
	} {
		if err := book.Move(day, m); err != nil {
			t.Fatal(err)
		}
	}
	counted := int64(123456)
	w.endShift(t)
	if _, err := book.Close(day, "Wang", &counted); err != nil {
		t.Fatal(err)
	}
	w.nextShift(t)
	// Sales after the Z belong to the next business day.
	if _, err := w.core.PayCash(ctx, pos.Sale{AmountFen: 990}, 1000); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for i := range 200 {
		r := Record{OutTradeNo: fmt.Sprintf("PS1-T1-1A2B3C-%08d", i+1), TransactionID: fmt.Sprintf("42000000002026120400%08d", i),
			Tender: receipt.TenderWeChatScan, AmountFen: int64(100 + 997*i), State: StatePaid, Time: now.Add(time.Duration(i) * time.Minute)}
		switch i % 7 {
		case 3:
			r.State, r.Tender, r.Reason = StateFailed, receipt.TenderWeChatQR, ReasonNotEnough
		case 5:
			r.State, r.TransactionID = StateUnknown, ""
		default:
			r.ReceiptNo, r.RefundableFen = fmt.Sprintf("R-%06d", i), r.AmountFen
		}
		w.history = append(w.history, r)
	}
	for i := range 5 {
		w.outcomes = append(w.outcomes, Outcome{OutTradeNo: fmt.Sprintf("PS1-T1-1A2B3C-%08d", 900+i), State: StatePaid,
			AmountFen: 123456, ReceiptNo: fmt.Sprintf("R-%06d", 900+i), Time: now})
	}
	rd := recon.Day(day)
	res := &recon.Result{Day: rd, BillRows: 240,
		Counts: map[recon.Kind]int{recon.KindMatched: 230, recon.KindLocalOnly: 4, recon.KindOtherTerminal: 3, recon.KindWeChatOnly: 3},
		Totals: []recon.TenderTotal{
			{Tender: receipt.TenderWeChatScan, LocalCount: 200, LocalFen: 1234567, BillCount: 198, BillFen: 1230000, InBill: true},
			{Tender: receipt.TenderWeChatQR, LocalCount: 40, LocalFen: 234567, BillCount: 40, BillFen: 234567, InBill: true},
		}}
	for i := range 10 {
		no := fmt.Sprintf("PS1-T1-1A2B3C-%08d", 500+i)
		res.Differences = append(res.Differences, recon.Difference{ID: "local_only/order/" + no, Kind: recon.KindLocalOnly,
			Subject: recon.SubjectOrder, OutTradeNo: no, LocalFen: 123456, LocalState: "PAID", Forced: i%2 == 0,
			Actions: []recon.Action{recon.ActionQuery, recon.ActionExplain}})
	}
	w.recon = &fakeReconciler{res: res}
	return w
}

// announcingCheckout is the fake checkout with unseen outcomes to announce.
type announcingCheckout struct {
	*fakeCheckout
	list []Outcome
}

func (a announcingCheckout) Unacknowledged(context.Context) ([]Outcome, error) { return a.list, nil }
func (a announcingCheckout) Acknowledge(context.Context, string) error         { return nil }

// firstRun is a back end without any user yet: the manager menu asks for
// the first manager.
type firstRun struct{ Manager }

func (firstRun) NeedsSetup() (bool, error) { return true, nil }

// fitCustomer offers every sandbox scenario, as the training panel does.
type fitCustomer struct{ fakeCustomer }

func (fitCustomer) Scenarios() []Scenario {
	var out []Scenario
	for i, sc := range sandbox.Scenarios() {
		out = append(out, Scenario{Code: fmt.Sprintf("1345678901234500%02d", i), Name: string(sc)})
	}
	return out
}

// fitVisit opens one screen in one state, with its data loaded.
type fitVisit struct {
	name string
	open func(h *harness, w *fitWorld)
}

func fitVisits() []fitVisit {
	sale := func(h *harness) {
		h.typeText("128.5+36+99.99+")
	}
	// long sale: enough lines to need the list's scroll.
	long := func(h *harness) {
		for i := range 30 {
			h.typeText(fmt.Sprintf("%d.5+", i+1))
		}
		h.typeText("12")
	}
	mgr := func(h *harness, w *fitWorld) *console { return &console{t: h.term, m: w.desk, lastManager: "Wang"} }
	return append([]fitVisit{
		{"sale", func(h *harness, _ *fitWorld) { sale(h) }},
		{"sale many lines", func(h *harness, _ *fitWorld) { long(h) }},
		{"sale confirm", func(h *harness, _ *fitWorld) { h.typeText("4999.99"); h.key(fyne.KeyF1) }},
		{"sale of items with discounts", func(h *harness, _ *fitWorld) { itemSale(h) }},
		{"discount form", func(h *harness, _ *fitWorld) {
			itemSale(h)
			h.key(fyne.KeyF4)
			f := screenAs[*saleScreen](h).discount
			f.value.SetText("abc")
			f.reason.SetText("顾客投诉：包装破损，经理同意按半价出售")
			f.apply() // a refusal under the fields
		}},
		{"item picker", func(h *harness, _ *fitWorld) {
			itemSale(h)
			h.key(fyne.KeyF6)
			h.waitFor("quick keys", func() bool { return len(screenAs[*itemsScreen](h).grid.Objects) > 0 })
		}},
		{"scan waiting", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF1)
		}},
		{"scan password", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF1)
			screenAs[*scanScreen](h).scanned(goodCode)
			h.waitFor("payment", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateWaitingPassword, Deadline: time.Now().Add(30 * time.Second)})
			h.waitFor("password", func() bool { return screenAs[*scanScreen](h).state == StateWaitingPassword })
		}},
		{"scan failed", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF1)
			screenAs[*scanScreen](h).scanned(goodCode)
			h.waitFor("payment", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateFailed, Reason: ReasonNotEnough})
			h.waitFor("failed", func() bool { return screenAs[*scanScreen](h).state == StateFailed })
		}},
		{"qr showing", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF2)
			h.waitFor("order", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3", Deadline: time.Now().Add(5 * time.Minute)})
			h.waitFor("QR", func() bool { return screenAs[*qrScreen](h).state == StateShowingQR })
		}},
		{"qr expired", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF2)
			h.waitFor("order", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			no := h.fake.last()
			h.fake.emit(no, Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3", Deadline: time.Now()})
			h.fake.emit(no, Update{State: StateClosed, Reason: ReasonExpired})
			h.waitFor("closed", func() bool { return screenAs[*qrScreen](h).done })
		}},
		{"cash", func(h *harness, _ *fitWorld) { sale(h); h.key(fyne.KeyF3); h.typeText("20000") }},
		{"cash short", func(h *harness, _ *fitWorld) { sale(h); h.key(fyne.KeyF3); h.typeText("5") }},
		{"unknown", func(h *harness, _ *fitWorld) {
			sale(h)
			h.key(fyne.KeyF1)
			screenAs[*scanScreen](h).scanned(goodCode)
			h.waitFor("payment", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateUnknown, Reason: ReasonNotRecorded})
			h.waitFor("unknown", onScreen[*unknownScreen](h))
		}},
		{"receipt", func(h *harness, _ *fitWorld) {
			long(h)
			h.key(fyne.KeyF3)
			h.typeText("20000")
			h.key(fyne.KeyReturn)
			h.waitFor("receipt", onScreen[*receiptScreen](h))
		}},
		{"history 200", func(h *harness, w *fitWorld) {
			h.fake.mu.Lock()
			h.fake.today = w.history
			h.fake.mu.Unlock()
			h.key(fyne.KeyF5)
			h.waitFor("history", func() bool { return len(screenAs[*historyScreen](h).records) == len(w.history) })
		}},
		{"settings", func(h *harness, _ *fitWorld) { h.key(fyne.KeyF9) }},
		{"manager setup", func(h *harness, w *fitWorld) {
			h.term.ShowManager(firstRun{w.desk})
			s := screenAs[*managerHome](h)
			h.waitFor("setup form", func() bool { return len(s.body.Objects) == 1 })
		}},
		{"manager menu", func(h *harness, w *fitWorld) {
			h.term.ShowManager(w.desk)
			s := screenAs[*managerHome](h)
			h.waitFor("menu", func() bool { return len(buttons(s.body)) > 4 })
			s.message.SetText(h.term.mt(msgMgrReconOff))
		}},
		{"refund", func(h *harness, w *fitWorld) {
			sales, err := w.desk.FindSales(context.Background(), "")
			if err != nil || len(sales) == 0 {
				h.t.Fatalf("sales %v %v", sales, err)
			}
			h.term.ShowRefund(w.desk, sales[0].OutTradeNo)
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
		}},
		{"refund list", func(h *harness, w *fitWorld) {
			h.term.ShowRefund(w.desk, "")
			s := screenAs[*refundScreen](h)
			h.waitFor("sales listed", func() bool { return len(s.results.Objects) > 5 })
		}},
		{"payments in doubt", func(h *harness, w *fitWorld) {
			h.term.show(newForceScreen(mgr(h, w)))
			h.drain()
		}},
		{"day with Z", func(h *harness, w *fitWorld) {
			h.term.show(newDayScreen(mgr(h, w)))
			s := screenAs[*dayScreen](h)
			h.waitFor("Z shown", func() bool { return s.rep.r != nil && s.rep.r.ZNo == 1 })
		}},
		{"Z list", func(h *harness, w *fitWorld) {
			h.term.show(newZListScreen(mgr(h, w)))
			s := screenAs[*zListScreen](h)
			h.waitFor("list", func() bool { return len(s.list.Objects) > 0 })
			s.open(1)
			h.waitFor("Z", func() bool { return s.rep.r != nil })
		}},
		{"manager settings", func(h *harness, w *fitWorld) {
			h.term.show(newManagerSettings(mgr(h, w), "Wang"))
			h.drain()
		}},
		{"audit", func(h *harness, w *fitWorld) {
			h.term.show(newAuditScreen(mgr(h, w)))
			s := screenAs[*auditScreen](h)
			// The harness's clock is not the day the world's events were
			// written on: list every day.
			s.from.SetText("")
			s.to.SetText("")
			s.load()
			h.waitFor("events", func() bool { return len(s.events) > 10 })
		}},
		{"reconciliation", func(h *harness, w *fitWorld) {
			h.term.ShowReconciliation(w.recon)
			s := screenAs[*reconScreen](h)
			h.waitFor("result", func() bool { return s.summary.Text != "" })
		}},
		{"refund errors", func(h *harness, w *fitWorld) {
			sales, err := w.desk.FindSales(context.Background(), "")
			if err != nil || len(sales) == 0 {
				h.t.Fatalf("sales %v %v", sales, err)
			}
			h.term.ShowRefund(w.desk, sales[0].OutTradeNo)
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
			s.amount.SetText("999999.99")
			s.ask()
		}},
		{"manager settings errors", func(h *harness, w *fitWorld) {
			h.term.show(newManagerSettings(mgr(h, w), "Wang"))
			s := screenAs[*managerSettings](h)
			s.mode.SetSelected(h.term.mt(msgSetModeV3))
			s.storeID.SetText("S 1!")
			s.appID.SetText("wx12")
			s.save()
			h.waitFor("refused", func() bool { return s.message.Text != "" })
		}},
		{"audit detail", func(h *harness, w *fitWorld) {
			h.term.show(newAuditScreen(mgr(h, w)))
			s := screenAs[*auditScreen](h)
			s.from.SetText("")
			s.to.SetText("")
			s.load()
			h.waitFor("events", func() bool { return len(s.events) > 10 })
			for i := range s.events {
				if _, ok := h.term.systemReason(s.event(i)); ok {
					s.list.Select(i)
					return
				}
			}
			h.t.Fatal("no event with a reason of the payment core's")
		}},
		{"refund by line", func(h *harness, w *fitWorld) {
			h.term.ShowRefund(w.desk, w.linesSale(h.t))
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh && s.lines != nil })
			s.lines.qty[0].SetText("1")
			s.lines.qty[1].SetText("0.5")
			s.lines.qty[2].SetText("2") // one towel was sold: the error under the lines
			s.reason.SetText(h.term.mt(msgRefReasonReturn))
		}},
		{"refund abnormal", func(h *harness, w *fitWorld) {
			no := abnormalSale(h.t, w.mgrWorld, 4200, 1200)
			h.term.ShowRefund(w.desk, no)
			s := screenAs[*refundScreen](h)
			h.waitFor("abnormal refund shown", func() bool { return s.sale != nil && s.fresh && s.abn != nil })
		}},
	}, tillVisits()...)
}

// tillVisits are the sign-in, lock and shift (交班) screens on the fit
// world's till (Li signed in, her shift open, sales in it), with errors
// under the fields.
func tillVisits() []fitVisit {
	on := func(h *harness, w *fitWorld) {
		h.term.opt.till = counter.NewTill(w.till, w.dir)
		st, err := w.till.Till()
		if err != nil {
			h.t.Fatal(err)
		}
		h.term.till = tillView{needed: true, state: st}
	}
	return []fitVisit{
		{"sale with cashier", func(h *harness, w *fitWorld) { on(h, w); h.term.showSale(); h.typeText("12.5+") }},
		{"sign-in", func(h *harness, w *fitWorld) {
			on(h, w)
			h.term.showSignIn("")
			s := screenAs[*signInScreen](h)
			h.settle()
			s.describe(nil) // the float field too
			s.say(s.pinErr, h.term.errorText(staff.ErrBadPIN))
		}},
		{"lock", func(h *harness, w *fitWorld) {
			on(h, w)
			h.term.show(newLockScreen(h.term))
			s := screenAs[*lockScreen](h)
			s.say(s.message, h.term.cat.T(msgTillWrongCashier, "Li"))
		}},
		{"shift", func(h *harness, w *fitWorld) {
			on(h, w)
			h.term.show(newShiftScreen(h.term))
			s := screenAs[*shiftScreen](h)
			h.settle()
			s.say(s.countErr, h.term.cat.T(msgShiftNeedCount))
		}},
		{"shift closed", func(h *harness, w *fitWorld) {
			on(h, w)
			h.term.show(newShiftScreen(h.term))
			s := screenAs[*shiftScreen](h)
			h.settle()
			cur, err := w.till.Current()
			if err != nil {
				h.t.Fatal(err)
			}
			x, _ := w.till.X(cur.No)
			x.Counted, x.CountedFen = true, x.ExpectedFen-1250
			closed := *cur
			closed.Report = x
			s.closedWith(&closed, shift.Till{Cashier: "Zhang"}, true, nil)
		}},
	}
}

// newFitHarness is a window on w's data in lang, in training mode, with
// the unseen outcomes' banner showing.
func newFitHarness(t *testing.T, w *fitWorld, lang Lang) *harness {
	t.Helper()
	h := newHarness(t, WithLanguage(lang), WithTraining(true), WithManager(w.desk), WithReconciler(w.recon))
	h.term.opt.checkout = announcingCheckout{fakeCheckout: h.fake, list: w.outcomes}
	h.term.opt.customer = fitCustomer{fakeCustomer{h.fake}}
	h.term.refreshOutcomes()
	h.waitFor("banner", func() bool { return bannerShown(h) })
	return h
}

// TestEveryScreenFits visits every screen, in both languages, with a busy
// day's data, and checks that none needs more than the window Run opens:
// the real window grows to its content's MinSize and never shrinks, which
// cut the sale screen off until a restart.
func TestEveryScreenFits(t *testing.T) {
	for _, lang := range []Lang{LangZH, LangEN} {
		w := newFitWorld(t)
		for _, v := range fitVisits() {
			t.Run(fmt.Sprintf("%s/%s", lang, strings.ReplaceAll(v.name, " ", "_")), func(t *testing.T) {
				h := newFitHarness(t, w, lang)
				h.w.Resize(windowSize)
				before := h.w.Canvas().Size()
				v.open(h, w)
				h.drain()
				min := h.w.Content().MinSize()
				room := h.w.Content().Size()
				t.Logf("%T needs %.0f×%.0f", h.term.cur, min.Width, min.Height)
				if got := h.w.Canvas().Size(); got != before {
					t.Errorf("window resized from %v to %v", before, got)
				}
				if min.Width > room.Width || min.Height > room.Height {
					t.Errorf("%T needs %.0f×%.0f, the window has %.0f×%.0f", h.term.cur, min.Width, min.Height, room.Width, room.Height)
				}
			})
		}
	}
}

// TestRefundFormInSight: with the away banners up on a 1024×768 screen,
// the refund's amount, reason and button are inside the visible part of
// the scroll. The sale's card came first and pushed them below the fold,
// where Tab focused a field nobody could see.
func TestRefundFormInSight(t *testing.T) {
	w := newFitWorld(t)
	for _, v := range fitVisits() {
		if v.name != "refund" {
			continue
		}
		h := newFitHarness(t, w, LangZH)
		h.w.Resize(windowSize)
		v.open(h, w)
		h.drain()
		s := screenAs[*refundScreen](h)
		d := fyne.CurrentApp().Driver()
		view := d.AbsolutePositionForObject(s.scroll).Y + s.scroll.Size().Height
		for name, o := range map[string]fyne.CanvasObject{"amount": s.amount, "reason": s.reason, "submit": s.submit} {
			if bottom := d.AbsolutePositionForObject(o).Y + o.Size().Height; bottom > view {
				t.Errorf("the %s ends at y=%.0f, below the visible part of the refund detail (y=%.0f)", name, bottom, view)
			}
		}
		return
	}
	t.Fatal("no refund visit")
}
