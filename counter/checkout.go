package counter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/scanner"
	"github.com/wxpos/wxpos/ui/view"
)

// refreshEvery is how often a followed payment and the status bar re-read
// the local store, in case the event stream dropped an event.
const refreshEvery = 5 * time.Second

// Core is what Checkout needs from the payment core; *pos.Terminal
// satisfies it.
type Core interface {
	Subscribe(ctx context.Context) <-chan pos.Event
	BeginScan(ctx context.Context, sale pos.Sale, code string) (*pos.Payment, error)
	BeginQR(ctx context.Context, sale pos.Sale) (*pos.Payment, error)
	PayCash(ctx context.Context, sale pos.Sale, tenderedFen int64) (*pos.Order, error)
	Order(no string) (*pos.Order, error)
	History(ctx context.Context, q pos.HistoryQuery) (pos.History, error)
	Receipt(no string) (*receipt.Receipt, error)
	Pending() (pos.Pending, error)
	OpenOrders() ([]*pos.Order, error)
	RetryNow(ref string) error
	Unacknowledged() ([]*pos.Order, error)
	Acknowledge(outTradeNo, actor string) error
}

// ScannerStatus reports the serial scanner's connection; *scanner.Scanner
// satisfies it.
type ScannerStatus interface {
	Subscribe(fn func(scanner.Status)) (cancel func())
}

// Checkout adapts the payment core to the window's Checkout, StatusFeed and
// Announcer: it turns the core's event stream into per-payment update
// channels and status-bar updates. It holds no payment state beyond the *pos.Payment handles the
// cashier can cancel.
type Checkout struct {
	core     Core
	training bool
	cashier  string
	scanner  ScannerStatus
	now      func() time.Time

	mu   sync.Mutex
	live map[string]*livePayment
}

type livePayment struct {
	p         *pos.Payment
	cancelled bool
}

// NewCheckout adapts core. training marks the status bar (sandbox);
// scan may be nil when no serial scanner is configured.
func NewCheckout(core Core, training bool, scan ScannerStatus) *Checkout {
	return &Checkout{core: core, training: training, scanner: scan, now: time.Now, live: map[string]*livePayment{}}
}

// posSale is the window's sale for the core. A discount or changed price
// the window did not sign is the signed-in cashier's: the audit trail names
// who gave each one.
func posSale(s view.Sale, cashier string) pos.Sale {
	ps := pos.Sale{AmountFen: s.TotalFen, Cashier: cashier}
	if len(s.Lines) > 0 {
		ps.Lines = make([]receipt.Line, len(s.Lines))
	}
	for i, l := range s.Lines {
		if l.Discount != nil {
			d := *l.Discount
			d.By = cmp.Or(d.By, cashier)
			l.Discount = &d
		}
		if l.Override != nil {
			o := *l.Override
			o.By = cmp.Or(o.By, cashier)
			l.Override = &o
		}
		ps.Lines[i] = l
	}
	if s.Discount != nil {
		d := *s.Discount
		d.By = cmp.Or(d.By, cashier)
		ps.Discount = &d
	}
	return ps
}

// PayScan starts a scan payment on the core and follows it.
func (c *Checkout) PayScan(ctx context.Context, sale view.Sale, code string) (<-chan view.Update, error) {
	return c.begin(ctx, func(ctx context.Context) (*pos.Payment, error) {
		return c.core.BeginScan(ctx, posSale(sale, c.cashier), code)
	})
}

// PayQR starts a Native payment on the core and follows it.
func (c *Checkout) PayQR(ctx context.Context, sale view.Sale) (<-chan view.Update, error) {
	return c.begin(ctx, func(ctx context.Context) (*pos.Payment, error) {
		return c.core.BeginQR(ctx, posSale(sale, c.cashier))
	})
}

