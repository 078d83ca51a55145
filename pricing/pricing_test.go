package pricing_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

func TestGrossFen(t *testing.T) {
	cases := []struct {
		name string
		line receipt.Line
		want int64
		err  error
	}{
		{"pieces", receipt.Line{Name: "水", Qty: 3, UnitFen: 250}, 750, nil},
		{"free item", receipt.Line{Name: "袋", Qty: 1, UnitFen: 0}, 0, nil},
		{"weight exact", receipt.Line{Name: "苹果", Unit: receipt.UnitKg, Qty: 1500, UnitFen: 1200}, 1800, nil},
		{"weight rounds half up", receipt.Line{Name: "米", Unit: receipt.UnitKg, Qty: 125, UnitFen: 996}, 125, nil}, // 124.5 → 125
		{"weight rounds down below half", receipt.Line{Name: "米", Unit: receipt.UnitKg, Qty: 333, UnitFen: 1000}, 333, nil},
		{"weight 1 g", receipt.Line{Name: "茶", Unit: receipt.UnitKg, Qty: 1, UnitFen: 499}, 0, nil}, // 0.499
		{"zero qty", receipt.Line{Name: "x", Qty: 0, UnitFen: 1}, 0, pricing.ErrLine},
		{"negative price", receipt.Line{Name: "x", Qty: 1, UnitFen: -1}, 0, pricing.ErrLine},
		{"too many", receipt.Line{Name: "x", Qty: pricing.MaxQty + 1, UnitFen: 1}, 0, pricing.ErrLine},
		{"over the ceiling", receipt.Line{Name: "x", Qty: 2, UnitFen: pricing.MaxFen}, 0, pricing.ErrLine},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pricing.GrossFen(c.line)
			if !errors.Is(err, c.err) || got != c.want {
				t.Fatalf("GrossFen = %d, %v; want %d, %v", got, err, c.want, c.err)
			}
		})
	}
}

func TestDiscountFen(t *testing.T) {
	cases := []struct {
		name string
		base int64
		d    receipt.Discount
		want int64
		err  error
	}{
		{"percent", 1000, receipt.Discount{Percent: 15, Reason: "会员"}, 150, nil},
		{"percent rounds half up", 1050, receipt.Discount{Percent: 5, Reason: "r"}, 53, nil}, // 52.5
		{"percent rounds down", 1049, receipt.Discount{Percent: 5, Reason: "r"}, 52, nil},    // 52.45
		{"all of it", 999, receipt.Discount{Percent: 100, Reason: "赠品"}, 999, nil},
		{"amount", 1000, receipt.Discount{AmountFen: 300, Reason: "r"}, 300, nil},
		{"amount = base", 300, receipt.Discount{AmountFen: 300, Reason: "r"}, 300, nil},
		{"amount above base", 299, receipt.Discount{AmountFen: 300, Reason: "r"}, 0, pricing.ErrDiscount},
		{"no reason", 1000, receipt.Discount{AmountFen: 1}, 0, pricing.ErrDiscount},
		{"percent 0 amount 0", 1000, receipt.Discount{Reason: "r"}, 0, pricing.ErrDiscount},
		{"percent over 100", 1000, receipt.Discount{Percent: 101, Reason: "r"}, 0, pricing.ErrDiscount},
		{"negative percent", 1000, receipt.Discount{Percent: -5, Reason: "r"}, 0, pricing.ErrDiscount},
		{"negative amount", 1000, receipt.Discount{AmountFen: -5, Reason: "r"}, 0, pricing.ErrDiscount},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pricing.DiscountFen(c.base, c.d)
			if !errors.Is(err, c.err) || got != c.want {
				t.Fatalf("DiscountFen = %d, %v; want %d, %v", got, err, c.want, c.err)
			}
		})
	}
}

// randomSale is a sale of 1–30 lines, some weighed, some discounted,
// perhaps with an order discount.
func randomSale(r *rand.Rand) ([]receipt.Line, *receipt.Discount) {
	lines := make([]receipt.Line, 1+r.IntN(30))
	for i := range lines {
		l := receipt.Line{Name: "item", Qty: 1 + r.Int64N(20), UnitFen: r.Int64N(100_000)}
		if r.IntN(4) == 0 {
			l.Unit, l.Qty = receipt.UnitKg, 1+r.Int64N(5000)
		}
		g, _ := pricing.GrossFen(l)
		switch r.IntN(4) {
		case 0:
			l.Discount = &receipt.Discount{Percent: 1 + r.Int64N(100), Reason: "r"}
		case 1:
			if g > 0 {
				l.Discount = &receipt.Discount{AmountFen: 1 + r.Int64N(g), Reason: "r"}
			}
		}
		lines[i] = l
	}
	var order *receipt.Discount
	if r.IntN(2) == 0 {
		order = &receipt.Discount{Percent: 1 + r.Int64N(100), Reason: "r"}
	}
	return lines, order
}

