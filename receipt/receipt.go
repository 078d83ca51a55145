// Package receipt defines the immutable receipt record that the payment core
// produces for every completed sale or refund, and that printers and screens
// render. It is plain data: no I/O, no knowledge of WeChat or storage.
package receipt

import "time"

// Kind says what a receipt documents.
type Kind string

// Receipt kinds.
const (
	KindSale   Kind = "sale"
	KindRefund Kind = "refund"
)

// Tender is how a sale was paid.
type Tender string

// Tenders a terminal accepts.
const (
	TenderWeChatScan Tender = "wechat_scan" // payment code scanned (micropay / codepay)
	TenderWeChatQR   Tender = "wechat_qr"   // Native QR shown to the customer
	TenderCash       Tender = "cash"
)

// Line is one item on a sale. Amounts are in fen.
type Line struct {
	Name     string `json:"name"`
	Qty      int64  `json:"qty"`
	UnitFen  int64  `json:"unit_fen"`
	TotalFen int64  `json:"total_fen"`
}

// Receipt is one printed/shown receipt. Once written it never changes; a
// reprint renders the same record marked as a reprint.
type Receipt struct {
	No         string    `json:"no"` // local, sequential per terminal
	Kind       Kind      `json:"kind"`
	StoreName  string    `json:"store_name"`
	StoreID    string    `json:"store_id"`
	TerminalID string    `json:"terminal_id"`
	Cashier    string    `json:"cashier,omitempty"`
	Time       time.Time `json:"time"`
	Lines      []Line    `json:"lines,omitempty"`
	TotalFen   int64     `json:"total_fen"`
	Tender     Tender    `json:"tender"`

	// Cash only.
	TenderedFen int64 `json:"tendered_fen,omitempty"`
	ChangeFen   int64 `json:"change_fen,omitempty"`

	// WeChat identifiers (empty for cash).
	OutTradeNo    string `json:"out_trade_no,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`

	// Refund receipts only: the refund and the sale it returns money for.
	OutRefundNo string `json:"out_refund_no,omitempty"`
	RefundID    string `json:"refund_id,omitempty"`
	RefundFen   int64  `json:"refund_fen,omitempty"`
	SaleReceipt string `json:"sale_receipt,omitempty"`
	Reason      string `json:"reason,omitempty"`

	// BusinessDay is the yyyymmdd whose day report counts this sale or
	// refund. It is printed when it is not the calendar day of Time: money
	// recorded after that day's Z report belongs to the next day.
	BusinessDay string `json:"business_day,omitempty"`

	// Training is true when the money was moved on the sandbox, not for real.
	Training bool `json:"training,omitempty"`
}
