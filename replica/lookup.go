package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
)

// RemoteOrder is a sale as the replica knows it, found from any terminal:
// where it was taken, its record, and every replicated refund of it from
// any terminal.
type RemoteOrder struct {
	StoreID, TerminalID string
	Order               storage.Order
	Refunds             []storage.Refund
	// SrcSeq is the origin terminal's event sequence the record was taken
	// at; ReplicatedAt when the newest of its events arrived.
	SrcSeq       int64
	ReplicatedAt time.Time
}

// RefundableFen is what may still be refunded as far as the replica knows:
// the paid amount minus every refund that is not CLOSED (a refund reserves
// its amount from submission on, as in pos). Zero unless the sale is PAID.
// Refunds made at a terminal that has not replicated yet are missing, so
// this is an upper bound: WeChat rejects a refund beyond the real remainder
// (the refund fails definitely, no money moves).
func (r *RemoteOrder) RefundableFen() int64 {
	if r.Order.State != pos.StatePaid {
		return 0
	}
	left := r.Order.AmountFen
	for _, rf := range r.Refunds {
		if rf.State.Holds() {
			left -= rf.AmountFen
		}
	}
	return max(left, 0)
}

// FindOrder looks up a sale by out_trade_no across every terminal of the
// merchant, for a refund at a counter other than the one that took it. It
// returns an error wrapping ErrNotFound when the replica does not have it
// (taken at a terminal that has not replicated, or not ours): the caller
// then asks WeChat by out_trade_no.
func FindOrder(ctx context.Context, db Querier, outTradeNo string) (*RemoteOrder, error) {
	var (
		ro     RemoteOrder
		record []byte
		at     *time.Time
	)
	// e.ref <> '' is the predicate of the partial index events_ref: without
	// it the planner cannot use the index.
	// The record's fields kept as columns (orderColumnKeys) are put back.
	err := db.QueryRow(ctx, `SELECT o.store_id, o.terminal_id, o.record || jsonb_build_object('out_trade_no', o.out_trade_no,
				'tender', o.tender, 'state', o.state, 'amount_fen', o.amount_fen, 'transaction_id', o.transaction_id,
				'cashier', o.cashier, 'training', o.training), o.src_seq,
			(SELECT max(e.replicated_at) FROM events e
				WHERE e.ref = o.out_trade_no AND e.ref <> '' AND e.store_id = o.store_id AND e.terminal_id = o.terminal_id)
		FROM orders o WHERE o.out_trade_no = $1`, outTradeNo).Scan(&ro.StoreID, &ro.TerminalID, &record, &ro.SrcSeq, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("order %s: %w", outTradeNo, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", outTradeNo, err)
	}
	if at != nil {
		ro.ReplicatedAt = *at
	}
	if err := json.Unmarshal(record, &ro.Order); err != nil {
		return nil, fmt.Errorf("order %s: decode: %w", outTradeNo, err)
	}
	rows, err := db.Query(ctx, `SELECT record || jsonb_build_object('out_refund_no', out_refund_no, 'out_trade_no', out_trade_no,
			'state', state, 'amount_fen', amount_fen, 'training', training)
		FROM refunds WHERE out_trade_no = $1 ORDER BY created_at, out_refund_no`, outTradeNo)
	if err != nil {
		return nil, fmt.Errorf("refunds of %s: %w", outTradeNo, err)
	}
	recs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("refunds of %s: %w", outTradeNo, err)
	}
	for _, rec := range recs {
		var rf storage.Refund
		if err := json.Unmarshal(rec, &rf); err != nil {
			return nil, fmt.Errorf("refunds of %s: decode: %w", outTradeNo, err)
		}
		ro.Refunds = append(ro.Refunds, rf)
	}
	return &ro, nil
}
