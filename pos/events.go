package pos

import (
	"context"
	"sync"
	"time"
)

// EventKind says what an event records.
type EventKind string

// Event kinds written to the audit trail and published to subscribers.
const (
	EventOrder  EventKind = "order.transition"
	EventRefund EventKind = "refund.transition"
	EventForce  EventKind = "order.force"   // manager force-paid / force-void
	EventOutbox EventKind = "outbox.change" // published only: queue length changed
	// EventNotified is published only, never stored: WeChat's verified
	// notification says an open sale of this terminal is paid, for its
	// amount (Terminal.Notified). Nothing has moved: the query it starts
	// does. It carries no order snapshot, so no subscriber takes it for
	// the sale's state.
	EventNotified EventKind = "order.notified"
	EventCancel   EventKind = "order.cancel" // cashier asked to cancel
	EventReceipt  EventKind = "receipt.issued"
	EventAdopt    EventKind = "order.adopt"       // a sale of another terminal recorded here to be refunded
	EventAck      EventKind = "order.acknowledge" // the cashier has seen an outcome resolved without them
	// EventConflict: WeChat's order under this sale's number is another
	// payment; the event data keeps both amounts and transaction ids.
	EventConflict EventKind = "order.conflict"
)

// EventRecord is the kind of a BillTable move: a payment the WeChat bill
// shows, recorded as paid by a manager (Terminal.RecordBillSale).
const EventRecord EventKind = "order.recorded"

// Event is one state change. It is persisted (without the snapshots'
// duplicate fields) in the store's append-only log and published to every
// subscriber after the commit.
type Event struct {
	Seq    uint64    // assigned by the store
	Time   time.Time // terminal clock
	Kind   EventKind
	Ref    string // out_trade_no or out_refund_no
	From   string
	To     string
	Actor  string // cashier, manager or "system"
	Reason string
	// Snapshots after the change (nil when not about that record).
	Order  *Order
	Refund *Refund
	// Outbox is the number of queued calls after the change.
	Outbox int
}

// bus fans committed events out to subscribers. A subscriber that does not
// keep up loses events (never blocks a payment); each event carries a full
// snapshot, so the next one it reads brings it up to date.
type bus struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// subscribe returns a channel of events that closes when ctx ends.
func (b *bus) subscribe(ctx context.Context, buf int) <-chan Event {
	ch := make(chan Event, buf)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[chan Event]struct{})
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	context.AfterFunc(ctx, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		close(ch)
		b.mu.Unlock()
	})
	return ch
}

func (b *bus) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default: // slow subscriber: drop rather than stall a payment
		}
	}
}
