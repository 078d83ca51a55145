package pos

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

// Config sets up a Terminal. Zero durations take the defaults listed.
type Config struct {
	StoreID    string // 1–6 of [0-9A-Za-z], part of every out_trade_no
	TerminalID string // 1–6 of [0-9A-Za-z], part of every out_trade_no
	StoreName  string
	Training   bool // money moves on the sandbox, receipts say so

	Clock  Clock        // default SystemClock
	Logger *slog.Logger // default: discard

	// Authorizer approves refunds and force actions. Nil refuses them all.
	Authorizer Authorizer
	// Discounts is what a cashier may take off a line or a sale alone;
	// above it a discount must name the approving manager. The zero value
	// lets no discount through without one.
	Discounts pricing.Limits

	ScanPollEvery time.Duration // query interval while the customer enters the password; 5 s
	ScanWait      time.Duration // how long to wait for the password before reversing; 30 s
	QRTTL         time.Duration // Native order lifetime (time_expire); 10 min, at least 5 min
	QRPollMin     time.Duration // first QR poll interval; 1 s
	QRPollMax     time.Duration // QR poll backoff cap; 3 s
	CallTimeout   time.Duration // deadline of one WeChat call; 20 s
	RetryMin      time.Duration // recovery/outbox first backoff; 2 s
	RetryMax      time.Duration // recovery/outbox backoff cap; 5 min
	RefundWait    time.Duration // how long Refund polls before returning PROCESSING; 10 s
	FinderTimeout time.Duration // deadline of one SaleFinder look-up (the replica); 5 s
	// NotExistGrace is how long after a payment request's deadline WeChat's
	// "no such order" is still distrusted (a late request may land); 60 s.
	NotExistGrace time.Duration
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ScanPollEvery, 5*time.Second)
	def(&c.ScanWait, 30*time.Second)
	def(&c.QRTTL, 10*time.Minute)
	def(&c.QRPollMin, time.Second)
	def(&c.QRPollMax, 3*time.Second)
	def(&c.CallTimeout, 20*time.Second)
	def(&c.RetryMin, 2*time.Second)
	def(&c.RetryMax, 5*time.Minute)
	def(&c.RefundWait, 10*time.Second)
	def(&c.FinderTimeout, 5*time.Second)
	def(&c.NotExistGrace, time.Minute)
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.StoreName == "" {
		c.StoreName = "wxpos"
	}
}

// validID bounds the ids so that an order number with its epoch and a
// sequence of up to 10 digits stays within WeChat's 32 characters (mint).
func validID(s string) bool { return ident.Run(s, 1, 6, ident.Alnum) }

// Terminal is the payment core of one counter: it mints order numbers,
// drives the state machines, runs the recovery worker and publishes events.
// It is safe for concurrent use.
type Terminal struct {
	cfg     Config
	store   Store
	lineage Lineage // of the database, fixed while it is open
	gw      Gateway
	clk     Clock
	log     *slog.Logger
	bus     bus

	ctx    context.Context // lifetime of payment goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	active  map[string]bool      // orders/refunds driven right now
	live    map[string]*Payment  // payments on the cashier's screen
	backoff map[string]retryInfo // recovery backoff of open orders/refunds (in memory)
	wake    chan struct{}
	started bool
}

type retryInfo struct {
	attempts int
	next     time.Time
}

// New builds a Terminal on store and gateway. Call Start to run the
// recovery worker and Close when done.
func New(store Store, gw Gateway, cfg Config) (*Terminal, error) {
	if !validID(cfg.StoreID) || !validID(cfg.TerminalID) {
		return nil, fmt.Errorf("store id %q / terminal id %q: want 1–6 letters or digits: %w", cfg.StoreID, cfg.TerminalID, ErrBadRequest)
	}
	if store == nil || gw == nil {
		return nil, fmt.Errorf("new terminal: store and gateway are required: %w", ErrBadRequest)
	}
	lin, err := store.Lineage()
	if err != nil {
		return nil, fmt.Errorf("new terminal: %w", err)
	}
	if !validEpoch(lin.Epoch) {
		return nil, fmt.Errorf("new terminal: database epoch %q: want 1–8 letters or digits", lin.Epoch)
	}
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Terminal{
		cfg: cfg, store: store, lineage: lin, gw: gw, clk: cfg.Clock, log: cfg.Logger,
		ctx: ctx, cancel: cancel,
		active:  make(map[string]bool),
		live:    make(map[string]*Payment),
		backoff: make(map[string]retryInfo),
		wake:    make(chan struct{}, 1),
	}, nil
}

