package ui

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	products "github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

// callTimeout bounds every short call the screens make into the core
// (cancel, recheck, history, printing); payments carry their own deadlines.
const callTimeout = 30 * time.Second

// Option configures a Terminal.
type Option func(*options)

type options struct {
	checkout Checkout
	printer  Printer
	status   StatusFeed
	codes    <-chan string
	customer Customer
	manager  Manager
	recon    Reconciler
	lang     Lang
	logger   *slog.Logger

	saveLang       func(ctx context.Context, l Lang) error
	limits         amountLimits
	items          products.Lookup
	codeRules      *products.Rules
	discounts      pricing.Limits
	deleteAboveFen int64
	clock          func() time.Time // when keys arrive; tests set it
	billStatus     func() recon.Status
	replicaStatus  func() ReplicaStatus
	catalogStatus  func() CatalogStatus
	backupStatus   func() BackupStatus
	training       bool
	custDisplay    CustomerDisplay
	custWindow     CustomerWindow
	screens        Screens // monitors and window moves, for the customer window
	kiosk          bool
	monitors       func(changed func(connected bool)) // kiosk mode hears of monitors through it
	quit           func()                             // how an approved kiosk close ends the window; tests set it
	till           Till
	idleLock       time.Duration
}

// WithCheckout connects the payment core. Without it the sale screen works
// but every tender reports that the core is not connected.
func WithCheckout(c Checkout) Option { return func(o *options) { o.checkout = c } }

// WithPrinter connects the receipt printer.
func WithPrinter(p Printer) Option { return func(o *options) { o.printer = p } }

// WithStatus feeds the status bar.
func WithStatus(f StatusFeed) Option { return func(o *options) { o.status = f } }

// WithScanner delivers payment codes read by the serial scanner. Codes are
// expected to be validated already (18 digits, 10–15 prefix).
func WithScanner(codes <-chan string) Option { return func(o *options) { o.codes = codes } }

// WithCustomer enables the training "simulate customer" panel.
func WithCustomer(c Customer) Option { return func(o *options) { o.customer = c } }

// WithManager connects the manager back end: the sale screen gets the
// manager menu (F10) and the UNKNOWN screen its force paid / force void.
func WithManager(m Manager) Option { return func(o *options) { o.manager = m } }

// WithReconciler adds the daily bill reconciliation to the manager menu.
func WithReconciler(r Reconciler) Option { return func(o *options) { o.recon = r } }

// WithLanguageStore keeps the language a cashier picks in settings, so the
// next start uses it.
func WithLanguageStore(save func(ctx context.Context, l Lang) error) Option {
	return func(o *options) { o.saveLang = save }
}

// WithAmountLimits sets the largest amount a sale may have and the amount
// above which the cashier confirms it before the customer is charged, both
// in fen. Zero keeps the defaults (¥50,000 and ¥2,000).
func WithAmountLimits(maxFen, confirmAboveFen int64) Option {
	return func(o *options) { o.limits = amountLimits{maxFen: maxFen, confirmAboveFen: confirmAboveFen} }
}

// WithLogger is where an error the catalogue has no entry for is written,
// under the reference the screen shows (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithLanguage picks the starting language (default zh-CN).
func WithLanguage(l Lang) Option { return func(o *options) { o.lang = l } }

// WithTraining shows the training banner from the start, before the status
// feed reports it.
func WithTraining(on bool) Option { return func(o *options) { o.training = on } }

// screen is one full-window view below the status bar.
type screen interface {
	view() fyne.CanvasObject
}

// Optional screen behaviours, checked with type assertions.
type (
	starter       interface{ start(ctx context.Context) } // after shown; ctx ends when it leaves
	keyHandler    interface{ typedKey(ev *fyne.KeyEvent) }
	runeHandler   interface{ typedRune(r rune) }
	updateHandler interface{ update(u Update) }
	codeHandler   interface{ scanned(code string) }
	// notCodeHandler hears of a scanner burst that is not a payment code,
	// so the screen can say what was scanned instead of typing it.
	notCodeHandler interface{ notACode(text string) }
)

