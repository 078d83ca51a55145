package pos

import (
	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/receipt"
)

// Change is one atomic write of the payment core: a transition of one order
// or refund, the event that explains it, and whatever must change with it.
// A Store applies all of it in one transaction, or none of it.
type Change struct {
	// Order, when set, is written; OrderFrom is the state the stored record
	// must still be in (StateNew: it must not exist yet). A mismatch fails
	// with a *TransitionError marked Stale and writes nothing.
	Order     *Order
	OrderFrom State
	// Refund and RefundFrom, likewise for a refund.
	Refund     *Refund
	RefundFrom RefundState
	// Event is appended to the audit trail.
	Event Event
	// Receipt, when set, is stored immutably. The store assigns its number
	// inside the transaction from the "receipt" sequence, formatted by
	// ReceiptNo, and copies it to Order.ReceiptNo / Refund.ReceiptNo.
	// Likewise, a sale going PAID or a refund going SUCCESS gets its
	// BusinessDay inside the transaction (the next open day if its own
	// day's Z report is taken), copied to the receipt.
	Receipt   *receipt.Receipt
	ReceiptNo func(seq uint64) string
	// CodeHash, when set, marks a payment code used; if it was used before
	// the change fails with ErrCodeUsed and writes nothing.
	CodeHash string
	// OutboxPut queues a call; OutboxDelete removes the entry with that key.
	OutboxPut    *OutboxEntry
	OutboxDelete string
	// Remote, on a move to CONFLICT, is the trade WeChat has under the
	// number; the audit event keeps its amount, transaction id and state.
	Remote *Trade
	// Announce, with Order, marks the order's outcome as not yet seen by
	// the cashier, until an Acknowledge change for it (Terminal.Unacknowledged).
	Announce bool
	// Acknowledge is an out_trade_no whose outcome the cashier has seen.
	Acknowledge string
	// Cashier, on the first change of a new sale or refund, is who makes
	// it: the store refuses the change (ErrNotSignedIn) unless that cashier
	// is signed in at the till and it is not locked.
	Cashier string
	// Mint, on the first change of a new order or refund, numbers it inside
	// the same transaction: the number is durable with the record's first
	// state, at no commit of its own.
	Mint *Mint
}

// Mint asks the store to number a new order (Kind "P") or refund ("R")
// inside Apply's transaction, before anything else in the change is
// written. The store takes the next value of the kind's number sequence,
// formats it with Format and names the change with it (Change.Name); Claim,
// when set, is then called with the number before the commit, so the
// caller owns the record before any other reader can see it: false fails
// the change with ErrBusy and writes nothing. Numbers of a failed change
// are not handed out again (a gap is harmless; reuse would not be).
type Mint struct {
	Kind   string
	Format func(seq uint64) (string, error)
	Claim  func(no string) bool
}

// Name gives the change's new order or refund its number no, wherever the
// change carries it: the record, the event, a queued call and the receipt.
func (c *Change) Name(no string) {
	if c.Event.Ref == "" {
		c.Event.Ref = no
	}
	if c.OutboxPut != nil && c.OutboxPut.Ref == "" {
		c.OutboxPut.Ref = no
	}
	switch {
	case c.Refund != nil:
		c.Refund.OutRefundNo = no
		if c.Receipt != nil {
			c.Receipt.OutRefundNo = no
		}
	case c.Order != nil:
		c.Order.OutTradeNo = no
		if c.Receipt != nil {
			c.Receipt.OutTradeNo = no
		}
	}
}

// Store is the persistence the payment core needs. The bbolt implementation
// is posstore.New; tests may supply another.
type Store interface {
	// Lineage returns the database's epoch and restore generation.
	Lineage() (Lineage, error)
	// Apply writes c atomically and durably, and sets c.Event.Seq. A
	// disk too full for the commit is an error wrapping ErrDiskFull.
	Apply(c *Change) error
	// Order returns the order no, or ErrNotFound.
	Order(no string) (*Order, error)
	// Refund returns the refund no, or ErrNotFound.
	Refund(no string) (*Refund, error)
	// OpenOrders returns every order not in a final state.
	OpenOrders() ([]*Order, error)
	// OpenRefunds returns every refund not in a final state.
	OpenRefunds() ([]*Refund, error)
	// RefundsOf returns the refunds of one order.
	RefundsOf(outTradeNo string) ([]*Refund, error)
	// OrdersOnDay returns the orders created on day (yyyymmdd, Asia/Shanghai).
	OrdersOnDay(day string) ([]*Order, error)
	// FindOrdersOnDay returns the orders created on day that keep accepts;
	// keep sees a brief of each, so a search need not decode every order.
	FindOrdersOnDay(day string, keep func(OrderBrief) bool) ([]*Order, error)
	// AllOrders returns every order.
	AllOrders() ([]*Order, error)
	// Outbox returns the queued calls.
	Outbox() ([]OutboxEntry, error)
	// SaveOutbox records an attempt on a queued call (attempts, next time,
	// last error). It does nothing if the entry is gone.
	SaveOutbox(e OutboxEntry) error
	// Receipt returns receipt no, or ErrNotFound.
	Receipt(no string) (*receipt.Receipt, error)
	// Room reports whether the store can record the outcome of a payment
	// about to be sent; a full disk is an error wrapping ErrDiskFull. It
	// writes nothing and is called before any request that moves money.
	Room() error
	// Unseen returns the out_trade_no of every announced outcome not yet
	// acknowledged.
	Unseen() ([]string, error)
}

// Lineage tells one database apart from every other that took payments for
// the merchant under the same store and terminal ids (a reinstall, a
// restore). Order and refund numbers carry Epoch; receipt numbers carry
// Generation once it is above 0.
type Lineage struct {
	Epoch      string // 1–8 letters or digits, random per database and per restore
	Generation uint64 // restores in the database's history
}

// validEpoch is 1–8 letters or digits.
func validEpoch(s string) bool { return ident.Run(s, 1, 8, ident.Alnum) }
