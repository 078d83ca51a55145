package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

// Message keys of the refund by line, with their texts below (kept with
// the screen that alone uses them).
const (
	msgRefByLine      msg = "ref.byLine"
	msgRefLines       msg = "ref.lines"
	msgRefLineSold    msg = "ref.lineSold"
	msgRefLineLeft    msg = "ref.lineLeft"
	msgRefLineAllBack msg = "ref.lineAllBack"
	msgRefLineQtyHint msg = "ref.lineQtyHint"
	msgRefLineKgHint  msg = "ref.lineKgHint"
	msgRefLineBadQty  msg = "ref.lineBadQty"
	msgRefLineTooMany msg = "ref.lineTooMany"
	msgRefLineNone    msg = "ref.lineNone"
)

var refundLineMessages = map[msg]translation{
	msgRefByLine:      {"按商品", "By item"},
	msgRefLines:       {"退回商品", "Items back"},
	msgRefLineSold:    {"%d. %s ×%s  实收 %s", "%d. %s ×%s  paid %s"},
	msgRefLineLeft:    {"可退 %s", "%s left"},
	msgRefLineAllBack: {"已全部退回", "all given back"},
	msgRefLineQtyHint: {"件数", "pieces"},
	msgRefLineKgHint:  {"公斤", "kg"},
	msgRefLineBadQty:  {"第 %d 行数量不对：件数为整数，称重商品为公斤（最多三位小数）", "Line %d: bad quantity — whole pieces, or kg with at most three decimals"},
	msgRefLineTooMany: {"第 %d 行（%s）最多可退 %s", "Line %d (%s): at most %s left to give back"},
	msgRefLineNone:    {"请填写要退回的商品数量", "Type how much of which item comes back"},
}

// lt is Terminal.mt for the refund-by-line texts.
func (s *refundScreen) lt(m msg, args ...any) string {
	return s.c.t.tableT(refundLineMessages, m, args...)
}

// refundLines is the part of the refund screen that gives back lines of a
// sale sold by item: each line as sold with what is left of it, and a
// field for how much of it comes back now. The amount is priced by
// pricing.RefundLines exactly as the payment core will price it (each
// line's share of the sale discount, cumulative rounding), so the amount
// the manager approves is the amount refunded — the core refuses any
// other.
type refundLines struct {
	s    *refundScreen
	sale SaleRow
	left []int64     // per line, pieces or grams still to give back
	qty  []*keyEntry // per line; nil for a line all given back
	err  *widget.Label
	box  *fyne.Container
}

// newRefundLines builds the lines of sale r; keep carries the quantities
// typed for the same sale before it was re-read.
func newRefundLines(s *refundScreen, r SaleRow, keep *refundLines) *refundLines {
	t := s.c.t
	l := &refundLines{s: s, sale: r, left: pricing.LeftQty(r.Lines, r.Returned), qty: make([]*keyEntry, len(r.Lines)),
		err: newFieldError(), box: container.NewVBox()}
	nets := pricing.Shares(r.Lines, discountFen(r.Discount))
	for i, ln := range r.Lines {
		sold := widget.NewLabel(l.s.lt(msgRefLineSold, i+1, ln.Name, receipt.QtyText(ln), formatFen(nets[i])))
		sold.Wrapping = fyne.TextWrapWord
		if l.left[i] <= 0 {
			l.box.Add(container.NewBorder(nil, nil, nil, widget.NewLabel(s.lt(msgRefLineAllBack)), sold))
			continue
		}
		e := newKeyEntry(t)
		e.SetPlaceHolder(s.lt(msgRefLineQtyHint))
		if ln.Weighed() {
			e.SetPlaceHolder(s.lt(msgRefLineKgHint))
		}
		if keep != nil && keep.sale.OutTradeNo == r.OutTradeNo && i < len(keep.qty) && keep.qty[i] != nil {
			e.SetText(keep.qty[i].Text)
		}
		e.OnChanged = func(string) { s.linesChanged() }
		l.qty[i] = e
		left := widget.NewLabel(s.lt(msgRefLineLeft, qtyText(ln, l.left[i])))
		field := container.NewGridWrap(fyne.NewSize(96, e.MinSize().Height), e)
		l.box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(left, field), sold))
	}
	l.box.Add(l.err)
	return l
}

// discountFen is what an order discount takes off; 0 for none.
func discountFen(d *receipt.Discount) int64 {
	if d == nil {
		return 0
	}
	return d.AmountFen
}

// qtyText is q of line ln as its quantity is written: pieces, or kg.
func qtyText(ln receipt.Line, q int64) string {
	ln.Qty = q
	return receipt.QtyText(ln)
}

// any reports whether a quantity was typed.
func (l *refundLines) any() bool {
	for _, e := range l.qty {
		if e != nil && strings.TrimSpace(e.Text) != "" {
			return true
		}
	}
	return false
}

// clear empties every quantity.
func (l *refundLines) clear() {
	for _, e := range l.qty {
		if e != nil && e.Text != "" {
			e.SetText("")
		}
	}
}