// Close stops the recovery worker and every payment goroutine and waits for
// them. Orders stay in their last persisted state; the next Start resumes.
func (t *Terminal) Close() error {
	t.cancel()
	t.wg.Wait()
	return nil
}

// Subscribe returns the stream of committed state changes until ctx ends.
// The UI renders from it and never polls the database. A subscriber that
// falls more than 256 events behind misses some; every event carries a
// full snapshot of its record.
func (t *Terminal) Subscribe(ctx context.Context) <-chan Event {
	return t.bus.subscribe(ctx, 256)
}

// Order returns the stored order no.
func (t *Terminal) Order(no string) (*Order, error) { return t.store.Order(no) }

// RefundRecord returns the stored refund no.
func (t *Terminal) RefundRecord(no string) (*Refund, error) { return t.store.Refund(no) }

// RefundsOf returns the refunds of a sale.
func (t *Terminal) RefundsOf(outTradeNo string) ([]*Refund, error) {
	return t.store.RefundsOf(outTradeNo)
}

// Receipt returns receipt no.
func (t *Terminal) Receipt(no string) (*receipt.Receipt, error) { return t.store.Receipt(no) }

// OrdersOnDay returns the orders of a day (yyyymmdd, Asia/Shanghai).
func (t *Terminal) OrdersOnDay(day string) ([]*Order, error) { return t.store.OrdersOnDay(day) }

// RemoteTrade asks WeChat for order no as WeChat has it (a manager
// checking a disputed payment), within the call deadline. It changes
// nothing here: settling an order stays the recovery worker's. A number
// WeChat does not know is ErrOrderNotExist.
func (t *Terminal) RemoteTrade(ctx context.Context, no string) (Trade, error) {
	return call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, no) })
}

// OpenOrders returns every order not in a final state (UNKNOWN ones
// included), for the manager's screen.
func (t *Terminal) OpenOrders() ([]*Order, error) { return t.store.OpenOrders() }

// RetryNow drops the recovery backoff of an open order or refund and wakes
// the worker (the cashier's "check again" button). Queued calls are retried
// at once too.
func (t *Terminal) RetryNow(ref string) error {
	t.mu.Lock()
	delete(t.backoff, ref)
	t.mu.Unlock()
	entries, err := t.store.Outbox()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Ref == ref {
			e.NextAt = t.clk.Now()
			if err := t.store.SaveOutbox(e); err != nil {
				return err
			}
		}
	}
	t.nudge()
	return nil
}

// Pending counts what is not settled yet: open orders (UNKNOWN among them)
// and queued outbox calls. The status bar shows these.
type Pending struct {
	Open      int
	Unknown   int
	Conflicts int // CONFLICT orders (counted in Open too): a manager must look
	Outbox    int
	Refunds   int // open refunds
}

// Pending reports the current counts.
func (t *Terminal) Pending() (Pending, error) {
	var p Pending
	open, err := t.store.OpenOrders()
	if err != nil {
		return p, err
	}
	for _, o := range open {
		p.Open++
		switch o.State {
		case StateUnknown:
			p.Unknown++
		case StateConflict:
			p.Conflicts++
		}
	}
	ob, err := t.store.Outbox()
	if err != nil {
		return p, err
	}
	p.Outbox = len(ob)
	refunds, err := t.store.OpenRefunds()
	p.Refunds = len(refunds)
	return p, err
}

// Cancel asks the live payment no to stop (see Payment.Cancel). It
// reports false when no such payment is in progress.
func (t *Terminal) Cancel(no string) bool {
	t.mu.Lock()
	p := t.live[no]
	t.mu.Unlock()
	if p == nil {
		return false
	}
	p.Cancel()
	return true
}

