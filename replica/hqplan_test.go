package replica

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/tz"
)

// bigTables grow with the chain's history; the head-office queries must
// never read them whole.
var bigTables = map[string]bool{"orders": true, "refunds": true, "events": true, "notifications": true, "shifts": true,
	"sale_lines": true, "refund_lines": true, "sale_discounts": true,
	// days × items (× stores): smaller, but a year of them is still read by day
	"hq_items_daily": true, "hq_items_chain_daily": true}

// wantIndex is an index a command's plan must use: the one made for it.
var wantIndex = map[string]string{
	"order":           "[events_ref]", // the sale's replication time: the partial index's predicate must be spelled
	"reconcile/chain": "[orders_created_at]",
	"report/1d/chain": "[hq_sales_daily_pkey]",
	// the reconciliations of the days asked for, not all of a year's, from
	// the index alone (migration 0013), not a block of events each
	"report/30d/chain": "Index Only Scan on events [events_recon_run]",
	"report/30d/store": "Index Only Scan on events [events_recon_run]",
	// the shifts of the days asked for (migration 0010), not all of a year's
	"report/30d/cashier/chain": "[shifts_day]",
	"report/30d/cashier/store": "[shifts_day]",
	// hq verify reads each terminal's range through the primary key
	"verify/1d/chain":   "[events_pkey]",
	"verify/full/store": "[events_pkey]",
	// migration 0014: the item roll-ups' days asked for, by their key
	"report/items/30d/chain": "[hq_items_chain_daily_pkey]",
	"report/items/30d/store": "[hq_items_daily_pkey]",
}

// The head-office commands read what they answer: on a generated year of
// 40 stores (analysed, so the planner's choices are its own, with
// enable_seqscan untouched), no statement of hq report, hq reconcile, hq
// order, hq status, hq verify (after a day, or of one store) or hq repair
// (of a terminal) scans a big table sequentially — with the custom
// plans of the first executions or the generic plan a prepared statement
// settles on. The plans come from auto_explain, so they are the plans of
// the statements as the code runs them.
func TestHQPlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	base := migrated(t)
	c := chain{Stores: 40, Terminals: 2, Days: 365, PerDay: 3, End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if err := generateChain(ctx, base, c); err != nil {
		t.Fatal(err)
	}
	if err := generateShifts(ctx, base, c); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		t.Run(mode, func(t *testing.T) {
			pool, take := planned(t, base.Config().ConnString(), mode)
			for _, cmd := range hqCommands(t, pool, c) {
				take()
				if err := cmd.run(); err != nil {
					t.Fatalf("%s: %v", cmd.name, err)
				}
				plans := take()
				if len(plans) == 0 {
					t.Fatalf("%s: no plan reported", cmd.name)
				}
				var all []string
				for _, p := range plans {
					ss, err := scans(p)
					if err != nil {
						t.Fatalf("%s: plan: %v", cmd.name, err)
					}
					for _, s := range ss {
						if rel, ok := strings.CutPrefix(s, "Seq Scan on "); ok && bigTables[rel] {
							t.Errorf("%s: %s", cmd.name, s)
						}
					}
					all = append(all, ss...)
				}
				plan := strings.Join(all, "; ")
				if want := wantIndex[cmd.name]; want != "" && !strings.Contains(plan, want) {
					t.Errorf("%s does not use %s", cmd.name, want)
				}
				t.Logf("%s: %s", cmd.name, plan)
			}
		})
	}
}