// TestComputeProperties: for random sales, gross − line discounts − order
// discount = net, every line total is its gross less its discount, nothing
// is negative, and Check accepts exactly the computed net.
func TestComputeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 1))
	for n := 0; n < 2000; n++ {
		lines, order := randomSale(r)
		tot, err := pricing.Compute(lines, order)
		if err != nil {
			t.Fatalf("sale %d: %v", n, err)
		}
		var gross, lineOff, sub int64
		for i, l := range lines {
			g, _ := pricing.GrossFen(l)
			var off int64
			if l.Discount != nil {
				off = l.Discount.AmountFen
			}
			if l.TotalFen < 0 || off < 0 || l.TotalFen != g-off {
				t.Fatalf("sale %d line %d: gross %d, discount %d, total %d", n, i, g, off, l.TotalFen)
			}
			gross, lineOff, sub = gross+g, lineOff+off, sub+l.TotalFen
		}
		if tot.GrossFen != gross || tot.LineDiscountFen != lineOff {
			t.Fatalf("sale %d: totals %+v, lines say gross %d discounts %d", n, tot, gross, lineOff)
		}
		if tot.NetFen < 0 || tot.GrossFen-tot.DiscountFen() != tot.NetFen || sub-tot.OrderDiscountFen != tot.NetFen {
			t.Fatalf("sale %d: %+v does not add up (lines %d)", n, tot, sub)
		}
		if _, err := pricing.Check(lines, order, tot.NetFen); err != nil {
			t.Fatalf("sale %d: Check refused what Compute gave: %v", n, err)
		}
		if _, err := pricing.Check(lines, order, tot.NetFen+1); !errors.Is(err, pricing.ErrTotal) {
			t.Fatalf("sale %d: Check accepted a net 1 fen off: %v", n, err)
		}
	}
}

func TestCheckRefusesTamperedLines(t *testing.T) {
	lines := []receipt.Line{{Name: "a", Qty: 2, UnitFen: 500, Discount: &receipt.Discount{Percent: 10, Reason: "r"}}}
	tot, err := pricing.Compute(lines, nil)
	if err != nil || tot.NetFen != 900 {
		t.Fatalf("Compute = %+v, %v", tot, err)
	}
	lines[0].Discount.AmountFen = 200 // says 200 off, 10 % of 1000 is 100
	lines[0].TotalFen = 800
	if _, err := pricing.Check(lines, nil, 800); !errors.Is(err, pricing.ErrTotal) {
		t.Fatalf("Check of a tampered discount = %v, want ErrTotal", err)
	}
}

// TestSharesAddUp: the order discount is shared exactly, no line goes
// negative, and a bigger line never gets a smaller share than a line half
// its size.
func TestSharesAddUp(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 2))
	for n := 0; n < 2000; n++ {
		lines, order := randomSale(r)
		tot, err := pricing.Compute(lines, order)
		if err != nil {
			t.Fatal(err)
		}
		nets := pricing.Shares(lines, tot.OrderDiscountFen)
		var sum int64
		for i, v := range nets {
			if v < 0 || v > lines[i].TotalFen {
				t.Fatalf("sale %d line %d: net %d of %d", n, i, v, lines[i].TotalFen)
			}
			sum += v
		}
		if sum != tot.NetFen {
			t.Fatalf("sale %d: shares leave %d, net is %d", n, sum, tot.NetFen)
		}
	}
	got := pricing.Shares([]receipt.Line{{TotalFen: 100}, {TotalFen: 100}, {TotalFen: 100}}, 100)
	if got[0] != 66 || got[1] != 67 || got[2] != 67 {
		t.Fatalf("three equal lines, 100 off: %v, want [66 67 67] (the remainder to the earlier line)", got)
	}
}

