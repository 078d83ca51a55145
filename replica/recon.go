package replica

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

// MerchantRecords reads from the replica what a merchant-wide
// reconciliation of day needs: the orders created the day before, on, or
// after it, and the refunds requested in that window (as reconstore.BillBook's
// LocalDay does for one terminal), of one store or, with storeID empty,
// of every store. Training sales are left out: they never reach the real
// merchant's bill.
func MerchantRecords(ctx context.Context, db Querier, day recon.Day, storeID string) (*recon.Records, error) {
	if !day.Valid() {
		return nil, fmt.Errorf("merchant records: invalid day %q", day)
	}
	from, to := day.Add(-1).Start(), day.Add(2).Start()
	recs := &recon.Records{}
	rows, err := db.Query(ctx, `SELECT out_trade_no, tender, state, amount_fen, coalesce((record->>'forced')::boolean, false),
			coalesce(paid_at, created_at)
		FROM orders
		WHERE created_at >= $1 AND created_at < $2 AND ($3 = '' OR store_id = $3) AND NOT training
		ORDER BY out_trade_no`, from, to, storeID)
	if err != nil {
		return nil, fmt.Errorf("merchant orders of %s: %w", day, err)
	}
	recs.Orders, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (recon.Order, error) {
		var o recon.Order
		var tender string
		err := r.Scan(&o.OutTradeNo, &tender, &o.State, &o.AmountFen, &o.Forced, &o.Time)
		o.Tender = receipt.Tender(tender)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("merchant orders of %s: %w", day, err)
	}
	rows, err = db.Query(ctx, `SELECT r.out_refund_no, r.out_trade_no, coalesce(o.tender, ''), r.state, r.amount_fen, r.created_at
		FROM refunds r LEFT JOIN orders o ON o.out_trade_no = r.out_trade_no
		WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3 = '' OR r.store_id = $3) AND NOT r.training
		ORDER BY r.out_refund_no`, from, to, storeID)
	if err != nil {
		return nil, fmt.Errorf("merchant refunds of %s: %w", day, err)
	}
	recs.Refunds, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (recon.Refund, error) {
		var f recon.Refund
		var tender string
		err := r.Scan(&f.OutRefundNo, &f.OutTradeNo, &tender, &f.State, &f.AmountFen, &f.Time)
		f.Tender = receipt.Tender(tender)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("merchant refunds of %s: %w", day, err)
	}
	return recs, nil
}

// ReconcileMerchant reconciles a WeChat bill, which covers the whole
// merchant number, against the replicated orders and refunds of every
// terminal of one store (storeID) or of the chain (storeID empty). For a
// store, rows of the chain's other stores are counted as other_terminal,
// recognised by the "P<store>-" prefix the payment core mints
// out_trade_no with. The result is not stored anywhere: resolutions stay
// at the terminals (recon.Desk), where the records are.
//
// Records of a terminal that has not replicated its day yet show up as
// wechat_only: check the replication positions (Terminals) first.
func ReconcileMerchant(ctx context.Context, db Querier, day recon.Day, storeID string, bill recon.RowReader) (*recon.Result, error) {
	local, err := MerchantRecords(ctx, db, day, storeID)
	if err != nil {
		return nil, err
	}
	term := recon.Terminal{} // the chain: every row is ours
	if storeID != "" {
		term = recon.Terminal{Prefix: "P" + storeID + "-"}
	}
	res, err := recon.Reconcile(day, term, local, bill)
	if err != nil {
		return nil, err
	}
	res.At = time.Now()
	return res, nil
}