// payment is one WeChat payment the terminal follows; updates of a payment
// the cashier has left (e.g. UNKNOWN sent to the background) no longer move
// the screens.
type payment struct {
	outTradeNo string
	amountFen  int64
}

// Terminal is the cashier window's content: the status bar and the current
// screen, the sale being keyed and the payment in view. All its methods run
// on the UI goroutine; work that may block runs in goroutines it owns that
// report back through do.
type Terminal struct {
	ctx context.Context
	// inflight counts async work not yet applied on the UI goroutine, so a
	// test can wait until a screen has finished loading.
	inflight atomic.Int64
	w        fyne.Window
	opt      options
	cat      *catalog
	do       func(func())
	bar      *StatusBar
	body     *fyne.Container
	root     *fyne.Container // the bar (and the outcome banner, when it has any) above body

	cur     screen
	stopCur context.CancelFunc
	draft   saleDraft
	pay     *payment
	loop    loopScreens

	outcomes *outcomeBanner // unseen outcomes, above every screen
	// modal cancels the dialog on top of the screen (the PIN prompt), if
	// any: Esc closes it before it reaches the screen.
	modal func()

	keys     keyBurst    // every typed key passes here first
	keyTimer *time.Timer // flushes keys held by keys once input is quiet
	now      func() time.Time

	kiosk       *console      // the close request's PIN prompt in kiosk mode, once asked
	fullScreens []fyne.Window // windows kept full screen when monitors come and go
	watching    bool          // monitor events registered
	custPlace   *custPlacement

	till tillView // who is signed in, as last read (WithTill)
}

// loopScreens are the screens every sale passes through. They are built once
// per language and re-armed for each sale: a till rings up thousands of sales
// a day, and a fresh widget tree per sale would leave Fyne's renderer and
// texture caches a minute's worth of dead screens to hold.
type loopScreens struct {
	sale    *saleScreen
	cash    *cashScreen
	scan    *scanScreen
	qr      *qrScreen
	receipt *receiptScreen
	history *historyScreen // opened many times a day: one table, re-armed
}

// New builds the terminal into w and shows the sale screen. Background work
// stops when ctx ends. It must be called on the UI goroutine.
func New(ctx context.Context, w fyne.Window, opts ...Option) *Terminal {
	return newTerminal(ctx, w, fyne.Do, opts...)
}

func newTerminal(ctx context.Context, w fyne.Window, do func(func()), opts ...Option) *Terminal {
	t := &Terminal{ctx: ctx, w: w, do: do}
	for _, o := range opts {
		o(&t.opt)
	}
	t.cat = newCatalog(t.opt.lang)
	t.opt.limits = t.opt.limits.withDefaults()
	t.now = time.Now
	if t.opt.clock != nil {
		t.now = t.opt.clock
	}
	t.bar = newStatusBar(t.cat, Status{Training: t.opt.training, NetworkOK: true})
	t.body = container.NewStack()
	t.outcomes = newOutcomeBanner(t)
	t.root = container.NewBorder(t.bar, nil, nil, nil, t.body)
	w.SetContent(t.root)
	w.SetTitle(t.cat.T(msgAppTitle))
	w.Canvas().SetOnTypedKey(t.typedKey)
	w.Canvas().SetOnTypedRune(t.typedRune)
	t.setupKiosk()
	t.showSale()
	t.refreshOutcomes()
	t.watchStatus()
	t.watchScanner()
	t.watchTill()
	go t.watchBackground(ctx)
	return t
}

// Language returns the current UI language.
func (t *Terminal) Language() Lang { return t.cat.lang }

// SetLanguage switches the UI language and redraws the sale screen.
func (t *Terminal) SetLanguage(l Lang) {
	t.cat = newCatalog(l)
	st := t.bar.Status()
	t.bar.cat = t.cat
	t.bar.SetStatus(st)
	t.w.SetTitle(t.cat.T(msgAppTitle))
	t.loop = loopScreens{}
	t.showSale()
}

