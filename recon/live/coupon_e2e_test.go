package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestCouponSaleEndToEnd is issue 19's coupon sale, through the payment
// core against the sandbox over HTTP: two customers pay 10.00 and 20.00
// with a ¥1.00 coupon each (merchant-funded NOCASH, WeChat-funded CASH);
// the receipts say 微信优惠 and 实付; partial refunds are asked against the
// order totals and give the coupon back in proportion; the X and Z report
// show the sales, the WeChat discounts and the money received; the bill
// is fetched and the day reconciles with no difference.
func TestCouponSaleEndToEnd(t *testing.T) {
	day := recon.Day("20261125")
	clk := postest.NewAutoClock(day.Start().Add(9 * time.Hour))
	env := gatetest.Start(t, clk.Now, func(o *sandbox.Options) { o.RefundDelay = -1 })
	db := storagetest.Open(t)
	term, err := pos.New(posstore.New(db), env.Gateway, pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: allowManager{}, CallTimeout: 2 * time.Second, RefundWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	ctx := context.Background()
	book := reportstore.New(db, report.Info{StoreID: "S1", TerminalID: "T1"}, &reportstore.Options{Now: clk.Now})
	if _, err := book.Open(string(day), "manager", 0); err != nil {
		t.Fatal(err)
	}

	type sale struct {
		sc                      sandbox.Scenario
		total, merchant         int64 // merchant: the merchant-funded part of the 100-fen coupon
		refund, refundDiscount  int64 // refund asked, and its coupon part
		refundSettled           int64 // what the refund takes from the settlement
		receiptLines, refundTxt []string
	}
	sales := []sale{
		// 333 of 1000 with ¥1: ⌊333·100/1000⌋ = 33 of the coupon back, 3.00 to the customer.
		{sc: sandbox.ScenarioCoupon, total: 1000, merchant: 100, refund: 333, refundDiscount: 33, refundSettled: 300,
			receiptLines: []string{"微信优惠", "-1.00", "实付", "9.00"}, refundTxt: []string{"退款金额", "3.33", "退回微信优惠", "0.33", "实退", "3.00"}},
		// 500 of 2000 with ¥1: 25 of the coupon back, 4.75 to the customer; the merchant gives back all 5.00.
		{sc: sandbox.ScenarioCouponWeChat, total: 2000, merchant: 0, refund: 500, refundDiscount: 25, refundSettled: 500,
			receiptLines: []string{"微信优惠", "-1.00", "实付", "19.00"}, refundTxt: []string{"退款金额", "5.00", "实退", "4.75"}},
	}
	for _, s := range sales {
		o, err := term.PayScan(ctx, pos.Sale{AmountFen: s.total, Cashier: "alice"}, gatetest.Code(s.sc))
		if err != nil || o.State != pos.StatePaid {
			t.Fatalf("%s: %v %+v", s.sc, err, o)
		}
		if o.AmountFen != s.total || o.CouponFen != 100 || o.PayerFen() != s.total-100 || o.SettledFen() != s.total-s.merchant {
			t.Fatalf("%s: sale %d, discount %d, paid %d, settled %d", s.sc, o.AmountFen, o.CouponFen, o.PayerFen(), o.SettledFen())
		}
		rc, err := term.Receipt(o.ReceiptNo)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := receipt.Layout(*rc, receipt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inOrder(t, string(s.sc)+" receipt", doc.Text(), append([]string{"合计", receipt.Yuan(s.total)}, s.receiptLines...))

		r, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: s.refund, Reason: "one item back", Approval: manager})
		if err != nil || r.State != pos.RefundSuccess {
			t.Fatalf("refund: %v %+v", err, r)
		}
		if r.CouponFen != s.refundDiscount || r.PayerFen() != s.refund-s.refundDiscount || r.SettledFen() != s.refundSettled {
			t.Fatalf("%s refund: discount %d, customer %d, settlement %d", s.sc, r.CouponFen, r.PayerFen(), r.SettledFen())
		}
		rc, err = term.Receipt(r.ReceiptNo)
		if err != nil {
			t.Fatal(err)
		}
		if doc, err = receipt.Layout(*rc, receipt.Options{}); err != nil {
			t.Fatal(err)
		}
		inOrder(t, string(s.sc)+" refund receipt", doc.Text(), s.refundTxt)
		clk.Advance(2 * time.Minute) // WeChat spaces refunds of one order a minute apart
	}
	// The sandbox agrees with the split the core predicted.
	for _, lr := range env.Sandbox.Ledger().Refunds {
		if lr.DiscountFen != 33 && lr.DiscountFen != 25 {
			t.Fatalf("sandbox refund %+v", lr)
		}
	}

	// X: sales 30.00, refunds 8.33, net 21.67; coupons paid 2.00 − 0.58 =
	// 1.42 of it, so customers paid 20.25; the merchant-funded coupon part
	// still standing is 1.00 − 0.33 = 0.67, so 21.00 is received.
	x, err := book.X(string(day), "manager")
	if err != nil {
		t.Fatal(err)
	}
	disc, mch := x.Coupons()
	if x.NetFen() != 2167 || disc != 142 || mch != 67 {
		t.Fatalf("X: net %d, discounts %d, merchant-funded %d", x.NetFen(), disc, mch)
	}
	xdoc, err := receipt.LayoutReport(x.DayReport, receipt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "X report", xdoc.Text(), []string{"销售合计", "30.00", "退款合计", "-8.33", "净额", "21.67", "其中微信优惠", "1.42", "顾客实付", "20.25", "实收", "21.00"})
	en, err := report.TextIn(x, 48, false, csvout.English)
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, "X report (en)", en, []string{"Net", "21.67", "WeChat discounts", "1.42", "Customers paid", "20.25", "Received", "21.00"})

	// The bill of the day, fetched after 10:00 the next day, reconciles
	// with no difference: 订单金额 and 申请退款金额 against the records.
	bills := reconstore.NewBillBook(db, clk.Now)
	f := &recon.Fetcher{Desk: &recon.Desk{Book: bills, Terminal: recon.TerminalOf("S1", "T1"), Parse: live.Parse,
		Operator: &live.Operator{Client: env.Client, Terminal: term, Approval: manager}, Sales: live.Recorder{Terminal: term}},
		Source: live.Source{Client: env.Client}, Now: clk.Now}
	clk.Advance(day.End().Add(11 * time.Hour).Sub(clk.Now()))
	f.Cycle(ctx)
	res, err := bills.Result(day)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Differences) != 0 || res.Counts[recon.KindMatched] != 4 || !res.Balanced() {
		t.Fatalf("reconciliation: counts %v, differences %+v", res.Counts, res.Differences)
	}
	for _, tt := range res.Totals {
		if tt.InBill && (tt.BillFen != tt.LocalFen || tt.BillRefundFen != tt.LocalRefundFen) {
			t.Fatalf("totals differ: %+v", tt)
		}
	}
	// The fetcher held the bill against the basic account's fund flow too:
	// the refund of the NOCASH coupon sale left the account its 退款金额
	// (3.00), not its 申请退款金额 (3.33).
	ff, err := bills.FundFlow(day)
	if err != nil || !ff.Balanced() || ff.BillNetMilliFen != ff.FlowNetMilliFen {
		t.Fatalf("fund flow: %v %+v", err, ff)
	}
	z, err := book.Close(string(day), "manager", nil)
	if err != nil {
		t.Fatal(err)
	}
	if zd, zm := z.Coupons(); zd != disc || zm != mch || z.NetFen() != x.NetFen() {
		t.Fatalf("Z: net %d, discounts %d, merchant-funded %d; X said %d, %d, %d", z.NetFen(), zd, zm, x.NetFen(), disc, mch)
	}
}

