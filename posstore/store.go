// Package posstore is the payment core's Store (pos.Store) on the
// terminal's bbolt database: it turns pos's changes into one storage
// transaction each and storage's records back into pos values. It lives
// apart from pos so that what reads pos's values and errors (the window)
// does not link the database.
package posstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
)

// Store is the pos.Store on the terminal's bbolt database.
type Store struct {
	s *storage.Store
}

// New wraps an open database.
func New(s *storage.Store) *Store { return &Store{s: s} }

// noBlock is how many order/refund numbers one block of the sequence
// holds ("no_<kind>"): releases before numbers were minted inside the
// payment's own commit reserved a block per commit, and the blocks still
// keep both schemes apart (mintIn).
const noBlock = 64

// DB returns the underlying database.
func (b *Store) DB() *storage.Store { return b.s }

func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %w", pos.ErrNotFound, err)
	}
	return err
}

// pos.Lineage returns the database's epoch and restore generation.
func (b *Store) Lineage() (pos.Lineage, error) {
	l, err := b.s.Lineage()
	return pos.Lineage{Epoch: l.Epoch, Generation: l.Generation}, err
}

// Apply writes c in one Update. A commit that finds the disk full fails
// with an error wrapping pos.ErrDiskFull.
func (b *Store) Apply(c *pos.Change) error {
	err := b.s.Update(func(tx *storage.Tx) error {
		for _, step := range []func(*storage.Tx, *pos.Change) error{checkChange, checkTill, settleDay, putReceipt, putRecords, putQueues} {
			if err := step(tx, c); err != nil {
				return err
			}
		}
		n, err := tx.OutboxLen()
		if err != nil {
			return err
		}
		c.Event.Outbox = n
		seq, err := tx.AppendEvent(eventRecord(c))
		c.Event.Seq = seq
		return err
	})
	if errors.Is(err, storage.ErrDiskFull) {
		return marked{err, pos.ErrDiskFull}
	}
	return err
}

// checkChange refuses c unless it still applies: it mints its number, the
// payment code is unused, and the records are in the states c moves them
// from (nobody else moved them first).
func checkChange(tx *storage.Tx, c *pos.Change) error {
	if c.Mint != nil {
		if err := mintIn(tx, c); err != nil {
			return err
		}
	}
	if c.CodeHash != "" && c.Order != nil {
		ok, err := tx.UseCode(c.CodeHash, c.Order.OutTradeNo)
		if err != nil {
			return err
		}
		if !ok {
			return pos.ErrCodeUsed
		}
	}
	if c.Order != nil {
		if err := checkFrom(tx.GetOrder, c.Order.OutTradeNo, c.OrderFrom, c.Order.State, pos.StateNew,
			func(o *storage.Order) pos.State { return o.State }, c.Order.Flow()); err != nil {
			return err
		}
	}
	if c.Refund != nil {
		if err := checkFrom(tx.GetRefund, c.Refund.OutRefundNo, c.RefundFrom, c.Refund.State, pos.RefundNew,
			func(r *storage.Refund) pos.RefundState { return r.State }, pos.FlowRefund); err != nil {
			return err
		}
	}
	return nil
}

// putReceipt numbers c's receipt from the receipt sequence, stores it and
// puts its number on the record it belongs to.
func putReceipt(tx *storage.Tx, c *pos.Change) error {
	if c.Receipt == nil {
		return nil
	}
	seq, err := tx.NextSeq("receipt")
	if err != nil {
		return err
	}
	c.Receipt.No = c.ReceiptNo(seq)
	if err := tx.PutReceipt(c.Receipt); err != nil {
		return err
	}
	if c.Order != nil {
		c.Order.ReceiptNo = c.Receipt.No
	}
	if c.Refund != nil {
		c.Refund.ReceiptNo = c.Receipt.No
	}
	return nil
}

