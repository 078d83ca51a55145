package wechat

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// TradeState is an order's state as reported by a query (PROTOCOL A.7/B.9).
type TradeState string

// Trade states.
const (
	TradeSuccess    TradeState = "SUCCESS"
	TradeRefund     TradeState = "REFUND"
	TradeNotPay     TradeState = "NOTPAY"
	TradeClosed     TradeState = "CLOSED"
	TradeRevoked    TradeState = "REVOKED"
	TradeUserPaying TradeState = "USERPAYING"
	TradePayError   TradeState = "PAYERROR"
	TradeAccept     TradeState = "ACCEPT"
)

// RefundStatus is a refund's state, normalised across generations (v2
// REFUNDCLOSE → RefundClosed, CHANGE → RefundAbnormal).
type RefundStatus string

// Refund statuses.
const (
	RefundSuccess    RefundStatus = "SUCCESS"
	RefundProcessing RefundStatus = "PROCESSING"
	RefundClosed     RefundStatus = "CLOSED"
	RefundAbnormal   RefundStatus = "ABNORMAL"
)

func normalizeRefundStatus(s string) RefundStatus {
	switch s {
	case "REFUNDCLOSE":
		return RefundClosed
	case "CHANGE":
		return RefundAbnormal
	}
	return RefundStatus(s)
}

// BillType selects the rows of a trade bill.
type BillType string

// Bill types.
const (
	BillAll     BillType = "ALL"
	BillSuccess BillType = "SUCCESS"
	BillRefund  BillType = "REFUND"
)

// CodepayRequest is a payment-code (付款码) payment: v3 codepay or v2 micropay.
type CodepayRequest struct {
	OutTradeNo  string // required, minted locally, ≤32
	Description string // required (v2 body), ≤127
	AuthCode    string // required, the scanned 18-digit code
	Total       int64  // required, fen, > 0
	DeviceIP    string // required: terminal IP
	DeviceID    string // optional terminal id
	StoreID     string // optional merchant store id
	Attach      string // optional, echoed back
	GoodsTag    string // optional
}

func (r *CodepayRequest) validate() error {
	return firstErr(
		need("out_trade_no", r.OutTradeNo, 32),
		need("description", r.Description, 127),
		need("auth_code", r.AuthCode, 128),
		need("device_ip", r.DeviceIP, 45),
		fenRange("total", r.Total),
		maxLen("attach", r.Attach, 127),
		maxLen("device_id", r.DeviceID, 32),
	)
}

// NativeRequest creates a Native (QR) order: v3 native prepay or v2
// unifiedorder trade_type=NATIVE.
type NativeRequest struct {
	OutTradeNo  string    // required
	Description string    // required
	Total       int64     // required, fen
	NotifyURL   string    // required by WeChat; the terminal polls anyway
	ClientIP    string    // required for v2 (spbill_create_ip)
	ProductID   string    // v2 product_id (defaults to OutTradeNo)
	TimeExpire  time.Time // optional
	Attach      string    // optional
	DeviceID    string    // optional
}

func (r *NativeRequest) validate() error {
	return firstErr(
		need("out_trade_no", r.OutTradeNo, 32),
		need("description", r.Description, 127),
		need("notify_url", r.NotifyURL, 255),
		fenRange("total", r.Total),
		maxLen("attach", r.Attach, 127),
	)
}

// NativeOrder is the answer to a Native order: the code_url to show as a QR.
type NativeOrder struct {
	CodeURL  string
	PrepayID string // v2 only
}

// Transaction is an order as WeChat Pay reports it, amounts in fen.
type Transaction struct {
	AppID         string
	MchID         string
	OutTradeNo    string
	TransactionID string
	TradeType     string
	State         TradeState
	StateDesc     string
	BankType      string
	Attach        string
	SuccessTime   time.Time // zero until paid
	OpenID        string
	Total         int64
	PayerTotal    int64 // cash paid by the user
	Currency      string
	DeviceID      string
	// Discount is what coupons and discounts paid of Total (v3 the sum of
	// promotion_detail, v2 coupon_fee); the customer paid the rest.
	Discount int64
	// SettlementTotal is what the merchant is settled: Total less the
	// merchant-funded (NOCASH) coupons (v3 computed from promotion_detail,
	// v2 settlement_total_fee, which WeChat sends only when it differs).
	SettlementTotal int64
	Promotions      []Promotion
	// SpMchID is the service provider of a partner order; MchID and AppID
	// are then the sub-merchant's (sub_appid, else the provider's appid)
	// and OpenID the payer's under that app.
	SpMchID string
}

// Paid reports whether the order is paid (SUCCESS, or REFUND after payment).
func (t *Transaction) Paid() bool { return t.State == TradeSuccess || t.State == TradeRefund }

// ReverseResult is the answer to a reverse (撤销). Recall means WeChat asks
// for the reverse to be called again (v2 recall=Y).
type ReverseResult struct {
	Recall bool
}

// RefundRequest asks for a refund. One of TransactionID or OutTradeNo.
type RefundRequest struct {
	OutTradeNo    string
	TransactionID string
	OutRefundNo   string // required, idempotency key, ≤64
	Refund        int64  // required, fen
	Total         int64  // required, the order total, fen
	Reason        string // optional, ≤80
	NotifyURL     string // optional
}

