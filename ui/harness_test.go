package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/receipt"
)

// harness runs a Terminal in a headless test window. Work the terminal
// posts from its goroutines (what fyne.Do does in the app) is queued and run
// on the test goroutine by waitFor, so tests are deterministic and race-free.
type harness struct {
	t     testing.TB
	w     fyne.Window
	term  *Terminal
	q     chan func()
	fake  *fakeCheckout
	print *fakePrinter
	codes chan string
	clock *keyClock
}

// keyClock is the time the terminal reads when a key arrives. Tests move it
// by hand: keys typed at a person's pace or a scanner's are then told
// apart exactly as they are at the counter, without sleeping.
type keyClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *keyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock to at, never back.
func (c *keyClock) set(at time.Time) {
	c.mu.Lock()
	if at.After(c.now) {
		c.now = at
	}
	c.mu.Unlock()
}

// humanGap is the time between two keys typed by a person.
const humanGap = 300 * time.Millisecond

func newHarness(t testing.TB, opts ...Option) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h := &harness{
		t:     t,
		q:     make(chan func(), 1024),
		fake:  newFakeCheckout(),
		print: &fakePrinter{},
		codes: make(chan string, 4),
		clock: &keyClock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)},
	}
	h.w = test.NewTempWindow(t, widget.NewLabel(""))
	h.w.Resize(fyne.NewSize(1024, 720))
	base := []Option{WithCheckout(h.fake), WithPrinter(h.print), WithScanner(h.codes),
		func(o *options) { o.clock = h.clock.Now }}
	h.term = newTerminal(ctx, h.w, func(f func()) { h.q <- f }, append(base, opts...)...)
	return h
}

// waitFor runs queued UI work until cond holds, failing after 10 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case f := <-h.q:
			f()
		case <-poll.C: // re-check conditions that do not depend on UI work
		case <-deadline:
			if os.Getenv("UI_TEST_STACKS") != "" {
				buf := make([]byte, 1<<20)
				h.t.Logf("%s", buf[:runtime.Stack(buf, true)])
			}
			h.t.Fatalf("timed out waiting for %s (screen %T)", what, h.term.cur)
		}
	}
}

// settle runs UI work until no async work of the terminal is in flight
// and nothing is queued: the screen has finished loading.
func (h *harness) settle() {
	h.t.Helper()
	h.waitFor("the screen to finish loading", func() bool {
		if h.term.inflight.Load() != 0 {
			return false
		}
		h.drain()
		return h.term.inflight.Load() == 0 && len(h.q) == 0
	})
}

// drain runs the UI work queued so far.
func (h *harness) drain() {
	for {
		select {
		case f := <-h.q:
			f()
		default:
			return
		}
	}
}

// typeText types s at a person's pace and lets the input go quiet, so the
// screen has every key.
func (h *harness) typeText(s string) {
	h.typeAt(humanGap, s)
	h.quiet()
}

// typeAt types s with gap before each key, the way a person (hundreds of
// ms) or a keyboard-wedge scanner (a few ms) does; '\n' is Enter. Keys the
// terminal still holds stay held until quiet or the next key.
func (h *harness) typeAt(gap time.Duration, s string) {
	for _, r := range s {
		h.wait(gap)
		// Like the driver: a focused widget gets the keys, else the canvas.
		if f := h.w.Canvas().Focused(); f != nil {
			if r == '\n' {
				f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			} else {
				f.TypedRune(r)
			}
			continue
		}
		if r == '\n' {
			h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
			continue
		}
		test.TypeOnCanvas(h.w.Canvas(), string(r))
	}
}

// quiet lets the input go quiet and delivers what the terminal held.
func (h *harness) quiet() {
	h.wait(time.Second)
}

// wait lets d pass in a window that is not busy: the terminal's flush
// timer runs on time whenever it is due (the real timer of the test
// process would run at the fake clock's time, late or early).
func (h *harness) wait(d time.Duration) {
	end := h.clock.Now().Add(d)
	for {
		pending, due := h.term.keys.Pending()
		if !pending || due.After(end) {
			break
		}
		h.clock.set(due)
		h.term.flushKeys()
	}
	h.clock.set(end)
}

// key presses k at a person's pace. Like the driver, a focused widget gets
// it, else the canvas.
func (h *harness) key(k fyne.KeyName) {
	h.wait(humanGap)
	if f := h.w.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: k})
		return
	}
	h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
}

// screen returns the current screen as S, failing the test if it is not.
func screenAs[S screen](h *harness) S {
	h.t.Helper()
	s, ok := h.term.cur.(S)
	if !ok {
		var want S
		h.t.Fatalf("screen is %T, want %T", h.term.cur, want)
	}
	return s
}

func onScreen[S screen](h *harness) func() bool {
	return func() bool { _, ok := h.term.cur.(S); return ok }
}

// fakeCheckout is a Checkout whose payments the test steps by hand.
type fakeCheckout struct {
	mu       sync.Mutex
	n        int
	chans    map[string]chan Update
	kinds    map[string]receipt.Tender
	sales    map[string]Sale
	codes    []string
	cash     []int64
	cancels  []string
	rechecks []string
	today    []Record
	receipts map[string]receipt.Receipt // paid sales' receipts, by order number
	queries  []HistoryQuery
	// historyErr, when set, is History's answer.
	historyErr error
	payErr     error
}

