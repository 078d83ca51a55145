package replica

import (
	"context"
	"testing"

	"github.com/wxpos/wxpos/storage"
)

// TestRecordsTrimmed is #26's storage finding: the jsonb record of a
// replicated order or refund no longer repeats what its columns hold, and
// hq order still gives the terminal's order and refunds whole (the columns
// put back into the record).
func TestRecordsTrimmed(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 15) // cash and scan sales, two refunds
	if err := newWorker(t, c, pool, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		table string
		keys  []string
	}{{"orders", orderColumnKeys}, {"refunds", refundColumnKeys}} {
		if n := count(t, pool, `SELECT count(*) FROM `+x.table); n == 0 {
			t.Fatalf("no %s replicated: the test proves nothing", x.table)
		}
		if n := count(t, pool, `SELECT count(*) FROM `+x.table+` WHERE record ?| $1`, x.keys); n != 0 {
			t.Errorf("%d %s keep a copy of their columns (%v) in the record", n, x.table, x.keys)
		}
	}
	rows, err := pool.Query(ctx, `SELECT out_trade_no FROM orders ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var nos []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			t.Fatal(err)
		}
		nos = append(nos, no)
	}
	rows.Close()
	refunds := 0
	for _, no := range nos {
		ro, err := FindOrder(ctx, pool, no)
		if err != nil {
			t.Fatal(err)
		}
		var local *storage.Order
		var localRefunds []*storage.Refund
		err = c.db.View(func(tx *storage.Tx) error {
			var err error
			if local, err = tx.GetOrder(no); err != nil {
				return err
			}
			for _, r := range ro.Refunds {
				lr, err := tx.GetRefund(r.OutRefundNo)
				if err != nil {
					return err
				}
				localRefunds = append(localRefunds, lr)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		o := ro.Order
		if o.OutTradeNo != local.OutTradeNo || o.Tender != local.Tender || o.State != local.State || o.AmountFen != local.AmountFen ||
			o.TransactionID != local.TransactionID || o.Cashier != local.Cashier || o.Training != local.Training || len(o.Lines) != len(local.Lines) {
			t.Errorf("hq order %s: %+v; the terminal's: %+v", no, o, *local)
		}
		for i, r := range ro.Refunds {
			lr := localRefunds[i]
			if r.OutRefundNo != lr.OutRefundNo || r.OutTradeNo != lr.OutTradeNo || r.State != lr.State || r.AmountFen != lr.AmountFen || r.Training != lr.Training {
				t.Errorf("hq order %s, refund %s: %+v; the terminal's: %+v", no, r.OutRefundNo, r, *lr)
			}
			refunds++
		}
	}
	if refunds == 0 {
		t.Error("hq order gave no refund: the test proves nothing about them")
	}
}
