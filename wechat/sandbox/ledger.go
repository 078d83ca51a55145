package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Trade states (PROTOCOL A.7, "Simulator state machine"). Stored as strings.
const (
	stateNotPay     = "NOTPAY"
	stateUserPaying = "USERPAYING"
	stateSuccess    = "SUCCESS"
	stateRefund     = "REFUND"
	stateClosed     = "CLOSED"
	stateRevoked    = "REVOKED"
	statePayError   = "PAYERROR"
)

// Refund statuses, in v3 spelling; v2 names come from refundStatusV2.
const (
	refundProcessing = "PROCESSING"
	refundSuccess    = "SUCCESS"
	refundClosed     = "CLOSED"
	refundAbnormal   = "ABNORMAL"
)

// Trade types the sandbox creates.
const (
	tradeMicropay = "MICROPAY"
	tradeNative   = "NATIVE"
	tradeJSAPI    = "JSAPI" // official account (WeixinJSBridge) and mini-program (wx.requestPayment)
	tradeApp      = "APP"
	tradeMWEB     = "MWEB" // H5, in a browser outside WeChat
)

// Business limits (PROTOCOL A.8, A.11, C).
const (
	maxRefundsPerOrder = 50
	reverseWindow      = 7 * 24 * time.Hour
	refundWindow       = 365 * 24 * time.Hour
	passwordAboveFen   = 100000 // > 1000 CNY always asks for the password
)

// order is one payment order of the simulated merchant.
type order struct {
	OutTradeNo    string    `json:"out_trade_no"`
	TransactionID string    `json:"transaction_id,omitempty"`
	TradeType     string    `json:"trade_type"`
	State         string    `json:"state"`
	AmountFen     int64     `json:"amount_fen"`
	RefundedFen   int64     `json:"refunded_fen"`
	Body          string    `json:"body"`
	Attach        string    `json:"attach,omitempty"`
	DeviceInfo    string    `json:"device_info,omitempty"`
	NotifyURL     string    `json:"notify_url,omitempty"`
	Gen           string    `json:"gen,omitempty"`
	SignType      string    `json:"sign_type,omitempty"`
	Fingerprint   string    `json:"fingerprint"`
	AuthLast4     string    `json:"auth_code_last4,omitempty"`
	CodeDigest    string    `json:"code_digest,omitempty"`
	Scenario      Scenario  `json:"scenario,omitempty"`
	FailCode      string    `json:"fail_code,omitempty"`
	CodeURL       string    `json:"code_url,omitempty"`
	PrepayID      string    `json:"prepay_id,omitempty"`
	PrepayExpiry  time.Time `json:"prepay_expiry,omitzero"` // JSAPI, App, H5: when prepay_id stops being payable
	OpenID        string    `json:"openid,omitempty"`
	BankType      string    `json:"bank_type,omitempty"`
	CreateTime    time.Time `json:"create_time"`
	SuccessTime   time.Time `json:"success_time,omitzero"`
	ExpireTime    time.Time `json:"expire_time,omitzero"`
	CodeURLExpiry time.Time `json:"code_url_expiry,omitzero"`
	PayAt         time.Time `json:"pay_at,omitzero"`
	FailAt        time.Time `json:"fail_at,omitzero"`
	EndTime       time.Time `json:"end_time,omitzero"`
	Refunds       []string  `json:"refunds,omitempty"`
	Coupon        *coupon   `json:"coupon,omitempty"` // what the customer paid with besides cash
	N             uint64    `json:"n"`                // creation number: orders list in creation order
	// SubAppID is the sub-merchant's app a partner order named (sub_appid).
	SubAppID string `json:"sub_appid,omitempty"`
	// SubOpenID is a partner JSAPI payer's openid under sub_appid (the
	// order's OpenID is then its openid under sp_appid).
	SubOpenID string `json:"sub_openid,omitempty"`
}

// paid reports whether money moved for o at some point.
func (o *order) paid() bool { return !o.SuccessTime.IsZero() }

// paidLater reports whether o paid on a later Beijing day than it was
// created (only those are in the paidday index).
func (o *order) paidLater() bool { return o.paid() && dayKey(o.SuccessTime) != dayKey(o.CreateTime) }