// putRecords writes c's order and refund records.
func putRecords(tx *storage.Tx, c *pos.Change) error {
	if c.Order != nil {
		if err := tx.PutOrder(orderRecord(c.Order)); err != nil {
			return err
		}
	}
	if c.Refund != nil {
		return tx.PutRefund(refundRecord(c.Refund))
	}
	return nil
}

// putQueues keeps the unseen outcomes and the outbox in step with c.
func putQueues(tx *storage.Tx, c *pos.Change) error {
	if c.Announce && c.Order != nil {
		if err := tx.PutRaw(storage.BucketUnseen, c.Order.OutTradeNo, []byte{}); err != nil {
			return err
		}
	}
	if c.Acknowledge != "" {
		if err := tx.Delete(storage.BucketUnseen, c.Acknowledge); err != nil {
			return err
		}
	}
	if c.OutboxPut != nil {
		if err := tx.PutOutbox(outboxRecord(*c.OutboxPut)); err != nil {
			return err
		}
	}
	if c.OutboxDelete != "" {
		return tx.Delete(storage.BucketOutbox, c.OutboxDelete)
	}
	return nil
}

// mintIn numbers c's new order or refund (pos.Change.Mint) inside its first
// commit. "last_<kind>" is the last number minted; "no_<kind>" counts the
// blocks of noBlock numbers reserved, as releases that reserved a block in
// a commit of its own did (and would again after a downgrade). A number
// comes from the last block reserved only while that block is the last
// number's own; otherwise (a database that an older release numbered, or
// the block used up) a new block is reserved in the same transaction, so
// no number is ever handed out twice by either scheme.
func mintIn(tx *storage.Tx, c *pos.Change) error {
	m := c.Mint
	last, blocks := tx.Seq("last_"+m.Kind), tx.Seq("no_"+m.Kind)
	n := last + 1
	if last == 0 || (last-1)/noBlock+1 != blocks || last >= blocks*noBlock {
		blk, err := tx.NextSeq("no_" + m.Kind)
		if err != nil {
			return fmt.Errorf("mint %s number: %w", m.Kind, err)
		}
		n = (blk-1)*noBlock + 1
	}
	if err := tx.SetSeq("last_"+m.Kind, n); err != nil {
		return fmt.Errorf("mint %s number: %w", m.Kind, err)
	}
	no, err := m.Format(n)
	if err != nil {
		return err
	}
	if m.Claim != nil && !m.Claim(no) {
		return fmt.Errorf("mint %s: %w", no, pos.ErrBusy)
	}
	c.Name(no)
	return nil
}

// settleDay fixes the business day of a sale being recorded PAID or a
// refund recorded SUCCESS, inside the commit that records it: the calendar
// day of the money, or the next open day if that day's Z was taken. The Z
// marks its day closed in its own commit and bbolt has one writer at a
// time, so a day's Z and its sales cannot disagree. A foreign sale is no
// sale of this terminal and gets none.
func settleDay(tx *storage.Tx, c *pos.Change) error {
	var day string
	var err error
	switch {
	case c.Order != nil && c.Order.State == pos.StatePaid && !c.Order.Foreign && c.Order.BusinessDay == "":
		if day, err = tx.BusinessDay(pos.DayOf(c.Order.PaidAt)); err != nil {
			return err
		}
		c.Order.BusinessDay = day
	case c.Refund != nil && c.Refund.State == pos.RefundSuccess && c.Refund.BusinessDay == "":
		if day, err = tx.BusinessDay(pos.DayOf(c.Refund.SuccessAt)); err != nil {
			return err
		}
		c.Refund.BusinessDay = day
	default:
		return nil
	}
	if c.Receipt != nil {
		c.Receipt.BusinessDay = day
	}
	return nil
}

