package pos

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// BillSale is a payment WeChat's daily bill shows and this terminal has no
// paid record of, as reconciliation hands it over to be recorded.
type BillSale struct {
	OutTradeNo    string
	Tender        receipt.Tender // WeChat scan or QR (the bill does not say which: the caller's best guess)
	AmountFen     int64          // the bill's order total
	TransactionID string
	Attach        string    // the bill's 商户数据包: the identity tag the payment was made with
	PaidAt        time.Time // the bill's time; zero: now
	Note          string    // the manager's reason
	Ref           string    // what it answers (the reconciliation difference), for the audit trail

	// CouponFen is what WeChat coupons paid of it (the bill's 代金券金额),
	// MerchantCouponFen the merchant-funded part (订单金额 less
	// 应结订单金额), as Order.CouponFen and Order.MerchantCouponFen.
	CouponFen, MerchantCouponFen int64
}

// RecordBillSale records s as a paid sale of this terminal, on actor's
// word, through the corrections of BillTable: a new order when there is no
// local record, or the local record moved from FAILED, REVERSED or CLOSED
// to PAID. Like every transition it is written with its audit event
// (EventRecord) and the sale's receipt in one commit. The order takes the
// bill's transaction id and time. An order in any other state is refused
// with ErrInvalidTransition (PAID: nothing to record; open: the recovery
// worker is still finding out), and one whose local sale differs from the
// bill's payment in amount or identity tag (the bill's 商户数据包), or was
// found to be a CONFLICT, with ErrTradeConflict (the number carries another
// payment).
func (t *Terminal) RecordBillSale(s BillSale, actor string) (*Order, error) {
	no := s.OutTradeNo
	switch {
	case no == "":
		return nil, fmt.Errorf("record bill sale: no out_trade_no: %w", ErrBadRequest)
	case strings.TrimSpace(actor) == "":
		return nil, fmt.Errorf("record bill sale %s: who records it is required: %w", no, ErrBadRequest)
	case s.AmountFen <= 0 || s.AmountFen > MaxFen:
		return nil, fmt.Errorf("record bill sale %s: amount %d fen: %w", no, s.AmountFen, ErrBadAmount)
	case s.CouponFen < 0 || s.CouponFen > s.AmountFen || s.MerchantCouponFen < 0 || s.MerchantCouponFen > s.CouponFen:
		return nil, fmt.Errorf("record bill sale %s: coupon %d fen (merchant-funded %d) of %d fen: %w", no, s.CouponFen, s.MerchantCouponFen, s.AmountFen, ErrBadAmount)
	case s.Tender != receipt.TenderWeChatScan && s.Tender != receipt.TenderWeChatQR:
		return nil, fmt.Errorf("record bill sale %s: tender %q is not a WeChat tender: %w", no, s.Tender, ErrBadRequest)
	}
	if !t.acquire(no) {
		return nil, fmt.Errorf("record bill sale %s: %w", no, ErrBusy)
	}
	defer t.release(no)
	now := t.clk.Now()
	paidAt := s.PaidAt
	if paidAt.IsZero() {
		paidAt = now
	}
	o, err := t.store.Order(no)
	switch {
	case errors.Is(err, ErrNotFound):
		o = &Order{OutTradeNo: no, Tender: s.Tender, State: StateNew, CreatedAt: paidAt, Cashier: actor,
			Description: "recorded from the WeChat bill", Training: t.cfg.Training}
	case err != nil:
		return nil, fmt.Errorf("record bill sale %s: %w", no, err)
	case o.Foreign:
		return o, fmt.Errorf("record bill sale %s: a sale of another terminal: %w", no, ErrInvalidTransition)
	case o.ErrorCode == ConflictCode:
		// A conflict a manager acknowledged: WeChat's order under this
		// number was shown to be another payment, whatever its amount.
		return o, fmt.Errorf("record bill sale %s: the number was found to belong to another payment: %w", no, ErrTradeConflict)
	case BillTable.Allows(o.State, StatePaid):
		// Another sale under the same number (a restored or second
		// database): the bill's payment is not this sale's. The same
		// comparison as every answer from WeChat: amount and identity tag.
		if why := mismatch(o, Trade{OutTradeNo: no, Status: TradeSuccess, AmountFen: s.AmountFen, Attach: s.Attach}); why != "" {
			return o, fmt.Errorf("record bill sale %s: WeChat's payment is not this sale's (%s): %w", no, why, ErrTradeConflict)
		}
	}
	reason := "recorded from the WeChat bill: " + s.Note
	if s.Ref != "" {
		reason += " (" + s.Ref + ")"
	}
	mark := func(n *Order) {
		n.AmountFen, n.TransactionID, n.PaidAt = s.AmountFen, s.TransactionID, paidAt
		n.CouponFen, n.MerchantCouponFen = s.CouponFen, s.MerchantCouponFen
		n.Message = "recorded from the WeChat bill: " + s.Note
	}
	n, err := t.moveIn(FlowBill, o, StatePaid, actor, reason, mark, func(c *Change) { c.Event.Kind = EventRecord })
	if err != nil {
		return n, fmt.Errorf("record bill sale: %w", err)
	}
	return n, nil
}
