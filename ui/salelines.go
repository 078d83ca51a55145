package ui

import (
	"context"
	"errors"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	products "github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/staff"
)

// WithCatalog lets the sale screen sell items: a scanned item barcode (or
// scale label) adds a line, the item picker searches and shows the quick
// keys. rules are the store's codes and scale layouts (nil: none). Without
// it the keyed-amount sale is all there is.
func WithCatalog(l products.Lookup, rules *products.Rules) Option {
	return func(o *options) { o.items, o.codeRules = l, rules }
}

// WithLineLimits sets what a cashier may take off alone (above it a
// manager's PIN) and the line value above which deleting a line needs a
// manager (config [payment] discount_max_percent, discount_max_amount,
// delete_line_above).
func WithLineLimits(discounts pricing.Limits, deleteAboveFen int64) Option {
	return func(o *options) { o.discounts, o.deleteAboveFen = discounts, deleteAboveFen }
}

// lineRow is one drawn line of the sale: name, what was changed on it
// (discount, price), quantity and total.
type lineRow struct {
	name, detail, qty, total *widget.Label
}

func newLineRow() (fyne.CanvasObject, *lineRow) {
	r := &lineRow{name: widget.NewLabel(""), detail: widget.NewLabel(""), qty: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
		total: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.Importance = widget.WarningImportance
	// Fixed widths for the numbers, the rest for the name: rows line up.
	nums := container.NewHBox(container.NewGridWrap(fyne.NewSize(190, 36), r.qty), container.NewGridWrap(fyne.NewSize(110, 36), r.total))
	mid := container.NewGridWithColumns(2, r.name, r.detail)
	return container.NewBorder(nil, nil, nil, nums, mid), r
}

// lineView draws the draft's lines in a list that only builds the rows
// in sight: a sale of 200 lines redraws as fast as one of 3.
type lineView struct {
	t    *Terminal
	list *keyList
	rows map[fyne.CanvasObject]*lineRow
	// picking is set while the screen moves the selection itself, so the
	// list's OnSelected does not echo it back.
	picking bool
}

func newLineView(t *Terminal, selected func(int)) *lineView {
	v := &lineView{t: t, rows: map[fyne.CanvasObject]*lineRow{}}
	v.list = newKeyList(t,
		func() int { return len(t.draft.lines) },
		func() fyne.CanvasObject { o, r := newLineRow(); v.rows[o] = r; return o },
		func(i widget.ListItemID, o fyne.CanvasObject) { v.fill(i, v.rows[o]) })
	v.list.OnSelected = func(i widget.ListItemID) {
		if !v.picking {
			selected(i)
		}
	}
	return v
}

func (v *lineView) fill(i int, r *lineRow) {
	d := &v.t.draft
	if r == nil || i < 0 || i >= len(d.lines) {
		return
	}
	l := d.lines[i]
	setText(r.name, l.Name)
	setText(r.detail, v.t.lineDetail(l))
	setText(r.qty, lineQtyText(l))
	setText(r.total, formatFen(l.TotalFen))
}

// setText sets l's text when it differs. The list fills every row in
// sight on each change of the sale, and a label measures its text again
// (shaping it, several times for an ellipsis) on every SetText, same text
// or not: that was most of the time a scan, a quantity change or an arrow
// key took on a long sale (BenchmarkSaleScreenLines).
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// lineQtyText is a line's quantity times its unit price, "2 × 3.50 =" or
// "0.750kg × 40.00 =",
// beside the line's total in the next column: the total is always the
// line's, as the receipt prints it, never the unit price.
func lineQtyText(l receipt.Line) string {
	return receipt.QtyText(l) + " × " + formatFen(l.UnitFen) + " =" // a weighed line's unit price is per kg
}

// show redraws the lines and selects the draft's selected line.
func (v *lineView) show() {
	v.list.Refresh()
	d := &v.t.draft
	v.picking = true
	if d.sel >= 0 && d.sel < len(d.lines) {
		v.list.Select(d.sel)
		v.list.ScrollTo(d.sel)
	} else {
		v.list.UnselectAll()
	}
	v.picking = false
}

// lineDetail says what was changed on a line: its discount, its price.
func (t *Terminal) lineDetail(l receipt.Line) string {
	s := ""
	if o := l.Override; o != nil {
		s = t.cat.T(msgLineOverride, formatFen(o.ListFen))
	}
	if d := l.Discount; d != nil {
		if s != "" {
			s += " "
		}
		if d.Percent > 0 {
			s += t.cat.T(msgLinePercent, d.Percent, formatFen(d.AmountFen))
		} else {
			s += t.cat.T(msgLineAmountOff, formatFen(d.AmountFen))
		}
	}
	return s
}

// lineOf is the sale line for item it as scanned: the price as the
// catalogue has it now (kept as sold), a scale label's weight or price.
func (t *Terminal) lineOf(it products.Item, c products.Code) (receipt.Line, bool) {
	lang := "zh"
	if t.cat.lang == LangEN {
		lang = "en"
	}
	l := receipt.Line{ItemID: it.ID, Name: it.Label(lang), Category: it.Category, Qty: 1, UnitFen: it.Price}
	if c.Kind != products.KindWeighed {
		l.Barcode = c.Key
	}
	switch g := it.Unit.Grams(); {
	case c.Kind == products.KindWeighed && c.Grams > 0 && g > 0:
		// Weighed: per kg, grams as the label says (1000/g is whole for
		// kg, 斤 and g, so the price per kg is exact).
		l.Unit, l.Qty, l.UnitFen = receipt.UnitKg, c.Grams, it.Price*(1000/g)
	case c.Kind == products.KindWeighed && c.Price > 0:
		l.UnitFen = c.Price // the scale priced it
	case g > 0:
		return l, false // weighed goods need a scale label
	}
	if _, err := pricing.Price(&l); err != nil {
		return l, false
	}
	return l, true
}

// itemScanned adds the item a scan names; another wallet's code or a code
// the catalogue does not hold is said, never typed into the amount.
func (s *saleScreen) itemScanned(text string) bool {
	t := s.t
	c := t.opt.codeRules.Classify(text)
	switch {
	case c.Kind == products.KindAlipay || c.Kind == products.KindUnionPay:
		s.warn(msgSaleOnlyWeChat)
		return true
	case c.Kind == products.KindStaffCard:
		s.staffCard(c.Key)
		return true
	case !c.Item() || t.opt.items == nil:
		return false
	}
	it, err := products.Find(t.opt.items, c)
	if err != nil || !it.Active {
		s.warnf(msgSaleNoItem, shortScan(text))
		return true
	}
	s.addItem(it, c)
	return true
}

// addItem puts one of it on the sale. An open-price item takes the keyed
// amount as its price (asked for when none is keyed).
func (s *saleScreen) addItem(it products.Item, c products.Code) {
	t := s.t
	d := &t.draft
	if it.OpenPrice && c.Kind != products.KindWeighed {
		fen := d.input.Fen()
		if fen <= 0 {
			s.warnf(msgSaleOpenPrice, it.Label(string(t.cat.lang)))
			return
		}
		it.Price = fen
		d.input.Clear()
	}
	l, ok := t.lineOf(it, c)
	if !ok {
		s.warnf(msgSaleNeedsScale, l.Name)
		return
	}
	s.dropConfirm()
	prev, prevSel := append([]receipt.Line(nil), d.lines...), d.sel
	d.addItem(l)
	if total := d.totalFen(); total > t.opt.limits.maxFen {
		d.lines, d.sel = prev, prevSel // as it was: nothing added
		d.changed()
		s.warnf(msgSaleOverMax, formatFen(total), formatFen(t.opt.limits.maxFen))
		s.refresh()
		return
	}
	s.showHint(msgSaleHint, widget.MediumImportance)
	s.refresh()
}

// pickLine selects line i (tap or arrows).
func (s *saleScreen) pickLine(i int) {
	d := &s.t.draft
	if i < 0 || i >= len(d.lines) {
		return
	}
	d.sel = i
	s.lineView.show()
}

// moveSel moves the selection up or down.
func (s *saleScreen) moveSel(delta int) {
	d := &s.t.draft
	if len(d.lines) == 0 {
		return
	}
	s.pickLine(min(max(d.sel+delta, 0), len(d.lines)-1))
}

// bump is + / − on the selected line.
func (s *saleScreen) bump(delta int64) {
	s.dropConfirm()
	if s.t.draft.bump(delta) {
		s.refresh()
	}
}

// setQty is "3 *": the keyed number becomes the selected line's quantity.
func (s *saleScreen) setQty() {
	d := &s.t.draft
	n, err := strconv.ParseInt(d.input.Text(), 10, 64)
	if err != nil || n <= 0 || d.sel < 0 || d.sel >= len(d.lines) || d.lines[d.sel].Weighed() {
		s.warn(msgSaleQtyHow)
		return
	}
	if err := d.setQty(d.sel, n); err != nil {
		s.warn(msgSaleQtyHow)
		return
	}
	d.input.Clear()
	s.dropConfirm()
	s.refresh()
}

// deleteLine deletes the selected line; once paying began, or for a line
// worth more than the configured value, a manager approves it first.
func (s *saleScreen) deleteLine() {
	t := s.t
	d := &t.draft
	i := d.sel
	if i < 0 || i >= len(d.lines) {
		s.warn(msgSaleNoLine)
		return
	}
	l := d.lines[i]
	del := func() {
		if i < len(d.lines) && d.lines[i].Name == l.Name && d.lines[i].Qty == l.Qty {
			d.remove(i)
		}
		s.dropConfirm()
		s.showHint(msgSaleHint, widget.MediumImportance)
		s.refresh()
	}
	if !d.started && l.TotalFen <= t.opt.deleteAboveFen {
		del()
		return
	}
	s.approve(staff.ActionDeleteLine, l.TotalFen, func(string) { del() })
}

// approve asks a manager's PIN for act (recorded in the audit trail as an
// override naming both people) and calls ok with the approver.
func (s *saleScreen) approve(act staff.Action, fen int64, ok func(approver string)) {
	t := s.t
	if t.opt.manager == nil {
		s.warn(msgSaleNoManager)
		return
	}
	c := &console{t: t, m: t.opt.manager}
	s.console = c
	c.pinDialog(act, "sale", fen, true, func(ap staff.Approval, _ string) { ok(ap.Approver) })
}

// lineErr says why a line act was refused.
func (s *saleScreen) lineErr(err error) {
	switch {
	case errors.Is(err, pricing.ErrDiscount):
		s.warn(msgSaleDiscountTooBig)
	case errors.Is(err, errNoLine):
		s.warn(msgSaleNoLine)
	default:
		s.warn(msgSaleQtyHow)
	}
}

// lineButtons are the acts on the selected line and the item picker.
func (s *saleScreen) lineButtons() fyne.CanvasObject {
	c := s.t.cat
	s.minusBtn = newIconButton(c.T(msgSaleMinus), theme.ContentRemoveIcon(), func() { s.bump(-1) })
	s.plusBtn = newIconButton(c.T(msgSalePlus), theme.ContentAddIcon(), func() { s.bump(1) })
	s.deleteBtn = newIconButton(c.T(msgSaleDelete), theme.DeleteIcon(), s.deleteLine)
	s.discountBtn = newButton(c.T(msgSaleDiscount), s.openDiscount)
	s.itemsBtn = newIconButton(c.T(msgSaleItems), theme.SearchIcon(), func() { s.t.show(newItemsScreen(s.t)) })
	if s.t.opt.items == nil {
		s.itemsBtn.Hide()
	}
	return container.NewHBox(s.minusBtn, s.plusBtn, s.deleteBtn, s.discountBtn, s.itemsBtn)
}

// staffCard is a staff card scanned on the sale screen: its holder signs
// in (a quick switch; the PIN is asked). Without sign-in it is said.
func (s *saleScreen) staffCard(code string) {
	t := s.t
	if t.opt.till == nil {
		s.warnf(msgSaleNotCode, shortScan(code))
		return
	}
	till := t.opt.till
	t.async(t.ctx, func(context.Context) func() {
		name, err := till.CardName(code)
		return func() {
			if err != nil {
				s.showHint(msgTillUnknownCard, widget.DangerImportance)
				return
			}
			t.showSignIn(name)
		}
	})
}
