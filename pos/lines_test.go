package pos_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
)

// itemSale is three lines — 2 × ¥5.00 water, 1.5 kg apples at ¥12.00/kg
// with 10 % off given by the cashier, a ¥30.00 towel — and disc on the sale.
func itemSale(t *testing.T, disc *receipt.Discount) pos.Sale {
	t.Helper()
	lines := []receipt.Line{
		{ItemID: "W1", Barcode: "6901234567892", Name: "矿泉水", Qty: 2, UnitFen: 500},
		{ItemID: "A1", Name: "苹果", Unit: receipt.UnitKg, Qty: 1500, UnitFen: 1200,
			Discount: &receipt.Discount{Percent: 10, Reason: "临期", By: "alice"}},
		{ItemID: "T1", Name: "毛巾", Qty: 1, UnitFen: 3000},
	}
	tot, err := pricing.Compute(lines, disc)
	if err != nil {
		t.Fatal(err)
	}
	return pos.Sale{AmountFen: tot.NetFen, Lines: lines, Discount: disc, Cashier: "alice"}
}

func newLinesRig(t *testing.T) *rig {
	r := newRig(t, true)
	r.cfg.Discounts = pricing.Limits{MaxPercent: 10, MaxFen: 2000}
	r.term = r.newTerminal(r.store, r.gw)
	return r
}

func TestSaleDiscountLimits(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		disc *receipt.Discount
		err  error
	}{
		{"within the cashier's limit", &receipt.Discount{Percent: 5, Reason: "会员", By: "alice"}, nil},
		{"above it, no manager", &receipt.Discount{Percent: 20, Reason: "会员", By: "alice"}, pos.ErrNotAuthorised},
		{"above it, approved", &receipt.Discount{Percent: 20, Reason: "会员", By: "alice", ApprovedBy: "manager"}, nil},
		{"no reason", &receipt.Discount{AmountFen: 100, By: "alice"}, pricing.ErrDiscount},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newLinesRig(t)
			s := itemSale(t, nil)
			s.Discount = c.disc
			if c.err == nil || !errors.Is(c.err, pricing.ErrDiscount) {
				s = itemSale(t, c.disc)
			}
			o, err := r.term.PayScan(ctx, s, postest.Code(postest.Success, i+1))
			if !errors.Is(err, c.err) {
				t.Fatalf("PayScan = %v, want %v", err, c.err)
			}
			if err != nil {
				if got := r.gw.Calls(postest.OpPay); got != 0 {
					t.Fatalf("%d calls to WeChat for a refused sale", got)
				}
				return
			}
			if o.State != pos.StatePaid || o.Discount == nil || o.Discount.AmountFen != s.Discount.AmountFen {
				t.Fatalf("order %+v", o)
			}
		})
	}
	t.Run("a tampered total is refused before any call", func(t *testing.T) {
		r := newLinesRig(t)
		s := itemSale(t, nil)
		s.Lines[2].TotalFen -= 100
		s.AmountFen -= 100
		if _, err := r.term.PayCash(ctx, s, 10000); !errors.Is(err, pos.ErrBadAmount) || !errors.Is(err, pricing.ErrTotal) {
			t.Fatalf("PayCash = %v, want ErrBadAmount wrapping ErrTotal", err)
		}
	})
}

