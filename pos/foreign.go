package pos

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// SaleFinder looks a sale up among every terminal of the merchant — the
// store's or head office's replica when one is configured. FindSale
// returns an error wrapping ErrNotFound when it does not know the sale;
// any other error means it could not look (the server is down, say). The
// payment core never trusts it for money: WeChat's answer is the truth,
// the finder adds where the sale was taken and the refunds made of it at
// other counters.
type SaleFinder interface {
	FindSale(ctx context.Context, outTradeNo string) (*RemoteSale, error)
}

// SaleFinderFunc adapts a function to SaleFinder.
type SaleFinderFunc func(ctx context.Context, outTradeNo string) (*RemoteSale, error)

// FindSale calls f.
func (f SaleFinderFunc) FindSale(ctx context.Context, outTradeNo string) (*RemoteSale, error) {
	return f(ctx, outTradeNo)
}

// RemoteSale is a sale as a SaleFinder knows it.
type RemoteSale struct {
	StoreID, TerminalID string // where it was taken
	Tender              receipt.Tender
	State               State
	AmountFen           int64
	TransactionID       string
	PaidAt              time.Time
	// Refunds are the refunds of the sale known from every terminal.
	Refunds []RemoteRefund
}

// RemoteRefund is one refund of a sale as a SaleFinder knows it.
type RemoteRefund struct {
	OutRefundNo string
	State       RefundState
	AmountFen   int64
}

// SaleLookup is a sale found for a refund: in this terminal's database, or
// at another counter and confirmed by WeChat.
type SaleLookup struct {
	// Order is the stored record, or — Stored false — the foreign record
	// RefundAny would write (Foreign set, amount and transaction id from
	// WeChat).
	Order *Order
	// Stored says whether Order is in this terminal's database.
	Stored bool
	// RefundedFen is what refunds that are not CLOSED hold against the sale,
	// here and (for a foreign sale) at the other terminals the finder knows;
	// Refunds counts them.
	RefundedFen int64
	Refunds     int
	// FinderErr is set when the finder could not be asked; the sale was
	// then confirmed by WeChat alone and refunds made at other counters are
	// unknown (WeChat still refuses a refund beyond what is left).
	FinderErr error
}

// LeftFen is what may still be refunded as far as this terminal knows.
func (l *SaleLookup) LeftFen() int64 {
	if l.Order == nil || l.Order.State != StatePaid {
		return 0
	}
	return max(l.Order.AmountFen-l.RefundedFen, 0)
}

