package pricing

import (
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// Shares splits the order discount over the lines in proportion to their
// totals (largest remainder, ties to the earlier line) and returns each
// line's net: its total minus its share. The nets add up to the sale's
// net exactly.
func Shares(lines []receipt.Line, orderDiscountFen int64) []int64 {
	net := make([]int64, len(lines))
	var sub int64
	for i, l := range lines {
		net[i] = l.TotalFen
		sub += l.TotalFen
	}
	if orderDiscountFen <= 0 || sub <= 0 {
		return net
	}
	rem := make([]int64, len(lines))
	var given int64
	for i, l := range lines {
		q := l.TotalFen * orderDiscountFen // ≤ MaxFen² < 2^63
		share := q / sub
		rem[i] = q % sub
		net[i] -= share
		given += share
	}
	for left := orderDiscountFen - given; left > 0; left-- {
		best := -1
		for i := range lines {
			if net[i] > 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		net[best]--
		rem[best] = -1
	}
	return net
}

// cum is what the first k of qty units of a line worth netFen return.
func cum(netFen, qty, k int64) int64 { return divRound(netFen*k, qty) }

// LineRefundFen is what giving back q units of a line returns when done
// units were already given back: netFen is the line's net after its share
// of the order discount (Shares), qty its quantity.
func LineRefundFen(netFen, qty, done, q int64) (int64, error) {
	if q <= 0 || done < 0 || done+q > qty {
		return 0, fmt.Errorf("%d of %d with %d already returned: %w", q, qty, done, ErrRefund)
	}
	return cum(netFen, qty, done+q) - cum(netFen, qty, done), nil
}

// RefundLines prices a refund by line: want names lines of the sale (by
// index) and quantities; done is every earlier refund's lines that still
// hold money. It returns the lines with their amounts and the total.
func RefundLines(lines []receipt.Line, order *receipt.Discount, done, want []receipt.RefundLine) ([]receipt.RefundLine, int64, error) {
	if len(want) == 0 {
		return nil, 0, fmt.Errorf("no line to refund: %w", ErrRefund)
	}
	var off int64
	if order != nil {
		off = order.AmountFen
	}
	nets := Shares(lines, off)
	given := make([]int64, len(lines))
	for _, d := range done {
		if d.Line >= 0 && d.Line < len(lines) {
			given[d.Line] += d.Qty
		}
	}
	out := make([]receipt.RefundLine, 0, len(want))
	var total int64
	for _, w := range want {
		if w.Line < 0 || w.Line >= len(lines) {
			return nil, 0, fmt.Errorf("line %d: the sale has %d lines: %w", w.Line+1, len(lines), ErrRefund)
		}
		l := lines[w.Line]
		fen, err := LineRefundFen(nets[w.Line], l.Qty, given[w.Line], w.Qty)
		if err != nil {
			return nil, 0, fmt.Errorf("line %d (%q): %w", w.Line+1, l.Name, err)
		}
		given[w.Line] += w.Qty
		total += fen
		out = append(out, receipt.RefundLine{Line: w.Line, Name: l.Name, Unit: l.Unit, Qty: w.Qty, AmountFen: fen})
	}
	return out, total, nil
}

// LeftQty is how much of each line is still to give back after done.
func LeftQty(lines []receipt.Line, done []receipt.RefundLine) []int64 {
	left := make([]int64, len(lines))
	for i, l := range lines {
		left[i] = l.Qty
	}
	for _, d := range done {
		if d.Line >= 0 && d.Line < len(lines) {
			left[d.Line] -= d.Qty
		}
	}
	return left
}