// begin subscribes before starting the payment so no event is missed, then
// relays the payment's events until a final state or ctx ends.
func (c *Checkout) begin(ctx context.Context, start func(context.Context) (*pos.Payment, error)) (<-chan view.Update, error) {
	subCtx, cancel := context.WithCancel(ctx)
	events := c.core.Subscribe(subCtx)
	p, err := start(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	no := p.OutTradeNo()
	lp := &livePayment{p: p}
	c.mu.Lock()
	c.live[no] = lp
	c.mu.Unlock()
	out := make(chan view.Update, 16)
	go func() {
		defer cancel()
		defer close(out)
		defer func() {
			c.mu.Lock()
			delete(c.live, no)
			c.mu.Unlock()
		}()
		c.relay(subCtx, no, lp, events, out)
	}()
	return out, nil
}

func (c *Checkout) relay(ctx context.Context, no string, lp *livePayment, events <-chan pos.Event, out chan<- view.Update) {
	r := &relay{c: c, ctx: ctx, no: no, lp: lp, events: events, out: out}
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	done := lp.p.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if !r.event(e) {
				return
			}
		case <-done:
			done = nil
			if !r.answered() || !r.reread() {
				return
			}
		case <-tick.C:
			if !r.reread() {
				return
			}
		}
	}
}

// relay turns one payment's events into screen updates; each method
// reports whether to go on.
type relay struct {
	c      *Checkout
	ctx    context.Context
	no     string
	lp     *livePayment
	events <-chan pos.Event
	out    chan<- view.Update
	last   *pos.Order // the last snapshot sent
	// notRecorded: WeChat answered but the store could not write it; the
	// stored record is behind, so only a final state (recovery, once there
	// is room) may replace what the screen says.
	notRecorded bool
}

// send passes o on unless it is another order's, says nothing new, or is
// behind an unrecorded answer.
func (r *relay) send(o *pos.Order) bool {
	if o == nil || o.OutTradeNo != r.no {
		return true
	}
	if r.notRecorded && !o.State.Terminal() && o.State != pos.StateConflict {
		return true
	}
	if last := r.last; last != nil && last.State == o.State && last.CodeURL == o.CodeURL && last.Deadline.Equal(o.Deadline) {
		return true
	}
	r.last = o
	select {
	case r.out <- r.c.update(o, r.lp):
	case <-r.ctx.Done():
		return false
	}
	return !o.State.Terminal() && o.State != pos.StateConflict // a conflict waits for the manager, not the screen
}

// event passes on what the screen shows of core event e.
func (r *relay) event(e pos.Event) bool {
	switch {
	case isTransition(e):
		return r.send(e.Order)
	case e.Kind == pos.EventNotified:
		return r.notified(e)
	}
	return true
}