// checkTill refuses a new sale or refund (the change that numbers it,
// or names its cashier) while nobody is signed in at the till, the till
// is locked, or the cashier it names is not the one signed in — inside
// the commit that would record it, so a sign-out or a lock cannot slip
// between the check and the sale. A sale or refund that names no cashier
// is the signed-in cashier's. The rule applies once the terminal has
// staff (an active user in the directory): a terminal nobody has set up
// — a newcomer's training till — sells without sign-in, as before.
// It also counts a sale going PAID or a refund going SUCCESS in the
// shift open at that commit, like the business day (settleDay).
func checkTill(tx *storage.Tx, c *pos.Change) error {
	fresh := c.Cashier != "" || (c.Mint != nil && (c.Order != nil || c.Refund != nil))
	if !fresh && !settles(c) {
		return nil
	}
	tl, err := tx.Till()
	if err != nil {
		return err
	}
	if fresh {
		if err := tillAllows(tx, tl, c); err != nil {
			return err
		}
	}
	switch {
	case c.Order != nil && c.Order.State == pos.StatePaid && !c.Order.Foreign && c.Order.Shift == 0:
		c.Order.Shift = tl.Shift
	case c.Refund != nil && c.Refund.State == pos.RefundSuccess && c.Refund.Shift == 0:
		c.Refund.Shift = tl.Shift
	}
	return nil
}

// tillAllows is the sign-in rule for the first change of a sale or
// refund c, and names its cashier when c names none.
func tillAllows(tx *storage.Tx, tl storage.Till, c *pos.Change) error {
	staffed, err := hasStaff(tx)
	if err != nil || !staffed {
		return err
	}
	what := "sale"
	if c.Refund != nil {
		what = "refund"
	}
	switch {
	case tl.Cashier == "":
		return fmt.Errorf("%s refused: nobody is signed in at this till (sign in first: wxpos shift open): %w", what, pos.ErrNotSignedIn)
	case tl.Locked:
		return fmt.Errorf("%s refused: the till is locked (%s unlocks it with their PIN): %w", what, tl.Cashier, pos.ErrNotSignedIn)
	case c.Cashier != "" && !strings.EqualFold(tl.Cashier, c.Cashier):
		return fmt.Errorf("%s refused: %s is not signed in at this till (%s is): %w", what, c.Cashier, tl.Cashier, pos.ErrNotSignedIn)
	}
	c.Cashier = tl.Cashier
	switch {
	case c.Order != nil && c.Order.Cashier == "":
		c.Order.Cashier = tl.Cashier
		if c.Receipt != nil && c.Receipt.Cashier == "" {
			c.Receipt.Cashier = tl.Cashier
		}
	case c.Refund != nil && c.Refund.Cashier == "":
		c.Refund.Cashier = tl.Cashier
		if c.Receipt != nil && c.Receipt.Cashier == "" {
			c.Receipt.Cashier = tl.Cashier
		}
	}
	return nil
}

