package replica

import (
	"context"
	"reflect"
	"testing"
)

func line(day, store, term, tender string, sales, refunds int64) Line {
	return Line{Day: day, StoreID: store, TerminalID: term, Tender: tender,
		SaleCount: sales, SaleFen: sales * 100, RefundCount: refunds, RefundFen: refunds * 10}
}

// TestMergeLines: the sales and refunds roll-ups' lines, each in key order,
// become the report's lines in byte order of (day, store, terminal,
// tender) — in place when every refund's key sold, merged when one did not,
// sorted first when a roll-up came in another order.
func TestMergeLines(t *testing.T) {
	s := func(store, tender string, n int64) Line { return line("20261201", store, "T1", tender, n, 0) }
	r := func(store, tender string, n int64) Line { return line("20261201", store, "T1", tender, 0, n) }
	both := func(store, tender string, n, m int64) Line { return line("20261201", store, "T1", tender, n, m) }
	for _, tc := range []struct {
		name           string
		sales, refunds []Line
		want           []Line
	}{
		{"nothing", nil, nil, nil},
		{"sales only", []Line{s("B2", "cash", 1), s("a1", "cash", 2)}, nil, []Line{s("B2", "cash", 1), s("a1", "cash", 2)}},
		{"refunds on sold keys", []Line{s("B2", "cash", 1), s("B2", "wechat_qr", 3), s("a1", "cash", 2)}, []Line{r("B2", "wechat_qr", 1)},
			[]Line{s("B2", "cash", 1), both("B2", "wechat_qr", 3, 1), s("a1", "cash", 2)}},
		{"a refund on a key that did not sell", []Line{s("B2", "cash", 1), s("a1", "cash", 2)}, []Line{r("B2", "cash", 1), r("B2", "wechat_scan", 4), r("c3", "cash", 5)},
			[]Line{both("B2", "cash", 1, 1), r("B2", "wechat_scan", 4), s("a1", "cash", 2), r("c3", "cash", 5)}},
		{"refunds only", nil, []Line{r("a1", "cash", 1)}, []Line{r("a1", "cash", 1)}},
		// The database's collation ("a1" before "B2" in en_US): sorted first.
		{"another order", []Line{s("a1", "cash", 2), s("B2", "cash", 1)}, []Line{r("a1", "cash", 1)},
			[]Line{s("B2", "cash", 1), both("a1", "cash", 2, 1)}},
	} {
		if got := mergeLines(tc.sales, tc.refunds); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// TestRollupKeysInByteOrder: migration 0016 keys the money roll-ups' text
// in byte order, so their primary-key scans give the report's order and
// mergeLines has nothing to sort, whatever the database's collation.
func TestRollupKeysInByteOrder(t *testing.T) {
	pool := newPool(t)
	ctx := context.Background()
	if _, err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT table_name || '.' || column_name, coalesce(collation_name, '') FROM information_schema.columns
		WHERE table_name IN ('hq_sales_daily', 'hq_refunds_daily') AND column_name IN ('store_id', 'terminal_id', 'tender')`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var col, coll string
		if err := rows.Scan(&col, &coll); err != nil {
			t.Fatal(err)
		}
		if n++; coll != "C" {
			t.Errorf("%s collates %q, want C", col, coll)
		}
	}
	if rows.Err() != nil || n != 6 {
		t.Fatalf("%d key columns (%v), want 6", n, rows.Err())
	}
}
