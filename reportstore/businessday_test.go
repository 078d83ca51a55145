package reportstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/tz"
)

type allowAll struct{}

func (allowAll) Authorize(context.Context, pos.Approval, pos.Action, string) (string, error) {
	return "manager", nil
}

// TestSaleAfterZGoesToNextDay is the business-day rule through the real
// core and store: after the Z of D, a sale at 23:00 on D (and a refund)
// belong to D+1 — in D+1's X and Z, on the order and its receipt — while
// D's Z is unchanged and an X of D still matches it.
func TestSaleAfterZGoesToNextDay(t *testing.T) {
	ctx := context.Background()
	d := time.Date(2026, 12, 4, 0, 0, 0, 0, tz.Shanghai)
	day, next := d.Format("20060102"), d.AddDate(0, 0, 1).Format("20060102")
	clk := postest.NewAutoClock(d.Add(10 * time.Hour))
	db := storagetest.Open(t)
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now),
		pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk, Authorizer: allowAll{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	book := reportstore.New(db, info, &reportstore.Options{Now: clk.Now})
	if _, err := book.Open(day, "manager", 10000); err != nil {
		t.Fatal(err)
	}
	pay := func(fen int64, n int) *pos.Order {
		t.Helper()
		o, err := term.PayScan(ctx, pos.Sale{AmountFen: fen}, postest.Code(postest.Success, n))
		if err != nil || o.State != pos.StatePaid {
			t.Fatalf("pay: %v %+v", err, o)
		}
		return o
	}
	cash := func(fen int64) *pos.Order {
		t.Helper()
		o, err := term.PayCash(ctx, pos.Sale{AmountFen: fen}, fen)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	morning := pay(1000, 1)
	cashSale := cash(500)
	if morning.BusinessDay != day || cashSale.BusinessDay != day {
		t.Fatalf("sales before the Z on %s/%s, want %s", morning.BusinessDay, cashSale.BusinessDay, day)
	}

	if got, err := book.BusinessDay(); err != nil || got != day {
		t.Fatalf("business day before the Z: %q %v, want %s", got, err, day)
	}
	clk.Advance(12 * time.Hour) // 22:00
	counted := int64(10500)
	z, err := book.Close(day, "manager", &counted)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := book.BusinessDay(); err != nil || got != next {
		t.Fatalf("business day after the Z: %q %v, want %s (what the sale screen shows)", got, err, next)
	}

	clk.Advance(time.Hour) // 23:00 on the same calendar day
	late := pay(2000, 2)
	lateCash := cash(300)
	refund, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: cashSale.OutTradeNo, AmountFen: 200, Reason: "退货"})
	if err != nil || refund.State != pos.RefundSuccess {
		t.Fatalf("refund: %v %+v", err, refund)
	}
	for _, got := range []string{late.BusinessDay, lateCash.BusinessDay, refund.BusinessDay} {
		if got != next {
			t.Errorf("money recorded after the Z of %s went to %s, want %s", day, got, next)
		}
	}
	rc, err := term.Receipt(late.ReceiptNo)
	if err != nil || rc.BusinessDay != next {
		t.Errorf("receipt %+v %v does not say %s", rc, err, next)
	}

	// D's Z is frozen and D's X still matches it.
	again, err := book.Z(day)
	if err != nil || !reflect.DeepEqual(again.Tenders, z.Tenders) {
		t.Fatalf("Z of %s changed: %+v → %+v (%v)", day, z.Tenders, again.Tenders, err)
	}
	x, err := book.X(day, "manager")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Tenders, z.Tenders) || x.ExpectedCashFen != z.ExpectedCashFen {
		t.Errorf("X of closed %s %+v no longer matches its Z %+v", day, x.Tenders, z.Tenders)
	}
	if s, _, _ := z.Totals(); s.SaleCount != 2 || s.SaleFen != 1500 {
		t.Errorf("Z of %s: %d sales %d fen, want 2 / 1500", day, s.SaleCount, s.SaleFen)
	}

	// D+1 has the late money, in its X and its Z, and says which day it is.
	want := map[receipt.Tender]receipt.TenderSummary{
		receipt.TenderWeChatScan: {Tender: receipt.TenderWeChatScan, SaleCount: 1, SaleFen: 2000},
		receipt.TenderCash:       {Tender: receipt.TenderCash, SaleCount: 1, SaleFen: 300, RefundCount: 1, RefundFen: 200},
	}
	check := func(kind string, r *report.Report) {
		t.Helper()
		if r.BusinessDay != next {
			t.Errorf("%s of %s says business day %q", kind, next, r.BusinessDay)
		}
		for _, ts := range r.Tenders {
			w, ok := want[ts.Tender]
			if !ok {
				w = receipt.TenderSummary{Tender: ts.Tender}
			}
			if ts != w {
				t.Errorf("%s of %s, %s: %+v, want %+v", kind, next, ts.Tender, ts, w)
			}
		}
	}
	xNext, err := book.X(next, "manager")
	if err != nil {
		t.Fatal(err)
	}
	check("X", xNext)
	clk.Advance(23 * time.Hour)
	zNext, err := book.Close(next, "manager", nil)
	if err != nil {
		t.Fatal(err)
	}
	check("Z", zNext)
}
