package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
)

// Refund is the stored record of one refund (bucket refunds, key
// out_refund_no).
type Refund struct {
	V             int          `json:"v"`
	OutRefundNo   string       `json:"out_refund_no"`
	OutTradeNo    string       `json:"out_trade_no"`
	TransactionID string       `json:"transaction_id,omitempty"`
	State         state.Refund `json:"state"`
	AmountFen     int64        `json:"amount_fen"`
	TotalFen      int64        `json:"total_fen"`
	Reason        string       `json:"reason,omitempty"`
	AuthorisedBy  string       `json:"authorised_by,omitempty"`
	// Cashier is who was signed in at the till and made the refund; empty
	// on refunds from before sign-in.
	Cashier string `json:"cashier,omitempty"`
	// Lines are the sale's lines the refund gives back (a refund by line).
	Lines     []receipt.RefundLine `json:"lines,omitempty"`
	RefundID  string               `json:"refund_id,omitempty"`
	ErrorCode string               `json:"error_code,omitempty"`
	Message   string               `json:"message,omitempty"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
	SuccessAt time.Time            `json:"success_at,omitzero"`
	ReceiptNo string               `json:"receipt_no,omitempty"`
	// BusinessDay is the yyyymmdd the refund counts on, fixed when it
	// succeeds (see SettledDay and Tx.BusinessDay).
	BusinessDay string `json:"business_day,omitempty"`
	// Shift is the shift the refund counts in, fixed when it succeeds
	// like BusinessDay (Order.Shift).
	Shift    uint64 `json:"shift,omitempty"`
	Training bool   `json:"training,omitempty"`
	// CouponFen is the coupon part of AmountFen, MerchantCouponFen the
	// merchant-funded part of it (pos.Refund).
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`

	// Open decides the entry in the open index; not stored in the value.
	Open bool `json:"-"`
}

// RefundVersion is the record version PutRefund writes in Refund.V.
const RefundVersion = 1

// refundIndexPrefix starts the keys of the per-order index of refunds,
// kept in the refunds bucket: no out_refund_no can start with it.
const refundIndexPrefix = "~by_order/"

func refundIndexKey(outTradeNo, outRefundNo string) string {
	return refundIndexPrefix + outTradeNo + "/" + outRefundNo
}

// PutRefund writes r, indexes it under its order and under its creation day
// and (once settled) its business day, and keeps the open index in step
// with r.Open.
func (t *Tx) PutRefund(r *Refund) error {
	if r.OutRefundNo == "" || r.OutTradeNo == "" {
		return fmt.Errorf("put refund: empty out_refund_no or out_trade_no")
	}
	rec := *r
	rec.V = RefundVersion
	if err := t.Put(BucketRefunds, r.OutRefundNo, rec); err != nil {
		return err
	}
	if err := t.PutRaw(BucketRefunds, refundIndexKey(r.OutTradeNo, r.OutRefundNo), []byte{}); err != nil {
		return err
	}
	if err := t.indexRefund(&rec); err != nil {
		return err
	}
	if r.Open {
		return t.PutRaw(BucketOpen, r.OutRefundNo, []byte(openRefund))
	}
	return t.Delete(BucketOpen, r.OutRefundNo)
}

// GetRefund reads the refund with out_refund_no no, or an error wrapping
// ErrNotFound.
func (t *Tx) GetRefund(no string) (*Refund, error) {
	var r Refund
	if err := t.Get(BucketRefunds, no, &r); err != nil {
		return nil, err
	}
	r.Open = t.isOpen(no, openRefund)
	return &r, nil
}

// OpenRefunds returns every refund in the open index.
func (t *Tx) OpenRefunds() ([]*Refund, error) {
	return openRecords(t, openRefund, t.GetRefund)
}

// RefundsOf returns the refunds of one order, oldest number first.
func (t *Tx) RefundsOf(outTradeNo string) ([]*Refund, error) {
	prefix := refundIndexKey(outTradeNo, "")
	var keys []string
	err := t.ForEach(BucketRefunds, prefix, func(k string, _ []byte) error {
		keys = append(keys, k[len(prefix):])
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Refund, 0, len(keys))
	for _, k := range keys {
		r, err := t.GetRefund(k)
		if err != nil {
			return nil, fmt.Errorf("refund index %s: %w", k, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// EachRefund calls fn for every refund in out_refund_no order until fn
// returns an error (the per-order index is skipped).
func (t *Tx) EachRefund(fn func(*Refund) error) error {
	return t.ForEach(BucketRefunds, "", func(k string, v []byte) error {
		if strings.HasPrefix(k, refundIndexPrefix) {
			return nil
		}
		var r Refund
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode %s/%s: %w", BucketRefunds, k, err)
		}
		r.Open = t.isOpen(k, openRefund)
		return fn(&r)
	})
}

// indexRefund adds r to the refunds_by_day index of its creation day and,
// once it has one, its business day.
func (t *Tx) indexRefund(r *Refund) error {
	days := []string{DayOf(r.CreatedAt)}
	if sd := r.SettledDay(); sd != "" && sd != days[0] {
		days = append(days, sd)
	}
	for _, d := range days {
		if err := t.PutRaw(BucketRefundsByDay, dayIndexKey(d, r.OutRefundNo), []byte{}); err != nil {
			return err
		}
	}
	return nil
}