// TestDiscountsAudited: the commit that records the sale's first state
// writes who gave each discount, who approved it and why.
func TestDiscountsAudited(t *testing.T) {
	r := newLinesRig(t)
	s := itemSale(t, &receipt.Discount{AmountFen: 500, Reason: "老顾客", By: "alice", ApprovedBy: "王经理"})
	o, err := r.term.PayCash(context.Background(), s, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	err = r.db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if e.Ref == o.OutTradeNo && e.Kind == string(pos.EventOrder) {
				reasons = append(reasons, e.Reason)
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(reasons, "|")
	for _, want := range []string{"line 2 discount -1.80 by alice (临期)", "sale discount -5.00 by alice approved by 王经理 (老顾客)"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit %q lacks %q", got, want)
		}
	}
}

// TestPriceAsSold: the sale, its stored record and its receipt keep the
// lines as sold; changing the caller's lines afterwards (a catalogue price
// change) rewrites nothing.
func TestPriceAsSold(t *testing.T) {
	r := newLinesRig(t)
	s := itemSale(t, nil)
	o, err := r.term.PayCash(context.Background(), s, 10000)
	if err != nil {
		t.Fatal(err)
	}
	s.Lines[0].UnitFen, s.Lines[0].Name = 900, "新价"
	r.restart()
	got, err := r.term.Order(o.OutTradeNo)
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Lines[0]; l.UnitFen != 500 || l.Name != "矿泉水" || l.Barcode != "6901234567892" || l.TotalFen != 1000 {
		t.Fatalf("stored line %+v", l)
	}
	if l := got.Lines[1]; !l.Weighed() || l.Qty != 1500 || l.Discount == nil || l.Discount.AmountFen != 180 || l.TotalFen != 1620 {
		t.Fatalf("stored weighed line %+v", l)
	}
	rc, err := r.term.Receipt(got.ReceiptNo)
	if err != nil || len(rc.Lines) != 3 || rc.Lines[0].UnitFen != 500 || rc.TotalFen != 5620 {
		t.Fatalf("receipt %+v, %v", rc, err)
	}
}

func TestRefundByLine(t *testing.T) {
	ctx := context.Background()
	r := newLinesRig(t)
	// 1000 + 1620 + 3000 = 5620, less 562 (10 %) = 5058.
	s := itemSale(t, &receipt.Discount{Percent: 10, Reason: "会员", By: "alice"})
	o, err := r.term.PayScan(ctx, s, postest.Code(postest.Success, 1))
	if err != nil || o.AmountFen != 5058 {
		t.Fatalf("pay: %v %+v", err, o)
	}
	nets := pricing.Shares(o.Lines, o.Discount.AmountFen) // [900 1458 2700]
	refund := func(lines ...receipt.RefundLine) (*pos.Refund, error) {
		return r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, Lines: lines, Reason: "退货", Approval: manager})
	}
	rf, err := refund(receipt.RefundLine{Line: 0, Qty: 1}, receipt.RefundLine{Line: 2, Qty: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := nets[0]/2 + nets[2]; rf.AmountFen != want || len(rf.Lines) != 2 || rf.Lines[0].AmountFen != nets[0]/2 {
		t.Fatalf("refund %d fen %+v, want %d", rf.AmountFen, rf.Lines, want)
	}
	if got := r.gw.RefundedFen(o.OutTradeNo); got != rf.AmountFen {
		t.Fatalf("WeChat refunded %d, the refund says %d", got, rf.AmountFen)
	}
	// Two waters are ¥9.00 of the ¥19.08 left, but only one is left to return.
	if _, err := refund(receipt.RefundLine{Line: 0, Qty: 2}); !errors.Is(err, pos.ErrRefundLimit) {
		t.Fatalf("two waters when one is left: %v, want ErrRefundLimit", err)
	}
	left, err := r.term.RefundableLines(o.OutTradeNo)
	if err != nil || len(left) != 3 || left[0] != 1 || left[1] != 1500 || left[2] != 0 {
		t.Fatalf("left %v %v", left, err)
	}
	// The rest through RefundAny, the CLI's way in (nil finder: a sale of this terminal).
	if _, err := r.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, Reason: "退货", Approval: manager,
		Lines: []receipt.RefundLine{{Line: 1, Qty: 1500}, {Line: 0, Qty: 1}}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := r.gw.RefundedFen(o.OutTradeNo); got != o.AmountFen {
		t.Fatalf("every line given back refunded %d, the sale was %d", got, o.AmountFen)
	}
	if left, _ := r.term.Refundable(o.OutTradeNo); left != 0 {
		t.Fatalf("refundable %d after every line", left)
	}
	if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, Lines: []receipt.RefundLine{{Line: 0, Qty: 1}},
		AmountFen: 1, Approval: manager}); err == nil {
		t.Fatal("a line refund with a wrong amount was accepted")
	}
}

// TestLineRefundHeldAcrossCrash: a refund by line sent while WeChat is out
// of reach stays SUBMITTED, and after a power cut the reopened terminal
// still counts its lines — the same water cannot be given back twice —
// while recovery sends the first one, once.
func TestLineRefundHeldAcrossCrash(t *testing.T) {
	ctx := context.Background()
	r := newLinesRig(t)
	s := itemSale(t, &receipt.Discount{Percent: 10, Reason: "会员", By: "alice"})
	o, err := r.term.PayScan(ctx, s, postest.Code(postest.Success, 1))
	if err != nil {
		t.Fatal(err)
	}
	water := func(qty int64) (*pos.Refund, error) {
		return r.term.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, Reason: "退货", Approval: manager,
			Lines: []receipt.RefundLine{{Line: 0, Qty: qty}}})
	}
	r.gw.SetDown(true)
	first, err := water(1)
	if first == nil || first.State != pos.RefundSubmitted {
		t.Fatalf("refund while offline: %+v %v, want it SUBMITTED", first, err)
	}
	r.restart()
	if _, err := water(2); !errors.Is(err, pos.ErrRefundLimit) {
		t.Fatalf("both waters after a crash with one queued: %v, want ErrRefundLimit", err)
	}
	if left, err := r.term.RefundableLines(o.OutTradeNo); err != nil || left[0] != 1 {
		t.Fatalf("left %v %v, want one water", left, err)
	}
	r.gw.SetDown(false)
	r.recover()
	if got := r.gw.RefundedFen(o.OutTradeNo); got != first.AmountFen || got != 450 {
		t.Fatalf("WeChat refunded %d, the queued refund was %d (one water: 900/2)", got, first.AmountFen)
	}
	if _, err := water(1); err != nil {
		t.Fatalf("the other water: %v", err)
	}
	if _, err := water(1); !errors.Is(err, pos.ErrRefundLimit) {
		t.Fatalf("a third water: %v, want ErrRefundLimit", err)
	}
}