// inOrder fails unless text holds each of want, in that order.
func inOrder(t *testing.T, what, text string, want []string) {
	t.Helper()
	rest := text
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("%s lacks %q (in order %q):\n%s", what, w, want, text)
		}
		rest = rest[i+len(w):]
	}
}

// TestCouponSaleRecordedFromBill: a coupon payment whose local record was
// lost is recorded from the sandbox's real bill with its coupon — the
// bill's 代金券金额, and 订单金额 less 应结订单金额 for the merchant-funded
// part — so the customer's and the settled share are right, a refund of
// it gives the coupon back in the sandbox's proportion, and the day
// reconciles again with no difference.
func TestCouponSaleRecordedFromBill(t *testing.T) {
	for _, tc := range []struct {
		sc       sandbox.Scenario
		merchant int64
	}{{sandbox.ScenarioCoupon, 100}, {sandbox.ScenarioCouponWeChat, 0}} {
		t.Run(string(tc.sc), func(t *testing.T) {
			day := recon.Day("20261125")
			clk := postest.NewAutoClock(day.Start().Add(9 * time.Hour))
			env := gatetest.Start(t, clk.Now, func(o *sandbox.Options) { o.RefundDelay = -1 })
			db := storagetest.Open(t)
			term, err := pos.New(posstore.New(db), env.Gateway, pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
				Authorizer: allowManager{}, CallTimeout: 2 * time.Second, RefundWait: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { term.Close() })
			ctx := context.Background()
			lost, err := term.PayScan(ctx, pos.Sale{AmountFen: 1000, Cashier: "alice"}, gatetest.Code(tc.sc))
			if err != nil || lost.State != pos.StatePaid || lost.CouponFen != 100 {
				t.Fatalf("pay: %v %+v", err, lost)
			}
			if err := db.Update(func(tx *storage.Tx) error { // lost with a crash or an old backup
				if err := tx.Delete(storage.BucketOrders, lost.OutTradeNo); err != nil {
					return err
				}
				return tx.Delete(storage.BucketOrdersByDay, string(day)+"/"+lost.OutTradeNo)
			}); err != nil {
				t.Fatal(err)
			}

			bills := reconstore.NewBillBook(db, clk.Now)
			f := &recon.Fetcher{Desk: &recon.Desk{Book: bills, Terminal: recon.TerminalOf("S1", "T1"), Parse: live.Parse,
				Operator: &live.Operator{Client: env.Client, Terminal: term, Approval: manager}, Sales: live.Recorder{Terminal: term}},
				Source: live.Source{Client: env.Client}, Now: clk.Now}
			clk.Advance(day.End().Add(11 * time.Hour).Sub(clk.Now()))
			f.Cycle(ctx)
			res, err := bills.Result(day)
			if err != nil {
				t.Fatal(err)
			}
			id := "wechat_only/order/" + lost.OutTradeNo
			d := res.Difference(id)
			if len(res.Differences) != 1 || d == nil || d.BillFen != 1000 || d.CouponFen != 100 || d.MerchantCouponFen != tc.merchant {
				t.Fatalf("differences %+v, want %s with 10.00, coupon 1.00 (merchant-funded %d)", res.Differences, id, tc.merchant)
			}
			if _, err := f.Desk.RecordSale(day, id, "manager", "customer's receipt shows it"); err != nil {
				t.Fatal(err)
			}
			o, err := term.Order(lost.OutTradeNo)
			if err != nil || o.State != pos.StatePaid || o.CouponFen != 100 || o.MerchantCouponFen != tc.merchant ||
				o.PayerFen() != 900 || o.SettledFen() != 1000-tc.merchant {
				t.Fatalf("recorded sale: %v %+v", err, o)
			}
			if res, err = f.Desk.Reconcile(day, "system"); err != nil || !res.Balanced() || res.Counts[recon.KindMatched] != 1 {
				t.Fatalf("reconciled again: %v, counts %v, %+v", err, res.Counts, res.Differences)
			}
			r, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: 333, Reason: "one item back", Approval: manager})
			if err != nil || r.State != pos.RefundSuccess || r.CouponFen != 33 || r.PayerFen() != 300 {
				t.Fatalf("refund of the recorded sale: %v %+v", err, r)
			}
		})
	}
}