// LookupSale finds a sale to refund by out_trade_no without recording
// anything: in this database first; otherwise through f (nil: no finder)
// and, whether or not f knows it, WeChat's order query, which must say
// paid. It returns an error wrapping ErrNotFound when neither this
// database nor WeChat has the order, ErrNotPaid when WeChat has it unpaid,
// and another error when WeChat cannot be asked.
func (t *Terminal) LookupSale(ctx context.Context, outTradeNo string, f SaleFinder) (*SaleLookup, error) {
	o, err := t.store.Order(outTradeNo)
	switch {
	case err == nil:
		l := &SaleLookup{Order: o, Stored: true}
		var elsewhere []RemoteRefund
		if o.Foreign {
			var rs *RemoteSale
			rs, l.FinderErr = t.findRemote(ctx, outTradeNo, f)
			if rs != nil {
				elsewhere = rs.Refunds
			}
		}
		local, err := t.store.RefundsOf(outTradeNo)
		if err != nil {
			return nil, err
		}
		l.RefundedFen, l.Refunds = heldBy(local, elsewhere)
		return l, nil
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	l, _, err := t.confirmForeign(ctx, outTradeNo, f)
	return l, err
}

// RefundAny refunds a sale taken at any terminal of the merchant. A sale in
// this database is refunded as Refund does. A sale taken at another
// counter is first confirmed with WeChat by out_trade_no (it must be paid;
// WeChat's amount and transaction id are the truth, f adds where it was
// taken and its refunds at other counters) and recorded here as a Foreign
// order — one transaction with its audit event, before the refund is sent —
// then refunded by the normal flow. The limits count the refunds f knows
// from other terminals; WeChat refuses anything beyond what is really left
// (the refund then ends CLOSED and no money moves). f may be nil.
func (t *Terminal) RefundAny(ctx context.Context, req RefundOrder, f SaleFinder) (*Refund, error) {
	who, err := t.authorize(ctx, req.Approval, ActionRefund, req.OutTradeNo)
	if err != nil {
		return nil, err
	}
	if (len(req.Lines) == 0 && req.AmountFen <= 0) || req.AmountFen < 0 || req.AmountFen > MaxFen {
		return nil, fmt.Errorf("refund %s: amount %d fen: %w", req.OutTradeNo, req.AmountFen, ErrBadAmount)
	}
	o, err := t.store.Order(req.OutTradeNo)
	switch {
	case err == nil && !o.Foreign:
		return t.refund(ctx, req, who, nil)
	case err == nil: // adopted before: refresh what other counters refunded
		rs, ferr := t.findRemote(ctx, req.OutTradeNo, f)
		if ferr != nil {
			t.log.Warn("refund of a foreign sale without the replica", "out_trade_no", req.OutTradeNo, "err", ferr)
		}
		var elsewhere []RemoteRefund
		if rs != nil {
			elsewhere = rs.Refunds
		}
		return t.refund(ctx, req, who, elsewhere)
	case !errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("refund %s: %w", req.OutTradeNo, err)
	}
	l, rs, err := t.confirmForeign(ctx, req.OutTradeNo, f)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", req.OutTradeNo, err)
	}
	if err := t.adopt(l.Order, who); err != nil {
		return nil, fmt.Errorf("refund %s: %w", req.OutTradeNo, err)
	}
	var elsewhere []RemoteRefund
	if rs != nil {
		elsewhere = rs.Refunds
	}
	return t.refund(ctx, req, who, elsewhere)
}

// findRemote asks f with its own short deadline; a nil f knows nothing.
func (t *Terminal) findRemote(ctx context.Context, no string, f SaleFinder) (*RemoteSale, error) {
	if f == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.FinderTimeout)
	defer cancel()
	rs, err := f.FindSale(ctx, no)
	if err != nil {
		return nil, err
	}
	return rs, nil
}

// confirmForeign builds the foreign record of a sale this database does
// not have: f's view (if any) confirmed and corrected by WeChat's query.
func (t *Terminal) confirmForeign(ctx context.Context, no string, f SaleFinder) (*SaleLookup, *RemoteSale, error) {
	l := &SaleLookup{}
	rs, ferr := t.findRemote(ctx, no, f)
	if ferr != nil && !errors.Is(ferr, ErrNotFound) {
		l.FinderErr = ferr
		t.log.Warn("sale finder", "out_trade_no", no, "err", ferr)
	}
	if rs != nil && rs.Tender == receipt.TenderCash {
		return nil, nil, fmt.Errorf("sale %s was paid in cash at %s/%s: refund it from that drawer: %w", no, rs.StoreID, rs.TerminalID, ErrBadRequest)
	}
	tr, err := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, no) })
	switch {
	case errors.Is(err, ErrOrderNotExist):
		return nil, nil, fmt.Errorf("sale %s: not on this terminal and WeChat has no such order: %w", no, ErrNotFound)
	case err != nil:
		return nil, nil, fmt.Errorf("sale %s: ask WeChat: %w", no, err)
	case !tr.Status.Paid():
		return nil, nil, fmt.Errorf("sale %s: WeChat says %s: %w", no, tr.Status, ErrNotPaid)
	case tr.AmountFen <= 0:
		return nil, nil, fmt.Errorf("sale %s: WeChat reports amount %d fen: %w", no, tr.AmountFen, ErrBadAmount)
	}
	now := t.clk.Now()
	o := &Order{OutTradeNo: no, Tender: receipt.TenderWeChatScan, State: StatePaid, AmountFen: tr.AmountFen,
		Description: tr.Desc, TransactionID: tr.TransactionID, PaidAt: tr.PaidAt,
		CouponFen: tr.CouponFen, MerchantCouponFen: tr.MerchantCouponFen,
		CreatedAt: now, UpdatedAt: now, Training: t.cfg.Training, Foreign: true}
	if rs != nil {
		o.OriginStoreID, o.OriginTerminalID = rs.StoreID, rs.TerminalID
		if rs.Tender == receipt.TenderWeChatQR {
			o.Tender = rs.Tender
		}
		if o.PaidAt.IsZero() {
			o.PaidAt = rs.PaidAt
		}
		if why := remoteMismatch(rs, tr); why != "" {
			// The sale the counters know under this number is not the
			// payment WeChat has: refunding would return another
			// customer's money.
			t.log.Error("order number belongs to another payment", "out_trade_no", no,
				"replica_fen", rs.AmountFen, "replica_transaction_id", rs.TransactionID,
				"wechat_fen", tr.AmountFen, "wechat_transaction_id", tr.TransactionID)
			return nil, nil, fmt.Errorf("sale %s: %s: %w", no, why, ErrTradeConflict)
		}
		l.RefundedFen, l.Refunds = heldBy(nil, rs.Refunds)
	}
	if o.PaidAt.IsZero() {
		o.PaidAt = now // WeChat gave no time: the refund window is its to enforce
	}
	l.Order = o
	return l, rs, nil
}

