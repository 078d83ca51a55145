package recon

import (
	"strings"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// TradeState is the 交易状态 column of a bill row.
type TradeState string

// Trade states found in bills.
const (
	BillSuccess TradeState = "SUCCESS" // a payment
	BillRefund  TradeState = "REFUND"  // a refund of an earlier payment
	BillRevoked TradeState = "REVOKED" // paid, then reversed
)

// Row is one detail row of a trade bill, as reconciliation needs it.
// Amounts are exact fen; the fee has the bill's five decimals of a yuan,
// so it is kept in thousandths of a fen.
type Row struct {
	Time          time.Time  // 交易时间: pay time, or refund request time
	DeviceInfo    string     // 设备号
	TransactionID string     // 微信订单号
	OutTradeNo    string     // 商户订单号
	TradeType     string     // MICROPAY, NATIVE, …
	State         TradeState // SUCCESS, REFUND, REVOKED
	TotalFen      int64      // 订单金额 (legacy 总金额)
	SettledFen    int64      // 应结订单金额 (legacy 总金额)
	CouponFen     int64      // 代金券金额: what WeChat coupons paid of a payment (either kind)
	RefundID      string     // 微信退款单号
	OutRefundNo   string     // 商户退款单号
	RefundFen     int64      // 申请退款金额 if present, else 退款金额
	RefundStatus  string     // 退款状态
	FeeMilliFen   int64      // 手续费 in 1/1000 fen (negative on refunds)
	Attach        string     // 商户数据包: the identity tag the payment was made with

	// SettledRefundFen is 退款金额: what the refund takes from the
	// settlement, 申请退款金额 less its merchant-funded (NOCASH) coupon
	// part, which is what leaves the basic account (CheckFundFlow).
	SettledRefundFen int64
}

// RowReader yields a bill's detail rows in file order.
type RowReader interface {
	// Next fills r with the next row. It returns io.EOF after the last row
	// and any other error when the bill is unreadable; reconciliation then
	// stops without a result (never a partial one).
	Next(r *Row) error
}

// Order is a local sale as reconciliation needs it.
type Order struct {
	OutTradeNo string
	Tender     receipt.Tender
	State      pos.State // converted once from the stored record (reconstore.BillBook.LocalDay)
	AmountFen  int64
	Forced     bool      // a manager force-paid it without WeChat's confirmation
	Time       time.Time // when it was paid (created, when never paid)
}

// Refund is a local refund as reconciliation needs it.
type Refund struct {
	OutRefundNo string
	OutTradeNo  string
	Tender      receipt.Tender // of the refunded sale
	State       pos.RefundState
	AmountFen   int64
	Time        time.Time // when it was requested
}

// Local is the terminal's side of a day. Orders and refunds should cover
// the day and its neighbours (a payment at 23:59:59 may be on the next
// day's bill); only those whose Time falls on the day can be reported as
// missing from the bill.
type Local interface {
	EachOrder(fn func(*Order) error) error
	EachRefund(fn func(*Refund) error) error
}

// Sizer is optionally implemented by a Local that knows how many orders it
// holds, so the index is allocated once.
type Sizer interface {
	NumOrders() int
}

// Terminal says which bill rows belong to this terminal: a bill covers the
// whole merchant number, so rows of other tills are not differences.
type Terminal struct {
	// DeviceInfo is the device_info this terminal sends (its terminal id).
	DeviceInfo string `json:"device_info"`
	// Prefix starts every out_trade_no this terminal mints
	// (<store id><terminal id>).
	Prefix string `json:"prefix"`
}

// Owns reports whether a row not found locally was still made by this
// terminal: its device_info says so or, when the row has none, its order
// number carries this terminal's prefix.
func (t Terminal) Owns(r *Row) bool {
	if r.DeviceInfo != "" && t.DeviceInfo != "" {
		return r.DeviceInfo == t.DeviceInfo
	}
	return t.Prefix == "" || strings.HasPrefix(r.OutTradeNo, t.Prefix)
}

// TerminalOf returns the ownership rule of the till with these ids: it
// sends its terminal id as device_info and mints out_trade_no as
// "P<store>-<terminal>-<epoch>-<sequence>" (pos.Terminal; before epochs
// "P<store>-<terminal>-<sequence>"). The dashes make the
// prefix unambiguous: terminal T1 never claims T10's orders.
func TerminalOf(storeID, terminalID string) Terminal {
	return Terminal{DeviceInfo: terminalID, Prefix: "P" + storeID + "-" + terminalID + "-"}
}