func (r *RefundRequest) validate() error {
	var one error
	if r.OutTradeNo == "" && r.TransactionID == "" {
		one = fmt.Errorf("%w: out_trade_no or transaction_id required", ErrInvalidArgument)
	}
	var le error
	if r.Refund > r.Total {
		le = fmt.Errorf("%w: refund %d exceeds total %d", ErrInvalidArgument, r.Refund, r.Total)
	}
	return firstErr(one,
		need("out_refund_no", r.OutRefundNo, 64),
		fenRange("refund", r.Refund),
		fenRange("total", r.Total),
		le,
		maxLen("reason", r.Reason, 80),
	)
}

// Refund is a refund as WeChat Pay reports it, amounts in fen.
type Refund struct {
	RefundID            string
	OutRefundNo         string
	TransactionID       string
	OutTradeNo          string
	Channel             string
	UserReceivedAccount string
	Status              RefundStatus
	SuccessTime         time.Time
	CreateTime          time.Time
	Refund              int64
	Total               int64
	PayerRefund         int64 // cash back to the customer (0 when the answer has none: v2 notifications)
	PayerTotal          int64
	// DiscountRefund is the coupon part of Refund, given back to the
	// coupon (v3 discount_refund, v2 coupon_refund_fee).
	DiscountRefund int64
	// SettlementRefund is what leaves the merchant's settlement: Refund
	// less its NOCASH coupon part (v3 settlement_refund, v2
	// settlement_refund_fee); SettlementTotal the order's settled amount.
	SettlementRefund int64
	SettlementTotal  int64
	Promotions       []Promotion
}

// BillRequest selects a daily trade bill.
type BillRequest struct {
	Date time.Time // the bill day (its Asia/Shanghai calendar date is used)
	Type BillType  // default BillAll
}

func (r *BillRequest) validate() error {
	if r.Date.IsZero() {
		return fmt.Errorf("%w: bill date required", ErrInvalidArgument)
	}
	switch r.Type {
	case "", BillAll, BillSuccess, BillRefund:
		return nil
	}
	return fmt.Errorf("%w: bill type %q", ErrInvalidArgument, r.Type)
}

// Account names a merchant account of the fund-flow bill.
type Account string

// Merchant accounts (v3 spelling; v2 sends them capitalised: Basic …).
const (
	AccountBasic     Account = "BASIC"     // 基本账户: trades, refunds, their fees
	AccountOperation Account = "OPERATION" // 运营账户
	AccountFees      Account = "FEES"      // 手续费账户
)

// FundFlowRequest selects a daily fund-flow bill (资金账单).
type FundFlowRequest struct {
	Date    time.Time // the bill day (its Asia/Shanghai calendar date is used)
	Account Account   // default AccountBasic
}

func (r *FundFlowRequest) account() Account {
	if r.Account == "" {
		return AccountBasic
	}
	return r.Account
}

func (r *FundFlowRequest) validate() error {
	if r.Date.IsZero() {
		return fmt.Errorf("%w: bill date required", ErrInvalidArgument)
	}
	switch r.account() {
	case AccountBasic, AccountOperation, AccountFees:
		return nil
	}
	return fmt.Errorf("%w: account %q", ErrInvalidArgument, r.Account)
}

// v2 is the account's v2 spelling (Basic, Operation, Fees).
func (a Account) v2() string {
	s := strings.ToLower(string(a))
	return strings.ToUpper(s[:1]) + s[1:]
}

func need(field, v string, n int) error {
	if v == "" {
		return fmt.Errorf("%w: %s required", ErrInvalidArgument, field)
	}
	return maxLen(field, v, n)
}

// maxLen refuses a text longer than n characters, or holding one that
// UTF-8 spells in four bytes (an emoji): WeChat Pay's text fields take
// only 1–3-byte UTF-8 and answer PARAM_ERROR otherwise — refused here,
// before anything is sent, the order is certainly not paid.
func maxLen(field, v string, n int) error {
	count := 0
	for i, r := range v {
		if r > 0xFFFF {
			return fmt.Errorf("%w: %s has %q at byte %d: WeChat Pay takes no emoji or other 4-byte UTF-8 character",
				ErrInvalidArgument, field, r, i)
		}
		count++
	}
	if count > n {
		return fmt.Errorf("%w: %s longer than %d characters", ErrInvalidArgument, field, n)
	}
	return nil
}

// MinOutTradeNo is the shortest out_trade_no WeChat Pay takes (v3
// string[6,32]; PROTOCOL B.8).
const MinOutTradeNo = 6

// MaxFen is the largest amount WeChat Pay takes: amounts are int32 fen
// (¥21,474,836.47).
const MaxFen = math.MaxInt32

// fenRange refuses an amount WeChat Pay would refuse, before anything is sent.
func fenRange(field string, v int64) error {
	switch {
	case v <= 0:
		return fmt.Errorf("%w: %s must be positive fen, got %d", ErrInvalidArgument, field, v)
	case v > MaxFen:
		return fmt.Errorf("%w: %s %d fen is above WeChat Pay's limit of %d fen (amounts are int32)", ErrInvalidArgument, field, v, MaxFen)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
