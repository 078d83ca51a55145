package replica

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// itemsLive is the line tables summed by the item roll-ups' key (with
// store, or for the chain), the way migration 0014's backfill does it;
// itemsRolled is what the roll-ups hold, rows summing to nothing left out.
const (
	itemsLive = `SELECT format('%%s %%s %%s %%s|%%s|%%s|%%s %%s %%s %%s %%s %%s %%s %%s %%s', %[1]s day, training, item_id, name,
			category, unit, sum(qty), sum(lines), sum(gross), sum(disc), sum(net), sum(rqty), sum(rlines), sum(rfen)) FROM (
			SELECT store_id, day, training, item_id, name, category, unit, qty, 1 AS lines, gross_fen AS gross,
				line_discount_fen + order_discount_fen AS disc, net_fen AS net, 0 AS rqty, 0 AS rlines, 0 AS rfen FROM sale_lines
			UNION ALL
			SELECT store_id, day, training, item_id, name, category, unit, 0, 0, 0, 0, 0, qty, 1, amount_fen FROM refund_lines) x
		GROUP BY %[1]s day, training, item_id, name, category, unit ORDER BY 1`
	itemsRolled = `SELECT format('%%s %%s %%s %%s|%%s|%%s|%%s %%s %%s %%s %%s %%s %%s %%s %%s', %[1]s day, training, item_id, name,
			category, unit, qty, lines, gross_fen, discount_fen, net_fen, returned_qty, returned_lines, returned_fen)
		FROM %[2]s WHERE (qty, lines, gross_fen, discount_fen, net_fen, returned_qty, returned_lines, returned_fen)
			<> (0, 0, 0, 0, 0, 0, 0, 0)
		ORDER BY 1`
)

// checkItemsRollup: each item roll-up is a fresh GROUP BY over the lines,
// and no transaction left sums pending.
func checkItemsRollup(t *testing.T, q Querier, what string) {
	t.Helper()
	for _, c := range []struct{ store, table string }{{"store_id,", "hq_items_daily"}, {"$$chain$$::text,", "hq_items_chain_daily"}} {
		want := strings2(t, q, fmt.Sprintf(itemsLive, c.store))
		got := strings2(t, q, fmt.Sprintf(itemsRolled, c.store, c.table))
		if len(want) == 0 {
			t.Fatalf("%s: no lines: the test tells nothing", what)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %s (%d rows) is not the lines summed (%d rows)", what, c.table, len(got), len(want))
			for i := range max(len(got), len(want)) {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Fatalf("first difference: roll-up %q, lines %q", g, w)
				}
			}
		}
	}
	if n := count(t, q, `SELECT (SELECT count(*) FROM hq_items_pending) + (SELECT count(*) FROM hq_items_flush)`); n != 0 {
		t.Errorf("%s: %d rows left pending after their commits", what, n)
	}
}

// itemReportFromLines is ItemReport as it was before the roll-ups: the
// lines summed over the days asked for. The roll-ups must give the same.
func itemReportFromLines(ctx context.Context, db Querier, q Query, by report.ItemsBy) (*report.Items, error) {
	start, end, err := dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	b := report.NewItemsBuilder(by)
	where := `WHERE day >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AND day < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
		AND ($3 = '' OR store_id = $3) AND (NOT training OR $4) GROUP BY item_id, name, category, unit`
	for _, sql := range []string{`SELECT item_id, name, category, unit, sum(qty)::bigint, count(*), sum(gross_fen)::bigint,
		sum(line_discount_fen + order_discount_fen)::bigint, sum(net_fen)::bigint, 0, 0, 0 FROM sale_lines ` + where,
		`SELECT item_id, name, category, unit, 0, 0, 0, 0, 0, sum(qty)::bigint, count(*), sum(amount_fen)::bigint
		FROM refund_lines ` + where} {
		rows, err := db.Query(ctx, sql, start, end, q.StoreID, q.Training)
		if err == nil {
			err = forRows(rows, func(rows pgx.Rows) error {
				var r report.ItemRow
				if err := rows.Scan(&r.ItemID, &r.Name, &r.Category, &r.Unit, &r.Qty, &r.Lines, &r.GrossFen, &r.DiscountFen, &r.NetFen,
					&r.ReturnedQty, &r.ReturnedLines, &r.ReturnedFen); err != nil {
					return err
				}
				if r.Lines > 0 {
					b.Add(report.ItemRow{ItemID: r.ItemID, Name: r.Name, Category: r.Category, Unit: r.Unit, Qty: r.Qty, Lines: r.Lines,
						GrossFen: r.GrossFen, DiscountFen: r.DiscountFen, NetFen: r.NetFen})
				} else {
					b.Add(report.ItemRow{ItemID: r.ItemID, Name: r.Name, Category: r.Category, Unit: r.Unit,
						ReturnedQty: r.ReturnedQty, ReturnedLines: r.ReturnedLines, ReturnedFen: r.ReturnedFen})
				}
				return nil
			})
		}
		if err != nil {
			return nil, err
		}
	}
	return b.Build(&report.Items{}), nil
}