// hasStaff reports whether the terminal has an active user: from then on
// every sale and refund needs a cashier signed in.
func hasStaff(tx *storage.Tx) (bool, error) {
	found := false
	err := tx.ForEach(storage.BucketUsers, "", func(_ string, v []byte) error {
		var u struct {
			Disabled bool `json:"disabled"`
		}
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("decode user: %w", err)
		}
		if !u.Disabled {
			found = true
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return found, err
}

// errStop ends a ForEach early.
var errStop = errors.New("stop")

// settles reports whether c records a sale PAID or a refund SUCCESS.
func settles(c *pos.Change) bool {
	return (c.Order != nil && c.Order.State == pos.StatePaid) || (c.Refund != nil && c.Refund.State == pos.RefundSuccess)
}

// Room reports whether the database can take the outcome of a payment
// about to be sent; a full disk is an error wrapping pos.ErrDiskFull.
func (b *Store) Room() error {
	err := b.s.Room()
	if errors.Is(err, storage.ErrDiskFull) {
		return marked{err, pos.ErrDiskFull}
	}
	return err
}

// marked is err, also matching mark with errors.Is.
type marked struct{ err, mark error }

func (m marked) Error() string   { return m.err.Error() }
func (m marked) Unwrap() []error { return []error{m.err, m.mark} }

// checkFrom confirms the stored record is still in state want (absent
// when want is the flow's NEW) before it is moved to `to`.
func checkFrom[R any, S ~string](get func(string) (*R, error), key string, want, to, newState S, state func(*R) S, f pos.Flow) error {
	cur, err := get(key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		if want == newState {
			return nil
		}
		return &pos.TransitionError{Flow: f, Ref: key, From: string(want), To: string(to), Stale: true}
	case err != nil:
		return err
	case want == newState || state(cur) != want:
		return &pos.TransitionError{Flow: f, Ref: key, From: string(want), To: string(to), Stale: true, Stored: string(state(cur))}
	}
	return nil
}

// pos.Order reads one order.
func (b *Store) Order(no string) (*pos.Order, error) {
	var o *pos.Order
	err := b.s.View(func(tx *storage.Tx) error {
		r, err := tx.GetOrder(no)
		if err != nil {
			return err
		}
		o = orderFromRecord(r)
		return nil
	})
	return o, notFound(err)
}

// pos.Refund reads one refund.
func (b *Store) Refund(no string) (*pos.Refund, error) {
	var r *pos.Refund
	err := b.s.View(func(tx *storage.Tx) error {
		rec, err := tx.GetRefund(no)
		if err != nil {
			return err
		}
		r = refundFromRecord(rec)
		return nil
	})
	return r, notFound(err)
}

func (b *Store) orders(list func(*storage.Tx) ([]*storage.Order, error)) ([]*pos.Order, error) {
	var out []*pos.Order
	err := b.s.View(func(tx *storage.Tx) error {
		recs, err := list(tx)
		for _, r := range recs {
			out = append(out, orderFromRecord(r))
		}
		return err
	})
	return out, err
}

// OpenOrders lists the orders in the open index.
func (b *Store) OpenOrders() ([]*pos.Order, error) {
	return b.orders((*storage.Tx).OpenOrders)
}

// OrdersOnDay lists one day's orders.
func (b *Store) OrdersOnDay(day string) ([]*pos.Order, error) {
	return b.orders(func(tx *storage.Tx) ([]*storage.Order, error) { return tx.OrdersOnDay(day) })
}

// FindOrdersOnDay lists the orders of one day that keep accepts, reading
// only their briefs for the rest.
func (b *Store) FindOrdersOnDay(day string, keep func(pos.OrderBrief) bool) ([]*pos.Order, error) {
	return b.orders(func(tx *storage.Tx) ([]*storage.Order, error) {
		return tx.FindOrdersOnDay(day, func(s storage.OrderBrief) bool { return keep(pos.OrderBrief(s)) })
	})
}

// AllOrders lists every order.
func (b *Store) AllOrders() ([]*pos.Order, error) {
	return b.orders(func(tx *storage.Tx) ([]*storage.Order, error) {
		var all []*storage.Order
		err := tx.EachOrder(func(o *storage.Order) error { all = append(all, o); return nil })
		return all, err
	})
}

func (b *Store) refunds(list func(*storage.Tx) ([]*storage.Refund, error)) ([]*pos.Refund, error) {
	var out []*pos.Refund
	err := b.s.View(func(tx *storage.Tx) error {
		recs, err := list(tx)
		for _, r := range recs {
			out = append(out, refundFromRecord(r))
		}
		return err
	})
	return out, err
}

// OpenRefunds lists the refunds in the open index.
func (b *Store) OpenRefunds() ([]*pos.Refund, error) {
	return b.refunds((*storage.Tx).OpenRefunds)
}

// RefundsOf lists one order's refunds.
func (b *Store) RefundsOf(outTradeNo string) ([]*pos.Refund, error) {
	return b.refunds(func(tx *storage.Tx) ([]*storage.Refund, error) { return tx.RefundsOf(outTradeNo) })
}

// Outbox lists the queued calls.
func (b *Store) Outbox() ([]pos.OutboxEntry, error) {
	var out []pos.OutboxEntry
	err := b.s.View(func(tx *storage.Tx) error {
		recs, err := tx.Outbox()
		for _, r := range recs {
			out = append(out, pos.OutboxEntry{Kind: pos.OutboxKind(r.Kind), Ref: r.Ref, Attempts: r.Attempts,
				NextAt: r.NextAt, LastError: r.LastError, CreatedAt: r.CreatedAt})
		}
		return err
	})
	return out, err
}

// SaveOutbox updates a queued call's bookkeeping if it is still queued.
func (b *Store) SaveOutbox(e pos.OutboxEntry) error {
	return b.s.Update(func(tx *storage.Tx) error {
		if !tx.Has(storage.BucketOutbox, e.Key()) {
			return nil
		}
		return tx.PutOutbox(outboxRecord(e))
	})
}

// Unseen lists the unacknowledged outcomes, in key order.
func (b *Store) Unseen() ([]string, error) {
	var nos []string
	err := b.s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketUnseen, "", func(k string, _ []byte) error {
			nos = append(nos, k)
			return nil
		})
	})
	return nos, err
}

