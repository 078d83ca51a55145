package notify

import (
	"context"
	"errors"
	"time"
)

// Kind says what a notification announces.
type Kind string

// Kinds of notification.
const (
	KindPay    Kind = "pay"    // a paid Native order (TRANSACTION.SUCCESS, v2 pay notify)
	KindRefund Kind = "refund" // a refund that reached SUCCESS, CLOSED or ABNORMAL
)

// Record is one accepted notification: verified, decrypted, from our
// merchant. It is a hint, never a settlement: the terminal confirms it by
// query before it moves an order.
type Record struct {
	Seq           uint64    `json:"seq"` // assigned by the Sink, increasing
	ID            string    `json:"id"`  // v3 notification id; v2 has none: "v2:" + Key
	API           string    `json:"api"` // "v3" or "v2"
	Kind          Kind      `json:"kind"`
	Event         string    `json:"event,omitempty"` // v3 event_type
	MchID         string    `json:"mchid"`
	OutTradeNo    string    `json:"out_trade_no"`
	OutRefundNo   string    `json:"out_refund_no,omitempty"`
	TransactionID string    `json:"transaction_id,omitempty"`
	RefundID      string    `json:"refund_id,omitempty"`
	State         string    `json:"state"` // trade_state or refund_status
	TotalFen      int64     `json:"total_fen"`
	RefundFen     int64     `json:"refund_fen,omitempty"`
	Attach        string    `json:"attach,omitempty"`
	SuccessTime   time.Time `json:"success_time,omitzero"`
	Received      time.Time `json:"received"`
}

// Ref is the number the notification is about: out_refund_no for a
// refund, out_trade_no for a payment.
func (r Record) Ref() string {
	if r.Kind == KindRefund {
		return r.OutRefundNo
	}
	return r.OutTradeNo
}

// Key is the second deduplication key beside ID: one record per number and
// state, whatever the notification id (WeChat may announce one event under
// two ids, and v2 has no id at all).
func (r Record) Key() string { return string(r.Kind) + "/" + r.Ref() + "/" + r.State }

// Reason classes of a refused delivery.
const (
	RefusedMalformed   = "malformed"        // not a notification: bad headers, body or fields
	RefusedTooLarge    = "too_large"        // body over MaxBody
	RefusedSignature   = "bad_signature"    // tampered, unknown serial, probe
	RefusedStale       = "stale"            // Wechatpay-Timestamp more than 5 minutes off
	RefusedUndecrypted = "undecryptable"    // resource or req_info does not decrypt
	RefusedForeign     = "foreign_merchant" // another merchant's notification
	RefusedUnsupported = "unsupported"      // an event this terminal does not handle
	RefusedNotRecorded = "not_recorded"     // verified but the Sink failed: WeChat re-sends
	RefusedBusy        = "busy"             // not verified by the delivery's deadline (overload): WeChat re-sends
)

// Refusal is one delivery that was answered with failure, kept for the
// operator (tampering, stale replays, a wrong key on our side).
type Refusal struct {
	Seq      uint64    `json:"seq"`
	API      string    `json:"api"`
	ID       string    `json:"id,omitempty"` // when the body named one
	Reason   string    `json:"reason"`       // a Refused* class
	Detail   string    `json:"detail"`       // the error, never the body or signature
	Status   int       `json:"status"`       // the HTTP status answered
	Remote   string    `json:"remote,omitempty"`
	Received time.Time `json:"received"`
}

// Sink makes notifications durable. Accept must not return before the
// record survives a crash: the receiver answers WeChat success only after
// it returns nil.
type Sink interface {
	// Accept records r unless a record with its ID or its Key exists; dup
	// reports that case (nothing written, still a success for WeChat).
	Accept(ctx context.Context, r *Record) (dup bool, err error)
	// Refuse records a refused delivery.
	Refuse(ctx context.Context, f *Refusal) error
	// Since returns accepted records with Seq > after, oldest first, at
	// most limit of them.
	Since(ctx context.Context, after uint64, limit int) ([]Record, error)
	// Refusals returns the latest refused deliveries, newest first.
	Refusals(ctx context.Context, limit int) ([]Refusal, error)
	// Cursor and SetCursor keep a consumer's position (its last Seq handled).
	Cursor(ctx context.Context, consumer string) (uint64, error)
	SetCursor(ctx context.Context, consumer string, seq uint64) error
}

// ErrClosed is returned by a Sink used after Close.
var ErrClosed = errors.New("notify: sink closed")
