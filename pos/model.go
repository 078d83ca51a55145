package pos

import (
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// Sale is what the cashier rang up: a total and optional item lines.
// When Lines are given, they and the order Discount must come to AmountFen
// as package pricing computes it, and every discount above the cashier's
// limits (Config.Discounts) must name the manager who approved it.
type Sale struct {
	AmountFen   int64
	Lines       []receipt.Line
	Discount    *receipt.Discount // on the whole sale, after the lines' own; only with Lines
	Description string            // sent to WeChat as body/description; defaults to the store name
	// Cashier is who sells: the cashier signed in at the till. A sale
	// without one, or by anyone else, is refused (ErrNotSignedIn).
	Cashier string
}

// Order is one sale's payment record, as persisted. Every change is a
// transition of its flow's table, written before the call it announces.
type Order struct {
	OutTradeNo string         `json:"out_trade_no"`
	Tender     receipt.Tender `json:"tender"`
	State      State          `json:"state"`
	AmountFen  int64          `json:"amount_fen"`
	Lines      []receipt.Line `json:"lines,omitempty"`
	// Discount is the discount on the whole sale (the lines keep their own).
	Discount    *receipt.Discount `json:"discount,omitempty"`
	Description string            `json:"description,omitempty"`
	Cashier     string            `json:"cashier,omitempty"`

	// Scan: the payment code is never stored; only its last four digits
	// (for people) and a keyed hash (for the used-once check).
	CodeLast4 string `json:"code_last4,omitempty"`
	CodeHash  string `json:"code_hash,omitempty"`

	// Attach is this sale's identity tag, minted with the order and sent as
	// WeChat's attach, which every query echoes: a trade found under this
	// number is this sale's only if it carries the same tag (and amount).
	// Empty on orders made before tags existed.
	Attach string `json:"attach,omitempty"`
	// Confirmed is set once WeChat answered about this very order (our
	// pay or prepay answered, or a query matched it): before that, the
	// order under the number may be another payment's, so no reverse or
	// close is sent on it without a query first.
	Confirmed bool `json:"confirmed,omitempty"`

	// QR.
	CodeURL   string    `json:"code_url,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`

	// Cash.
	TenderedFen int64 `json:"tendered_fen,omitempty"`
	ChangeFen   int64 `json:"change_fen,omitempty"`

	TransactionID string `json:"transaction_id,omitempty"`
	ErrorCode     string `json:"error_code,omitempty"` // WeChat's code for FAILED, or why it ended
	Message       string `json:"message,omitempty"`

	// CouponFen is what WeChat coupons paid of AmountFen (微信优惠), as
	// WeChat's answer about the paid order says: the customer paid
	// PayerFen. MerchantCouponFen is the part the merchant funds (NOCASH
	// coupons): WeChat settles SettledFen. Both 0 without coupons.
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`

	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"` // first network call
	Deadline    time.Time `json:"deadline,omitzero"`     // scan: stop waiting for the password; QR: expiry
	PaidAt      time.Time `json:"paid_at,omitzero"`

	ReceiptNo string `json:"receipt_no,omitempty"`
	// BusinessDay is the yyyymmdd whose day report counts the sale, fixed
	// in the commit that records it PAID: the day it was paid, or the next
	// open day when that day's Z report was already taken.
	BusinessDay string `json:"business_day,omitempty"`
	// Shift is the shift the sale counts in, fixed by the store in the
	// commit that records it PAID (the shift open at the till then); 0:
	// none (a sale from before shifts, or paid with no shift open).
	Shift uint64 `json:"shift,omitempty"`

	// Manager overrides.
	Forced      bool   `json:"forced,omitempty"`
	ForcedBy    string `json:"forced_by,omitempty"`
	ForceReason string `json:"force_reason,omitempty"`

	Training bool `json:"training,omitempty"`

	// Foreign marks a sale taken at another terminal of the merchant and
	// recorded here, after WeChat confirmed it paid, only to be refunded at
	// this counter (Terminal.RefundAny). It is not a sale of this terminal:
	// it has no receipt here and stays out of the day index, so day reports
	// never count it. Origin* say where it was taken, when the replica knew.
	Foreign          bool   `json:"foreign,omitempty"`
	OriginStoreID    string `json:"origin_store_id,omitempty"`
	OriginTerminalID string `json:"origin_terminal_id,omitempty"`
}

// Flow returns the state machine that drives o.
func (o *Order) Flow() Flow {
	f, _ := FlowOf(o.Tender)
	return f
}

// IsSale reports whether o counts as a sale of this terminal: paid, not
// reversed, and taken here (not Foreign).
func (o *Order) IsSale() bool { return o.State == StatePaid && !o.Foreign }

func (o *Order) clone() *Order {
	c := *o
	c.Lines = append([]receipt.Line(nil), o.Lines...)
	return &c
}

// Refund is one refund of a paid sale, as persisted.
type Refund struct {
	OutRefundNo   string      `json:"out_refund_no"`
	OutTradeNo    string      `json:"out_trade_no"`
	TransactionID string      `json:"transaction_id,omitempty"`
	State         RefundState `json:"state"`
	AmountFen     int64       `json:"amount_fen"`
	TotalFen      int64       `json:"total_fen"` // the sale's amount
	Reason        string      `json:"reason,omitempty"`
	AuthorisedBy  string      `json:"authorised_by,omitempty"`
	// Cashier is who was signed in at the till and made the refund
	// (RefundOrder.Cashier); empty on refunds from before sign-in.
	Cashier string `json:"cashier,omitempty"`
	// Lines are the sale's lines this refund gives back, for a refund by
	// line; empty for a refund of an amount.
	Lines       []receipt.RefundLine `json:"lines,omitempty"`
	RefundID    string               `json:"refund_id,omitempty"`
	ErrorCode   string               `json:"error_code,omitempty"`
	Message     string               `json:"message,omitempty"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	SuccessAt   time.Time            `json:"success_at,omitempty"`
	ReceiptNo   string               `json:"receipt_no,omitempty"`
	BusinessDay string               `json:"business_day,omitempty"` // like Order.BusinessDay, fixed at SUCCESS
	Shift       uint64               `json:"shift,omitempty"`        // like Order.Shift, fixed at SUCCESS
	Training    bool                 `json:"training,omitempty"`
	// CouponFen is the coupon part of AmountFen, which goes back to the
	// coupon: the customer gets PayerFen. MerchantCouponFen is the part of
	// it the merchant funded. Predicted when the refund is made
	// (CouponShare), then as WeChat answers.
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`
}

func (r *Refund) clone() *Refund {
	c := *r
	c.Lines = append([]receipt.RefundLine(nil), r.Lines...)
	return &c
}

// OutboxKind says which call an outbox entry stands for.
type OutboxKind string

// Outbox kinds.
const (
	OutboxReverse OutboxKind = "reverse"
	OutboxClose   OutboxKind = "close"
	OutboxRefund  OutboxKind = "refund"
)

// OutboxEntry is a reverse, close or refund that must reach WeChat. It is
// written in the same transaction as the state that needs it and removed in
// the transaction that records its result, so a crash can neither lose it
// nor run it twice under a different number.
type OutboxEntry struct {
	Kind      OutboxKind `json:"kind"`
	Ref       string     `json:"ref"` // out_trade_no (reverse/close) or out_refund_no (refund)
	Attempts  int        `json:"attempts"`
	NextAt    time.Time  `json:"next_at"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Key is the entry's storage key.
func (e OutboxEntry) Key() string { return string(e.Kind) + "/" + e.Ref }