// refund is one refund request.
type refund struct {
	OutRefundNo   string `json:"out_refund_no"`
	RefundID      string `json:"refund_id"`
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	AmountFen     int64  `json:"amount_fen"`
	TotalFen      int64  `json:"total_fen"`
	Status        string `json:"status"`
	Reason        string `json:"reason,omitempty"`
	NotifyURL     string `json:"notify_url,omitempty"`
	Gen           string `json:"gen,omitempty"`
	Outcome       string `json:"outcome,omitempty"` // final status when due; "" = SUCCESS
	// After an apply-abnormal-refund: how it was settled and where the
	// money goes ("" = the original account).
	AbnormalType    string    `json:"abnormal_type,omitempty"`
	Channel         string    `json:"channel,omitempty"`
	ReceivedAccount string    `json:"received_account,omitempty"`
	CreateTime      time.Time `json:"create_time"`
	CompleteAt      time.Time `json:"complete_at"`
	SuccessTime     time.Time `json:"success_time,omitzero"`
	// Coupon is the order's coupon, copied; DiscountFen the part of it
	// this refund gives back (coupon.go).
	Coupon      *coupon `json:"coupon,omitempty"`
	DiscountFen int64   `json:"discount_fen,omitempty"`
	N           uint64  `json:"n"` // creation number
}

// markPaid moves o to SUCCESS at t.
func (l *ledger) markPaid(o *order, t time.Time) {
	o.State = stateSuccess
	o.SuccessTime = t
	o.EndTime = t
	o.TransactionID = l.transactionID(t, o.N)
	if o.BankType == "" {
		o.BankType = "OTHERS"
	}
	o.FailAt, o.PayAt = time.Time{}, time.Time{}
}

// A transaction_id is 42000, the Beijing day it paid and 15 digits: the
// ledger's digit (1 for the direct merchant, 2 for the sub-merchant, so
// that an id names one order in the whole sandbox) and the order's
// creation number in 14. The number finds the order through its seqKey, so
// no index of transaction ids is kept. Ledgers written before this
// numbering hold ids whose 15 digits start with 0 or 5 (a counter); those
// stay in the tx index.
const txNumberBase = 100_000_000_000_000

// idDigit is the ledger's first digit of its transaction_id numbers.
func (l *ledger) idDigit() uint64 {
	if l.sub {
		return 2
	}
	return 1
}

func (l *ledger) transactionID(t time.Time, n uint64) string {
	return fmt.Sprintf("42000%s%d", t.In(tz.Shanghai).Format("20060102"), l.idDigit()*txNumberBase+n)
}

// derivedTxID reports whether id was minted by a ledger's transactionID
// (the direct or the sub-merchant's): such ids are not indexed.
func derivedTxID(id string) bool {
	return len(id) == 28 && strings.HasPrefix(id, "42000") && (id[13] == '1' || id[13] == '2')
}

// txNumber is the creation number a transaction_id minted by this
// ledger's transactionID carries (false: another id).
func (l *ledger) txNumber(id string) (uint64, bool) {
	if len(id) != 28 || !strings.HasPrefix(id, "42000") || uint64(id[13]-'0') != l.idDigit() {
		return 0, false
	}
	n, err := strconv.ParseUint(id[13:], 10, 64)
	if err != nil {
		return 0, false
	}
	return n - l.idDigit()*txNumberBase, true
}

// settleOrder applies to o what is due at or before now: a password
// payment that completes or times out, a Native order that expires.
func (l *ledger) settleOrder(o *order, now time.Time) {
	switch o.State {
	case stateUserPaying:
		switch {
		case !o.PayAt.IsZero() && !now.Before(o.PayAt):
			l.markPaid(o, o.PayAt)
		case !o.FailAt.IsZero() && !now.Before(o.FailAt):
			o.State = statePayError
			o.FailCode = "TRADE_ERROR"
			o.EndTime = o.FailAt
			o.FailAt = time.Time{}
		}
	case stateNotPay:
		if !o.ExpireTime.IsZero() && !now.Before(o.ExpireTime) {
			o.State = stateClosed
			o.EndTime = o.ExpireTime
		}
	}
}

// finishRefund ends a PROCESSING refund with its outcome at t. A CLOSED
// refund gives the amount back to the order's refundable balance.
func (l *ledger) finishRefund(r *refund, t time.Time) {
	r.Status = refundSuccess
	if r.Outcome != "" {
		r.Status = r.Outcome
	}
	switch r.Status {
	case refundSuccess:
		r.SuccessTime = t
	case refundClosed:
		if o := l.order(r.OutTradeNo); o != nil {
			o.RefundedFen -= r.AmountFen
		}
	}
	l.queueRefundNotify(r, t)
}

// stateDesc is the human trade_state_desc for a state.
func stateDesc(state string) string {
	switch state {
	case stateSuccess:
		return "支付成功"
	case stateRefund:
		return "转入退款"
	case stateNotPay:
		return "订单未支付"
	case stateClosed:
		return "已关闭"
	case stateRevoked:
		return "已撤销（付款码支付）"
	case stateUserPaying:
		return "用户支付中（付款码支付）"
	case statePayError:
		return "支付失败"
	}
	return state
}

// refundStatusV2 maps a v3 refund status to its v2 spelling.
func refundStatusV2(s string) string {
	switch s {
	case refundClosed:
		return "REFUNDCLOSE"
	case refundAbnormal:
		return "CHANGE"
	}
	return s
}
