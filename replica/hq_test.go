package replica

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func sh(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tz.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// record writes orders and refunds to a terminal database the way the
// payment core does: each with an event naming it.
func record(t *testing.T, db *storage.Store, orders []storage.Order, refunds []storage.Refund) {
	t.Helper()
	err := db.Update(func(tx *storage.Tx) error {
		for _, o := range orders {
			o.Open = o.State != "PAID" && o.State != "FAILED" && o.State != "CLOSED" && o.State != "REVERSED"
			o.UpdatedAt = o.CreatedAt
			if err := tx.PutOrder(&o); err != nil {
				return err
			}
			if _, err := tx.AppendEvent(storage.Event{Time: o.CreatedAt, Kind: "order.transition", Ref: o.OutTradeNo, To: string(o.State)}); err != nil {
				return err
			}
		}
		for _, r := range refunds {
			r.Open = r.State != "SUCCESS" && r.State != "CLOSED" && r.State != "ABNORMAL"
			r.UpdatedAt = r.CreatedAt
			if err := tx.PutRefund(&r); err != nil {
				return err
			}
			if _, err := tx.AppendEvent(storage.Event{Time: r.CreatedAt, Kind: "refund.transition", Ref: r.OutRefundNo, To: string(r.State)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hqFixture: two stores, three terminals, a sale on each side of a
// Shanghai midnight, a refund made at another counter than its sale, open
// items, a training sale.
func hqFixture(t *testing.T) Querier {
	t.Helper()
	ctx := context.Background()
	pool := migrated(t)
	t1, t2, t3 := openDB(t), openDB(t), openDB(t)
	record(t, t1, []storage.Order{
		{OutTradeNo: "A1", Tender: "cash", State: "PAID", AmountFen: 1000, CreatedAt: sh("2026-11-24 23:58"), PaidAt: sh("2026-11-24 23:59")},
		{OutTradeNo: "A2", Tender: "wechat_scan", State: "PAID", AmountFen: 2000, CreatedAt: sh("2026-11-24 23:59"), PaidAt: sh("2026-11-25 00:01")},
		{OutTradeNo: "A3", Tender: "wechat_scan", State: "UNKNOWN", AmountFen: 500, CreatedAt: sh("2026-11-25 10:00")},
		{OutTradeNo: "A4", Tender: "cash", State: "PAID", AmountFen: 300, CreatedAt: sh("2026-11-25 11:00"), PaidAt: sh("2026-11-25 11:00"), Training: true},
		{OutTradeNo: "A5", Tender: "wechat_qr", State: "CLOSED", AmountFen: 800, CreatedAt: sh("2026-11-25 11:30")},
	}, nil)
	record(t, t2, []storage.Order{
		{OutTradeNo: "B1", Tender: "wechat_qr", State: "PAID", AmountFen: 700, CreatedAt: sh("2026-11-25 12:00"), PaidAt: sh("2026-11-25 12:00")},
	}, []storage.Refund{
		{OutRefundNo: "R1", OutTradeNo: "A2", State: "SUCCESS", AmountFen: 200, TotalFen: 2000, CreatedAt: sh("2026-11-25 13:00"), SuccessAt: sh("2026-11-25 13:01")},
		{OutRefundNo: "R2", OutTradeNo: "B1", State: "PROCESSING", AmountFen: 100, TotalFen: 700, CreatedAt: sh("2026-11-25 14:00")},
	})
	record(t, t3, []storage.Order{
		{OutTradeNo: "C1", Tender: "cash", State: "PAID", AmountFen: 900, CreatedAt: sh("2026-11-25 09:00"), PaidAt: sh("2026-11-25 09:00")},
		{OutTradeNo: "C2", Tender: "cash", State: "PAID", AmountFen: 50, CreatedAt: sh("2026-11-26 09:00"), PaidAt: sh("2026-11-26 09:00")},
	}, nil)
	// Reconciliations: T01 of S01 finds three differences and resolves
	// one; S02's T01 balances; S01's T02 has not reconciled.
	b1 := reconstore.NewBillBook(t1, nil)
	res := &recon.Result{V: recon.ResultVersion, Day: "20261125", BillRows: 12, Counts: map[recon.Kind]int{}, Differences: []recon.Difference{
		{ID: "local_only/order/A9", Kind: recon.KindLocalOnly}, {ID: "wechat_only/order/X1", Kind: recon.KindWeChatOnly},
		{ID: "wechat_only/order/X2", Kind: recon.KindWeChatOnly}}}
	if err := b1.SaveResult(res, "manager"); err != nil {
		t.Fatal(err)
	}
	if _, err := b1.Resolve("20261125", "wechat_only/order/X1", recon.Resolution{Action: recon.ActionExplain, Actor: "manager", Note: "other channel"}); err != nil {
		t.Fatal(err)
	}
	if err := reconstore.NewBillBook(t3, nil).SaveResult(&recon.Result{V: recon.ResultVersion, Day: "20261125", BillRows: 4, Counts: map[recon.Kind]int{}}, "manager"); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		db          *storage.Store
		store, term string
	}{{t1, "S01", "T01"}, {t2, "S01", "T02"}, {t3, "S02", "T01"}} {
		w, err := NewWorker(x.db, pool, Options{StoreID: x.store, TerminalID: x.term})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return pool
}

func TestReport(t *testing.T) {
	pool := hqFixture(t)
	tests := []struct {
		name  string
		q     Query
		lines []Line
		open  []string
	}{
		{
			name: "one day, whole chain",
			q:    Query{From: "20261125", To: "20261125"},
			lines: []Line{
				{Day: "20261125", StoreID: "S01", TerminalID: "T01", Tender: "wechat_scan", SaleCount: 1, SaleFen: 2000},
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_qr", SaleCount: 1, SaleFen: 700},
				// refunded at T02, counted there under its sale's tender
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_scan", RefundCount: 1, RefundFen: 200},
				{Day: "20261125", StoreID: "S02", TerminalID: "T01", Tender: "cash", SaleCount: 1, SaleFen: 900},
			},
			open: []string{"A3", "R2"},
		},
		{
			name: "range over midnight, one store",
			q:    Query{From: "20261124", To: "20261125", StoreID: "S01"},
			lines: []Line{
				{Day: "20261124", StoreID: "S01", TerminalID: "T01", Tender: "cash", SaleCount: 1, SaleFen: 1000},
				{Day: "20261125", StoreID: "S01", TerminalID: "T01", Tender: "wechat_scan", SaleCount: 1, SaleFen: 2000},
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_qr", SaleCount: 1, SaleFen: 700},
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_scan", RefundCount: 1, RefundFen: 200},
			},
			open: []string{"A3", "R2"},
		},
		{
			name: "training included when asked",
			q:    Query{From: "20261125", To: "20261125", StoreID: "S01", Training: true},
			lines: []Line{
				{Day: "20261125", StoreID: "S01", TerminalID: "T01", Tender: "cash", SaleCount: 1, SaleFen: 300},
				{Day: "20261125", StoreID: "S01", TerminalID: "T01", Tender: "wechat_scan", SaleCount: 1, SaleFen: 2000},
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_qr", SaleCount: 1, SaleFen: 700},
				{Day: "20261125", StoreID: "S01", TerminalID: "T02", Tender: "wechat_scan", RefundCount: 1, RefundFen: 200},
			},
			open: []string{"A3", "R2"},
		},
		{
			name:  "day before anything was open",
			q:     Query{From: "20261123", To: "20261123"},
			lines: nil,
			open:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Report(context.Background(), pool, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Lines, tt.lines) {
				t.Errorf("lines\n got %+v\nwant %+v", r.Lines, tt.lines)
			}
			var open []string
			for _, o := range r.Open {
				open = append(open, o.No)
			}
			if !slices.Equal(open, tt.open) {
				t.Errorf("open %v, want %v", open, tt.open)
			}
		})
	}

	t.Run("bad days", func(t *testing.T) {
		for _, q := range []Query{{From: "2026-11-25", To: "20261125"}, {From: "20261126", To: "20261125"}} {
			if _, err := Report(context.Background(), pool, q); err == nil {
				t.Errorf("Report(%+v) accepted", q)
			}
		}
	})

	t.Run("reconciliation status", func(t *testing.T) {
		r, err := Report(context.Background(), pool, Query{From: "20261125", To: "20261125"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range r.Recon {
			got = append(got, fmt.Sprintf("%s %s/%s rows=%d diffs=%d open=%d", d.Day, d.StoreID, d.TerminalID, d.BillRows, d.Differences, d.Open))
		}
		want := []string{"20261125 S01/T01 rows=12 diffs=3 open=2", "20261125 S02/T01 rows=4 diffs=0 open=0"}
		if !slices.Equal(got, want) {
			t.Errorf("recon %v, want %v", got, want)
		}
		r, err = Report(context.Background(), pool, Query{From: "20261124", To: "20261124"})
		if err != nil || len(r.Recon) != 0 {
			t.Errorf("a day nobody reconciled: %v, %v", r.Recon, err)
		}
	})

	t.Run("terminal positions", func(t *testing.T) {
		r, err := Report(context.Background(), pool, Query{From: "20261125", To: "20261125"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Terminals) != 3 {
			t.Fatalf("%d terminals, want 3", len(r.Terminals))
		}
		for _, ts := range r.Terminals {
			if ts.PushedSeq != ts.LocalSeq || ts.PushedSeq == 0 || !ts.OldestPendingAt.IsZero() {
				t.Errorf("terminal %+v: want fully pushed", ts)
			}
		}
	})
}

func TestReportCSV(t *testing.T) {
	pool := hqFixture(t)
	r, err := Report(context.Background(), pool, Query{From: "20261125", To: "20261125"})
	if err != nil {
		t.Fatal(err)
	}
	tables := r.CSVTables(csvout.English)
	var names []string
	for _, tb := range tables {
		names = append(names, tb.Name)
	}
	if !slices.Equal(names, []string{"sales", "open", "recon"}) {
		t.Fatalf("tables %v, want sales, open and recon", names)
	}
	read := func(tb CSVTable) [][]string {
		t.Helper()
		var buf bytes.Buffer
		if err := tb.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte(csvout.BOM)) {
			t.Fatalf("%s: no UTF-8 BOM: %q", tb.Name, buf.String()[:8])
		}
		cr := csv.NewReader(bytes.NewReader(buf.Bytes()[len(csvout.BOM):])) // one table: every row as wide as the header
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		return rows
	}
	rows := read(tables[0])
	if rows[0][0] != "day" || rows[0][5] != "sale_yuan" {
		t.Errorf("header %v", rows[0])
	}
	if len(rows) != len(r.Lines)+2 {
		t.Errorf("sales file has %d rows, want header, %d lines and the total only", len(rows), len(r.Lines))
	}
	total := rows[len(r.Lines)+1]
	want := []string{"total", "", "", "", "3", "36.00", "1", "2.00", "34.00", "3600", "200", "3400"}
	if !slices.Equal(total, want) {
		t.Errorf("total row %v, want %v", total, want)
	}
	open := read(tables[1])
	if open[0][0] != "open" {
		t.Errorf("open file header %v", open[0])
	}
	if recon := read(tables[2]); recon[0][0] != "reconciled" || len(recon) < 2 {
		t.Errorf("recon file %v", recon)
	}
	var opens []string
	for _, row := range open[1:] {
		opens = append(opens, row[1]+":"+row[5])
	}
	if want := []string{"A3:UNKNOWN", "R2:PROCESSING"}; !slices.Equal(opens, want) {
		t.Errorf("open rows %v, want %v", opens, want)
	}

	var text bytes.Buffer
	if err := r.WriteText(&text, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"total", "34.00", "A3", "UNKNOWN", "S02/T01"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, text.String())
		}
	}
}

func TestYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {100, "1.00"}, {123456, "1234.56"}, {-250, "-2.50"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := receipt.Yuan(tt.fen); got != tt.want {
				t.Errorf("receipt.Yuan(%d) = %q", tt.fen, got)
			}
		})
	}
}