// track registers p as live until it finishes.
func (t *Terminal) track(p *Payment) {
	t.mu.Lock()
	t.live[p.no] = p
	t.mu.Unlock()
}

func (t *Terminal) untrack(p *Payment) {
	t.mu.Lock()
	delete(t.live, p.no)
	t.mu.Unlock()
}

// acquire marks ref as driven by the caller; false if someone else is.
func (t *Terminal) acquire(ref string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.active[ref] {
		return false
	}
	t.active[ref] = true
	return true
}

func (t *Terminal) release(ref string) {
	t.mu.Lock()
	delete(t.active, ref)
	t.mu.Unlock()
	t.nudge()
}

// nudge wakes the recovery worker early.
func (t *Terminal) nudge() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// numbering asks the store to number a new order ('P', out_trade_no) or
// refund ('R', out_refund_no) inside its first commit (Change.Mint):
// kind + store id + "-" + terminal id + "-" + epoch + "-" + number, e.g.
// "PS01-T01-K7QZ2M-00000042": at most 1+6+1+6+1+6+1+10 = 32 characters of
// [0-9A-Za-z-]. The epoch is the database's (Lineage), new for every
// database and every restore, so a sequence that starts again never
// repeats a number WeChat has seen. The number is durable with the
// record's first state, before any network call, and kept for every retry.
// With claimed set, the number is claimed for the caller (acquire) before
// the commit and written to *claimed, for the caller to release.
func (t *Terminal) numbering(kind string, claimed *string) *Mint {
	m := &Mint{Kind: kind, Format: func(seq uint64) (string, error) {
		no := fmt.Sprintf("%s%s-%08d", NumberPrefix(kind, t.cfg.StoreID, t.cfg.TerminalID), t.lineage.Epoch, seq)
		if len(no) > 32 {
			return "", fmt.Errorf("mint %s number: %q longer than 32", kind, no)
		}
		return no, nil
	}}
	if claimed != nil {
		m.Claim = func(no string) bool {
			if !t.acquire(no) {
				return false
			}
			*claimed = no
			return true
		}
	}
	return m
}

// NumberPrefix is how every order (kind "P") or refund ("R") number that
// terminal storeID/terminalID mints begins, e.g. "PS01-T01-": a number
// says which terminal made it (ids are letters and digits, and the
// trailing "-" keeps T1 apart from T12).
func NumberPrefix(kind, storeID, terminalID string) string {
	return kind + storeID + "-" + terminalID + "-"
}

// receiptNo formats the receipt number for a receipt sequence value:
// store-terminal-sequence ("S01-T01-000124") in a database never restored,
// and store-terminal-generation-sequence ("S01-T01-2-000124") after its
// second restore. A restored database continues the backup's sequence, but
// receipts printed after the backup was taken are unknown to it — no gap
// is provably large enough — so the restore generation, which every
// restore raises above both the backup's and the replaced database's,
// keeps the new numbers apart from every number printed before.
func (t *Terminal) receiptNo(seq uint64) string {
	if t.lineage.Generation == 0 {
		return fmt.Sprintf("%s-%s-%06d", t.cfg.StoreID, t.cfg.TerminalID, seq)
	}
	return fmt.Sprintf("%s-%s-%d-%06d", t.cfg.StoreID, t.cfg.TerminalID, t.lineage.Generation, seq)
}

// codeHash is a keyed hash of a payment code, so the used-once check works
// without storing the code.
func (t *Terminal) codeHash(code string) string {
	m := hmac.New(sha256.New, []byte("wxpos payment code/"+t.cfg.StoreID+"/"+t.cfg.TerminalID))
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// ValidCode reports whether code looks like a WeChat payment code (18
// digits starting 10–15): catalog.Classify's verdict, the one the scanner
// and the sale screen use too.
func ValidCode(code string) bool { return catalog.WeChatPayCode(code) }

// last4 shows a payment code in logs and on screen.
func last4(code string) string {
	if len(code) <= 4 {
		return code
	}
	return code[len(code)-4:]
}

// call runs one gateway call with the configured deadline.
func call[T any](t *Terminal, ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.CallTimeout)
	defer cancel()
	return fn(ctx)
}