// adopt records o, a foreign sale WeChat confirmed paid, in one
// transaction with its audit event. Adoption is not a payment transition
// (no flow table lists it): nothing was paid here, no receipt is issued,
// and the record is kept out of the day index. If another refund adopted
// the same sale meanwhile, the stored record stands.
func (t *Terminal) adopt(o *Order, who string) error {
	where := "another terminal"
	if o.OriginTerminalID != "" {
		where = o.OriginStoreID + "/" + o.OriginTerminalID
	}
	c := &Change{Order: o.clone(), OrderFrom: StateNew,
		Event: Event{Time: o.CreatedAt, Kind: EventAdopt, Ref: o.OutTradeNo, From: "", To: string(StatePaid), Actor: who,
			Reason: fmt.Sprintf("sale taken at %s, confirmed paid by WeChat (%d fen, %s), recorded for a refund", where,
				o.AmountFen, o.TransactionID)}}
	err := t.store.Apply(c)
	if isStale(err) {
		return nil // adopted by a concurrent refund
	}
	if err != nil {
		return fmt.Errorf("record foreign sale: %w", err)
	}
	t.log.Info("foreign sale adopted", "out_trade_no", o.OutTradeNo, "origin", where, "amount_fen", o.AmountFen, "actor", who)
	c.Event.Order = c.Order.clone()
	t.bus.publish(c.Event)
	return nil
}

// heldBy returns what the refunds of a sale hold against it and how many
// there are: the local ones, plus those known elsewhere that are not also
// recorded here (matched by out_refund_no).
func heldBy(local []*Refund, elsewhere []RemoteRefund) (held int64, count int) {
	seen := make(map[string]bool, len(local))
	for _, r := range local {
		seen[r.OutRefundNo] = true
		count++
		if r.State.Holds() {
			held += r.AmountFen
		}
	}
	for _, r := range elsewhere {
		if seen[r.OutRefundNo] {
			continue
		}
		seen[r.OutRefundNo] = true
		count++
		if r.State.Holds() {
			held += r.AmountFen
		}
	}
	return held, count
}

// remoteMismatch says why WeChat's trade tr is not the sale rs that the
// replica knows under the same number, or "" when they agree.
func remoteMismatch(rs *RemoteSale, tr Trade) string {
	switch {
	case rs.AmountFen != tr.AmountFen:
		return fmt.Sprintf("the counter's sale is %d fen, WeChat's order %d fen", rs.AmountFen, tr.AmountFen)
	case rs.TransactionID != "" && tr.TransactionID != "" && rs.TransactionID != tr.TransactionID:
		return fmt.Sprintf("the counter's sale was paid as %s, WeChat's order is %s", rs.TransactionID, tr.TransactionID)
	}
	return ""
}
