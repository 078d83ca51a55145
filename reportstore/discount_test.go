package reportstore_test

import (
	"context"
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

// TestGrossDiscountsNet: a day of one keyed sale and two sales of items
// with discounts reports gross − discounts = sales, on the printed X and Z.
func TestGrossDiscountsNet(t *testing.T) {
	db := fastDB(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, tz.Shanghai)
	clk := postest.NewClock(now)
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Discounts: pricing.Limits{MaxPercent: 100, MaxFen: 1_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	book := reportstore.New(db, info, fixedNow(now.Add(time.Hour)))
	day := now.Format("20060102")
	if _, err := book.Open(day, "Wang", 0); err != nil {
		t.Fatal(err)
	}
	sales := []pos.Sale{{AmountFen: 1234}}
	for _, disc := range []*receipt.Discount{nil, {AmountFen: 100, Reason: "会员"}} {
		lines := []receipt.Line{
			{Name: "水", Qty: 3, UnitFen: 200},
			{Name: "肉", Unit: receipt.UnitKg, Qty: 750, UnitFen: 4000, Discount: &receipt.Discount{Percent: 20, Reason: "临期"}},
		}
		tot, err := pricing.Compute(lines, disc)
		if err != nil {
			t.Fatal(err)
		}
		sales = append(sales, pos.Sale{AmountFen: tot.NetFen, Lines: lines, Discount: disc})
	}
	for _, s := range sales {
		if _, err := term.PayCash(context.Background(), s, s.AmountFen); err != nil {
			t.Fatal(err)
		}
	}
	// Gross: 1234 + 2 × (600 + 3000); off: 2 × 600 (20 % of 3000) + 100.
	wantGross, wantOff := int64(1234+2*3600), int64(2*600+100)
	for _, take := range []func() (*report.Report, error){
		func() (*report.Report, error) { return book.X(day, "Li") },
		func() (*report.Report, error) { return book.Close(day, "Wang", nil) },
	} {
		r, err := take()
		if err != nil {
			t.Fatal(err)
		}
		s, _, _ := r.Totals()
		if r.GrossFen != wantGross || r.DiscountFen != wantOff || r.GrossFen-r.DiscountFen != s.SaleFen {
			t.Fatalf("%s: gross %d, discounts %d, sales %d; want %d, %d", r.Kind, r.GrossFen, r.DiscountFen, s.SaleFen, wantGross, wantOff)
		}
		d, err := receipt.LayoutReport(r.DayReport, receipt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		text := d.Text()
		for _, want := range []string{"原价合计", receipt.Yuan(wantGross), "折扣优惠", receipt.Yuan(-wantOff)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s report lacks %q:\n%s", r.Kind, want, text)
			}
		}
	}
}

// TestReturnedItems: the items given back by a day's refunds by line are
// on the X and Z — two refunds of the same water counted as one item, the
// weighed meat in kg — and a refund of an amount names no item; printed,
// in text and in CSV.
func TestReturnedItems(t *testing.T) {
	db := fastDB(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, tz.Shanghai)
	clk := postest.NewClock(now)
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "Wang", nil })})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	book := reportstore.New(db, info, fixedNow(now.Add(time.Hour)))
	day := now.Format("20060102")
	if _, err := book.Open(day, "Wang", 0); err != nil {
		t.Fatal(err)
	}
	lines := []receipt.Line{{Name: "水", Qty: 3, UnitFen: 200}, {Name: "肉", Unit: receipt.UnitKg, Qty: 750, UnitFen: 4000}}
	tot, err := pricing.Compute(lines, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := term.PayCash(context.Background(), pos.Sale{AmountFen: tot.NetFen, Lines: lines}, tot.NetFen)
	if err != nil {
		t.Fatal(err)
	}
	for _, rq := range []pos.RefundOrder{
		{Lines: []receipt.RefundLine{{Line: 0, Qty: 1}, {Line: 1, Qty: 250}}}, // 200 + 1000
		{Lines: []receipt.RefundLine{{Line: 0, Qty: 1}}},                      // 200
		{AmountFen: 300},
	} {
		rq.OutTradeNo, rq.Reason = o.OutTradeNo, "退货"
		if _, err := term.Refund(context.Background(), rq); err != nil {
			t.Fatal(err)
		}
	}
	want := []receipt.ReturnedItem{{Name: "水", Qty: 2, AmountFen: 400}, {Name: "肉", Unit: receipt.UnitKg, Qty: 250, AmountFen: 1000}}
	for _, take := range []func() (*report.Report, error){
		func() (*report.Report, error) { return book.X(day, "Li") },
		func() (*report.Report, error) { return book.Close(day, "Wang", nil) },
	} {
		r, err := take()
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Returned) != len(want) || r.Returned[0] != want[0] || r.Returned[1] != want[1] {
			t.Fatalf("%s: returned %+v, want %+v", r.Kind, r.Returned, want)
		}
		d, err := receipt.LayoutReport(r.DayReport, receipt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		text, err := report.TextIn(r, 42, false, csvout.English)
		if err != nil {
			t.Fatal(err)
		}
		var csv strings.Builder
		if err := report.WriteCSV(&csv, r, csvout.English); err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]string{"printed": d.Text(), "text": text, "csv": csv.String()} {
			for _, w := range []string{"水", "x2", "-4.00", "肉", "0.250kg", "-10.00"} {
				if name == "csv" {
					w = strings.TrimPrefix(w, "x")
				}
				if !strings.Contains(got, w) {
					t.Errorf("%s %s lacks %q:\n%s", r.Kind, name, w, got)
				}
			}
		}
	}
}