// move is the one place a payment state changes: it checks the flow's
// table, persists the order, its event, the open index, the outbox entry and
// (on PAID) the receipt in one Store.Apply, publishes the event, and only
// then returns so the caller can act (make the network call announced).
func (t *Terminal) move(o *Order, to State, actor, reason string, mutate func(*Order), extra func(*Change)) (*Order, error) {
	return t.moveIn(o.Flow(), o, to, actor, reason, mutate, extra)
}

// moveIn is move checked against the table of flow f instead of the
// order's own (FlowBill for reconciliation's corrections).
func (t *Terminal) moveIn(f Flow, o *Order, to State, actor, reason string, mutate func(*Order), extra func(*Change)) (*Order, error) {
	from := o.State
	m, err := begin(t, TableOf(f), f, o.OutTradeNo, from, to, actor, reason)
	if err != nil {
		return o, err
	}
	n := o.clone()
	n.State, n.UpdatedAt = to, m.now
	if mutate != nil {
		mutate(n)
	}
	c := m.change(EventOrder, n.OutTradeNo, orderQueues(to), orderQueues(from))
	c.Order, c.OrderFrom = n, from
	// An outcome the core reached on its own (a query, a reverse, recovery)
	// may have come while nobody watched: it is shown until acknowledged.
	c.Announce = (to.Terminal() || to == StateConflict) && m.actor == "system"
	if to == StatePaid {
		t.salePaid(n, c, m.now)
	}
	if extra != nil {
		extra(c)
	}
	if err := t.store.Apply(c); err != nil {
		return t.notRecordedOrder(o, n, err)
	}
	t.log.Info("order", "out_trade_no", n.OutTradeNo, "from", from, "to", to, "amount_fen", n.AmountFen, "actor", m.actor, "reason", reason)
	c.Event.Order = n.clone()
	t.published(c, n.OutTradeNo, to.Terminal())
	return n, nil
}

// moveRefund is move for refunds, in the same steps: check the table,
// build the change (with the refund receipt on SUCCESS), commit, log,
// publish.
func (t *Terminal) moveRefund(r *Refund, to RefundState, actor, reason string, mutate func(*Refund), extra func(*Change)) (*Refund, error) {
	return t.moveRefundIn(RefundTable, r, to, actor, reason, mutate, extra)
}

// moveRefundIn is moveRefund checked against tab: RefundTable, or
// AbnormalTable for a manager's settlement of an ABNORMAL refund.
func (t *Terminal) moveRefundIn(tab Table[RefundState], r *Refund, to RefundState, actor, reason string, mutate func(*Refund), extra func(*Change)) (*Refund, error) {
	from := r.State
	m, err := begin(t, tab, FlowRefund, r.OutRefundNo, from, to, actor, reason)
	if err != nil {
		return r, err
	}
	n := r.clone()
	n.State, n.UpdatedAt = to, m.now
	if mutate != nil {
		mutate(n)
	}
	c := m.change(EventRefund, n.OutRefundNo, refundQueues(to), refundQueues(from))
	c.Refund, c.RefundFrom = n, from
	if to == RefundSuccess {
		if err := t.refundDone(n, c, m.now); err != nil {
			return r, err
		}
	}
	if extra != nil {
		extra(c)
	}
	if err := t.store.Apply(c); err != nil {
		return t.notRecordedRefund(r, n, err)
	}
	t.log.Info("refund", "out_refund_no", n.OutRefundNo, "out_trade_no", n.OutTradeNo, "from", from, "to", to, "amount_fen", n.AmountFen, "actor", m.actor)
	c.Event.Refund = n.clone()
	t.published(c, n.OutRefundNo, to.Terminal())
	return n, nil
}

// moving is what every move shares, of an order or a refund: a step of
// the flow's table, stamped now, by actor ("system" when the core
// decides on its own).
type moving struct {
	from, to      string
	actor, reason string
	now           time.Time
}