// checkItemReports: ItemReport from the roll-ups is the report the lines
// give, row for row, by item and by category, for the chain and stores,
// with and without training, over the whole history and over one day.
func checkItemReports(t *testing.T, q Querier, from, to, day string, stores ...string) {
	t.Helper()
	ctx := context.Background()
	rows := 0
	for _, by := range []report.ItemsBy{report.ByItem, report.ByCategory} {
		for _, store := range append([]string{""}, stores...) {
			for _, training := range []bool{false, true} {
				for _, span := range [][2]string{{from, to}, {day, day}} {
					qq := Query{From: span[0], To: span[1], StoreID: store, Training: training}
					got, err := ItemReport(ctx, q, qq, by)
					if err != nil {
						t.Fatal(err)
					}
					want, err := itemReportFromLines(ctx, q, qq, by)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got.Rows, want.Rows) || got.Total != want.Total {
						t.Errorf("%+v by %s:\n got %+v\nwant %+v", qq, by, got.Rows, want.Rows)
					}
					rows += len(got.Rows)
				}
			}
		}
	}
	if rows < 20 {
		t.Fatalf("only %d report rows: the test tells nothing", rows)
	}
}

// TestItemsRollupFollowsLines: the item roll-ups of migration 0014 are the
// lines summed — per store and for the chain — after a generated history,
// pushes from several terminals of two stores (items, discounts, weighed
// lines, keyed amounts, refunds by line and by amount), a refund pushed
// before its sale (its lines completed when the sale comes), training
// sales, sales reversed, re-dated, made training or deleted, refunds
// closed, lines renamed by an admin's statement, hq repair of a whole
// terminal and of a terminal from an event on, and the repaired terminal
// pushing again. ItemReport then gives exactly the report the lines give.
func TestItemsRollupFollowsLines(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := chain{Stores: 3, Terminals: 2, Days: 20, PerDay: 10, End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if err := generateChain(ctx, pool, c); err != nil {
		t.Fatal(err)
	}
	checkItemsRollup(t, pool, "generated chain")

	counters := []*counter{newCounter(t, "S01", "T01"), newCounter(t, "S01", "T02"), newCounter(t, "S02", "T01")}
	for k, cn := range counters {
		for i := range 12 {
			sellItems(t, cn, k*100+i)
		}
		if err := newWorker(t, cn, pool, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	lines, disc, amount := linesSale()
	s3t1, s3t2 := openDB(t), openDB(t)
	record(t, s3t1, []storage.Order{
		{OutTradeNo: "PS03-T01-1", Tender: "cash", State: "PAID", AmountFen: amount, Lines: lines, Discount: disc,
			CreatedAt: sh("2026-11-25 10:00"), PaidAt: sh("2026-11-25 10:00")},
		{OutTradeNo: "PS03-T01-2", Tender: "cash", State: "PAID", AmountFen: amount, Lines: lines, Discount: disc, Training: true,
			CreatedAt: sh("2026-11-25 11:00"), PaidAt: sh("2026-11-25 11:00")},
	}, nil)
	record(t, s3t2, nil, []storage.Refund{
		{OutRefundNo: "RS03-T02-1", OutTradeNo: "PS03-T01-1", State: "SUCCESS", AmountFen: 330, TotalFen: amount,
			Lines:     []receipt.RefundLine{{Line: 0, Name: "可乐", Qty: 1, AmountFen: 330}, {Line: 1, Qty: 1, AmountFen: 400}},
			CreatedAt: sh("2026-11-26 15:00"), SuccessAt: sh("2026-11-26 15:00")},
	})
	pushAll(t, pool, s3t2, "S03", "T02") // the refund first: its lines have no item yet
	checkItemsRollup(t, pool, "a refund before its sale")
	pushAll(t, pool, s3t1, "S03", "T01")
	checkItemsRollup(t, pool, "pushes")
	today := time.Now().In(tz.Shanghai).Format("20060102")
	checkItemReports(t, pool, "20261101", today, "20261125", "S01", "S003")

	for _, s := range []string{
		`UPDATE orders SET state = 'REVERSED' WHERE out_trade_no LIKE 'PS001-T01-%-3'`,
		`UPDATE orders SET paid_at = paid_at + interval '1 day', training = true WHERE out_trade_no LIKE '%-5'`,
		`DELETE FROM orders WHERE out_trade_no LIKE 'PS002-%-7'`,
		`UPDATE refunds SET state = 'CLOSED' WHERE out_refund_no LIKE 'RS003-T02-%'`,
		`UPDATE sale_lines SET name = name || '′' WHERE out_trade_no LIKE 'PS00_-%-9'`,
		`UPDATE refund_lines SET day = day + 1 WHERE out_refund_no LIKE 'RS001-%'`,
	} {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	checkItemsRollup(t, pool, "changed and deleted")
	checkItemReports(t, pool, "20261101", today, "20261125", "S01", "S003")

	if _, err := RepairFrom(ctx, pool, "S01", "T02", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := RepairFrom(ctx, pool, "S001", "T01", 30); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM sale_lines WHERE store_id = 'S01' AND terminal_id = 'T02'`); n != 0 {
		t.Fatalf("repair left %d lines of S01/T02", n)
	}
	checkItemsRollup(t, pool, "repaired")
	checkItemReports(t, pool, "20261101", today, "20261125", "S01", "S001")
	if err := newWorker(t, counters[1], pool, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	checkItemsRollup(t, pool, "pushed again after the repair")
	checkItemReports(t, pool, "20261101", today, "20261125", "S01")

	_, err := pool.Exec(ctx, `TRUNCATE sale_lines`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "P0001" {
		t.Errorf("TRUNCATE sale_lines: %v, want refused (it would leave the roll-ups behind)", err)
	}
}

// TestItemsRollupUnderRoles: an enrolled terminal's push keeps the item
// roll-ups (the triggers run as the admin); the terminal can neither read
// nor write them, nor the pending sums — the server refuses; head office's
// reader reports from them and cannot write them.
func TestItemsRollupUnderRoles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, term, reader := linesSalePushedUnderRoles(ctx, t)
	_, _, amount := linesSale()
	checkItemsRollup(t, admin, "pushed by an enrolled terminal")
	for _, tbl := range []string{"hq_items_daily", "hq_items_chain_daily"} {
		sql := fmt.Sprintf(itemsRolled, "$$x$$::text,", tbl)
		if got, want := strings2(t, reader, sql), strings2(t, admin, sql); !slices.Equal(got, want) || len(got) != 3 {
			t.Errorf("the reader reads %s as %q, the admin as %q", tbl, got, want)
		}
	}
	got, err := ItemReport(ctx, reader, Query{From: "20261125", To: "20261125"}, report.ByItem)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total.NetFen != amount || len(got.Rows) != 3 {
		t.Errorf("reader's report: %+v, want 3 rows netting %d", got, amount)
	}
	for _, tbl := range []struct {
		name, set string
		read      bool // the reader's to read
	}{{"hq_items_daily", "net_fen = net_fen + 100", true}, {"hq_items_chain_daily", "net_fen = net_fen + 100", true},
		{"hq_items_pending", "net_fen = net_fen + 100", false}, {"hq_items_flush", "xid = xid", false}} {
		for _, sql := range []string{`SELECT count(*) FROM ` + tbl.name, `UPDATE ` + tbl.name + ` SET ` + tbl.set, `DELETE FROM ` + tbl.name} {
			_, err := term.Exec(ctx, sql)
			refused(t, "terminal: "+sql, err)
			if tbl.read && sql[0] == 'S' {
				continue
			}
			_, err = reader.Exec(ctx, sql)
			refused(t, "reader: "+sql, err)
		}
	}
	for _, sql := range []string{
		`INSERT INTO hq_items_daily VALUES ('S01', '2026-11-25', false, 'x', 'x', '', '', 1, 1, 100, 0, 100, 0, 0, 0)`,
		`INSERT INTO hq_items_chain_daily VALUES ('2026-11-25', false, 'x', 'x', '', '', 1, 1, 100, 0, 100, 0, 0, 0)`,
		`INSERT INTO hq_items_pending VALUES (pg_current_xact_id(), 'S01', '2026-11-25', false, 'x', 'x', '', '', 1, 1, 100, 0, 100, 0, 0, 0)`,
		`INSERT INTO hq_items_flush VALUES (pg_current_xact_id())`,
	} {
		_, err := term.Exec(ctx, sql)
		refused(t, "terminal: "+sql, err)
		_, err = reader.Exec(ctx, sql)
		refused(t, "reader: "+sql, err)
	}
	checkItemsRollup(t, admin, "after the refused writes")
}

// saleWith is a paid sale at store's counter of the items given, in that
// order, one line each.
func saleWith(no string, at time.Time, items ...string) storage.Order {
	o := storage.Order{OutTradeNo: no, Tender: "cash", State: "PAID", CreatedAt: at, PaidAt: at}
	for i, it := range items {
		o.Lines = append(o.Lines, receipt.Line{ItemID: it, Name: it, Qty: 1, UnitFen: int64(100 + i), TotalFen: int64(100 + i)})
		o.AmountFen += int64(100 + i)
	}
	return o
}

// TestItemsRollupConcurrentPushes: pushes of different stores selling the
// same items write the same chain roll-up rows without waiting for each
// other's commit and without deadlocking.
//
// First, step by step, two transactions: S01 sells cola, S02 sells chips
// then cola, S01 sells chips — rows written one line at a time in each
// push's order would make S02 wait for S01's cola row and S01 for S02's
// chips row: a deadlock. Neither waits (lock_timeout makes a wait an
// error, not a hang), and both commit. Then four stores' workers, selling
// the same items in opposite orders, push at the same moment, round after
// round: no push fails, and the roll-ups are the lines summed.
func TestItemsRollupConcurrentPushes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pool := migrated(t)
	begin := func() pgx.Tx {
		tx, err := pool.Begin(ctx)
		if err == nil {
			_, err = tx.Exec(ctx, `SET LOCAL lock_timeout = '5s'`)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tx.Rollback(context.Background()) }) //nolint:errcheck // committed, or given up
		return tx
	}
	sell := func(tx pgx.Tx, store, no string, items ...string) {
		t.Helper()
		l := `[]`
		if len(items) == 1 {
			l = fmt.Sprintf(`[{"item_id": %q, "name": %q, "qty": 1, "unit_fen": 100, "total_fen": 100}]`, items[0], items[0])
		}
		_, err := tx.Exec(ctx, `INSERT INTO orders (out_trade_no, store_id, terminal_id, tender, state, amount_fen, created_at, updated_at,
			paid_at, training, record, src_seq) VALUES ($1, $2, 'T01', 'cash', 'PAID', 100, now(), now(), now(), false,
			jsonb_build_object('lines', $3::jsonb), 1)`, no, store, l)
		if err != nil {
			t.Fatalf("%s sells %v: %v (waits for the other push's row?)", store, items, err)
		}
	}
	a, b := begin(), begin()
	sell(a, "S01", "P1", "cola")
	sell(b, "S02", "P2", "chips")
	sell(b, "S02", "P3", "cola")
	sell(a, "S01", "P4", "chips")
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings2(t, pool, `SELECT format('%s %s', item_id, lines) FROM hq_items_chain_daily ORDER BY 1`); !slices.Equal(got,
		[]string{"chips 2", "cola 2"}) {
		t.Errorf("chain roll-up after the two pushes: %q", got)
	}

	items := []string{"cola", "chips", "bread", "milk", "eggs", "rice"}
	type store struct {
		db *storage.Store
		w  *Worker
	}
	stores := make([]store, 4)
	for k := range stores {
		stores[k].db = openDB(t)
		w, err := NewWorker(stores[k].db, pool, Options{StoreID: fmt.Sprintf("S%02d", k+3), TerminalID: "T01"})
		if err != nil {
			t.Fatal(err)
		}
		stores[k].w = w
	}
	const rounds, perPush = 15, 8
	at := sh("2026-11-20 10:00")
	for r := range rounds {
		for k, s := range stores {
			var orders []storage.Order
			for i := range perPush {
				its := slices.Clone(items)
				if k%2 == 1 {
					slices.Reverse(its)
				}
				its = append(its[i%3:], its[:i%3]...)
				orders = append(orders, saleWith(fmt.Sprintf("PS%02d-%d-%d", k+3, r, i), at, its...))
			}
			record(t, s.db, orders, nil)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(stores))
		for k, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[k] = s.w.Sync(ctx)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", r, err)
		}
	}
	checkItemsRollup(t, pool, "concurrent pushes")
	if n := count(t, pool, `SELECT lines FROM hq_items_chain_daily WHERE item_id = 'cola' AND day = $1::date`,
		at.In(tz.Shanghai).Format("2006-01-02")); n != len(stores)*rounds*perPush {
		t.Errorf("cola's chain row counts %d lines, want %d", n, len(stores)*rounds*perPush)
	}
}
