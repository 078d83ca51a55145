package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
)

// Order is the stored payment record of one sale (bucket orders, key
// out_trade_no). The payment core owns its meaning; storage only keeps it,
// indexes it by day, and keeps the open index in step with Open.
type Order struct {
	V          int            `json:"v"`
	OutTradeNo string         `json:"out_trade_no"`
	Tender     string         `json:"tender"`
	State      state.Order    `json:"state"`
	AmountFen  int64          `json:"amount_fen"`
	Lines      []receipt.Line `json:"lines,omitempty"`
	// Discount is the discount on the whole sale (the lines keep their own).
	Discount    *receipt.Discount `json:"discount,omitempty"`
	Description string            `json:"description,omitempty"`
	Cashier     string            `json:"cashier,omitempty"`

	CodeLast4 string `json:"code_last4,omitempty"`
	CodeHash  string `json:"code_hash,omitempty"`
	Attach    string `json:"attach,omitempty"`    // the sale's identity tag sent to WeChat
	Confirmed bool   `json:"confirmed,omitempty"` // WeChat answered about this very order

	CodeURL   string    `json:"code_url,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`

	TenderedFen int64 `json:"tendered_fen,omitempty"`
	ChangeFen   int64 `json:"change_fen,omitempty"`

	TransactionID string `json:"transaction_id,omitempty"`
	ErrorCode     string `json:"error_code,omitempty"`
	Message       string `json:"message,omitempty"`

	// CouponFen is what WeChat coupons paid of AmountFen,
	// MerchantCouponFen the merchant-funded part of it (pos.Order).
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`

	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	Deadline    time.Time `json:"deadline,omitzero"`
	PaidAt      time.Time `json:"paid_at,omitzero"`

	ReceiptNo string `json:"receipt_no,omitempty"`
	// BusinessDay is the yyyymmdd the sale counts on in day reports, fixed
	// when it is paid (see SaleDay and Tx.BusinessDay).
	BusinessDay string `json:"business_day,omitempty"`
	// Shift is the number of the shift the sale counts in, fixed in the
	// commit that records it PAID (Till.Shift then); 0: none (a sale from
	// before shifts, or paid while no shift was open).
	Shift uint64 `json:"shift,omitempty"`

	Forced      bool   `json:"forced,omitempty"`
	ForcedBy    string `json:"forced_by,omitempty"`
	ForceReason string `json:"force_reason,omitempty"`

	Training bool `json:"training,omitempty"`

	// Foreign marks a sale taken at another terminal and recorded here only
	// so that it can be refunded at this counter. It is never one of this
	// terminal's sales: the payment core keeps it out of the day index
	// (Day is empty), so day reports and per-day lookups never see it.
	// OriginStoreID/OriginTerminalID name where it was taken, when known.
	Foreign          bool   `json:"foreign,omitempty"`
	OriginStoreID    string `json:"origin_store_id,omitempty"`
	OriginTerminalID string `json:"origin_terminal_id,omitempty"`

	// Open is true while the order is not in a final state; it decides the
	// entry in the open index (what recovery scans). Not stored in the value.
	Open bool `json:"-"`
	// Day is the yyyymmdd (Asia/Shanghai) of the order's day index entry.
	// Set once at creation; not stored in the value.
	Day string `json:"-"`
}

// OrderVersion is the record version PutOrder writes in Order.V.
const OrderVersion = 1

// Values in the open index say which record a key names.
const (
	openOrder  = "order"
	openRefund = "refund"
)

// PutOrder writes o, adds it to the day index (idempotent), to the sales
// index of its SaleDay once it is paid (a foreign sale, with no Day, never
// is), and adds it to or removes it from the open index according to
// o.Open. Call it inside the same Update as the event that explains the
// change.
func (t *Tx) PutOrder(o *Order) error {
	if o.OutTradeNo == "" {
		return fmt.Errorf("put order: empty out_trade_no")
	}
	rec := *o
	rec.V = OrderVersion
	if err := t.Put(BucketOrders, o.OutTradeNo, rec); err != nil {
		return err
	}
	if o.Day != "" {
		if err := t.PutRaw(BucketOrdersByDay, dayIndexKey(o.Day, o.OutTradeNo), briefOf(o).encode()); err != nil {
			return err
		}
		if sd := o.SaleDay(); sd != "" {
			if err := t.PutRaw(BucketSalesByDay, dayIndexKey(sd, o.OutTradeNo), []byte{}); err != nil {
				return err
			}
		}
	}
	if o.Open {
		return t.PutRaw(BucketOpen, o.OutTradeNo, []byte(openOrder))
	}
	return t.Delete(BucketOpen, o.OutTradeNo)
}

// GetOrder reads the order with out_trade_no no, or an error wrapping
// ErrNotFound.
func (t *Tx) GetOrder(no string) (*Order, error) {
	var o Order
	if err := t.Get(BucketOrders, no, &o); err != nil {
		return nil, err
	}
	o.Open = t.isOpen(no, openOrder)
	return &o, nil
}

func (t *Tx) isOpen(no, kind string) bool {
	v, err := t.GetRaw(BucketOpen, no)
	return err == nil && string(v) == kind
}

// OpenOrders returns every order in the open index, in key order.
func (t *Tx) OpenOrders() ([]*Order, error) {
	return openRecords(t, openOrder, t.GetOrder)
}

func openRecords[R any](t *Tx, kind string, get func(string) (*R, error)) ([]*R, error) {
	var keys []string
	err := t.ForEach(BucketOpen, "", func(k string, v []byte) error {
		if string(v) == kind {
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return records(keys, get, func(k string) string { return "open index " + k })
}

// OrdersOnDay returns the orders of day (yyyymmdd), in out_trade_no order.
func (t *Tx) OrdersOnDay(day string) ([]*Order, error) {
	orders, err := onDay(t, BucketOrdersByDay, day, t.GetOrder)
	for _, o := range orders {
		o.Day = day
	}
	return orders, err
}

// OrderBrief is what a search needs of an order, decoded without the
// rest of the record (its lines, times and WeChat details).
type OrderBrief struct {
	OutTradeNo    string `json:"out_trade_no"`
	AmountFen     int64  `json:"amount_fen"`
	CodeLast4     string `json:"code_last4,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`
	ReceiptNo     string `json:"receipt_no,omitempty"`
}

