package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	products "github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
)

// ean completes 12 digits with their GS1 check digit.
func ean(d12 string) string { return d12 + string(products.CheckDigit(d12)) }

// testItems is a small catalogue: cola, bread, a towel, an open-price cake.
func testItems(t testing.TB) (*products.Index, map[string]string) {
	t.Helper()
	x := products.NewIndex()
	codes := map[string]string{"cola": ean("690193962123"), "bread": ean("690000000001"), "towel": ean("690000000002"),
		"cake": ean("690000000003")}
	for _, it := range []products.Item{
		{ID: "C1", Name: "可乐", NameEN: "Cola", Price: 350, Barcodes: []string{codes["cola"]}, Category: "饮料", Unit: products.UnitPiece, Active: true},
		{ID: "B1", Name: "面包", NameEN: "Bread", Price: 1250, Barcodes: []string{codes["bread"]}, Category: "食品", Unit: products.UnitPiece, Active: true},
		{ID: "T1", Name: "毛巾", NameEN: "Towel", Price: 3000, Barcodes: []string{codes["towel"]}, Category: "日用", Unit: products.UnitPiece, Active: true},
		{ID: "K1", Name: "蛋糕", NameEN: "Cake", Price: 0, Barcodes: []string{codes["cake"]}, Category: "食品", Unit: products.UnitPiece, Active: true, OpenPrice: true},
	} {
		if err := x.Put(it); err != nil {
			t.Fatal(err)
		}
	}
	return x, codes
}

// TestSaleOfItems is the counter flow on the real core: scan three
// items with the wedge (one twice), change a quantity, discount a line above
// the cashier's limit with a manager's PIN, pay by scan; the core takes the
// sale with its lines and discount as sold.
func TestSaleOfItems(t *testing.T) {
	w := newMgrWorld(t)
	items, codes := testItems(t)
	h := newHarness(t, WithCatalog(items, nil), WithManager(w.desk), WithCheckout(counter.NewCheckout(w.core, false, nil)),
		WithLineLimits(pricing.Limits{MaxPercent: 10, MaxFen: 5000}, 10000))
	s := screenAs[*saleScreen](h)
	for _, c := range []string{codes["cola"], codes["bread"], codes["cola"], codes["towel"]} {
		h.wedgeScan(c)
	}
	d := &h.term.draft
	if len(d.lines) != 3 || d.lines[0].Qty != 2 || d.lines[0].Barcode != codes["cola"] || s.total.Text() != "¥49.50" {
		t.Fatalf("after the scans: %+v, total %s", d.lines, s.total.Text())
	}
	if s.lineView.list.Length() != 3 {
		t.Fatalf("%d lines drawn", s.lineView.list.Length())
	}
	// Bread: up from the towel, 3 ×, then one less.
	h.key(fyne.KeyUp)
	h.typeText("3*")
	h.typeText("-")
	if d.lines[1].Qty != 2 || s.total.Text() != "¥62.00" {
		t.Fatalf("bread ×2: %+v, total %s", d.lines[1], s.total.Text())
	}
	// The towel 50 % off: above the 10 % a cashier may give.
	h.key(fyne.KeyDown)
	h.key(fyne.KeyF4)
	f := s.discount
	if f == nil || f.whole || f.line != 2 {
		t.Fatalf("discount form %+v", f)
	}
	f.value.SetText("50")
	f.reason.SetText("样品")
	f.apply()
	answerPIN(h, s.console, "Wang", "2468")
	h.waitFor("discount applied", func() bool { return d.lines[2].Discount != nil })
	if disc := d.lines[2].Discount; disc.ApprovedBy != "Wang" || disc.AmountFen != 1500 || s.total.Text() != "¥47.00" {
		t.Fatalf("towel discount %+v, total %s", disc, s.total.Text())
	}
	h.wedgeScan(goodCode)
	h.waitFor("paid", onScreen[*receiptScreen](h))
	rc := screenAs[*receiptScreen](h)
	shown := false
	for _, rw := range rc.rows {
		shown = shown || (strings.HasPrefix(rw.key.Text, "毛巾") && strings.Contains(rw.value.Text, "-50% -¥15.00"))
	}
	if !shown {
		t.Error("the receipt screen does not show the towel's discount")
	}
	o, err := w.core.Order(rc.r.OutTradeNo)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != pos.StatePaid || o.AmountFen != 4700 || len(o.Lines) != 3 || o.Lines[2].Discount.ApprovedBy != "Wang" ||
		o.Lines[2].Discount.Reason != "样品" || o.Lines[0].UnitFen != 350 {
		t.Fatalf("order %+v lines %+v", o, o.Lines)
	}
}

