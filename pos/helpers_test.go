package pos_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// rig is a terminal on a temp database and a fake WeChat.
type rig struct {
	t     *testing.T
	db    *storage.Store
	store *posstore.Store
	gw    *postest.Gateway
	clk   *postest.Clock
	term  *pos.Terminal
	cfg   pos.Config
}

func testConfig(clk pos.Clock) pos.Config {
	return pos.Config{
		StoreID: "S01", TerminalID: "T01", StoreName: "测试店", Clock: clk,
		Authorizer:  allowManagers{},
		CallTimeout: 2 * time.Second,
	}
}

// allowManagers approves any approval whose user is "manager" (PINs come
// with the manager issue).
type allowManagers struct{}

func (allowManagers) Authorize(_ context.Context, a pos.Approval, _ pos.Action, _ string) (string, error) {
	if a.User != "manager" || a.Credential != "1234" {
		return "", pos.ErrNotAuthorised
	}
	return "manager", nil
}

var manager = pos.Approval{User: "manager", Credential: "1234"}

func newRig(t *testing.T, auto bool) *rig {
	t.Helper()
	clk := postest.NewClock(t0)
	if auto {
		clk = postest.NewAutoClock(t0)
	}
	r := &rig{t: t, clk: clk, gw: postest.NewGateway(clk.Now), cfg: testConfig(clk)}
	r.db = openDB(t)
	r.store = posstore.New(r.db)
	r.term = r.newTerminal(r.store, r.gw)
	return r
}

func (r *rig) newTerminal(s pos.Store, gw pos.Gateway) *pos.Terminal {
	r.t.Helper()
	term, err := pos.New(recordingStore{s}, gw, r.cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { term.Close() })
	return term
}

// restart abandons the terminal, reopens the database as after a power
// cut, and builds a new terminal on it.
func (r *rig) restart() {
	r.t.Helper()
	r.term.Close()
	r.db = storagetest.Reopen(r.t, r.db)
	r.store = posstore.New(r.db)
	r.term = r.newTerminal(r.store, r.gw)
}

func (r *rig) recover() pos.RecoveryResult {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := r.term.Recover(ctx)
	if err != nil {
		r.t.Fatalf("recover: %v (result %+v)", err, res)
	}
	return res
}

// no is the n-th order ('P') or refund ('R') number this rig's database
// mints: its ids, its epoch, the sequence.
func (r *rig) no(kind string, n int) string {
	r.t.Helper()
	l, err := r.store.Lineage()
	if err != nil {
		r.t.Fatal(err)
	}
	return fmt.Sprintf("%s%s-%s-%s-%08d", kind, r.cfg.StoreID, r.cfg.TerminalID, l.Epoch, n)
}

func sale(fen int64) pos.Sale { return pos.Sale{AmountFen: fen, Cashier: "alice"} }

// wait runs the manual clock until p is done.
func (r *rig) wait(p *pos.Payment) *pos.Order {
	r.t.Helper()
	go r.clk.RunUntil(p.Done())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	o, err := p.Wait(ctx)
	if err != nil {
		r.t.Fatalf("wait %s: %v", p.OutTradeNo(), err)
	}
	return o
}

// crashStore makes the process "die" at one persisted step: Apply number
// at (1-based) either is written and then everything stops (after=true: the
// call it announces is never sent), or is not written (after=false: the
// previous call was sent, its answer is lost). After the crash every Apply
// and every gateway call fails.
type crashStore struct {
	pos.Store
	at        int // 0: never crash (count only)
	after     bool
	n         atomic.Int32
	dead      atomic.Bool
	onApplied func(n int, c *pos.Change) // after each committed change
}

var errCrashed = errors.New("process crashed")

func (c *crashStore) Apply(ch *pos.Change) error {
	if c.dead.Load() {
		return errCrashed
	}
	n := int(c.n.Add(1))
	if n == c.at && !c.after {
		c.dead.Store(true)
		return errCrashed
	}
	err := c.Store.Apply(ch)
	if n == c.at {
		c.dead.Store(true)
	}
	if err == nil && c.onApplied != nil {
		c.onApplied(n, ch)
	}
	return err
}

// deadGateway fails every call once its store has crashed.
type deadGateway struct {
	pos.Gateway
	dead *atomic.Bool
}

func (d deadGateway) check() error {
	if d.dead.Load() {
		return errCrashed
	}
	return nil
}

func (d deadGateway) PayScan(ctx context.Context, r pos.ScanRequest) (pos.Trade, error) {
	if err := d.check(); err != nil {
		return pos.Trade{}, err
	}
	return d.Gateway.PayScan(ctx, r)
}
func (d deadGateway) CreateQR(ctx context.Context, r pos.QRRequest) (string, error) {
	if err := d.check(); err != nil {
		return "", err
	}
	return d.Gateway.CreateQR(ctx, r)
}
func (d deadGateway) Query(ctx context.Context, no string) (pos.Trade, error) {
	if err := d.check(); err != nil {
		return pos.Trade{}, err
	}
	return d.Gateway.Query(ctx, no)
}
func (d deadGateway) Reverse(ctx context.Context, no string) error {
	if err := d.check(); err != nil {
		return err
	}
	return d.Gateway.Reverse(ctx, no)
}
func (d deadGateway) Close(ctx context.Context, no string) error {
	if err := d.check(); err != nil {
		return err
	}
	return d.Gateway.Close(ctx, no)
}
func (d deadGateway) Refund(ctx context.Context, r pos.RefundRequest) (pos.RefundResult, error) {
	if err := d.check(); err != nil {
		return pos.RefundResult{}, err
	}
	return d.Gateway.Refund(ctx, r)
}
func (d deadGateway) QueryRefund(ctx context.Context, no string) (pos.RefundResult, error) {
	if err := d.check(); err != nil {
		return pos.RefundResult{}, err
	}
	return d.Gateway.QueryRefund(ctx, no)
}

// events collects a terminal's events.
type events struct {
	mu  sync.Mutex
	all []pos.Event
}

func collect(t *testing.T, term *pos.Terminal) *events {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := term.Subscribe(ctx)
	e := &events{}
	go func() {
		for ev := range ch {
			e.mu.Lock()
			e.all = append(e.all, ev)
			e.mu.Unlock()
		}
	}()
	return e
}

// path returns the states ref went through, waiting (briefly, in real
// time) until it has n entries: events are delivered asynchronously.
func (e *events) path(ref string, n int) []string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		e.mu.Lock()
		var p []string
		for _, ev := range e.all {
			if ev.Ref == ref {
				p = append(p, ev.To)
			}
		}
		e.mu.Unlock()
		if len(p) >= n || time.Now().After(deadline) {
			return p
		}
		time.Sleep(time.Millisecond)
	}
}

// openDB is a temp database with "alice" signed in at the till: the core
// sells and refunds only for the cashier signed in (TestSaleRefusedWithoutCashier).
func openDB(tb testing.TB) *storage.Store {
	tb.Helper()
	db := storagetest.Open(tb)
	storagetest.SignIn(tb, db, "alice")
	return db
}

// openDBPath is openDB at path.
func openDBPath(tb testing.TB, path string) *storage.Store {
	tb.Helper()
	db := storagetest.OpenPath(tb, path)
	storagetest.SignIn(tb, db, "alice")
	return db
}