// notified tells the screen that WeChat's verified notification says the
// customer paid this sale (pos.Terminal.Notified): it can say so while
// the query that settles the sale is on its way. The state shown stays
// the last one sent.
func (r *relay) notified(e pos.Event) bool {
	if e.Ref != r.no || r.last == nil || r.last.State.Terminal() || r.notRecorded {
		return true
	}
	u := r.c.update(r.last, r.lp)
	u.Notified = true
	select {
	case r.out <- u:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// answered handles the end of the payment's own call: an answer the store
// could not write is shown as such before anything else.
func (r *relay) answered() bool {
	var nr *pos.NotRecordedError
	o, err := r.lp.p.Wait(r.ctx)
	if !errors.As(err, &nr) || o == nil {
		return true
	}
	r.notRecorded = true
	select {
	case r.out <- view.Update{OutTradeNo: r.no, State: view.StateUnknown, AmountFen: o.AmountFen, Reason: view.ReasonNotRecorded}:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// drain takes every event already queued, in order.
func (r *relay) drain() bool {
	for {
		select {
		case e, ok := <-r.events:
			if !ok {
				return false
			}
			if !r.event(e) {
				return false
			}
		default:
			return true
		}
	}
}

// reread catches up from the store after draining the queue, so a
// dropped event cannot leave the screen behind.
func (r *relay) reread() bool {
	if !r.drain() {
		return false
	}
	o, err := r.c.core.Order(r.no)
	if err != nil {
		return true
	}
	return r.send(o)
}

// update converts an order snapshot into what the screens show.
func (c *Checkout) update(o *pos.Order, lp *livePayment) view.Update {
	u := view.Update{
		OutTradeNo: o.OutTradeNo, State: o.State, AmountFen: o.AmountFen,
		Deadline: o.Deadline, CodeURL: o.CodeURL, Reason: view.Reason(o.ErrorCode),
	}
	c.mu.Lock()
	cancelled := lp.cancelled
	c.mu.Unlock()
	// The core records why a WeChat call failed, not why the terminal gave
	// up; the adapter knows whether the cashier asked.
	switch {
	case o.State == pos.StateReversed && !cancelled && u.Reason == "":
		u.Reason = view.ReasonPasswordTimeout
	case (o.State == pos.StateClosed || o.State == pos.StateClosing) && !cancelled && !o.Deadline.IsZero() && !o.UpdatedAt.Before(o.Deadline):
		u.Reason = view.ReasonExpired
	}
	if o.State == pos.StatePaid {
		r := c.receiptOf(o)
		u.Receipt = &r
	}
	return u
}

// receiptOf loads the receipt the core wrote with the PAID transition, or
// builds one from the order if it cannot be read.
func (c *Checkout) receiptOf(o *pos.Order) receipt.Receipt {
	if o.ReceiptNo != "" {
		if r, err := c.core.Receipt(o.ReceiptNo); err == nil && r != nil {
			return *r
		}
	}
	return receipt.Receipt{
		No: o.ReceiptNo, Kind: receipt.KindSale, Time: o.PaidAt, Lines: o.Lines, Discount: o.Discount, TotalFen: o.AmountFen,
		Tender: o.Tender, TenderedFen: o.TenderedFen, ChangeFen: o.ChangeFen, CouponFen: o.CouponFen,
		OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, Training: o.Training, Cashier: o.Cashier,
	}
}

// PayCash records a cash sale.
func (c *Checkout) PayCash(ctx context.Context, sale view.Sale, tenderedFen int64) (receipt.Receipt, error) {
	o, err := c.core.PayCash(ctx, posSale(sale, c.cashier), tenderedFen)
	if err != nil {
		return receipt.Receipt{}, err
	}
	return c.receiptOf(o), nil
}

// Cancel asks the core to reverse or close a payment this window follows.
func (c *Checkout) Cancel(_ context.Context, no string) error {
	c.mu.Lock()
	lp, ok := c.live[no]
	if ok {
		lp.cancelled = true
	}
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("cancel %s: %w", no, view.ErrNotLive)
	}
	lp.p.Cancel()
	return nil
}

// Recheck asks WeChat about no now: the core drops the order's recovery
// backoff and wakes its worker, which queries (or re-sends the queued
// reverse or close) at once. The outcome arrives as an update, like any
// other; ctx is unused because nothing here waits on the network.
func (c *Checkout) Recheck(_ context.Context, no string) error {
	if err := c.core.RetryNow(no); err != nil {
		return fmt.Errorf("recheck %s: %w", no, err)
	}
	return nil
}

// History lists the orders of the last q.Days days (Asia/Shanghai) that
// q.Text names, newest first, through the core's day index.
func (c *Checkout) History(ctx context.Context, q view.HistoryQuery) (view.HistoryPage, error) {
	now := c.now()
	days := max(q.Days, 1)
	h, err := c.core.History(ctx, pos.HistoryQuery{From: pos.DayOf(now.AddDate(0, 0, 1-days)), To: pos.DayOf(now), Text: q.Text})
	if err != nil {
		return view.HistoryPage{}, fmt.Errorf("sales history: %w", err)
	}
	page := view.HistoryPage{Records: make([]view.Record, 0, len(h.Rows)), Truncated: h.Truncated}
	for _, row := range h.Rows {
		o := row.Order
		page.Records = append(page.Records, view.Record{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo,
			Tender: o.Tender, AmountFen: o.AmountFen, State: o.State, Time: o.CreatedAt, Reason: reasonOf(o),
			RefundedFen: row.RefundedFen, RefundableFen: row.Refundable()})
	}
	return page, nil
}

// reasonOf is why o ended without being paid, as the screens name it.
func reasonOf(o *pos.Order) view.Reason {
	switch {
	case o.State == pos.StatePaid:
		return ""
	case o.ErrorCode != "":
		return view.Reason(o.ErrorCode)
	case o.State == pos.StateConflict:
		return view.ReasonConflict
	case o.State == pos.StateClosed:
		return view.ReasonExpired
	}
	return ""
}

// Receipt returns the receipt of paid sale no, rebuilt from the order if
// the stored one cannot be read.
func (c *Checkout) Receipt(_ context.Context, no string) (receipt.Receipt, error) {
	o, err := c.core.Order(no)
	if err != nil {
		return receipt.Receipt{}, fmt.Errorf("receipt of %s: %w", no, err)
	}
	if o.State != pos.StatePaid {
		return receipt.Receipt{}, fmt.Errorf("receipt of %s: the sale is %s, not paid", no, o.State)
	}
	return c.receiptOf(o), nil
}

// Status feeds the status bar: the pending count (payments in doubt plus
// queued reverse/close/refund calls) after every event and every few
// seconds, the network as the last WeChat outcome shows it, and the
// scanner's connection.
func (c *Checkout) Status(ctx context.Context) <-chan view.Status {
	out := make(chan view.Status, 1)
	events := c.core.Subscribe(ctx)
	scan := make(chan bool, 1)
	if c.scanner != nil {
		stop := c.scanner.Subscribe(func(s scanner.Status) {
			select {
			case <-scan:
			default:
			}
			scan <- s.State == scanner.StateConnected
		})
		context.AfterFunc(ctx, stop)
	}
	go func() {
		defer close(out)
		st := view.Status{NetworkOK: true, Training: c.training, KeyboardScanner: c.scanner == nil}
		tick := time.NewTicker(refreshEvery)
		defer tick.Stop()
		for {
			if n, err := c.pending(); err == nil {
				st.Pending = n
			}
			select {
			case <-out: // replace a status nobody read yet
			default:
			}
			out <- st
			select {
			case <-ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				if isTransition(e) {
					if ok, known := networkFrom(pos.State(e.To)); known {
						st.NetworkOK = ok
					}
				}
			case on := <-scan:
				st.ScannerConnected = on
			case <-tick.C:
			}
		}
	}()
	return out
}

// pending counts what the cashier should know is unsettled: payments in
// doubt, payments still in progress that this window is not following (one
// resumed after a restart: a password wait, a QR still payable), and queued
// reverse/close/refund calls.
func (c *Checkout) pending() (int, error) {
	p, err := c.core.Pending()
	if err != nil {
		return 0, err
	}
	open, err := c.core.OpenOrders()
	if err != nil {
		return 0, err
	}
	n := p.Outbox
	c.mu.Lock()
	for _, o := range open {
		if _, live := c.live[o.OutTradeNo]; o.State == pos.StateUnknown || !live {
			n++
		}
	}
	c.mu.Unlock()
	return n, nil
}

// Unacknowledged lists the payments the core settled without the cashier
// seeing them, oldest first.
func (c *Checkout) Unacknowledged(context.Context) ([]view.Outcome, error) {
	orders, err := c.core.Unacknowledged()
	if err != nil {
		return nil, err
	}
	out := make([]view.Outcome, 0, len(orders))
	for _, o := range orders {
		out = append(out, view.Outcome{OutTradeNo: o.OutTradeNo, State: o.State, AmountFen: o.AmountFen,
			ReceiptNo: o.ReceiptNo, Time: o.UpdatedAt})
	}
	return out, nil
}

// Acknowledge records that the cashier has seen outcome outTradeNo.
func (c *Checkout) Acknowledge(_ context.Context, outTradeNo string) error {
	return c.core.Acknowledge(outTradeNo, c.cashier)
}

// isTransition reports whether e moved a payment the core drives itself
// (a CONFLICT is audited under its own kind).
func isTransition(e pos.Event) bool {
	return (e.Kind == pos.EventOrder || e.Kind == pos.EventConflict) && e.Order != nil
}

// networkFrom reads the network's health from a payment transition: UNKNOWN
// means a WeChat call got no usable answer; a state only an answer can
// produce means the last call worked.
func networkFrom(to pos.State) (ok, known bool) {
	switch to {
	case pos.StateUnknown:
		return false, true
	case pos.StatePaid, pos.StateFailed, pos.StateWaitingPassword, pos.StateShowingQR, pos.StateReversed, pos.StateClosed,
		pos.StateConflict:
		return true, true
	}
	return false, false
}
