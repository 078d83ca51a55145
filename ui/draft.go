package ui

import "github.com/wxpos/wxpos/receipt"

// saleDraft is the sale being keyed: finished item lines plus the amount on
// the keypad. It lives in the Terminal so a failed tender returns to it.
type saleDraft struct {
	input amountInput
	lines []receipt.Line
	rev   int // bumped whenever lines change, so the screen redraws them only then
}

// addLine turns the keyed amount into an item line.
func (d *saleDraft) addLine(cat *catalog) bool {
	fen := d.input.Fen()
	if fen <= 0 {
		return false
	}
	n := len(d.lines) + 1
	d.lines = append(d.lines, receipt.Line{Name: cat.T(msgSaleItem, n), Qty: 1, UnitFen: fen, TotalFen: fen})
	d.rev++
	d.input.Clear()
	return true
}

// totalFen is the lines plus the keyed amount.
func (d *saleDraft) totalFen() int64 {
	sum := d.input.Fen()
	for _, l := range d.lines {
		sum += l.TotalFen
	}
	return sum
}

// sale returns the sale to pay: lines only when the cashier used them.
func (d *saleDraft) sale(cat *catalog) Sale {
	s := Sale{TotalFen: d.totalFen()}
	if len(d.lines) == 0 {
		return s
	}
	s.Lines = append([]receipt.Line(nil), d.lines...)
	if fen := d.input.Fen(); fen > 0 {
		s.Lines = append(s.Lines, receipt.Line{Name: cat.T(msgSaleItem, len(s.Lines)+1), Qty: 1, UnitFen: fen, TotalFen: fen})
	}
	return s
}

func (d *saleDraft) clear() {
	d.input.Clear()
	d.clearLines()
}

func (d *saleDraft) clearLines() {
	d.lines = nil
	d.rev++
}