// TestDeleteLineNeedsManager: a cheap line goes at once before paying; once
// a tender was opened, deleting one asks for a manager.
func TestDeleteLineNeedsManager(t *testing.T) {
	w := newMgrWorld(t)
	items, codes := testItems(t)
	h := newHarness(t, WithCatalog(items, nil), WithManager(w.desk), WithLineLimits(pricing.Limits{MaxPercent: 10, MaxFen: 5000}, 2000))
	s := screenAs[*saleScreen](h)
	d := &h.term.draft
	h.wedgeScan(codes["cola"])
	h.wedgeScan(codes["towel"])
	h.key(fyne.KeyDelete) // the towel, ¥30.00: above ¥20.00
	if len(d.lines) != 2 || s.console == nil || s.console.prompt == nil {
		t.Fatalf("a ¥30.00 line went without a manager: %+v", d.lines)
	}
	answerPIN(h, s.console, "Wang", "2468")
	h.waitFor("towel deleted", func() bool { return len(d.lines) == 1 })
	h.key(fyne.KeyDelete) // the cola, ¥3.50: at once
	if len(d.lines) != 0 {
		t.Fatalf("cola kept: %+v", d.lines)
	}
	h.wedgeScan(codes["cola"])
	h.key(fyne.KeyF1) // the scan screen: a tender opened
	h.key(fyne.KeyEscape)
	h.waitFor("back on the sale", onScreen[*saleScreen](h))
	s.console = nil
	h.key(fyne.KeyDelete)
	if len(d.lines) != 1 || s.console == nil {
		t.Fatalf("a line deleted after paying began, without a manager: %+v", d.lines)
	}
}

func TestScannedCodes(t *testing.T) {
	items, codes := testItems(t)
	tests := []struct {
		name, scan string
		keyed      string
		want       msg
		lines      int
	}{
		{"an item", codes["bread"], "", msgSaleHint, 1},
		{"an item with an amount keyed stays apart from it", codes["bread"], "5", msgSaleHint, 1},
		{"an unknown product", ean("690999999999"), "", msgSaleNoItem, 0},
		{"an open-price item without a price", codes["cake"], "", msgSaleOpenPrice, 0},
		{"an open-price item takes the keyed price", codes["cake"], "88", msgSaleHint, 1},
		{"Alipay", "281234567890123456", "", msgSaleOnlyWeChat, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, WithCatalog(items, nil))
			s := screenAs[*saleScreen](h)
			h.typeText(tc.keyed)
			h.wedgeScan(tc.scan)
			if got := len(h.term.draft.lines); got != tc.lines {
				t.Fatalf("%d lines, want %d (hint %q)", got, tc.lines, s.hint.Text)
			}
			if head := strings.SplitN(zh(tc.want, "%s"), "%", 2)[0]; !strings.HasPrefix(s.hint.Text, head[:min(len(head), 6)]) {
				t.Errorf("hint %q, want %q", s.hint.Text, zh(tc.want, "…"))
			}
			if h.fake.count() != 0 {
				t.Errorf("a payment started")
			}
		})
	}
}