// begin checks from → to against tab, the table of f, and stamps the move.
func begin[S AnyState](t *Terminal, tab Table[S], f Flow, ref string, from, to S, actor, reason string) (moving, error) {
	if !tab.Allows(from, to) {
		return moving{}, &TransitionError{Flow: f, Ref: ref, From: string(from), To: string(to)}
	}
	if actor == "" {
		actor = "system"
	}
	return moving{from: string(from), to: string(to), actor: actor, reason: reason, now: t.clk.Now()}, nil
}

// change is the commit of m on record ref without the record: its audit
// event, the outbox entry of the call the new state queues (put) and the
// removal of the one the old state waited on (done); "" for none.
func (m moving) change(kind EventKind, ref string, put, done OutboxKind) *Change {
	c := &Change{Event: Event{Time: m.now, Kind: kind, Ref: ref, From: m.from, To: m.to, Actor: m.actor, Reason: m.reason}}
	if put != "" {
		c.OutboxPut = &OutboxEntry{Kind: put, Ref: ref, NextAt: m.now, CreatedAt: m.now}
	}
	if done != "" {
		c.OutboxDelete = OutboxEntry{Kind: done, Ref: ref}.Key()
	}
	return c
}

// published announces a committed change; once ref is final, recovery
// forgets its backoff.
func (t *Terminal) published(c *Change, ref string, final bool) {
	t.bus.publish(c.Event)
	if final {
		t.mu.Lock()
		delete(t.backoff, ref)
		t.mu.Unlock()
	}
}

// orderQueues names the call an order in state s waits on in the outbox
// ("" none): a reverse or a close the network may have to retry.
func orderQueues(s State) OutboxKind {
	switch s {
	case StateReversing:
		return OutboxReverse
	case StateClosing:
		return OutboxClose
	}
	return ""
}

// refundQueues names the call a refund in state s waits on in the outbox.
func refundQueues(s RefundState) OutboxKind {
	if s == RefundSubmitted {
		return OutboxRefund
	}
	return ""
}

// notRecordedOrder is move's answer when the store refused the change n
// of o. Before any call (from NEW) or when another flow moved the order
// first (stale), that is a plain error. After a call it is a
// *NotRecordedError, and the snapshot handed back says so in its message
// and keeps what WeChat answered, so the screen can say "paid at WeChat,
// not recorded" instead of showing the stale state as if nothing
// happened; the database keeps the state before the call for recovery.
func (t *Terminal) notRecordedOrder(o, n *Order, err error) (*Order, error) {
	if o.State == StateNew || isStale(err) {
		return o, fmt.Errorf("%s %s → %s: %w", cmp.Or(n.OutTradeNo, "new order"), o.State, n.State, err)
	}
	nr := &NotRecordedError{Ref: n.OutTradeNo, From: string(o.State), To: string(n.State), Paid: n.State == StatePaid, Err: err}
	t.log.Error("payment outcome not recorded", "out_trade_no", n.OutTradeNo, "from", o.State, "to", n.State,
		"amount_fen", n.AmountFen, "err", err)
	shown := o.clone()
	shown.TransactionID = n.TransactionID
	shown.ErrorCode, shown.Message = "NOT_RECORDED", nr.Error()
	return shown, nr
}

// notRecordedRefund is moveRefund's answer when the store refused the
// change n of r: a plain error before any call (from NEW) or when another
// flow moved the refund first, else a *NotRecordedError.
func (t *Terminal) notRecordedRefund(r, n *Refund, err error) (*Refund, error) {
	if r.State == RefundNew || isStale(err) {
		return r, fmt.Errorf("%s %s → %s: %w", cmp.Or(n.OutRefundNo, "new refund of "+n.OutTradeNo), r.State, n.State, err)
	}
	t.log.Error("refund outcome not recorded", "out_refund_no", n.OutRefundNo, "from", r.State, "to", n.State, "err", err)
	return r, &NotRecordedError{Ref: n.OutRefundNo, From: string(r.State), To: string(n.State), Paid: n.State == RefundSuccess, Err: err}
}