// Receipt reads one receipt.
func (b *Store) Receipt(no string) (*receipt.Receipt, error) {
	var r *receipt.Receipt
	err := b.s.View(func(tx *storage.Tx) error {
		var err error
		r, err = tx.GetReceipt(no)
		return err
	})
	return r, notFound(err)
}

func outboxRecord(e pos.OutboxEntry) *storage.OutboxEntry {
	return &storage.OutboxEntry{Kind: string(e.Kind), Ref: e.Ref, Attempts: e.Attempts,
		NextAt: e.NextAt, LastError: e.LastError, CreatedAt: e.CreatedAt}
}

// eventData is what the audit trail keeps beyond the event's own fields.
type eventData struct {
	AmountFen     int64  `json:"amount_fen,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`
	RefundID      string `json:"refund_id,omitempty"`
	ErrorCode     string `json:"error_code,omitempty"`
	ReceiptNo     string `json:"receipt_no,omitempty"`
	OutTradeNo    string `json:"out_trade_no,omitempty"` // for refunds
	// A CONFLICT: the order WeChat has under this number.
	RemoteAmountFen     int64  `json:"remote_amount_fen,omitempty"`
	RemoteTransactionID string `json:"remote_transaction_id,omitempty"`
	RemoteState         string `json:"remote_state,omitempty"`
	RemoteTradeType     string `json:"remote_trade_type,omitempty"`
}

func eventRecord(c *pos.Change) storage.Event {
	e := c.Event
	var d eventData
	if o := c.Order; o != nil {
		d = eventData{AmountFen: o.AmountFen, TransactionID: o.TransactionID, ErrorCode: o.ErrorCode, ReceiptNo: o.ReceiptNo}
	}
	if tr := c.Remote; tr != nil {
		d.RemoteAmountFen, d.RemoteTransactionID = tr.AmountFen, tr.TransactionID
		d.RemoteState, d.RemoteTradeType = string(tr.Status), tr.TradeType
	}
	if r := c.Refund; r != nil {
		d = eventData{AmountFen: r.AmountFen, RefundID: r.RefundID, ErrorCode: r.ErrorCode, ReceiptNo: r.ReceiptNo, OutTradeNo: r.OutTradeNo}
	}
	data, _ := json.Marshal(d) // plain struct: cannot fail
	return storage.Event{Time: e.Time, Kind: string(e.Kind), Ref: e.Ref, Actor: e.Actor,
		From: e.From, To: e.To, Reason: e.Reason, Data: data}
}

