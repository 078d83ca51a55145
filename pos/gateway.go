package pos

import (
	"context"
	"time"
)

// TradeStatus is WeChat's view of an order, as a query reports it.
type TradeStatus string

// Trade statuses (docs/wechatpay/PROTOCOL.md A.7 / B.9 trade_state).
const (
	TradeSuccess    TradeStatus = "SUCCESS"    // paid
	TradeRefund     TradeStatus = "REFUND"     // paid, then a refund was requested
	TradeNotPay     TradeStatus = "NOTPAY"     // exists, not paid
	TradeUserPaying TradeStatus = "USERPAYING" // customer is entering the password
	TradeClosed     TradeStatus = "CLOSED"     // closed unpaid
	TradeRevoked    TradeStatus = "REVOKED"    // reversed
	TradePayError   TradeStatus = "PAYERROR"   // payment failed
)

// Paid reports whether the status means money was received.
func (s TradeStatus) Paid() bool { return s == TradeSuccess || s == TradeRefund }

// Trade is the gateway's answer about one order.
type Trade struct {
	OutTradeNo    string
	Status        TradeStatus
	TransactionID string // WeChat's order number, set once paid
	AmountFen     int64  // order total as WeChat has it
	PaidAt        time.Time
	Desc          string
	Attach        string // echoed attach: the identity tag the order was made with
	TradeType     string // MICROPAY, NATIVE, … ("" when the answer has none)
	// CouponFen is what WeChat coupons paid of AmountFen (the customer
	// paid the rest); MerchantCouponFen the part of it the merchant funds
	// (NOCASH coupons), which WeChat never settles.
	CouponFen         int64
	MerchantCouponFen int64
}

// ScanRequest is one payment-code payment. OutTradeNo is minted locally
// and the same on every retry.
type ScanRequest struct {
	OutTradeNo  string
	AuthCode    string // the customer's 18-digit payment code
	AmountFen   int64
	Description string
	DeviceID    string // terminal id
	StoreID     string
	Attach      string // the order's identity tag (Order.Attach)
}

// QRRequest is one Native (QR) prepay.
type QRRequest struct {
	OutTradeNo  string
	AmountFen   int64
	Description string
	DeviceID    string
	StoreID     string
	ExpiresAt   time.Time // time_expire sent to WeChat
	Attach      string    // the order's identity tag (Order.Attach)
}

// RefundRequest is one refund of a paid order.
type RefundRequest struct {
	OutTradeNo    string
	TransactionID string
	OutRefundNo   string
	AmountFen     int64 // this refund
	TotalFen      int64 // the order's total
	Reason        string
}

// RefundStatus is WeChat's status of a refund.
type RefundStatus string

// Refund statuses (docs/wechatpay/PROTOCOL.md B.11; v2 REFUNDCLOSE/CHANGE map to CLOSED/ABNORMAL).
const (
	RefundStatusProcessing RefundStatus = "PROCESSING"
	RefundStatusSuccess    RefundStatus = "SUCCESS"
	RefundStatusClosed     RefundStatus = "CLOSED"
	RefundStatusAbnormal   RefundStatus = "ABNORMAL"
)

// RefundResult is the gateway's answer about one refund.
type RefundResult struct {
	OutRefundNo string
	RefundID    string
	Status      RefundStatus
	AmountFen   int64
	SuccessAt   time.Time
	// CouponFen is the coupon part of AmountFen, given back to the
	// coupon: the customer gets AmountFen − CouponFen.
	// MerchantCouponFen is the part of it the merchant funded.
	CouponFen         int64
	MerchantCouponFen int64
}

// Gateway is what the payment core needs from WeChat Pay, whichever API
// generation is configured. Every call has a context with a deadline.
//
// Outcome classes, decided by the implementation (never by pos parsing
// strings):
//   - success: a nil error with the result;
//   - USERPAYING from PayScan: a nil error and Trade.Status TradeUserPaying;
//   - definite failure: *DeclineError with WeChat's code (nothing happened),
//     or ErrOrderNotExist / ErrOrderPaid where documented;
//   - ErrOutTradeNoUsed from PayScan / CreateQR: WeChat has an order under
//     this number with other parameters; the core queries and compares;
//   - outcome unknown: any other error (transport, timeout, 5xx,
//     SYSTEMERROR/BANKERROR, ORDERPAID on a pay call, unverifiable reply);
//     the core queries before anything else.
type Gateway interface {
	// PayScan sends a payment-code payment (v3 codepay, v2 micropay). It
	// returns Status TradeSuccess or TradeUserPaying on a nil error.
	PayScan(ctx context.Context, r ScanRequest) (Trade, error)
	// CreateQR sends a Native prepay and returns the code_url.
	CreateQR(ctx context.Context, r QRRequest) (codeURL string, err error)
	// Query asks for an order's status by out_trade_no; ErrOrderNotExist
	// when WeChat has none.
	Query(ctx context.Context, outTradeNo string) (Trade, error)
	// Reverse cancels a payment-code order (closing it, or refunding it if
	// paid). A nil error means done; an error that is not definite (recall=Y,
	// SYSTEMERROR, no answer) means call again later.
	Reverse(ctx context.Context, outTradeNo string) error
	// Close closes an unpaid Native order. ErrOrderPaid if it was paid.
	Close(ctx context.Context, outTradeNo string) error
	// Refund submits a refund; the same OutRefundNo refunds at most once.
	Refund(ctx context.Context, r RefundRequest) (RefundResult, error)
	// QueryRefund asks for a refund's status by out_refund_no.
	QueryRefund(ctx context.Context, outRefundNo string) (RefundResult, error)
}

// QRChecker is implemented by a Gateway that can tell, before any order
// is made, that it cannot create QR (Native) orders — a live terminal
// without the notify_url WeChat requires with every one. BeginQR asks it
// first, so a payment that cannot start numbers and records nothing. The
// error it returns wraps ErrQRUnavailable.
type QRChecker interface {
	QRReady() error
}
