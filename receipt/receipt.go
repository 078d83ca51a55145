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

// Line is one item on a sale, as sold: the item's name and price are
// copied in when it is rung up, so a later change to the catalogue never
// rewrites a sale. Amounts are in fen; package pricing computes and checks
// them (TotalFen is the line after its own discount).
type Line struct {
	ItemID  string `json:"item_id,omitempty"`
	Barcode string `json:"barcode,omitempty"`
	Name    string `json:"name"`
	// Category is the item's category as sold, for reports by category
	// (empty: none, or a line older than the field).
	Category string `json:"category,omitempty"`
	// Unit is empty (or a piece unit such as 件) when Qty counts pieces,
	// UnitKg when the item is sold by weight: then Qty is grams and
	// UnitFen the price of one kilogram.
	Unit    string `json:"unit,omitempty"`
	Qty     int64  `json:"qty"`
	UnitFen int64  `json:"unit_fen"`
	// Override is set when the cashier charged another price than the
	// catalogue's (UnitFen is the price charged).
	Override *Override `json:"override,omitempty"`
	Discount *Discount `json:"discount,omitempty"`
	TotalFen int64     `json:"total_fen"`
}

// UnitKg marks a line sold by weight (Line.Unit).
const UnitKg = "kg"

// Weighed reports whether l is sold by weight (Qty in grams).
func (l Line) Weighed() bool { return l.Unit == UnitKg }

// Override is a price the cashier typed over the catalogue's.
type Override struct {
	ListFen    int64  `json:"list_fen"` // the catalogue's price, per piece or per kg
	Reason     string `json:"reason"`
	By         string `json:"by,omitempty"`          // who typed it
	ApprovedBy string `json:"approved_by,omitempty"` // the manager, when above the cashier's limit
}

// Discount is money taken off a line or a whole sale: a percentage of what
// it applies to, or an amount. AmountFen is always the fen taken off (for a
// percentage, as computed by package pricing).
type Discount struct {
	Percent    int64  `json:"percent,omitempty"` // 1–100, or 0 for an amount discount
	AmountFen  int64  `json:"amount_fen"`
	Reason     string `json:"reason"`
	By         string `json:"by,omitempty"`          // who gave it
	ApprovedBy string `json:"approved_by,omitempty"` // the manager, when above the cashier's limit
}

// RefundLine is part of a line given back: Line is the index of the sale's
// line, Qty pieces (or grams) of it, AmountFen the money it returns.
type RefundLine struct {
	Line int    `json:"line"`
	Name string `json:"name,omitempty"`
	// Unit is the sale line's (UnitKg: Qty is grams).
	Unit      string `json:"unit,omitempty"`
	Qty       int64  `json:"qty"`
	AmountFen int64  `json:"amount_fen"`
}

// QtyText is how much of the line is given back as printed: pieces, or
// kg with three decimals for a weighed line.
func (l RefundLine) QtyText() string { return QtyText(Line{Unit: l.Unit, Qty: l.Qty}) }

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
	// Discount is the discount on the whole sale, after the lines' own.
	Discount *Discount `json:"discount,omitempty"`
	TotalFen int64     `json:"total_fen"`
	Tender   Tender    `json:"tender"`

	// Cash only.
	TenderedFen int64 `json:"tendered_fen,omitempty"`
	ChangeFen   int64 `json:"change_fen,omitempty"`

	// CouponFen is what WeChat coupons paid (微信优惠): of TotalFen on a
	// sale, where the customer paid the rest (实付); of RefundFen on a
	// refund, where it goes back to the coupon and the customer gets the
	// rest (实退).
	CouponFen int64 `json:"coupon_fen,omitempty"`

	// WeChat identifiers (empty for cash).
	OutTradeNo    string `json:"out_trade_no,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`

	// Refund receipts only: the refund and the sale it returns money for.
	OutRefundNo string `json:"out_refund_no,omitempty"`
	RefundID    string `json:"refund_id,omitempty"`
	RefundFen   int64  `json:"refund_fen,omitempty"`
	SaleReceipt string `json:"sale_receipt,omitempty"`
	// RefundLines are the lines given back, for a refund by line.
	RefundLines []RefundLine `json:"refund_lines,omitempty"`
	Reason      string       `json:"reason,omitempty"`

	// BusinessDay is the yyyymmdd whose day report counts this sale or
	// refund. It is printed when it is not the calendar day of Time: money
	// recorded after that day's Z report belongs to the next day.
	BusinessDay string `json:"business_day,omitempty"`

	// Training is true when the money was moved on the sandbox, not for real.
	Training bool `json:"training,omitempty"`
}