// FindOrdersOnDay returns the orders of day (yyyymmdd) that keep accepts,
// in out_trade_no order. keep sees each order's brief, which the day index
// holds beside the key (PutOrder writes it), so a search over many days
// reads the index alone and only the orders it accepts in full. An entry
// written before the index held briefs has its brief read from the order.
func (t *Tx) FindOrdersOnDay(day string, keep func(OrderBrief) bool) ([]*Order, error) {
	var out []*Order
	err := t.ForEach(BucketOrdersByDay, day+"/", func(k string, v []byte) error {
		no := k[len(day)+1:]
		b, ok := decodeBrief(no, v)
		if !ok {
			if err := t.Get(BucketOrders, no, &b); err != nil {
				return fmt.Errorf("%s %s: %w", BucketOrdersByDay, k, err)
			}
		}
		if !keep(b) {
			return nil
		}
		o, err := t.GetOrder(no)
		if err != nil {
			return fmt.Errorf("%s %s: %w", BucketOrdersByDay, k, err)
		}
		o.Day = day
		out = append(out, o)
		return nil
	})
	return out, err
}

// briefOf is o's brief as the day index keeps it.
func briefOf(o *Order) OrderBrief {
	return OrderBrief{OutTradeNo: o.OutTradeNo, AmountFen: o.AmountFen, CodeLast4: o.CodeLast4,
		TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo}
}

// briefV1 starts a brief in an index value: "1", then the amount in fen,
// the code's last four, the transaction id and the receipt number, tab
// separated (none of them can hold a tab: digits and [0-9A-Za-z-]).
const briefV1 = "1"

func (b OrderBrief) encode() []byte {
	return []byte(strings.Join([]string{briefV1, strconv.FormatInt(b.AmountFen, 10), b.CodeLast4, b.TransactionID, b.ReceiptNo}, "\t"))
}

// decodeBrief reads the brief of order no from an index value; false when
// the value holds none (an entry from before briefs, or another version).
func decodeBrief(no string, v []byte) (OrderBrief, bool) {
	f := strings.Split(string(v), "\t")
	if len(f) != 5 || f[0] != briefV1 {
		return OrderBrief{}, false
	}
	fen, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return OrderBrief{}, false
	}
	return OrderBrief{OutTradeNo: no, AmountFen: fen, CodeLast4: f[2], TransactionID: f[3], ReceiptNo: f[4]}, true
}

// EachOrder calls fn for every order in out_trade_no order until fn returns
// an error.
func (t *Tx) EachOrder(fn func(*Order) error) error {
	return t.ForEach(BucketOrders, "", func(k string, v []byte) error {
		var o Order
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("decode %s/%s: %w", BucketOrders, k, err)
		}
		o.Open = t.isOpen(k, openOrder)
		return fn(&o)
	})
}

// UseCode records that the payment code with the given keyed hash has been
// submitted. It returns false, writing nothing, if it was recorded before:
// a payment code is good for one payment only.
func (t *Tx) UseCode(hash, outTradeNo string) (bool, error) {
	if hash == "" {
		return false, fmt.Errorf("use code: empty hash")
	}
	if t.Has(BucketCodes, hash) {
		return false, nil
	}
	return true, t.PutRaw(BucketCodes, hash, []byte(outTradeNo))
}