func orderRecord(o *pos.Order) *storage.Order {
	return &storage.Order{
		OutTradeNo: o.OutTradeNo, Tender: string(o.Tender), State: o.State, AmountFen: o.AmountFen,
		Lines: o.Lines, Discount: o.Discount, Description: o.Description, Cashier: o.Cashier,
		CodeLast4: o.CodeLast4, CodeHash: o.CodeHash, Attach: o.Attach, Confirmed: o.Confirmed, CodeURL: o.CodeURL, ExpiresAt: o.ExpiresAt,
		TenderedFen: o.TenderedFen, ChangeFen: o.ChangeFen,
		TransactionID: o.TransactionID, ErrorCode: o.ErrorCode, Message: o.Message,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, SubmittedAt: o.SubmittedAt, Deadline: o.Deadline, PaidAt: o.PaidAt,
		ReceiptNo: o.ReceiptNo, Forced: o.Forced, ForcedBy: o.ForcedBy, ForceReason: o.ForceReason, Training: o.Training,
		Foreign: o.Foreign, OriginStoreID: o.OriginStoreID, OriginTerminalID: o.OriginTerminalID,
		BusinessDay: o.BusinessDay, Shift: o.Shift, Open: !o.State.Terminal(), Day: dayIndex(o),
		CouponFen: o.CouponFen, MerchantCouponFen: o.MerchantCouponFen,
	}
}

// dayIndex is the day index entry of o: its creation day, or none for a
// foreign sale, which is never one of this terminal's sales of any day.
func dayIndex(o *pos.Order) string {
	if o.Foreign {
		return ""
	}
	return pos.DayOf(o.CreatedAt)
}

func orderFromRecord(r *storage.Order) *pos.Order {
	return &pos.Order{
		OutTradeNo: r.OutTradeNo, Tender: receipt.Tender(r.Tender), State: r.State, AmountFen: r.AmountFen,
		Lines: r.Lines, Discount: r.Discount, Description: r.Description, Cashier: r.Cashier,
		CodeLast4: r.CodeLast4, CodeHash: r.CodeHash, Attach: r.Attach, Confirmed: r.Confirmed, CodeURL: r.CodeURL, ExpiresAt: r.ExpiresAt,
		TenderedFen: r.TenderedFen, ChangeFen: r.ChangeFen,
		TransactionID: r.TransactionID, ErrorCode: r.ErrorCode, Message: r.Message,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, Deadline: r.Deadline, PaidAt: r.PaidAt,
		ReceiptNo: r.ReceiptNo, Forced: r.Forced, ForcedBy: r.ForcedBy, ForceReason: r.ForceReason, Training: r.Training,
		Foreign: r.Foreign, OriginStoreID: r.OriginStoreID, OriginTerminalID: r.OriginTerminalID,
		BusinessDay: r.BusinessDay, Shift: r.Shift, CouponFen: r.CouponFen, MerchantCouponFen: r.MerchantCouponFen,
	}
}

func refundRecord(r *pos.Refund) *storage.Refund {
	return &storage.Refund{
		OutRefundNo: r.OutRefundNo, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID, State: r.State,
		AmountFen: r.AmountFen, TotalFen: r.TotalFen, Reason: r.Reason, AuthorisedBy: r.AuthorisedBy, Cashier: r.Cashier, Lines: r.Lines,
		RefundID: r.RefundID, ErrorCode: r.ErrorCode, Message: r.Message,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SuccessAt: r.SuccessAt, ReceiptNo: r.ReceiptNo, Training: r.Training,
		BusinessDay: r.BusinessDay, Shift: r.Shift, Open: !r.State.Terminal(), CouponFen: r.CouponFen, MerchantCouponFen: r.MerchantCouponFen,
	}
}

func refundFromRecord(r *storage.Refund) *pos.Refund {
	return &pos.Refund{
		OutRefundNo: r.OutRefundNo, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID, State: r.State,
		AmountFen: r.AmountFen, TotalFen: r.TotalFen, Reason: r.Reason, AuthorisedBy: r.AuthorisedBy, Cashier: r.Cashier, Lines: r.Lines,
		RefundID: r.RefundID, ErrorCode: r.ErrorCode, Message: r.Message,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SuccessAt: r.SuccessAt, ReceiptNo: r.ReceiptNo, Training: r.Training,
		BusinessDay: r.BusinessDay, Shift: r.Shift, CouponFen: r.CouponFen, MerchantCouponFen: r.MerchantCouponFen,
	}
}
