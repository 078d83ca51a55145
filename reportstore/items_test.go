package reportstore_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/tz"
)

// TestItemsReport: two days of a keyed sale and sales of items with line
// and sale discounts, a refund by line and one by amount. By item and by
// category, the rows' nets add up to the X's sales and their returns to
// its refunds; the discount shares are pricing.Shares'; a line sold
// without its category takes the catalogue's; a range sums its days.
func TestItemsReport(t *testing.T) {
	ctx := context.Background()
	db := fastDB(t)
	day1 := time.Date(2026, 12, 5, 10, 0, 0, 0, tz.Shanghai)
	clk := postest.NewClock(day1)
	allow := pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "Wang", nil })
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: allow, Discounts: pricing.Limits{MaxPercent: 100, MaxFen: 1_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	lines := func() []receipt.Line {
		return []receipt.Line{
			{ItemID: "cola", Name: "可乐", Category: "饮料", Qty: 2, UnitFen: 350},
			{ItemID: "pork", Name: "猪肉", Unit: receipt.UnitKg, Qty: 750, UnitFen: 4000, Discount: &receipt.Discount{Percent: 20, Reason: "临期"}},
			{Name: "面包", Qty: 1, UnitFen: 333},
		}
	}
	pay := func(l []receipt.Line, d *receipt.Discount, amount int64) *pos.Order {
		t.Helper()
		if l != nil {
			tot, err := pricing.Compute(l, d)
			if err != nil {
				t.Fatal(err)
			}
			amount = tot.NetFen
		}
		o, err := term.PayCash(ctx, pos.Sale{AmountFen: amount, Lines: l, Discount: d}, amount)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	refund := func(r pos.RefundOrder) {
		t.Helper()
		r.Reason, r.Approval = "退货", pos.Approval{User: "Wang"}
		if _, err := term.Refund(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	keyed := pay(nil, nil, 1234)
	sale := pay(lines(), &receipt.Discount{AmountFen: 100, Reason: "会员"}, 0)
	refund(pos.RefundOrder{OutTradeNo: sale.OutTradeNo, Lines: []receipt.RefundLine{{Line: 0, Qty: 1}}})
	refund(pos.RefundOrder{OutTradeNo: keyed.OutTradeNo, AmountFen: 234})
	clk.Advance(24 * time.Hour)
	pay(lines()[:1], nil, 0)

	book := reportstore.New(db, info, fixedNow(day1.Add(48*time.Hour)))
	categoryOf := func(id string) string {
		if id == "pork" {
			return "生鲜"
		}
		return ""
	}
	x, err := book.X("20261205", "Li")
	if err != nil {
		t.Fatal(err)
	}
	sales, refunds, _ := x.Totals()
	it, err := book.Items("20261205", "20261205", report.ByItem, categoryOf)
	if err != nil {
		t.Fatal(err)
	}
	if it.Total.NetFen != sales.SaleFen || it.Total.ReturnedFen != refunds.RefundFen || it.Total.GrossFen != x.GrossFen ||
		it.Total.DiscountFen != x.DiscountFen {
		t.Errorf("total %+v; X: sales %d, refunds %d, gross %d, discounts %d", it.Total, sales.SaleFen, refunds.RefundFen, x.GrossFen, x.DiscountFen)
	}
	nets := pricing.Shares(sale.Lines, 100)
	row := func(it *report.Items, key string) report.ItemRow {
		for _, r := range it.Rows {
			if r.Key == key {
				return r
			}
		}
		t.Fatalf("no row %q in %+v", key, it.Rows)
		return report.ItemRow{}
	}
	cola, pork, bread, keyedRow := row(it, "cola"), row(it, "pork"), row(it, "面包"), row(it, "")
	if cola.Qty != 2 || cola.NetFen != nets[0] || cola.GrossFen != 700 || cola.ReturnedQty != 1 || cola.ReturnedFen == 0 || cola.Category != "饮料" {
		t.Errorf("cola %+v (net share %d)", cola, nets[0])
	}
	if pork.Qty != 750 || pork.GrossFen != 3000 || pork.NetFen != nets[1] || pork.DiscountFen != 3000-nets[1] || pork.Category != "生鲜" {
		t.Errorf("pork %+v (net share %d)", pork, nets[1])
	}
	if bread.NetFen != nets[2] || bread.ItemID != "" || keyedRow.NetFen != 1234 || keyedRow.ReturnedFen != 234 {
		t.Errorf("bread %+v, keyed %+v", bread, keyedRow)
	}

	byCat, err := book.Items("20261205", "20261206", report.ByCategory, categoryOf)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range byCat.Rows {
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"", "生鲜", "饮料"}) {
		t.Errorf("categories %q", keys)
	}
	if d := row(byCat, "饮料"); d.Qty != 4 || d.Lines != 2 || d.NetFen != nets[0]+700 {
		t.Errorf("drinks over two days %+v", d)
	}
	if f := row(byCat, "生鲜"); f.Qty != 1 || f.Lines != 1 {
		t.Errorf("a weighed line counts one by category: %+v", f)
	}
	if byCat.Total.NetFen != it.Total.NetFen+700 {
		t.Errorf("two days %d, want %d", byCat.Total.NetFen, it.Total.NetFen+700)
	}

	var csv bytes.Buffer
	if err := report.WriteItemsCSV(&csv, it, csvout.English); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cola,cola,可乐,饮料,2,1,700,", "pork,pork,猪肉,生鲜,0.750kg,1,3000,", "(keyed amounts)", "total,"} {
		if !strings.Contains(csv.String(), want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv.String())
		}
	}
	if txt := report.ItemsText(byCat, csvout.Chinese); !strings.Contains(txt, "分类销售") || !strings.Contains(txt, "（无分类）") {
		t.Errorf("text:\n%s", txt)
	}
	for _, r := range [][2]string{{"20261206", "20261205"}, {"20261205", "20290101"}, {"2026-12-05", "20261205"}} {
		if _, err := book.Items(r[0], r[1], report.ByItem, nil); err == nil {
			t.Errorf("range %v accepted", r)
		}
	}
}
