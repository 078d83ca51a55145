package replica

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

// MerchantRecords reads from the replica what a merchant-wide
// reconciliation of day needs: the orders created the day before, on, or
// after it, and the refunds requested in that window (as reconstore.BillBook's
// LocalDay does for one terminal), of one store or, with storeID empty,
// of every store. Training sales are left out unless training is set:
// they never reach the real merchant's bill, only the simulator's.
func MerchantRecords(ctx context.Context, db Querier, day recon.Day, storeID string, training bool) (*recon.Records, error) {
	if !day.Valid() {
		return nil, fmt.Errorf("merchant records: invalid day %q", day)
	}
	from, to := day.Add(-1).Start(), day.Add(2).Start()
	recs := &recon.Records{}
	// The store's condition is written out (not "$3 = '' OR store_id = $3")
	// so that a generic plan can use the store's index too.
	rows, err := db.Query(ctx, `SELECT out_trade_no, tender, state, amount_fen, coalesce((record->>'forced')::boolean, false),
			coalesce(paid_at, created_at)
		FROM orders
		WHERE created_at >= $1 AND created_at < $2 AND `+storeIs("store_id", storeID)+` AND (NOT training OR $4)
		ORDER BY out_trade_no`, from, to, storeID, training)
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
	rows, err = db.Query(ctx, `SELECT r.out_refund_no, r.out_trade_no, coalesce(NULLIF(r.tender, 'unknown'), ''), r.state, r.amount_fen, r.created_at
		FROM refunds r
		WHERE r.created_at >= $1 AND r.created_at < $2 AND `+storeIs("r.store_id", storeID)+` AND (NOT r.training OR $4)
		ORDER BY r.out_refund_no`, from, to, storeID, training)
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
// wechat_only: check the replication positions (Terminals) first. Each
// difference WeChat sent a notification about carries the state it
// announced (Difference.Announced); a wechat_only payment or refund that
// WeChat announced is one its terminal has not replicated, and is advised
// as such — never refunded or recorded again at head office.
func ReconcileMerchant(ctx context.Context, db Querier, day recon.Day, storeID string, training bool, bill recon.RowReader) (*recon.Result, error) {
	local, err := MerchantRecords(ctx, db, day, storeID, training)
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
	if err := markAnnounced(ctx, db, res); err != nil {
		return nil, err
	}
	res.At = time.Now()
	return res, nil
}

// adviceNotReplicated replaces wechat_only's "refund it, or record the
// sale" when WeChat announced the record: the sale exists, at a terminal
// that has not replicated it.
const adviceNotReplicated = "WeChat announced it (a verified notification) but no terminal has replicated it for this day: " +
	"its terminal is offline or behind (wxpos hq status) — do not refund or record it again; reconcile once it has replicated"

// markAnnounced sets Announced on each difference of res that a recorded
// notification is about, to the latest state announced.
func markAnnounced(ctx context.Context, db Querier, res *recon.Result) error {
	var trades, refunds []string
	for _, d := range res.Differences {
		if d.Subject == recon.SubjectRefund {
			refunds = append(refunds, d.OutRefundNo)
		} else {
			trades = append(trades, d.OutTradeNo)
		}
	}
	if len(trades)+len(refunds) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT ON (kind, no) kind, no, state FROM (
			SELECT seq, kind, CASE WHEN kind = 'refund' THEN out_refund_no ELSE out_trade_no END AS no, state
			FROM notifications
			WHERE (kind = 'pay' AND out_trade_no = ANY($1)) OR (kind = 'refund' AND out_refund_no = ANY($2))) n
		ORDER BY kind, no, seq DESC`, trades, refunds)
	if err != nil {
		return fmt.Errorf("announced states: %w", err)
	}
	announced := map[[2]string]string{}
	err = forRows(rows, func(rows pgx.Rows) error {
		var kind, no, st string
		if err := rows.Scan(&kind, &no, &st); err != nil {
			return err
		}
		announced[[2]string{kind, no}] = st
		return nil
	})
	if err != nil {
		return fmt.Errorf("announced states: %w", err)
	}
	for i := range res.Differences {
		d := &res.Differences[i]
		key := [2]string{string(notify.KindPay), d.OutTradeNo}
		if d.Subject == recon.SubjectRefund {
			key = [2]string{string(notify.KindRefund), d.OutRefundNo}
		}
		if d.Announced = announced[key]; d.Announced != "" && d.Kind == recon.KindWeChatOnly {
			d.Advice, d.Actions = adviceNotReplicated, []recon.Action{recon.ActionQuery, recon.ActionExplain}
		}
	}
	return nil
}