// show replaces the current screen, ending the old one's goroutines.
func (t *Terminal) show(s screen) {
	if t.stopCur != nil {
		t.stopCur()
	}
	ctx, cancel := context.WithCancel(t.ctx)
	t.cur, t.stopCur = s, cancel
	t.touched()
	t.outcomes.notify("")
	t.w.Canvas().Unfocus()
	t.body.Objects = []fyne.CanvasObject{s.view()}
	t.body.Refresh()
	if st, ok := s.(starter); ok {
		st.start(ctx)
	}
}

// showLoop shows the sale loop's screen in slot, building it on first use
// and re-arming it with arm every time.
func showLoop[S interface {
	screen
	comparable
}](t *Terminal, slot *S, build func(*Terminal) S, arm func(S)) S {
	var none S
	if *slot == none {
		*slot = build(t)
	}
	arm(*slot)
	t.show(*slot)
	return *slot
}

func (t *Terminal) showSale() {
	showLoop(t, &t.loop.sale, newSaleScreen, (*saleScreen).reset)
	t.refreshBusinessDay()
}

// refreshBusinessDay reads, off the UI goroutine, which business day a sale
// now is booked on and shows it in the status bar when it is not today
// (sales after the Z belong to the next day).
func (t *Terminal) refreshBusinessDay() {
	if t.opt.manager == nil {
		return
	}
	book := t.opt.manager.Days()
	t.async(t.ctx, func(context.Context) func() {
		day, err := book.BusinessDay()
		if err != nil {
			return nil // the next sale screen tries again
		}
		today := book.Today()
		return func() { t.bar.SetBusinessDay(day, today) }
	})
}

// showScan opens the scan screen for sale and returns it.
func (t *Terminal) showScan(sale Sale) *scanScreen {
	t.askCustomer(sale)
	return showLoop(t, &t.loop.scan, newScanScreen, func(s *scanScreen) { s.reset(sale) })
}

func (t *Terminal) showQR(sale Sale) {
	showLoop(t, &t.loop.qr, newQRScreen, func(s *qrScreen) { s.reset(sale) })
}

func (t *Terminal) showCash(sale Sale) {
	showLoop(t, &t.loop.cash, newCashScreen, func(s *cashScreen) { s.reset(sale) })
}

// showHistory opens today's sales; back is where its 返回 goes.
func (t *Terminal) showHistory(back func()) {
	showLoop(t, &t.loop.history, func(t *Terminal) *historyScreen { return newHistoryScreen(t, back) },
		func(s *historyScreen) { s.reset(back) })
}

// showReceipt shows the receipt of the sale just paid.
func (t *Terminal) showReceipt(r receipt.Receipt) {
	// Which receipt the cashier was shown, for "the customer says they
	// paid"; a script driving the window waits for it before Enter.
	t.log().Info("receipt shown", "receipt_no", r.No, "total_fen", r.TotalFen)
	showLoop(t, &t.loop.receipt, newSaleReceiptScreen, func(s *receiptScreen) { s.reset(r) })
}

// backToSale leaves a finished or abandoned tender for the sale, keeping
// what was keyed.
func (t *Terminal) backToSale() {
	t.pay = nil
	t.showSale()
}

// newSale forgets the finished sale and the payment in view.
func (t *Terminal) newSale() {
	t.draft.clear()
	t.pay = nil
	t.showSale()
}

// typedKey and typedRune receive every key the window gets while no widget
// has focus. Both go through t.keys first, so a keyboard-wedge scan reaches
// the screen as one scanned code (or a "not a payment code" notice), never
// as digits and an Enter, whichever screen is showing.
func (t *Terminal) typedKey(ev *fyne.KeyEvent) {
	t.touched()
	switch {
	case ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter:
		t.route(t.keys.Enter(), ev)
	case len(ev.Name) == 1:
		// A printable key: its rune follows through typedRune, which is
		// what gets classified. Screens still see the key itself.
		t.deliverKey(ev)
	case ev.Name == fyne.KeyF7:
		t.route(t.keys.Key(), nil)
		t.outcomes.ackOldest()
	default:
		t.route(t.keys.Key(), nil)
		t.deliverKey(ev)
	}
	t.armKeys()
}