// TestLineRefundsInPartsReturnTheNet: a line given back in random parts
// returns exactly its net, and never more than is left.
func TestLineRefundsInPartsReturnTheNet(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 3))
	for n := 0; n < 2000; n++ {
		lines, order := randomSale(r)
		if _, err := pricing.Compute(lines, order); err != nil {
			t.Fatal(err)
		}
		var want int64
		if order != nil {
			want = order.AmountFen
		}
		nets := pricing.Shares(lines, want)
		var done []receipt.RefundLine
		var got, sale int64
		for i, l := range lines {
			sale += nets[i]
			for left := l.Qty; left > 0; {
				q := 1 + r.Int64N(left)
				rl, fen, err := pricing.RefundLines(lines, order, done, []receipt.RefundLine{{Line: i, Qty: q}})
				if err != nil {
					t.Fatalf("sale %d line %d: %v", n, i, err)
				}
				if fen < 0 || rl[0].AmountFen != fen {
					t.Fatalf("sale %d line %d: refund %d (%+v)", n, i, fen, rl)
				}
				done, got, left = append(done, rl...), got+fen, left-q
			}
			if _, _, err := pricing.RefundLines(lines, order, done, []receipt.RefundLine{{Line: i, Qty: 1}}); !errors.Is(err, pricing.ErrRefund) {
				t.Fatalf("sale %d line %d: a refund past the quantity = %v", n, i, err)
			}
		}
		if got != sale {
			t.Fatalf("sale %d: refunds by line came to %d, the sale's net is %d", n, got, sale)
		}
	}
}

func TestRefundLinesRefusesStrangers(t *testing.T) {
	lines := []receipt.Line{{Name: "a", Qty: 2, UnitFen: 100, TotalFen: 200}}
	for _, w := range [][]receipt.RefundLine{nil, {{Line: 1, Qty: 1}}, {{Line: -1, Qty: 1}}, {{Line: 0, Qty: 0}}, {{Line: 0, Qty: 3}}} {
		if _, _, err := pricing.RefundLines(lines, nil, nil, w); !errors.Is(err, pricing.ErrRefund) {
			t.Errorf("RefundLines(%+v) = %v, want ErrRefund", w, err)
		}
	}
}

func TestLimits(t *testing.T) {
	lim := pricing.Limits{MaxPercent: 10, MaxFen: 5000}
	priced := func(l receipt.Line) []receipt.Line {
		ls := []receipt.Line{l}
		if _, err := pricing.Compute(ls, nil); err != nil {
			t.Fatal(err)
		}
		return ls
	}
	cases := []struct {
		name  string
		lines []receipt.Line
		order *receipt.Discount
		err   error
	}{
		{"within percent", priced(receipt.Line{Qty: 1, UnitFen: 1000, Discount: &receipt.Discount{Percent: 10, Reason: "r"}}), nil, nil},
		{"percent rounding up stays within", priced(receipt.Line{Qty: 1, UnitFen: 5, Discount: &receipt.Discount{Percent: 10, Reason: "r"}}), nil, nil},
		{"above percent", priced(receipt.Line{Qty: 1, UnitFen: 1000, Discount: &receipt.Discount{Percent: 11, Reason: "r"}}), nil, pricing.ErrNeedsApproval},
		{"above percent, approved", priced(receipt.Line{Qty: 1, UnitFen: 1000, Discount: &receipt.Discount{Percent: 50, Reason: "r", ApprovedBy: "王经理"}}), nil, nil},
		{"amount within", priced(receipt.Line{Qty: 1, UnitFen: 1000, Discount: &receipt.Discount{AmountFen: 100, Reason: "r"}}), nil, nil},
		{"amount above percent", priced(receipt.Line{Qty: 1, UnitFen: 1000, Discount: &receipt.Discount{AmountFen: 101, Reason: "r"}}), nil, pricing.ErrNeedsApproval},
		{"amount above the fen cap", priced(receipt.Line{Qty: 1, UnitFen: 100000, Discount: &receipt.Discount{Percent: 6, Reason: "r"}}), nil, pricing.ErrNeedsApproval},
		{"override lower within", priced(receipt.Line{Qty: 1, UnitFen: 950, Override: &receipt.Override{ListFen: 1000, Reason: "r"}}), nil, nil},
		{"override lower above", priced(receipt.Line{Qty: 1, UnitFen: 800, Override: &receipt.Override{ListFen: 1000, Reason: "r"}}), nil, pricing.ErrNeedsApproval},
		{"override higher", priced(receipt.Line{Qty: 1, UnitFen: 1800, Override: &receipt.Override{ListFen: 1000, Reason: "r"}}), nil, nil},
		{"order above", priced(receipt.Line{Qty: 1, UnitFen: 1000}), &receipt.Discount{Percent: 20, AmountFen: 200, Reason: "r"}, pricing.ErrNeedsApproval},
		{"order within", priced(receipt.Line{Qty: 1, UnitFen: 1000}), &receipt.Discount{Percent: 5, AmountFen: 50, Reason: "r"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := lim.Approvals(c.lines, c.order); !errors.Is(err, c.err) {
				t.Fatalf("Approvals = %v, want %v", err, c.err)
			}
		})
	}
	if (pricing.Limits{}).Allows(100, 1, 0) {
		t.Error("zero limits allowed a discount")
	}
}
