package reportstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

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
