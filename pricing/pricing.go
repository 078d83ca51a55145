package pricing

import (
	"errors"
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// Bounds that keep every product below int64's range.
const (
	// MaxFen is the most one line or one sale may cost (the payment core's
	// ceiling, ¥10,000,000).
	MaxFen int64 = 1_000_000_000
	// MaxQty is the most pieces (or grams) on one line.
	MaxQty int64 = 1_000_000
)

// Errors, each wrapped with the line and the numbers concerned.
var (
	// ErrLine is returned when a line's quantity, price or total is wrong.
	ErrLine = errors.New("bad sale line")
	// ErrDiscount is returned when a discount is malformed, has no reason
	// or takes more than what it applies to.
	ErrDiscount = errors.New("bad discount")
	// ErrTotal is returned when a sale's amount is not what its lines and
	// discounts come to.
	ErrTotal = errors.New("sale total does not match its lines")
	// ErrRefund is returned when a refund asks for more of a line than is
	// left, or names no line of the sale.
	ErrRefund = errors.New("bad line refund")
)

// divRound returns a ÷ b rounded half up; a ≥ 0, b > 0.
func divRound(a, b int64) int64 { return (a + b/2) / b }

// GrossFen is what l costs before its discount: Qty × UnitFen, or for a
// weighed line grams × price-per-kg ÷ 1000 rounded half up.
func GrossFen(l receipt.Line) (int64, error) {
	if l.Qty <= 0 || l.Qty > MaxQty {
		return 0, fmt.Errorf("%q: quantity %d (1–%d): %w", l.Name, l.Qty, MaxQty, ErrLine)
	}
	if l.UnitFen < 0 || l.UnitFen > MaxFen {
		return 0, fmt.Errorf("%q: price %d fen: %w", l.Name, l.UnitFen, ErrLine)
	}
	var g int64
	if l.Weighed() {
		g = divRound(l.Qty*l.UnitFen, 1000)
	} else {
		g = l.Qty * l.UnitFen
	}
	if g > MaxFen {
		return 0, fmt.Errorf("%q: %d × %d fen is more than %d fen: %w", l.Name, l.Qty, l.UnitFen, MaxFen, ErrLine)
	}
	return g, nil
}

// DiscountFen is what d takes off baseFen: the percentage rounded half up,
// or the amount. It refuses a discount without a reason, a percentage
// outside 1–100, and an amount that is not positive or exceeds baseFen.
func DiscountFen(baseFen int64, d receipt.Discount) (int64, error) {
	if d.Reason == "" {
		return 0, fmt.Errorf("discount without a reason: %w", ErrDiscount)
	}
	var off int64
	switch {
	case d.Percent != 0:
		if d.Percent < 1 || d.Percent > 100 {
			return 0, fmt.Errorf("discount of %d%% (1–100): %w", d.Percent, ErrDiscount)
		}
		off = divRound(baseFen*d.Percent, 100)
	default:
		off = d.AmountFen
		if off <= 0 {
			return 0, fmt.Errorf("discount of %d fen: %w", off, ErrDiscount)
		}
	}
	if off > baseFen {
		return 0, fmt.Errorf("discount of %d fen on %d fen: %w", off, baseFen, ErrDiscount)
	}
	return off, nil
}

// Price sets l's discount amount and total from its quantity, price and
// discount, and returns the line's gross.
func Price(l *receipt.Line) (grossFen int64, err error) {
	g, err := GrossFen(*l)
	if err != nil {
		return 0, err
	}
	l.TotalFen = g
	if l.Discount != nil {
		off, err := DiscountFen(g, *l.Discount)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", l.Name, err)
		}
		l.Discount.AmountFen = off
		l.TotalFen = g - off
	}
	return g, nil
}

// Totals is a sale's money: Gross − LineDiscounts − OrderDiscount = Net.
type Totals struct {
	GrossFen         int64
	LineDiscountFen  int64
	OrderDiscountFen int64
	NetFen           int64
}

// DiscountFen is every discount of the sale, lines and order.
func (t Totals) DiscountFen() int64 { return t.LineDiscountFen + t.OrderDiscountFen }

// Compute prices every line and the order discount in place (setting
// their AmountFen and the lines' TotalFen) and returns the totals.
func Compute(lines []receipt.Line, order *receipt.Discount) (Totals, error) {
	var t Totals
	var sub int64
	for i := range lines {
		g, err := Price(&lines[i])
		if err != nil {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		t.GrossFen += g
		t.LineDiscountFen += g - lines[i].TotalFen
		sub += lines[i].TotalFen
		if t.GrossFen > MaxFen {
			return Totals{}, fmt.Errorf("lines come to more than %d fen: %w", MaxFen, ErrLine)
		}
	}
	if order != nil {
		off, err := DiscountFen(sub, *order)
		if err != nil {
			return Totals{}, fmt.Errorf("sale: %w", err)
		}
		order.AmountFen = off
		t.OrderDiscountFen = off
	}
	t.NetFen = sub - t.OrderDiscountFen
	return t, nil
}

// Check verifies recorded lines and order discount against amountFen
// without changing them: every line's total and discount as recorded must
// be what Compute gives, and the net must be amountFen.
func Check(lines []receipt.Line, order *receipt.Discount, amountFen int64) (Totals, error) {
	cp := append([]receipt.Line(nil), lines...)
	for i := range cp {
		if cp[i].Discount != nil {
			d := *cp[i].Discount
			cp[i].Discount = &d
		}
	}
	var od *receipt.Discount
	if order != nil {
		d := *order
		od = &d
	}
	t, err := Compute(cp, od)
	if err != nil {
		return Totals{}, err
	}
	for i := range cp {
		if cp[i].TotalFen != lines[i].TotalFen {
			return Totals{}, fmt.Errorf("line %d (%q): total %d fen, its quantity, price and discount give %d: %w",
				i+1, lines[i].Name, lines[i].TotalFen, cp[i].TotalFen, ErrTotal)
		}
		if cp[i].Discount != nil && cp[i].Discount.AmountFen != lines[i].Discount.AmountFen {
			return Totals{}, fmt.Errorf("line %d (%q): discount %d fen, should be %d: %w",
				i+1, lines[i].Name, lines[i].Discount.AmountFen, cp[i].Discount.AmountFen, ErrTotal)
		}
	}
	if od != nil && od.AmountFen != order.AmountFen {
		return Totals{}, fmt.Errorf("sale discount %d fen, should be %d: %w", order.AmountFen, od.AmountFen, ErrTotal)
	}
	if t.NetFen != amountFen {
		return Totals{}, fmt.Errorf("lines come to %d fen, amount is %d: %w", t.NetFen, amountFen, ErrTotal)
	}
	return t, nil
}