// salePaid stamps a sale paid now (unless the answer said when) and adds its
// receipt to c.
func (t *Terminal) salePaid(n *Order, c *Change, now time.Time) {
	if n.PaidAt.IsZero() {
		n.PaidAt = now
	}
	c.Receipt = t.saleReceipt(n)
	c.ReceiptNo = t.receiptNo
}

// refundDone stamps a refund done now (unless the answer said when) and adds
// its receipt, which names the sale, to c.
func (t *Terminal) refundDone(n *Refund, c *Change, now time.Time) error {
	if n.SuccessAt.IsZero() {
		n.SuccessAt = now
	}
	sale, err := t.store.Order(n.OutTradeNo)
	if err != nil {
		return fmt.Errorf("refund %s: sale: %w", n.OutRefundNo, err)
	}
	c.Receipt = t.refundReceipt(sale, n)
	c.ReceiptNo = t.receiptNo
	return nil
}

// room refuses a request that can move money when the store could not
// record its outcome: before minting a number, so nothing is written and
// nothing is sent.
func (t *Terminal) room(what string) error {
	if err := t.store.Room(); err != nil {
		return fmt.Errorf("%s refused before any call to WeChat: %w", what, err)
	}
	return nil
}

func (t *Terminal) saleReceipt(o *Order) *receipt.Receipt {
	return &receipt.Receipt{
		Kind: receipt.KindSale, StoreName: t.cfg.StoreName, StoreID: t.cfg.StoreID, TerminalID: t.cfg.TerminalID,
		Cashier: o.Cashier, Time: o.PaidAt, Lines: o.Lines, Discount: o.Discount, TotalFen: o.AmountFen, Tender: o.Tender,
		TenderedFen: o.TenderedFen, ChangeFen: o.ChangeFen, CouponFen: o.CouponFen,
		OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, Training: o.Training,
	}
}

func (t *Terminal) refundReceipt(sale *Order, r *Refund) *receipt.Receipt {
	return &receipt.Receipt{
		Kind: receipt.KindRefund, StoreName: t.cfg.StoreName, StoreID: t.cfg.StoreID, TerminalID: t.cfg.TerminalID,
		Cashier: r.Cashier, Time: r.SuccessAt, TotalFen: sale.AmountFen, Tender: sale.Tender,
		OutTradeNo: sale.OutTradeNo, TransactionID: sale.TransactionID,
		OutRefundNo: r.OutRefundNo, RefundID: r.RefundID, RefundFen: r.AmountFen, SaleReceipt: sale.ReceiptNo,
		RefundLines: r.Lines, Reason: r.Reason, Training: r.Training, CouponFen: r.CouponFen,
	}
}

// Payment is a payment in progress on the cashier's screen.
type Payment struct {
	no     string
	cancel chan struct{}
	hint   chan struct{} // WeChat announced news of this order: ask now (Terminal.Hint)
	once   sync.Once
	done   chan struct{}
	mu     sync.Mutex
	order  *Order
	err    error
}

func newPayment(o *Order) *Payment {
	return &Payment{no: o.OutTradeNo, cancel: make(chan struct{}), hint: make(chan struct{}, 1), done: make(chan struct{}),
		order: o.clone()}
}

// OutTradeNo is the order number, minted before any network call.
func (p *Payment) OutTradeNo() string { return p.no }

// Cancel asks to stop: a scan payment waiting for the password is reversed,
// a QR payment is closed. A payment that is already paid stays paid.
func (p *Payment) Cancel() { p.once.Do(func() { close(p.cancel) }) }

// Done is closed when the payment has reached the state it will stay in
// while the cashier watches (final, UNKNOWN, or queued REVERSING/CLOSING).
func (p *Payment) Done() <-chan struct{} { return p.done }

// Order returns the latest snapshot.
func (p *Payment) Order() *Order {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.clone()
}

// Wait blocks until Done or ctx ends and returns the result.
func (p *Payment) Wait(ctx context.Context) (*Order, error) {
	select {
	case <-p.done:
	case <-ctx.Done():
		return p.Order(), ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.clone(), p.err
}

func (p *Payment) set(o *Order) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.order = o.clone()
	p.mu.Unlock()
}