// TestDraftTotalsArePricing's: the total the screen shows is what pricing
// computes for the lines, the keyed amount and the sale discount.
func TestDraftTotalsArePricings(t *testing.T) {
	var d saleDraft
	cat := newCatalog(LangZH)
	d.addItem(receipt.Line{ItemID: "A", Name: "a", Qty: 1, UnitFen: 333})
	d.addItem(receipt.Line{ItemID: "A", Name: "a", Qty: 1, UnitFen: 333})
	d.addItem(receipt.Line{ItemID: "W", Name: "w", Unit: receipt.UnitKg, Qty: 1234, UnitFen: 999})
	if len(d.lines) != 2 || d.lines[0].Qty != 2 {
		t.Fatalf("lines %+v", d.lines)
	}
	if err := d.discountSale(&receipt.Discount{Percent: 10, Reason: "r"}, cat); err != nil {
		t.Fatal(err)
	}
	d.input.Press("5")
	s := d.sale(cat)
	want, err := pricing.Compute(append([]receipt.Line{{Qty: 2, UnitFen: 333}, {Unit: receipt.UnitKg, Qty: 1234, UnitFen: 999}},
		receipt.Line{Qty: 1, UnitFen: 500}), &receipt.Discount{Percent: 10, Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalFen != want.NetFen || d.totalFen() != want.NetFen || len(s.Lines) != 3 || s.Discount.AmountFen != want.OrderDiscountFen {
		t.Fatalf("sale %d (%d lines, discount %+v), draft %d, pricing %+v", s.TotalFen, len(s.Lines), s.Discount, d.totalFen(), want)
	}
	if _, err := pricing.Check(s.Lines, s.Discount, s.TotalFen); err != nil {
		t.Fatalf("the sale the window sends does not check: %v", err)
	}
}

// quickKeys is a test catalogue with the quick keys (InCategory).
type quickKeys struct{ *products.Index }

func (q quickKeys) InCategory(name string, limit int) ([]products.Item, error) {
	all, err := q.Search("6", 1000) // every test item's barcode starts with 6
	if err != nil {
		return nil, err
	}
	var out []products.Item
	for _, it := range all {
		if it.Category == name && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

// itemSale puts a catalogue on h's terminal and rings up items with a line
// and a whole-sale discount, long names, a keyed line and an amount keyed.
func itemSale(h *harness) {
	h.t.Helper()
	items, codes := testItems(h.t)
	long := products.Item{ID: "L1", Name: "特级冷榨初榨橄榄油礼盒装（意大利进口）五百毫升两瓶", NameEN: "Extra virgin cold-pressed olive oil gift box, two 500 ml bottles",
		Price: 29900, Barcodes: []string{ean("690000000099")}, Category: "食品", Unit: products.UnitPiece, Active: true}
	if err := items.Put(long); err != nil {
		h.t.Fatal(err)
	}
	for i := range 12 {
		it := products.Item{ID: fmt.Sprintf("Q%d", i), Name: fmt.Sprintf("饮料 %d 号", i), NameEN: fmt.Sprintf("Drink no. %d", i), Price: int64(300 + i),
			Barcodes: []string{ean(fmt.Sprintf("69100000%04d", i))}, Category: "饮料", Unit: products.UnitPiece, Active: true}
		if err := items.Put(it); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, c := range []products.Category{{Name: "饮料", Colour: "#3366FF", Order: 1}, {Name: "食品", Colour: "#FF9900", Order: 2}, {Name: "日用", Colour: "#33AA55", Order: 3}} {
		items.PutCategory(c)
	}
	h.term.opt.items = quickKeys{items}
	h.term.opt.discounts = pricing.Limits{MaxPercent: 100, MaxFen: 1_000_000}
	s := screenAs[*saleScreen](h)
	s.itemsBtn.Show()
	for _, c := range []string{codes["cola"], codes["cola"], ean("690000000099"), codes["towel"]} {
		h.wedgeScan(c)
	}
	d := &h.term.draft
	if err := d.discountLine(1, &receipt.Discount{Percent: 15, Reason: "临期"}); err != nil {
		h.t.Fatal(err)
	}
	if err := d.overridePrice(2, 2500, receipt.Override{Reason: "包装破损"}); err != nil {
		h.t.Fatal(err)
	}
	if err := d.discountSale(&receipt.Discount{AmountFen: 500, Reason: "会员"}, h.term.cat); err != nil {
		h.t.Fatal(err)
	}
	h.typeText("12.5+8")
	s.refresh()
}

// TestLineShowsQuantityTimesPrice: a line of two colas reads
// "2 × ¥3.50 =" beside its total ¥7.00 — the amount column is the line's
// total, as on the receipt, on the sale screen and the customer window —
// and the line keeps the item's category as sold.
func TestLineShowsQuantityTimesPrice(t *testing.T) {
	items, codes := testItems(t)
	h := newHarness(t, WithCatalog(items, nil))
	s := screenAs[*saleScreen](h)
	h.wedgeScan(codes["cola"])
	h.wedgeScan(codes["cola"])
	d := &h.term.draft
	if len(d.lines) != 1 || d.lines[0].Qty != 2 || d.lines[0].Category != "饮料" {
		t.Fatalf("lines %+v", d.lines)
	}
	_, r := newLineRow()
	s.lineView.fill(0, r)
	if r.qty.Text != "2 × ¥3.50 =" || r.total.Text != "¥7.00" {
		t.Errorf("sale screen row: %q %q, want \"2 × ¥3.50 =\" \"¥7.00\"", r.qty.Text, r.total.Text)
	}
	if q := custQty(d.lines[0]); q != "2 × ¥3.50 =" {
		t.Errorf("customer window: %q", q)
	}
	weighed := receipt.Line{Unit: receipt.UnitKg, Qty: 750, UnitFen: 4000, TotalFen: 3000}
	if q := lineQtyText(weighed); q != "0.750kg × ¥40.00 =" {
		t.Errorf("weighed line: %q", q)
	}
}

// TestPriceAsSoldAfterCatalogueChange: the catalogue's price and name of
// an item change after it was sold (an import, a pull from head office);
// the sale, its receipt and the day's sales by item keep what was sold,
// and the next scan sells at the new price.
func TestPriceAsSoldAfterCatalogueChange(t *testing.T) {
	w := newMgrWorld(t)
	items, codes := testItems(t)
	h := newHarness(t, WithCatalog(items, nil), WithCheckout(counter.NewCheckout(w.core, false, nil)))
	for _, c := range []string{codes["cola"], codes["cola"], codes["bread"]} {
		h.wedgeScan(c)
	}
	h.wedgeScan(goodCode)
	h.waitFor("paid", onScreen[*receiptScreen](h))
	sold := screenAs[*receiptScreen](h).r

	cola, err := items.ByID("C1")
	if err != nil {
		t.Fatal(err)
	}
	cola.Price, cola.Name = 400, "可乐 新装"
	if err := items.Put(cola); err != nil {
		t.Fatal(err)
	}

	o, err := w.core.Order(sold.OutTradeNo)
	if err != nil {
		t.Fatal(err)
	}
	if l := o.Lines[0]; l.Name != "可乐" || l.UnitFen != 350 || l.Qty != 2 || l.TotalFen != 700 || o.AmountFen != 1950 {
		t.Fatalf("the sale after the price change: %d fen, line %+v", o.AmountFen, l)
	}
	rc, err := w.core.Receipt(sold.No)
	if err != nil || rc.Lines[0].Name != "可乐" || rc.Lines[0].UnitFen != 350 || rc.TotalFen != 1950 {
		t.Fatalf("the receipt after the price change: %+v, %v", rc, err)
	}
	rep, err := w.cfg.Book.Items(o.BusinessDay, o.BusinessDay, report.ByItem, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.ItemID == "C1" && (r.Name != "可乐" || r.GrossFen != 700) {
			t.Fatalf("sales by item after the price change: %+v", r)
		}
	}
	if rep.Total.GrossFen != 1950 {
		t.Fatalf("sales by item total %d, want 1950", rep.Total.GrossFen)
	}

	h.key(fyne.KeyReturn) // the next sale
	h.waitFor("a new sale", onScreen[*saleScreen](h))
	h.wedgeScan(codes["cola"])
	if d := &h.term.draft; len(d.lines) != 1 || d.lines[0].UnitFen != 400 || d.lines[0].Name != "可乐 新装" {
		t.Fatalf("the next sale's line %+v, want the new price", d.lines)
	}
}