func (t *Terminal) typedRune(r rune) {
	t.touched()
	t.keys.Rune(t.now(), r)
	t.armKeys()
}

// route hands classified keystrokes to the screen in view; enter is the
// Enter key event that ended a group typed by a person. A payment code is
// never typed into a field: it goes to the screen as a scan. Other scanned
// text goes to the screen when it wants it, else into the focused field
// like typing (a receipt number scanned into a search).
func (t *Terminal) route(groups []classified, enter *fyne.KeyEvent) {
	for _, g := range groups {
		switch g.kind {
		case inputCode:
			t.scanned(g.text)
		case inputNotCode:
			// How long, never what: a burst can hold a payment code run
			// together with other keys.
			t.log().Info("scan is not a payment code", "chars", len([]rune(g.text)))
			if h, ok := t.cur.(notCodeHandler); ok {
				h.notACode(g.text)
			} else if f := t.focusedField(); f != nil {
				for _, r := range g.text {
					f.entry().TypedRune(r)
				}
			}
		case inputTyped:
			for _, r := range g.runes {
				t.deliverRune(r)
			}
			if g.enter {
				if enter == nil {
					enter = &fyne.KeyEvent{Name: fyne.KeyReturn}
				}
				t.deliverKey(enter)
			}
		}
	}
}

// focusedField is the classified text field that has focus, if any.
func (t *Terminal) focusedField() classifiedField {
	f, _ := t.w.Canvas().Focused().(classifiedField)
	return f
}

// deliverKey and deliverRune hand a person's key to the text field that
// has focus, else to the screen. Esc is never a field's: it closes the
// dialog on top, else goes to the screen, which goes back or cancels.
func (t *Terminal) deliverKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		t.w.Canvas().Unfocus()
		if t.modal != nil {
			t.modal()
			return
		}
	} else if f := t.focusedField(); f != nil {
		f.entry().TypedKey(ev)
		return
	}
	if h, ok := t.cur.(keyHandler); ok {
		h.typedKey(ev)
	}
}

func (t *Terminal) deliverRune(r rune) {
	if f := t.focusedField(); f != nil {
		f.entry().TypedRune(r)
		return
	}
	if h, ok := t.cur.(runeHandler); ok {
		h.typedRune(r)
	}
}

// armKeys makes sure keys held by the classifier are flushed once the
// input has been quiet for a burst window.
func (t *Terminal) armKeys() {
	pending, due := t.keys.Pending()
	if !pending {
		return
	}
	d := max(due.Sub(t.now()), time.Millisecond)
	if t.keyTimer == nil {
		t.keyTimer = time.AfterFunc(d, func() {
			if t.ctx.Err() == nil {
				t.do(t.flushKeys)
			}
		})
		return
	}
	t.keyTimer.Reset(d)
}

// flushKeys delivers the keys held by the classifier if the input has gone
// quiet, else waits again.
func (t *Terminal) flushKeys() {
	t.route(t.keys.Flush(t.now()), nil)
	t.armKeys()
}

// async runs work off the UI goroutine; the function it returns, if any, is
// applied on the UI goroutine unless ctx has ended by then.
func (t *Terminal) async(ctx context.Context, work func(ctx context.Context) func()) {
	t.inflight.Add(1)
	go func() {
		apply := work(ctx)
		if apply == nil {
			t.inflight.Add(-1)
			return
		}
		t.do(func() {
			defer t.inflight.Add(-1)
			if ctx.Err() == nil {
				apply()
			}
		})
	}()
}

