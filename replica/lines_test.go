package replica

import (
	"context"

	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// linesSale is a sale of three lines: one with its category as sold, one
// whose category only the head-office catalogue knows (with a line
// discount a manager approved), one with no item; and 1.00 off the sale.
func linesSale() ([]receipt.Line, *receipt.Discount, int64) {
	lines := []receipt.Line{
		{ItemID: "cola", Barcode: "6901234567892", Name: "可乐", Category: "drinks", Qty: 2, UnitFen: 350, TotalFen: 700},
		{ItemID: "chips", Name: "薯片", Qty: 1, UnitFen: 500, TotalFen: 450,
			Discount: &receipt.Discount{Percent: 10, AmountFen: 50, Reason: "damaged", By: "c1", ApprovedBy: "boss"}},
		{Name: "面包", Qty: 3, UnitFen: 333, TotalFen: 999},
	}
	d := &receipt.Discount{AmountFen: 100, Reason: "regular", By: "c1"}
	return lines, d, 700 + 450 + 999 - 100
}

func pushAll(t *testing.T, pool *pgxpool.Pool, db *storage.Store, store, term string) {
	t.Helper()
	w, err := NewWorker(db, pool, Options{StoreID: store, TerminalID: term})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type saleLineRow struct {
	No                                 string
	Line                               int
	Day, Item, Name, Category          string
	Qty, Gross, LineOff, OrderOff, Net int64
}

func saleLineRows(t *testing.T, q Querier) []saleLineRow {
	t.Helper()
	rows, err := q.Query(context.Background(), `SELECT out_trade_no, line, to_char(day, 'YYYYMMDD'), item_id, name, category,
		qty, gross_fen, line_discount_fen, order_discount_fen, net_fen FROM sale_lines ORDER BY out_trade_no, line`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[saleLineRow])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func strings2(t *testing.T, q Querier, sql string) []string {
	t.Helper()
	rows, err := q.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLinesReplicate: a sale's lines and discounts reach head office as
// rows (gross, the line's discount, its share of the sale's, net, the
// category as sold or from the catalogue), a keyed-amount sale as one row,
// a refund's lines with the sale's items — also when the refund, taken at
// another counter, arrives before its sale — and the nets of a day add up
// to the roll-up's sales (migration 0007 beside 0006's).
func TestLinesReplicate(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	if _, err := pool.Exec(ctx, `INSERT INTO catalog_items (id, item, version) VALUES
		('chips', '{"id":"chips","category":"snacks"}', 1), ('cola', '{"id":"cola","category":"other"}', 1)`); err != nil {
		t.Fatal(err)
	}
	lines, disc, amount := linesSale()
	t1, t2 := openDB(t), openDB(t)
	record(t, t1, []storage.Order{
		{OutTradeNo: "PS01-T01-1", Tender: "cash", State: "PAID", AmountFen: amount, Lines: lines, Discount: disc,
			CreatedAt: sh("2026-11-25 10:00"), PaidAt: sh("2026-11-25 10:00")},
		{OutTradeNo: "PS01-T01-2", Tender: "wechat_scan", State: "PAID", AmountFen: 1234,
			CreatedAt: sh("2026-11-25 11:00"), PaidAt: sh("2026-11-25 11:00")},
		{OutTradeNo: "PS01-T01-3", Tender: "wechat_scan", State: "UNKNOWN", AmountFen: amount, Lines: lines, Discount: disc,
			CreatedAt: sh("2026-11-25 12:00")},
	}, []storage.Refund{
		{OutRefundNo: "RS01-T01-2", OutTradeNo: "PS01-T01-2", State: "SUCCESS", AmountFen: 200, TotalFen: 1234,
			CreatedAt: sh("2026-11-26 09:00"), SuccessAt: sh("2026-11-26 09:00")},
	})
	record(t, t2, nil, []storage.Refund{
		{OutRefundNo: "RS01-T02-1", OutTradeNo: "PS01-T01-1", State: "SUCCESS", AmountFen: 330, TotalFen: amount,
			Lines:     []receipt.RefundLine{{Line: 0, Name: "可乐", Qty: 1, AmountFen: 330}},
			CreatedAt: sh("2026-11-25 15:00"), SuccessAt: sh("2026-11-25 15:00")},
	})
	pushAll(t, pool, t2, "S01", "T02") // the refund first: its sale is not there yet
	if got := strings2(t, pool, `SELECT item_id || '|' || name FROM refund_lines`); !slices.Equal(got, []string{"|可乐"}) {
		t.Errorf("refund line before its sale: %q", got)
	}
	pushAll(t, pool, t1, "S01", "T01")

	nets := pricing.Shares(lines, disc.AmountFen)
	want := []saleLineRow{
		{"PS01-T01-1", 0, "20261125", "cola", "可乐", "drinks", 2, 700, 0, 700 - nets[0], nets[0]},
		{"PS01-T01-1", 1, "20261125", "chips", "薯片", "snacks", 1, 500, 50, 450 - nets[1], nets[1]},
		{"PS01-T01-1", 2, "20261125", "", "面包", "", 3, 999, 0, 999 - nets[2], nets[2]},
		{"PS01-T01-2", 0, "20261125", "", "", "", 1, 1234, 0, 0, 1234},
	}
	if got := saleLineRows(t, pool); !slices.Equal(got, want) {
		t.Errorf("sale lines\n got %+v\nwant %+v", got, want)
	}
	if got := strings2(t, pool, `SELECT format('%s %s %s%% %s %s %s %s', out_trade_no, line, percent, amount_fen, reason, given_by, approved_by)
		FROM sale_discounts ORDER BY out_trade_no, line`); !slices.Equal(got, []string{
		"PS01-T01-1 -1 0% 100 regular c1 ", "PS01-T01-1 1 10% 50 damaged c1 boss"}) {
		t.Errorf("discounts %q", got)
	}
	if got := strings2(t, pool, `SELECT format('%s %s %s %s %s %s %s', out_refund_no, line, to_char(day, 'YYYYMMDD'), item_id, category, qty, amount_fen)
		FROM refund_lines ORDER BY out_refund_no`); !slices.Equal(got, []string{
		"RS01-T01-2 -1 20261126   0 200", "RS01-T02-1 0 20261125 cola drinks 1 330"}) {
		t.Errorf("refund lines %q", got)
	}
	checkLinesMatchRollup(t, pool)

	// A sale that stops being PAID leaves the lines; a changed record
	// replaces them.
	if _, err := pool.Exec(ctx, `UPDATE orders SET state = 'REVERSED' WHERE out_trade_no = 'PS01-T01-2'`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE orders SET record = jsonb_set(record, '{discount,amount_fen}', '0') WHERE out_trade_no = 'PS01-T01-1'`); err != nil {
		t.Fatal(err)
	}
	got := saleLineRows(t, pool)
	if len(got) != 3 || got[0].Net != 700 || got[1].Net != 450 || got[2].Net != 999 {
		t.Errorf("after the changes: %+v", got)
	}
}

// checkLinesMatchRollup: per day and store, the lines' nets are the
// roll-up's sales, and the refund lines its refunds.
func checkLinesMatchRollup(t *testing.T, q Querier) {
	t.Helper()
	got := strings2(t, q, `SELECT format('%s %s %s', day, store_id, sum(net_fen)) FROM sale_lines GROUP BY day, store_id
		UNION ALL SELECT format('refund %s %s %s', day, store_id, sum(amount_fen)) FROM refund_lines GROUP BY day, store_id ORDER BY 1`)
	want := strings2(t, q, `SELECT format('%s %s %s', day, store_id, sum(sale_fen)) FROM hq_sales_daily WHERE sale_count > 0 GROUP BY day, store_id
		UNION ALL SELECT format('refund %s %s %s', day, store_id, sum(refund_fen)) FROM hq_refunds_daily WHERE refund_count > 0
		GROUP BY day, store_id ORDER BY 1`)
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("lines %q, roll-ups %q", got, want)
	}
}

// linesSalePushedUnderRoles enrols terminal S01/T01 and the reader "hq" on
// a migrated database and has the terminal push linesSale, paid: the
// admin's, the terminal's and the reader's pools.
func linesSalePushedUnderRoles(ctx context.Context, t *testing.T) (admin, term, reader *pgxpool.Pool) {
	t.Helper()
	admin = migrated(t)
	term, reader = terminalAndReader(ctx, t, admin)
	lines, disc, amount := linesSale()
	db := openDB(t)
	record(t, db, []storage.Order{{OutTradeNo: "PS01-T01-1", Tender: "cash", State: "PAID", AmountFen: amount, Lines: lines,
		Discount: disc, CreatedAt: sh("2026-11-25 10:00"), PaidAt: sh("2026-11-25 10:00")}}, nil)
	pushAll(t, term, db, "S01", "T01")
	return admin, term, reader
}

// TestLinesUnderRoles: an enrolled terminal's push writes its lines
// through the admin's triggers; the reader reads them; the terminal reads
// none and cannot call the functions that write them.
func TestLinesUnderRoles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, term, reader := linesSalePushedUnderRoles(ctx, t)
	if n := count(t, reader, `SELECT count(*) FROM sale_lines`); n != 3 {
		t.Errorf("reader sees %d lines, want 3", n)
	}
	if n := count(t, reader, `SELECT count(*) FROM sale_discounts`); n != 2 {
		t.Errorf("reader sees %d discounts, want 2", n)
	}
	checkLinesMatchRollup(t, reader)
	for _, sql := range []string{`SELECT count(*) FROM sale_lines`, `SELECT count(*) FROM refund_lines`,
		`SELECT count(*) FROM sale_discounts`, `SELECT hq_lines_add(o) FROM orders o LIMIT 1`} {
		_, err := term.Exec(ctx, sql)
		refused(t, "terminal: "+sql, err)
	}
	_, err := reader.Exec(ctx, `DELETE FROM sale_lines`)
	refused(t, "reader deletes lines", err)
}

// TestItemReportMatchesTerminals: two stores' counters sell items (line
// and sale discounts, weighed and keyed lines, keyed-amount sales) and
// refund by line and by amount; head office's items report, by item and
// by category, for the chain and for one store, is the terminals' own
// items reports summed, row for row, and its totals are Report's.
func TestItemReportMatchesTerminals(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	counters := []*counter{newCounter(t, "S01", "T01"), newCounter(t, "S01", "T02"), newCounter(t, "S02", "T01")}
	for k, c := range counters {
		for i := range 12 {
			sellItems(t, c, k*100+i)
		}
		if err := newWorker(t, c, pool, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// from yesterday: the sales may straddle a Shanghai midnight
	now := time.Now().In(tz.Shanghai)
	from, today := now.AddDate(0, 0, -1).Format("20060102"), now.Add(time.Minute).Format("20060102")
	categoryOf := func(string) string { return "" }
	for _, by := range []report.ItemsBy{report.ByItem, report.ByCategory} {
		for _, store := range []string{"", "S01"} {
			want := report.NewItemsBuilder(by)
			for _, c := range counters {
				if store != "" && c.store != store {
					continue
				}
				it, err := reportstore.New(c.db, report.Info{}, nil).Items(from, today, by, categoryOf)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range it.Rows {
					want.Add(r)
				}
			}
			w := want.Build(&report.Items{})
			got, err := ItemReport(ctx, pool, Query{From: from, To: today, StoreID: store}, by)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Rows, w.Rows) || got.Total != w.Total || len(w.Rows) < 3 {
				t.Errorf("by %s, store %q:\n got %+v\nwant %+v", by, store, got.Rows, w.Rows)
			}
			r, err := Report(ctx, pool, Query{From: from, To: today, StoreID: store})
			if err != nil {
				t.Fatal(err)
			}
			if tot := r.Totals(); tot.SaleFen != got.Total.NetFen || tot.RefundFen != got.Total.ReturnedFen || tot.RefundFen == 0 {
				t.Errorf("by %s, store %q: items net %d, returned %d; report sales %d, refunds %d", by, store,
					got.Total.NetFen, got.Total.ReturnedFen, tot.SaleFen, tot.RefundFen)
			}
		}
	}
}

// sellItems takes sale i at counter c: a keyed amount, or items with
// discounts; every third sale is refunded, by line or by amount.
func sellItems(t *testing.T, c *counter, i int) {
	t.Helper()
	ctx := context.Background()
	sale := pos.Sale{AmountFen: int64(500 + i*37%900), Cashier: "c1"}
	if i%4 != 0 {
		sale.Lines = []receipt.Line{
			{ItemID: "cola", Name: "可乐", Category: "饮料", Qty: int64(1 + i%3), UnitFen: 350},
			{ItemID: "pork", Name: "猪肉", Category: "生鲜", Unit: receipt.UnitKg, Qty: int64(250 + i*17), UnitFen: 4000,
				Discount: &receipt.Discount{Percent: int64(5 + i%10), Reason: "临期", By: "c1", ApprovedBy: "boss"}},
			{Name: "面包", Qty: 1, UnitFen: int64(300 + i)},
		}[:1+i%3]
		if i%2 == 0 {
			sale.Discount = &receipt.Discount{AmountFen: int64(1 + i%50), Reason: "会员", By: "c1", ApprovedBy: "boss"}
		}
		tot, err := pricing.Compute(sale.Lines, sale.Discount)
		if err != nil {
			t.Fatal(err)
		}
		sale.AmountFen = tot.NetFen
	}
	o, err := c.pos.PayCash(ctx, sale, sale.AmountFen)
	if err != nil {
		t.Fatal(err)
	}
	if i%3 != 0 {
		return
	}
	r := pos.RefundOrder{OutTradeNo: o.OutTradeNo, Reason: "退货", Approval: pos.Approval{User: "manager", Credential: "x"}}
	if len(o.Lines) > 0 && i%2 == 1 {
		r.Lines = []receipt.RefundLine{{Line: 0, Qty: 1}}
	} else {
		r.AmountFen = o.AmountFen / 3
	}
	if _, err := c.pos.Refund(ctx, r); err != nil {
		t.Fatal(err)
	}
}