// hq report --by item over 30 days of a quarter's history (a third of the
// lines: BenchmarkHQ's quarter-year chain, where 0007's index lost to a
// Seq Scan on sale_lines) reads the item roll-ups of migration 0014 and
// nothing else — no line table — for the chain and for one store, custom
// or generic plan; one store's through its key. (The chain's roll-up of a
// quarter is a few pages, which PostgreSQL rightly reads whole;
// TestHQPlansUseIndexes holds it to its key on a year.)
func TestItemReportReadsRollup(t *testing.T) {
	ctx := context.Background()
	base := migrated(t)
	c := chain{Stores: 40, Terminals: 2, Days: 90, PerDay: 3, End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if err := generateChain(ctx, base, c); err != nil {
		t.Fatal(err)
	}
	var lines int
	if err := base.QueryRow(ctx, `SELECT count(*) FROM sale_lines`).Scan(&lines); err != nil || lines < c.orders()*9/10 {
		t.Fatalf("%d sale lines, %v: the generated chain has no lines to report", lines, err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		pool, take := planned(t, base.Config().ConnString(), mode)
		for _, cmd := range hqCommands(t, pool, c) {
			if !strings.HasPrefix(cmd.name, "report/items/") {
				continue
			}
			take()
			if err := cmd.run(); err != nil {
				t.Fatalf("%s: %v", cmd.name, err)
			}
			var all []string
			for _, p := range take() {
				ss, err := scans(p)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, ss...)
			}
			plan, table := strings.Join(all, "; "), "hq_items_chain_daily"
			if strings.HasSuffix(cmd.name, "/store") {
				table = "hq_items_daily"
				if !strings.Contains(plan, wantIndex[cmd.name]) {
					t.Errorf("%s, %s: plan %s, want %s", mode, cmd.name, plan, wantIndex[cmd.name])
				}
			}
			for _, s := range all {
				if !strings.Contains(s+" ", " on "+table+" ") && !strings.HasPrefix(s, "Bitmap Index Scan [") {
					t.Errorf("%s, %s: plan %s reads more than %s", mode, cmd.name, plan, table)
				}
			}
			t.Logf("%s, %s: %s", mode, cmd.name, plan)
		}
	}
}

// The daily roll-ups are the projections summed: after a generated
// history and then sales reversed, re-tendered, moved to another day or
// deleted, refunds closed, re-dated or deleted, and refunds of a sale HQ
// does not have, every day's sums read from the roll-ups are the ones the
// projections give (the report's queries before the roll-ups, a refund
// under the tender its row was given when written).
func TestRollupMatchesProjections(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := chain{Stores: 3, Terminals: 2, Days: 40, PerDay: 20, End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if err := generateChain(ctx, pool, c); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`UPDATE orders SET state = 'REVERSED' WHERE out_trade_no LIKE '%-3'`,
		`UPDATE orders SET tender = 'cash', amount_fen = amount_fen + 1 WHERE out_trade_no LIKE '%-5'`,
		`UPDATE orders SET paid_at = paid_at + interval '1 day', training = true WHERE out_trade_no LIKE '%-9'`,
		`DELETE FROM orders WHERE out_trade_no LIKE '%-11'`,
		`UPDATE refunds SET state = 'CLOSED' WHERE out_refund_no LIKE '%-7' AND out_trade_no LIKE '%-1-%'`,
		`UPDATE refunds SET success_at = success_at + interval '2 days', tender = 'wechat_qr' WHERE out_refund_no LIKE '%-2-%'`,
		`DELETE FROM refunds WHERE out_refund_no LIKE '%-3-%'`,
		`UPDATE orders SET cashier = 'c2' WHERE out_trade_no LIKE '%-13'`,
		`UPDATE refunds SET record = record || '{"cashier": "c3"}' WHERE out_refund_no LIKE '%-4-%'`,
		`INSERT INTO refunds (out_refund_no, out_trade_no, store_id, terminal_id, state, amount_fen, created_at, updated_at,
			success_at, record, src_seq)
		VALUES ('RX1', 'PX1', 'S001', 'T01', 'SUCCESS', 77, now(), now(), now(), '{}', 1)`,
	} {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	const live = `SELECT 's', to_char(paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD'), store_id, terminal_id, tender, training,
			count(*), sum(amount_fen)::bigint
		FROM orders WHERE state = 'PAID' GROUP BY 1, 2, 3, 4, 5, 6
		UNION ALL
		SELECT 'r', to_char(r.success_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD'), r.store_id, r.terminal_id,
			r.tender, r.training, count(*), sum(r.amount_fen)::bigint
		FROM refunds r WHERE r.state = 'SUCCESS' GROUP BY 1, 2, 3, 4, 5, 6
		ORDER BY 1, 2, 3, 4, 5, 6`
	const rolled = `SELECT 's', to_char(day, 'YYYYMMDD'), store_id, terminal_id, tender, training, sale_count, sale_fen
		FROM hq_sales_daily WHERE sale_count <> 0
		UNION ALL
		SELECT 'r', to_char(day, 'YYYYMMDD'), store_id, terminal_id, tender, training, refund_count, refund_fen
		FROM hq_refunds_daily WHERE refund_count <> 0
		ORDER BY 1, 2, 3, 4, 5, 6`
	type row struct {
		Kind, Day, Store, Terminal, Tender string
		Training                           bool
		N, Fen                             int64
	}
	read := func(sql string) []row {
		rows, err := pool.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := read(live), read(rolled)
	if len(want) < 100 {
		t.Fatalf("only %d lines: the generated history is too small to tell", len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("roll-ups (%d lines) differ from the projections (%d lines)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("first difference: roll-up %+v, projections %+v", got[i], want[i])
			}
		}
	}
	checkCashierRollup(t, pool)
}

// checkCashierRollup: the per-cashier roll-up (migration 0010) is the
// projections summed by day, store, terminal and cashier.
func checkCashierRollup(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	const live = `SELECT format('%s %s %s %s %s %s %s %s %s', day, store_id, terminal_id, cashier, training,
			sum(sc), sum(sf), sum(rc), sum(rf)) FROM (
			SELECT (paid_at AT TIME ZONE 'Asia/Shanghai')::date AS day, store_id, terminal_id, cashier, training,
				1 AS sc, amount_fen AS sf, 0 AS rc, 0 AS rf FROM orders WHERE state = 'PAID'
			UNION ALL
			SELECT (success_at AT TIME ZONE 'Asia/Shanghai')::date, store_id, terminal_id, coalesce(record->>'cashier', ''), training,
				0, 0, 1, amount_fen FROM refunds WHERE state = 'SUCCESS') x
		GROUP BY day, store_id, terminal_id, cashier, training ORDER BY day, store_id, terminal_id, cashier, training`
	const rolled = `SELECT format('%s %s %s %s %s %s %s %s %s', day, store_id, terminal_id, cashier, training,
			sale_count, sale_fen, refund_count, refund_fen)
		FROM hq_cashier_daily WHERE sale_count <> 0 OR refund_count <> 0
		ORDER BY day, store_id, terminal_id, cashier, training`
	want, got := strings2(t, pool, live), strings2(t, pool, rolled)
	cashiers := strings2(t, pool, `SELECT DISTINCT cashier FROM hq_cashier_daily WHERE sale_count <> 0 OR refund_count <> 0 ORDER BY 1`)
	if len(want) < 100 || !slices.Equal(cashiers, []string{"", "c1", "c2", "c3"}) {
		t.Fatalf("%d lines, cashiers %q: the generated history does not tell", len(want), cashiers)
	}
	if !slices.Equal(got, want) {
		t.Errorf("per-cashier roll-up (%d lines) differs from the projections (%d lines)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("first difference: roll-up %s, projections %s", got[i], want[i])
			}
		}
	}
}

// The roll-ups follow the roles: an enrolled terminal's push keeps them
// (the triggers run as the admin), head office's reader reports from
// them, and a terminal can neither read them — they sum every store — nor
// write figures into them through the functions that keep them.
func TestRollupsUnderRoles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := migrated(t)
	term, reader := terminalAndReader(ctx, t, admin)
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 15) // cash and scan sales, two refunds
	if err := newWorker(t, c, term, Options{}).Sync(ctx); err != nil {
		t.Fatalf("replicate as the enrolled terminal: %v", err)
	}
	today := time.Now().In(tz.Shanghai).Format("20060102")
	r, err := Report(ctx, reader, Query{From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	var paid, refunded int
	if err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders WHERE state = 'PAID'),
		(SELECT count(*) FROM refunds WHERE state = 'SUCCESS')`).Scan(&paid, &refunded); err != nil {
		t.Fatal(err)
	}
	if tot := r.Totals(); tot.SaleCount != int64(paid) || tot.RefundCount != int64(refunded) || refunded == 0 {
		t.Errorf("reader's report: %d sales, %d refunds; the projections have %d and %d", tot.SaleCount, tot.RefundCount, paid, refunded)
	}
	_, err = term.Exec(ctx, `SELECT count(*) FROM hq_sales_daily`)
	refused(t, "terminal reads the chain's roll-up", err)
	_, err = term.Exec(ctx, `SELECT hq_sales_add(o, 1000) FROM orders o LIMIT 1`)
	refused(t, "terminal calls hq_sales_add", err)
	_, err = reader.Exec(ctx, `DELETE FROM hq_sales_daily`)
	refused(t, "reader deletes the roll-up", err)
	_, err = term.Exec(ctx, `SELECT hq_cashier_add(current_date, 'S01', 'T01', 'c1', false, 1, 1000, 0, 0)`)
	refused(t, "terminal calls hq_cashier_add", err)
	_, err = reader.Exec(ctx, `DELETE FROM hq_cashier_daily`)
	refused(t, "reader deletes the per-cashier roll-up", err)
}

// generateShifts gives every terminal of c one closed shift a day (of
// cashier c1, balanced), as migration 0010's shifts table would hold them.
func generateShifts(ctx context.Context, db *pgxpool.Pool, c chain) error {
	_, err := db.Exec(ctx, `INSERT INTO shifts (store_id, terminal_id, shift_no, cashier, state, day, opened_at, closed_at, closed_by,
			float_fen, counted, record, src_seq)
		SELECT format('S%s', lpad(s::text, 3, '0')), format('T%s', lpad(t::text, 2, '0')), d + 1, 'c1', 'CLOSED',
			(($1::timestamptz + make_interval(days => d)) AT TIME ZONE 'Asia/Shanghai')::date,
			$1::timestamptz + make_interval(days => d, hours => 1), $1::timestamptz + make_interval(days => d, hours => 20), 'c1',
			10000, true, '{}', 1
		FROM generate_series(1, $2) s, generate_series(1, $3) t, generate_series(0, $4 - 1) d`,
		c.End.AddDate(0, 0, -c.Days), c.Stores, c.Terminals, c.Days)
	if err == nil {
		_, err = db.Exec(ctx, `ANALYZE shifts`)
	}
	if err != nil {
		return fmt.Errorf("generate shifts: %w", err)
	}
	return nil
}