// focus puts the cursor in the first line that can still come back.
func (l *refundLines) focus() {
	for _, e := range l.qty {
		if e != nil {
			l.s.c.t.w.Canvas().Focus(e)
			return
		}
	}
}

// priced is the refund the typed quantities ask for: its lines (priced)
// and amount, or the text saying what is wrong with them.
func (l *refundLines) priced() ([]receipt.RefundLine, int64, string) {
	var want []receipt.RefundLine
	for i, e := range l.qty {
		if e == nil || strings.TrimSpace(e.Text) == "" {
			continue
		}
		ln := l.sale.Lines[i]
		q, ok := parseQty(strings.TrimSpace(e.Text), ln.Weighed())
		switch {
		case !ok:
			return nil, 0, l.s.lt(msgRefLineBadQty, i+1)
		case q > l.left[i]:
			return nil, 0, l.s.lt(msgRefLineTooMany, i+1, ln.Name, qtyText(ln, l.left[i]))
		case q > 0:
			want = append(want, receipt.RefundLine{Line: i, Qty: q})
		}
	}
	if len(want) == 0 {
		return nil, 0, l.s.lt(msgRefLineNone)
	}
	lines, fen, err := pricing.RefundLines(l.sale.Lines, l.sale.Discount, l.sale.Returned, want)
	if err != nil {
		return nil, 0, l.s.c.errText(err)
	}
	return lines, fen, ""
}

// say shows text under the lines ("" clears it).
func (l *refundLines) say(text string) {
	was := l.err.Visible()
	setLine(l.box, l.err, text)
	if was != l.err.Visible() {
		l.s.relayout()
	}
}

// parseQty reads a quantity to give back: whole pieces, or — weighed —
// kg with at most three decimals, as grams. Exact: no floats.
func parseQty(s string, weighed bool) (int64, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if !digits(whole) || !digits(frac) || len(whole) > 6 || (whole == "" && frac == "") {
		return 0, false
	}
	if !weighed {
		n, err := strconv.ParseInt(whole, 10, 64)
		return n, err == nil && !dot
	}
	if len(frac) > 3 {
		return 0, false
	}
	frac += strings.Repeat("0", 3-len(frac))
	if whole == "" {
		whole = "0"
	}
	kg, err1 := strconv.ParseInt(whole, 10, 64)
	g, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || kg < 0 || g < 0 {
		return 0, false
	}
	return kg*1000 + g, true
}

// byLine reports whether the refund is being asked by line.
func (s *refundScreen) byLine() bool {
	return s.lines != nil && s.full.Selected == s.lt(msgRefByLine)
}

// linesChanged follows a typed quantity: the refund becomes one by line
// and the amount field shows what the lines return.
func (s *refundScreen) linesChanged() {
	if s.lines == nil {
		return
	}
	if !s.byLine() && s.lines.any() {
		s.full.SetSelected(s.lt(msgRefByLine)) // through modePicked
		return
	}
	s.priceLines()
}

// priceLines shows what the typed lines come to in the amount field, or
// what is wrong with them under the lines.
func (s *refundScreen) priceLines() {
	if !s.byLine() {
		return
	}
	_, fen, problem := s.lines.priced()
	if !s.lines.any() {
		problem = "" // nothing typed yet is not a mistake
	}
	s.lines.say(problem)
	s.setAmount(yuanText(fen))
}

// modePicked follows the refund's mode: full, partial or by line.
func (s *refundScreen) modePicked(v string) {
	t := s.c.t
	if s.sale == nil {
		return
	}
	if v == s.lt(msgRefByLine) && s.lines != nil {
		s.amount.Disable()
		s.priceLines()
		s.lines.focus()
		return
	}
	s.amount.Enable()
	if s.lines != nil {
		s.lines.clear()
		s.lines.say("")
	}
	if v == t.mt(msgRefFull) {
		s.setAmount(yuanText(s.left()))
	} else if s.amount.Text == yuanText(s.left()) {
		s.setAmount("")
		t.w.Canvas().Focus(s.amount)
	}
}

// setAmount writes the amount field without the typing rule (an amount
// other than the whole remainder makes the refund partial).
func (s *refundScreen) setAmount(text string) {
	s.settingAmount = true
	s.amount.SetText(text)
	s.settingAmount = false
}

// relayout lays the detail out again after a line of it came or went.
func (s *refundScreen) relayout() {
	if s.scroll != nil {
		s.detail.Refresh()
		s.scroll.Refresh()
	}
}

// showLines builds the lines of sale r to give back (none for a keyed
// sale or one taken at another counter, whose lines this terminal does
// not have), keeping the quantities typed unless resetForm.
func (s *refundScreen) showLines(r SaleRow, resetForm bool) {
	keep := s.lines
	if resetForm {
		keep = nil
	}
	s.lines = nil
	if len(r.Lines) > 0 {
		s.lines = newRefundLines(s, r, keep)
	}
	showIf(s.full.items[2], s.lines != nil)
}

// digits reports whether s is only ASCII digits ("" is).
func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