func newFakeCheckout() *fakeCheckout {
	return &fakeCheckout{chans: map[string]chan Update{}, kinds: map[string]receipt.Tender{}, sales: map[string]Sale{},
		receipts: map[string]receipt.Receipt{}}
}

func (f *fakeCheckout) start(kind receipt.Tender, sale Sale, first State) (<-chan Update, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.payErr != nil {
		return nil, f.payErr
	}
	f.n++
	no := fmt.Sprintf("P01-T1-%08d", f.n)
	ch := make(chan Update, 16)
	f.chans[no], f.kinds[no], f.sales[no] = ch, kind, sale
	ch <- Update{OutTradeNo: no, State: first, AmountFen: sale.TotalFen}
	return ch, nil
}

func (f *fakeCheckout) PayScan(_ context.Context, sale Sale, code string) (<-chan Update, error) {
	f.mu.Lock()
	f.codes = append(f.codes, code)
	f.mu.Unlock()
	return f.start(receipt.TenderWeChatScan, sale, StateSubmitting)
}

func (f *fakeCheckout) PayQR(_ context.Context, sale Sale) (<-chan Update, error) {
	return f.start(receipt.TenderWeChatQR, sale, StateCreating)
}

func (f *fakeCheckout) PayCash(_ context.Context, sale Sale, tendered int64) (receipt.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if tendered < sale.TotalFen {
		return receipt.Receipt{}, errors.New("short")
	}
	f.cash = append(f.cash, tendered)
	return receipt.Receipt{No: "R-1", Kind: receipt.KindSale, StoreName: "Test store", Time: time.Now(),
		Lines: sale.Lines, TotalFen: sale.TotalFen, Tender: receipt.TenderCash,
		TenderedFen: tendered, ChangeFen: tendered - sale.TotalFen}, nil
}

// Cancel behaves like the core: a scan is reversed, a QR order closed.
func (f *fakeCheckout) Cancel(_ context.Context, no string) error {
	f.mu.Lock()
	f.cancels = append(f.cancels, no)
	kind := f.kinds[no]
	f.mu.Unlock()
	if kind == receipt.TenderWeChatQR {
		f.emit(no, Update{State: StateClosing})
		f.emit(no, Update{State: StateClosed})
		return nil
	}
	f.emit(no, Update{State: StateReversing})
	f.emit(no, Update{State: StateReversed})
	return nil
}

func (f *fakeCheckout) Recheck(_ context.Context, no string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rechecks = append(f.rechecks, no)
	return nil
}

// History answers from f.today (the real search is pos.History's): an
// empty text lists them all, else those whose amount, transaction id's
// last digits or order number the text names.
func (f *fakeCheckout) History(_ context.Context, q HistoryQuery) (HistoryPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	if f.historyErr != nil {
		return HistoryPage{}, f.historyErr
	}
	fen, amount := parseYuan(q.Text)
	var page HistoryPage
	for _, r := range f.today {
		if q.Text == "" || (amount && r.AmountFen == fen) || (r.TransactionID != "" && strings.HasSuffix(r.TransactionID, q.Text)) ||
			strings.Contains(r.OutTradeNo, q.Text) {
			page.Records = append(page.Records, r)
		}
	}
	return page, nil
}

func (f *fakeCheckout) Receipt(_ context.Context, no string) (receipt.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.receipts[no]
	if !ok {
		return receipt.Receipt{}, fmt.Errorf("receipt of %s: not paid", no)
	}
	return r, nil
}

// emit sends u on payment no's channel, closing it after a final state.
func (f *fakeCheckout) emit(no string, u Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.chans[no]
	if !ok {
		return
	}
	u.OutTradeNo = no
	if u.AmountFen == 0 {
		u.AmountFen = f.sales[no].TotalFen
	}
	if u.State == StatePaid && u.Receipt == nil {
		u.Receipt = &receipt.Receipt{No: "R-" + no, Kind: receipt.KindSale, StoreName: "Test store",
			Time: time.Now(), TotalFen: u.AmountFen, Tender: f.kinds[no], OutTradeNo: no,
			TransactionID: "4200000000202611260000001234", Lines: f.sales[no].Lines}
	}
	ch <- u
	if final(u.State) {
		close(ch)
		delete(f.chans, no)
	}
}

// last returns the newest payment's order number.
func (f *fakeCheckout) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("P01-T1-%08d", f.n)
}

func (f *fakeCheckout) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *fakeCheckout) snapshot() (codes []string, cancels []string, rechecks []string, cash []int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.codes...), append([]string(nil), f.cancels...),
		append([]string(nil), f.rechecks...), append([]int64(nil), f.cash...)
}

// fakePrinter records what it printed.
type fakePrinter struct {
	mu   sync.Mutex
	jobs []printJob
	err  error
}

type printJob struct {
	no      string
	reprint bool
}

func (p *fakePrinter) Print(_ context.Context, r receipt.Receipt, reprint bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.jobs = append(p.jobs, printJob{r.No, reprint})
	return nil
}

func (p *fakePrinter) printed() []printJob {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]printJob(nil), p.jobs...)
}

// fakeCustomer is the training customer.
type fakeCustomer struct {
	f *fakeCheckout
}

func (c fakeCustomer) PayNative(_ context.Context, no string) error {
	c.f.emit(no, Update{State: StatePaid})
	return nil
}

func (c fakeCustomer) Scenarios() []Scenario {
	return []Scenario{{Code: "134567890123456789", Name: "success"}, {Code: "134567890123450004", Name: "notenough"}}
}
