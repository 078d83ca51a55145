package recon

import (
	"fmt"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// Kind is the category of a compared record. Kinds are persisted as these
// strings.
type Kind string

// Categories of a reconciliation.
const (
	// KindMatched: bill and local record agree.
	KindMatched Kind = "matched"
	// KindAmountMismatch: both sides have it, with different amounts.
	KindAmountMismatch Kind = "amount_mismatch"
	// KindLocalOnly: recorded PAID locally, absent from the bill. Query it:
	// it may be a forced-paid order that never reached WeChat, or a bug.
	KindLocalOnly Kind = "local_only"
	// KindWeChatOnly: money arrived without a local sale (e.g. a reverse
	// that never happened, or a lost record): refund it or record the sale.
	KindWeChatOnly Kind = "wechat_only"
	// KindStatusMismatch: both sides know it but disagree on what happened
	// (REVOKED at WeChat but PAID here; refund states or presence).
	KindStatusMismatch Kind = "status_mismatch"
	// KindOtherTerminal: a row of another terminal of the same merchant;
	// counted, never a difference.
	KindOtherTerminal Kind = "other_terminal"
)

// Kinds lists the categories in display order.
var Kinds = []Kind{KindMatched, KindAmountMismatch, KindLocalOnly, KindWeChatOnly, KindStatusMismatch, KindOtherTerminal}

// Subject says whether a difference is about a payment or a refund.
type Subject string

// Subjects.
const (
	SubjectOrder  Subject = "order"
	SubjectRefund Subject = "refund"
)

// Difference is one record the two sides disagree on, with what to do.
type Difference struct {
	// ID is stable across re-reconciliations of the same day, so a
	// resolution stays attached: "<kind>/<subject>/<number>".
	ID            string         `json:"id"`
	Kind          Kind           `json:"kind"`
	Subject       Subject        `json:"subject"`
	OutTradeNo    string         `json:"out_trade_no"`
	OutRefundNo   string         `json:"out_refund_no,omitempty"`
	TransactionID string         `json:"transaction_id,omitempty"`
	RefundID      string         `json:"refund_id,omitempty"`
	Tender        receipt.Tender `json:"tender,omitempty"`
	TradeType     string         `json:"trade_type,omitempty"`
	DeviceInfo    string         `json:"device_info,omitempty"`
	LocalState    string         `json:"local_state,omitempty"`
	BillState     string         `json:"bill_state,omitempty"`
	LocalFen      int64          `json:"local_fen"`
	BillFen       int64          `json:"bill_fen"`
	Attach        string         `json:"attach,omitempty"` // the bill's 商户数据包
	Forced        bool           `json:"forced,omitempty"`
	Time          time.Time      `json:"time,omitzero"`
	// CouponFen is what WeChat coupons paid of a payment the bill shows
	// (代金券金额), MerchantCouponFen the part of it the merchant funds
	// (订单金额 less 应结订单金额: a NOCASH coupon is not settled), so a
	// sale recorded from the bill keeps its customer's and its settled
	// share. Zero for refunds and for bills without 订单金额.
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`
	// Advice is what to do, in plain words.
	Advice string `json:"advice"`
	// Actions are the resolutions that make sense for this difference.
	Actions []Action `json:"actions"`
	// Resolution is set once someone resolved it.
	Resolution *Resolution `json:"resolution,omitempty"`
	// LastQuery is the outcome of the latest "query now", if any.
	LastQuery string `json:"last_query,omitempty"`
	// Announced is the state WeChat Pay's latest notification about the
	// order or refund gave, when the chain recorded one (head office's
	// reconciliation, replica.ReconcileMerchant): WeChat's word beside
	// its bill, e.g. for a payment whose terminal has not replicated it.
	Announced string `json:"announced,omitempty"`
}

// LocalOrder is the local state of the difference's order: LocalState
// typed, for a difference about an order ("" for a refund's, whose
// LocalState is a refund's state).
func (d *Difference) LocalOrder() pos.State {
	if d.Subject != SubjectOrder {
		return ""
	}
	return pos.State(d.LocalState)
}

// Resolved reports whether the difference has been dealt with.
func (d *Difference) Resolved() bool { return d.Resolution != nil }

// Action is a way of resolving a difference. Actions are persisted as
// these strings.
type Action string

// Actions.
const (
	// ActionQuery asks WeChat about the order now; it resolves the
	// difference only when the answer explains it.
	ActionQuery Action = "query"
	// ActionRefund returns the money of a WeChat-only payment.
	ActionRefund Action = "refund"
	// ActionRecordSale records a WeChat-only payment as a manual sale.
	ActionRecordSale Action = "record_sale"
	// ActionExplain marks the difference explained, with a note.
	ActionExplain Action = "explain"
)

// Resolution is how and by whom a difference was resolved.
type Resolution struct {
	Action Action    `json:"action"`
	Actor  string    `json:"actor"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
	// Ref is what the action produced (an out_refund_no, an out_trade_no).
	Ref string `json:"ref,omitempty"`
}

// TenderTotal is one line of the side-by-side day totals. Amounts in fen.
type TenderTotal struct {
	Tender         receipt.Tender `json:"tender"` // "other" for bill trade types no till tender maps to
	LocalCount     int            `json:"local_count"`
	LocalFen       int64          `json:"local_fen"`
	LocalRefundFen int64          `json:"local_refund_fen"`
	BillCount      int            `json:"bill_count"`
	BillFen        int64          `json:"bill_fen"`
	BillRefundFen  int64          `json:"bill_refund_fen"`
	// InBill is false for tenders WeChat never sees (cash).
	InBill bool `json:"in_bill"`
}

// Fees are the bill's fee totals in thousandths of a fen (the bill has five
// decimals of a yuan).
type Fees struct {
	TerminalMilliFen int64 `json:"terminal_milli_fen"`
	OtherMilliFen    int64 `json:"other_milli_fen"`
}

// FeeYuan formats thousandths of a fen as yuan with the bill's five
// decimals ("0.07200", "-1.00000"), exactly.
func FeeYuan(milliFen int64) string {
	sign := ""
	if milliFen < 0 {
		sign, milliFen = "-", -milliFen
	}
	return fmt.Sprintf("%s%d.%05d", sign, milliFen/100000, milliFen%100000)
}

// Result is one reconciliation of one day.
type Result struct {
	V           int           `json:"v"`
	Day         Day           `json:"day"`
	Terminal    Terminal      `json:"terminal"`
	At          time.Time     `json:"at"`
	BillRows    int           `json:"bill_rows"`
	BillSHA1    string        `json:"bill_sha1,omitempty"`
	Counts      map[Kind]int  `json:"counts"`
	Totals      []TenderTotal `json:"totals"`
	Fees        Fees          `json:"fees"`
	Differences []Difference  `json:"differences"`
}

// ResultVersion is the record version of a stored Result.
const ResultVersion = 1

// Open returns the number of unresolved differences.
func (r *Result) Open() int {
	n := 0
	for i := range r.Differences {
		if !r.Differences[i].Resolved() {
			n++
		}
	}
	return n
}

// Balanced reports whether every difference is resolved.
func (r *Result) Balanced() bool { return r.Open() == 0 }

// Difference returns the difference with the given id, or nil.
func (r *Result) Difference(id string) *Difference {
	for i := range r.Differences {
		if r.Differences[i].ID == id {
			return &r.Differences[i]
		}
	}
	return nil
}