func (p *Payment) finish(o *Order, err error) {
	p.mu.Lock()
	p.order = o.clone()
	p.err = err
	p.mu.Unlock()
	close(p.done)
}

func (p *Payment) cancelled() bool {
	if p == nil {
		return false
	}
	select {
	case <-p.cancel:
		return true
	default:
		return false
	}
}

func (p *Payment) cancelChan() <-chan struct{} {
	if p == nil {
		return nil
	}
	return p.cancel
}

// sleep waits d on the terminal clock, or until cancel fires or ctx ends.
// It reports false when ctx ended.
func (t *Terminal) sleep(ctx context.Context, d time.Duration, cancel <-chan struct{}) bool {
	select {
	case <-t.clk.After(d):
		return true
	case <-cancel:
		return true
	case <-ctx.Done():
		return false
	}
}

// validateSale checks the amount, that the lines and discounts come to it
// (package pricing: the one place totals are computed), and that every
// discount above the cashier's limits names the manager who approved it.
func (t *Terminal) validateSale(s Sale) error {
	if s.AmountFen <= 0 || s.AmountFen > MaxFen {
		return fmt.Errorf("sale amount %d fen: %w", s.AmountFen, ErrBadAmount)
	}
	if len(s.Lines) == 0 {
		if s.Discount != nil {
			return fmt.Errorf("sale discount without lines: %w", ErrBadAmount)
		}
		return nil
	}
	if _, err := pricing.Check(s.Lines, s.Discount, s.AmountFen); err != nil {
		return fmt.Errorf("sale: %w: %w", ErrBadAmount, err)
	}
	if err := t.cfg.Discounts.Approvals(s.Lines, s.Discount); err != nil {
		return fmt.Errorf("sale: %w: %w", ErrNotAuthorised, err)
	}
	return nil
}

// discountNote is the audit trail's line for a sale's discounts and
// overrides — what, who, approved by whom, why — written with the order's
// first state; "" when there are none.
func discountNote(s Sale) string {
	var parts []string
	note := func(what string, off int64, by, approved, reason string) {
		p := what + " -" + FormatYuan(off)
		if by != "" {
			p += " by " + by
		}
		if approved != "" {
			p += " approved by " + approved
		}
		parts = append(parts, p+" ("+reason+")")
	}
	for i, l := range s.Lines {
		if o := l.Override; o != nil {
			parts = append(parts, fmt.Sprintf("line %d price %s instead of %s by %s approved by %s (%s)",
				i+1, FormatYuan(l.UnitFen), FormatYuan(o.ListFen), o.By, o.ApprovedBy, o.Reason))
		}
		if d := l.Discount; d != nil {
			note(fmt.Sprintf("line %d discount", i+1), d.AmountFen, d.By, d.ApprovedBy, d.Reason)
		}
	}
	if d := s.Discount; d != nil {
		note("sale discount", d.AmountFen, d.By, d.ApprovedBy, d.Reason)
	}
	return strings.Join(parts, "; ")
}

// joinNote joins two audit notes with "; ", skipping an empty one.
func joinNote(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

// description is what WeChat shows the customer as the purchase: the
// sale's own text, else the store name, without the characters WeChat
// Pay refuses (emoji and the rest of UTF-8's 4-byte range: an item named
// "🍎 苹果" must not fail the payment), at most 40 characters.
func (t *Terminal) description(s Sale) string {
	d := wechatText(s.Description)
	if d == "" {
		d = wechatText(t.cfg.StoreName)
	}
	if d == "" {
		d = "商品" // a store named only in emoji: WeChat needs some text
	}
	r := []rune(d)
	if len(r) > 40 {
		d = string(r[:40])
	}
	return d
}

// wechatText drops what WeChat Pay's text fields refuse — characters
// outside the Basic Multilingual Plane, which UTF-8 spells in four bytes —
// and the spaces that dropping leaves at either end.
func wechatText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return -1
		}
		return r
	}, s))
}

// errText is a short, secret-free text of a gateway error for the record.
func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func isStale(err error) bool {
	var te *TransitionError
	return errors.As(err, &te) && te.Stale
}
