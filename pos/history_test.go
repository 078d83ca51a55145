package pos_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
)

// historyRig has sales on three days: 2026-11-24 ¥12.34 cash, 2026-11-25
// ¥5.00 cash (¥1.00 of it refunded) and a ¥7.00 scan, 2026-11-26 ¥5.00
// cash and ¥9.99 cash.
type historyRig struct {
	*rig
	cash1124, cash1125, scan1125, cash1126a, cash1126b *pos.Order
}

func newHistoryRig(t *testing.T) *historyRig {
	r := &historyRig{rig: newRig(t, true)}
	ctx := context.Background()
	cash := func(fen int64) *pos.Order {
		o, err := r.term.PayCash(ctx, sale(fen), fen)
		if err != nil {
			t.Fatal(err)
		}
		r.clk.Advance(time.Minute)
		return o
	}
	day := 24 * time.Hour
	r.clk.Advance(-day) // t0 is 2026-11-25 18:00 in Shanghai
	r.cash1124 = cash(1234)
	r.clk.Advance(day)
	r.cash1125 = cash(500)
	p, err := r.term.BeginScan(ctx, sale(700), postest.Code(postest.Success, 7))
	if err != nil {
		t.Fatal(err)
	}
	r.scan1125 = r.wait(p)
	if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: r.cash1125.OutTradeNo, AmountFen: 100, Reason: "退货", Approval: manager}); err != nil {
		t.Fatal(err)
	}
	r.clk.Advance(day)
	r.cash1126a = cash(500)
	r.cash1126b = cash(999)
	return r
}

func nos(h pos.History) string {
	var s []string
	for _, r := range h.Rows {
		s = append(s, r.Order.OutTradeNo)
	}
	return strings.Join(s, " ")
}

func TestHistory(t *testing.T) {
	r := newHistoryRig(t)
	join := func(os ...*pos.Order) string {
		var s []string
		for _, o := range os {
			s = append(s, o.OutTradeNo)
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		name string
		q    pos.HistoryQuery
		want string
	}{
		{"one day, newest first", pos.HistoryQuery{From: "20261126"}, join(r.cash1126b, r.cash1126a)},
		{"three days, newest first", pos.HistoryQuery{From: "20261124", To: "20261126"}, join(r.cash1126b, r.cash1126a, r.scan1125, r.cash1125, r.cash1124)},
		{"amount across days", pos.HistoryQuery{From: "20261124", To: "20261126", Text: "12.34"}, join(r.cash1124)},
		{"amount with the yuan sign", pos.HistoryQuery{From: "20261124", To: "20261126", Text: "¥5"}, join(r.cash1126a, r.cash1125)},
		{"amount outside the days", pos.HistoryQuery{From: "20261125", To: "20261126", Text: "12.34"}, ""},
		{"last 4 of the payment code", pos.HistoryQuery{From: "20261124", To: "20261126", Text: r.scan1125.CodeLast4}, join(r.scan1125)},
		{"last 4 of the transaction id", pos.HistoryQuery{From: "20261124", To: "20261126", Text: r.scan1125.TransactionID[len(r.scan1125.TransactionID)-4:]}, join(r.scan1125)},
		{"sequence number", pos.HistoryQuery{From: "20261124", To: "20261126", Text: "1"}, join(r.cash1124)},
		{"part of the order number", pos.HistoryQuery{From: "20261124", To: "20261126", Text: strings.ToLower(r.cash1125.OutTradeNo[len(r.cash1125.OutTradeNo)-11:])}, join(r.cash1125)},
		{"receipt number", pos.HistoryQuery{From: "20261124", To: "20261126", Text: r.cash1126a.ReceiptNo}, join(r.cash1126a)},
		{"limit keeps the newest", pos.HistoryQuery{From: "20261124", To: "20261126", Limit: 2}, join(r.cash1126b, r.cash1126a)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := r.term.History(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := nos(h); got != tt.want {
				t.Errorf("History(%+v) = %s\nwant %s", tt.q, got, tt.want)
			}
			if h.Truncated != (tt.q.Limit > 0) {
				t.Errorf("Truncated = %v", h.Truncated)
			}
		})
	}
}

func TestHistoryRefunds(t *testing.T) {
	r := newHistoryRig(t)
	h, err := r.term.History(context.Background(), pos.HistoryQuery{From: "20261125"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range h.Rows {
		want, left := int64(0), row.Order.AmountFen
		if row.Order.OutTradeNo == r.cash1125.OutTradeNo {
			want, left = 100, 400
		}
		if row.RefundedFen != want || row.Refundable() != left {
			t.Errorf("%s: refunded %d, refundable %d; want %d, %d", row.Order.OutTradeNo, row.RefundedFen, row.Refundable(), want, left)
		}
	}
}

func TestHistoryBadRange(t *testing.T) {
	r := newRig(t, false)
	for _, q := range []pos.HistoryQuery{{From: "2026-11-25"}, {From: "20261126", To: "20261125"}, {From: "20260101", To: "20261231"}} {
		if _, err := r.term.History(context.Background(), q); err == nil {
			t.Errorf("History(%+v) did not fail", q)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.term.History(ctx, pos.HistoryQuery{From: "20261125"}); !errors.Is(err, context.Canceled) {
		t.Errorf("History with an ended context: %v", err)
	}
}

// seedDays records perDay cash sales on each of days days ending on
// 2026-11-25, on a database without fsync (the benchmark measures reads).
func seedDays(b *testing.B, days, perDay int) *pos.Terminal {
	db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	clk := postest.NewClock(t0.AddDate(0, 0, 1-days).Add(-8 * time.Hour)) // 10:00 Shanghai
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), testConfig(clk))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { term.Close() })
	ctx := context.Background()
	for range days {
		for i := range perDay {
			fen := int64(100 + i%5000)
			if _, err := term.PayCash(ctx, pos.Sale{AmountFen: fen, Cashier: "alice",
				Lines: []receipt.Line{{Name: "商品", Qty: 1, UnitFen: fen, TotalFen: fen}}}, 10000); err != nil {
				b.Fatal(err)
			}
			clk.Advance(30 * time.Second)
		}
		clk.Advance(24*time.Hour - time.Duration(perDay)*30*time.Second)
	}
	return term
}

// BenchmarkHistoryDay is opening history on a day of 1,000 sales: every
// row with its refunds.
func BenchmarkHistoryDay(b *testing.B) {
	term := seedDays(b, 1, 1000)
	ctx := context.Background()
	for b.Loop() {
		h, err := term.History(ctx, pos.HistoryQuery{From: "20261125"})
		if err != nil || len(h.Rows) != 1000 {
			b.Fatalf("%d rows, %v", len(h.Rows), err)
		}
	}
}

// BenchmarkHistorySearch30Days is one search keystroke over 30 days of
// 1,000 sales each (an amount that matches one sale a day).
func BenchmarkHistorySearch30Days(b *testing.B) {
	term := seedDays(b, 30, 1000)
	ctx := context.Background()
	for b.Loop() {
		h, err := term.History(ctx, pos.HistoryQuery{From: "20261027", To: "20261125", Text: "5.00"})
		if err != nil || len(h.Rows) == 0 {
			b.Fatalf("%d rows, %v", len(h.Rows), err)
		}
	}
}
