package pos

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// attachPrefix marks an identity tag of this software in WeChat's attach
// (the bill shows it in the 商户数据包 column).
const attachPrefix = "wxpos:"

// newAttach mints a sale's identity tag: 26 random base32 characters, so
// no other sale — from this database, a restored copy of it or a second
// installation with the same ids — ever carries the same one.
func newAttach() string { return attachPrefix + rand.Text() }

// tradeTypes are the WeChat trade types an order of each flow may have.
var tradeTypes = map[Flow][]string{
	FlowScan: {"MICROPAY", "FACEPAY", "CODEPAY"},
	FlowQR:   {"NATIVE"},
}

// mismatch says why tr, WeChat's answer about o's number, is not o's sale,
// or "" when nothing in it says so. WeChat's query does not return the
// payment code, so for a scan order the tag sent with the code stands in
// for it. Fields the answer leaves out are not held against it, except
// that a paid trade always carries its amount, and its attach when o has a
// tag (WeChat echoes attach on every paid order).
func mismatch(o *Order, tr Trade) string {
	var why []string
	if tr.OutTradeNo != "" && tr.OutTradeNo != o.OutTradeNo {
		why = append(why, fmt.Sprintf("answer is about %s", tr.OutTradeNo))
	}
	if (tr.AmountFen != 0 || tr.Status.Paid()) && tr.AmountFen != o.AmountFen {
		why = append(why, fmt.Sprintf("amount %d fen, this sale %d fen", tr.AmountFen, o.AmountFen))
	}
	if want := tradeTypes[o.Flow()]; tr.TradeType != "" && want != nil && !slices.Contains(want, tr.TradeType) {
		why = append(why, fmt.Sprintf("trade type %s, this sale %s", tr.TradeType, want[0]))
	}
	if o.Attach != "" && (tr.Attach != "" || tr.Status.Paid()) && tr.Attach != o.Attach {
		why = append(why, "made by another sale (attach tag differs)")
	}
	return strings.Join(why, "; ")
}

// conflict moves o to CONFLICT: tr, the order WeChat has under its
// number, is another payment's. It is never accepted as this sale's
// state, and nothing is reversed or closed on it. The audit event keeps
// both sides.
func (t *Terminal) conflict(o *Order, tr Trade, why string) (*Order, error) {
	txn := tr.TransactionID
	if txn == "" {
		txn = "none"
	}
	reason := fmt.Sprintf("%s: WeChat's order %s is %s, %d fen, transaction %s — this sale is %d fen: %s",
		ErrTradeConflict, o.OutTradeNo, tr.Status, tr.AmountFen, txn, o.AmountFen, why)
	t.log.Error("order number belongs to another payment", "out_trade_no", o.OutTradeNo,
		"amount_fen", o.AmountFen, "remote_amount_fen", tr.AmountFen, "remote_transaction_id", tr.TransactionID,
		"remote_state", tr.Status, "why", why)
	remote := tr
	return t.move(o, StateConflict, "", reason,
		func(n *Order) { n.ErrorCode, n.Message = ConflictCode, reason },
		func(c *Change) { c.Event.Kind, c.Remote = EventConflict, &remote })
}

// ConflictCode is Order.ErrorCode of a CONFLICT order.
const ConflictCode = "TRADE_CONFLICT"

// confirmed returns o marked as WeChat's answer being about this very
// order; the next move persists it.
func (o *Order) confirmed() *Order {
	if o.Confirmed {
		return o
	}
	n := o.clone()
	n.Confirmed = true
	return n
}

// confirmBeforeVoid makes sure a reverse or close is sent only on this
// sale's order: a reverse refunds a paid order, so sent on a number that is
// another payment's it would return someone else's money. An order WeChat
// never answered about (a cashier cancel or a manager's force void while
// unanswered) is queried first: another payment's order makes it CONFLICT,
// no answer queues the call for later; "no such order" lets the call go
// (it blocks the number against a late request of ours). done reports
// that the caller must return o, err.
func (t *Terminal) confirmBeforeVoid(ctx context.Context, o *Order, kind OutboxKind) (_ *Order, done bool, _ error) {
	if o.Confirmed {
		return o, false, nil
	}
	tr, err := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, o.OutTradeNo) })
	switch {
	case ctx.Err() != nil:
		return o, true, ctx.Err()
	case err == nil:
		if why := mismatch(o, tr); why != "" {
			o, err = t.conflict(o, tr, why)
			return o, true, err
		}
		return o.confirmed(), false, nil
	case errors.Is(err, ErrOrderNotExist):
		return o, false, nil
	}
	return o, true, t.retryLater(OutboxEntry{Kind: kind, Ref: o.OutTradeNo}, fmt.Errorf("check whose order it is: %w", err))
}