// everySecond runs fn on the UI goroutine once a second until ctx ends (a
// screen's countdown, tied to the screen's lifetime).
func (t *Terminal) everySecond(ctx context.Context, fn func()) {
	go func() {
		tk := time.NewTicker(time.Second)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				t.do(func() {
					if ctx.Err() == nil {
						fn()
					}
				})
			}
		}
	}()
}

// follow makes p the payment in view and feeds its updates to the screens
// until the channel closes or the terminal stops.
func (t *Terminal) follow(p *payment, ch <-chan Update) {
	t.pay = p
	go func() {
		for {
			select {
			case <-t.ctx.Done():
				return
			case u, ok := <-ch:
				if !ok {
					return
				}
				t.do(func() { t.handleUpdate(p, u) })
			}
		}
	}()
}

// handleUpdate routes one payment update: PAID opens the receipt, UNKNOWN the
// explicit unknown screen, anything else goes to the current screen.
func (t *Terminal) handleUpdate(p *payment, u Update) {
	if p != t.pay {
		return // the cashier has moved on; history shows the outcome
	}
	if p.outTradeNo == "" {
		p.outTradeNo = u.OutTradeNo
	}
	if u.AmountFen == 0 {
		u.AmountFen = p.amountFen
	}
	if final(u.State) {
		t.acknowledge(u.OutTradeNo) // the cashier sees it now, on this screen
	}
	switch {
	case u.State == StatePaid:
		r := receiptFor(u, t.draft.sale(t.cat))
		t.draft.clear()
		t.pay = nil
		t.showReceipt(r)
	case u.State == StateUnknown:
		if s, ok := t.cur.(*unknownScreen); ok {
			s.update(u)
			return
		}
		t.show(newUnknownScreen(t, u))
	default:
		if h, ok := t.cur.(updateHandler); ok {
			h.update(u)
		}
	}
}

// receiptFor returns the core's receipt for a PAID update, or a minimal one
// if the core sent none.
func receiptFor(u Update, s Sale) receipt.Receipt {
	if u.Receipt != nil {
		return *u.Receipt
	}
	return receipt.Receipt{Kind: receipt.KindSale, Time: time.Now(), Lines: s.Lines, Discount: s.Discount,
		TotalFen: u.AmountFen, OutTradeNo: u.OutTradeNo}
}

func (t *Terminal) watchStatus() {
	if t.opt.status == nil {
		return
	}
	ch := t.opt.status.Status(t.ctx)
	go func() {
		for {
			select {
			case <-t.ctx.Done():
				return
			case st, ok := <-ch:
				if !ok {
					return
				}
				t.do(func() {
					t.bar.SetStatus(st)
					t.refreshOutcomes()
				})
			}
		}
	}()
}

// watchScanner hands serial-scanner codes to the screen in view.
func (t *Terminal) watchScanner() {
	if t.opt.codes == nil {
		return
	}
	go func() {
		for {
			select {
			case <-t.ctx.Done():
				return
			case code, ok := <-t.opt.codes:
				if !ok {
					return
				}
				t.do(func() { t.scanned(code) })
			}
		}
	}()
}

// scanned hands a payment code to the screen in view; a screen that takes
// no payment says so, so a customer's scan is never silently lost.
func (t *Terminal) scanned(code string) {
	if h, ok := t.cur.(codeHandler); ok && t.modal == nil {
		h.scanned(code)
		return
	}
	t.outcomes.notify(t.cat.T(msgScanNotHere))
}

// cancelPayment asks the core, off the UI goroutine, to cancel payment p
// (reverse a scan, close a QR); a failure is shown in reason while p is
// still the payment on screen. The outcome itself arrives as an update.
func (t *Terminal) cancelPayment(p *payment, reason *widget.Label) {
	no := p.outTradeNo
	go func() {
		ctx, cancel := context.WithTimeout(t.ctx, callTimeout)
		defer cancel()
		if err := t.opt.checkout.Cancel(ctx, no); err != nil {
			t.do(func() {
				if t.pay == p {
					reason.SetText(t.errorText(err))
				}
			})
		}
	}()
}
