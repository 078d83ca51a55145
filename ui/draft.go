package ui

import (
	"fmt"

	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

// saleDraft is the sale being keyed: item lines (scanned, picked or keyed
// as amounts), a discount on the whole sale, and the amount on the keypad.
// It lives in the Terminal so a failed tender returns to it. The money is
// package pricing's: the draft only keeps the lines as sold and asks it.
type saleDraft struct {
	input    amountInput
	lines    []receipt.Line
	discount *receipt.Discount // on the whole sale
	// sel is the selected line (quantity, discount, delete act on it);
	// -1 when none.
	sel int
	// started is set once a tender was opened for this sale: from then on
	// deleting a line needs a manager (the customer may have seen the total).
	started bool
	rev     int // bumped whenever lines change, so the screen redraws them only then

	// The priced sale for (rev, keyed amount): totals are asked on every
	// key, and 200 lines are priced once per change, not once per key.
	cacheRev int
	cacheKey int64
	cache    pricedSale
}

// pricedSale is the draft priced: the lines (with the keyed amount as a
// last line when there are lines), the sale discount, and the totals.
type pricedSale struct {
	lines    []receipt.Line
	discount *receipt.Discount
	totals   pricing.Totals
	err      error
}

// keyedLine is the amount on the keypad as an item line.
func keyedLine(cat *catalog, n int, fen int64) receipt.Line {
	l := receipt.Line{Qty: 1, UnitFen: fen, TotalFen: fen}
	if cat != nil { // nil: only the totals are wanted
		l.Name = cat.T(msgSaleItem, n)
	}
	return l
}

// addLine turns the keyed amount into an item line.
func (d *saleDraft) addLine(cat *catalog) bool {
	fen := d.input.Fen()
	if fen <= 0 {
		return false
	}
	d.lines = append(d.lines, keyedLine(cat, len(d.lines)+1, fen))
	d.sel = len(d.lines) - 1
	d.changed()
	d.input.Clear()
	return true
}

// addItem adds one of an item: a second scan of a piece item already on
// the sale (same item, same price, no discount) is +1 on that line.
func (d *saleDraft) addItem(l receipt.Line) {
	if l.ItemID != "" && !l.Weighed() && l.Override == nil {
		for i, have := range d.lines {
			if have.ItemID == l.ItemID && !have.Weighed() && have.UnitFen == l.UnitFen && have.Override == nil && have.Discount == nil {
				have.Qty += l.Qty
				if _, err := pricing.Price(&have); err != nil {
					break // too much for one line: a line of its own
				}
				d.lines[i] = have
				d.sel = i
				d.changed()
				return
			}
		}
	}
	d.lines = append(d.lines, l)
	d.sel = len(d.lines) - 1
	d.changed()
}

// setQty sets line i's quantity (pieces, or grams for a weighed line).
func (d *saleDraft) setQty(i int, qty int64) error {
	if i < 0 || i >= len(d.lines) {
		return errNoLine
	}
	l := d.lines[i]
	l.Qty = qty
	if l.Discount != nil {
		cp := *l.Discount
		l.Discount = &cp
	}
	// Priced again: the line's total (and a percent discount) follow the
	// quantity, so what the screen shows is what the receipt prints.
	if _, err := pricing.Price(&l); err != nil {
		return err
	}
	d.lines[i] = l
	d.changed()
	return nil
}

// bump changes the selected line's quantity by delta pieces; never below
// one (deleting is its own act) and not on a weighed line.
func (d *saleDraft) bump(delta int64) bool {
	if d.sel < 0 || d.sel >= len(d.lines) || d.lines[d.sel].Weighed() || d.lines[d.sel].Qty+delta < 1 {
		return false
	}
	return d.setQty(d.sel, d.lines[d.sel].Qty+delta) == nil
}

// remove deletes line i.
func (d *saleDraft) remove(i int) {
	if i < 0 || i >= len(d.lines) {
		return
	}
	d.lines = append(d.lines[:i], d.lines[i+1:]...)
	switch {
	case len(d.lines) == 0:
		d.sel, d.discount = -1, nil
	case d.sel >= len(d.lines):
		d.sel = len(d.lines) - 1
	}
	d.changed()
}

// lineGrossFen is what line i costs before its discount (0 if none).
func (d *saleDraft) lineGrossFen(i int) int64 {
	if i < 0 || i >= len(d.lines) {
		return 0
	}
	g, _ := pricing.GrossFen(d.lines[i])
	return g
}

// discountLine sets (nil: removes) line i's discount; it is refused when
// it would take more than the line costs.
func (d *saleDraft) discountLine(i int, disc *receipt.Discount) error {
	if i < 0 || i >= len(d.lines) {
		return errNoLine
	}
	l := d.lines[i]
	l.Discount = disc
	if _, err := pricing.Price(&l); err != nil {
		return err
	}
	d.lines[i] = l
	d.changed()
	return nil
}

// overridePrice charges unitFen for line i instead of its price, keeping
// the catalogue's price in the override.
func (d *saleDraft) overridePrice(i int, unitFen int64, o receipt.Override) error {
	if i < 0 || i >= len(d.lines) {
		return errNoLine
	}
	l := d.lines[i]
	if l.Override != nil {
		o.ListFen = l.Override.ListFen
	} else {
		o.ListFen = l.UnitFen
	}
	l.UnitFen, l.Override = unitFen, &o
	if unitFen == o.ListFen {
		l.Override = nil
	}
	if _, err := pricing.Price(&l); err != nil {
		return err
	}
	d.lines[i] = l
	d.changed()
	return nil
}

// discountSale sets (nil: removes) the discount on the whole sale.
func (d *saleDraft) discountSale(disc *receipt.Discount, cat *catalog) error {
	if disc != nil {
		if len(d.lines) == 0 {
			return errNoLine
		}
		cp := *disc
		ls := append([]receipt.Line(nil), d.lines...)
		if _, err := pricing.Compute(ls, &cp); err != nil {
			return err
		}
	}
	d.discount = disc
	d.changed()
	return nil
}

// errNoLine is a line act without a line.
var errNoLine = fmt.Errorf("no line selected: %w", pricing.ErrLine)

func (d *saleDraft) changed() { d.rev++ }

// priced prices the draft as it would be paid now: the keyed amount joins
// the lines as a last line (when there are lines), and the sale discount
// applies to it too, so the total shown is the total charged.
func (d *saleDraft) priced(cat *catalog) pricedSale {
	fen := d.input.Fen()
	if d.cacheRev == d.rev && d.cacheKey == fen && d.rev != 0 {
		return d.cache
	}
	p := pricedSale{lines: make([]receipt.Line, len(d.lines), len(d.lines)+1)}
	for i, l := range d.lines {
		if l.Discount != nil {
			cp := *l.Discount
			l.Discount = &cp
		}
		p.lines[i] = l
	}
	if len(p.lines) > 0 && fen > 0 {
		p.lines = append(p.lines, keyedLine(cat, len(p.lines)+1, fen))
	}
	if d.discount != nil {
		cp := *d.discount
		p.discount = &cp
	}
	p.totals, p.err = pricing.Compute(p.lines, p.discount)
	if len(p.lines) == 0 {
		p.totals.NetFen = fen
	}
	d.cacheRev, d.cacheKey, d.cache = d.rev, fen, p
	return p
}

// totalFen is what the sale charges now: lines, discounts and the keyed
// amount.
func (d *saleDraft) totalFen() int64 { return d.priced(nil).totals.NetFen }

// sale returns the sale to pay: lines only when the cashier used them.
func (d *saleDraft) sale(cat *catalog) Sale {
	d.cacheRev = -1 // the keyed line's name needs the catalogue
	p := d.priced(cat)
	s := Sale{TotalFen: p.totals.NetFen}
	if len(p.lines) == 0 {
		return s
	}
	s.Lines, s.Discount = p.lines, p.discount
	return s
}

func (d *saleDraft) clear() {
	d.input.Clear()
	d.clearLines()
	d.started = false
}

func (d *saleDraft) clearLines() {
	d.lines, d.discount, d.sel = nil, nil, -1
	d.changed()
}
