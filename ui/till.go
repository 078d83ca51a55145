package ui

import (
	"context"
	"errors"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/shift"
)

// Till is the cashier sign-in back end (counter.Till): who is signed in,
// the lock and the shift close (交班). Its methods may block; the screens
// call them off the UI goroutine.
type Till interface {
	// Required reports whether sales need a cashier signed in: the
	// terminal has staff. A terminal nobody has set up (training out of
	// the box) sells without sign-in.
	Required() (bool, error)
	State() (shift.Till, error)
	// Current is the open shift, shift.ErrNoShift when none.
	Current() (*shift.Shift, error)
	// CardName is the user a staff card names.
	CardName(code string) (string, error)
	SignIn(ctx context.Context, name, pin string) (shift.Till, error)
	Open(ctx context.Context, name, pin string, floatFen int64) (*shift.Shift, error)
	Lock(reason string) error
	Unlock(ctx context.Context, name, pin string) (shift.Till, error)
	SignOut() error
	// X is a shift's report; for an open shift it holds the expected cash,
	// which the close screen does not show before the count.
	X(no uint64) (*shift.Report, error)
	Close(ctx context.Context, by, pin string, countedFen int64, h *shift.Handover) (*shift.Shift, error)
}

// DefaultIdleLock is how long the till may sit untouched before it locks
// itself ([staff] idle_lock).
const DefaultIdleLock = 5 * time.Minute

// WithTill connects cashier sign-in: the window opens on the sign-in
// screen while nobody is signed in, shows the cashier on the sale screen,
// locks by hand (F8) and after idle untouched (0: DefaultIdleLock), and
// closes shifts (F11).
func WithTill(t Till, idle time.Duration) Option {
	return func(o *options) {
		o.till = t
		o.idleLock = idle
		if idle <= 0 {
			o.idleLock = DefaultIdleLock
		}
	}
}

// tillView is what the window knows of the till: whether sign-in is
// needed, the last state read, and when a person last touched it.
type tillView struct {
	needed    bool
	state     shift.Till
	lastInput time.Time
}

// signedIn reports whether sales may be rung up now as far as the window
// knows (the core decides, in the commit).
func (v tillView) signedIn() bool { return !v.needed || v.state.SignedIn() }

// touched records a person's input, for the idle lock.
func (t *Terminal) touched() { t.till.lastInput = t.now() }

// watchTill reads the till and starts the idle lock.
func (t *Terminal) watchTill() {
	if t.opt.till == nil {
		return
	}
	t.touched()
	t.checkTill()
	every := min(max(t.opt.idleLock/4, time.Second), 15*time.Second)
	go func() {
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-t.ctx.Done():
				return
			case <-tk.C:
				t.do(t.idleCheck)
			}
		}
	}()
}

// checkTill reads, off the UI goroutine, whether sign-in is needed and who
// is signed in, and shows the sign-in or the lock screen when the till
// needs one (not over a payment in progress).
func (t *Terminal) checkTill() {
	till := t.opt.till
	t.async(t.ctx, func(context.Context) func() {
		need, err := till.Required()
		if err != nil {
			return nil
		}
		st, err := till.State()
		if err != nil {
			return nil
		}
		return func() { t.applyTill(need, st) }
	})
}

// applyTill takes the till's state: the sale screen's cashier line, and
// the sign-in or lock screen when sales would be refused.
func (t *Terminal) applyTill(need bool, st shift.Till) {
	t.till.needed, t.till.state = need, st
	if t.loop.sale != nil {
		t.loop.sale.showCashier()
	}
	if !need || t.pay != nil {
		return
	}
	switch t.cur.(type) {
	case *signInScreen, *lockScreen, *shiftScreen, *managerHome:
		return // already there, or a manager at work
	}
	switch {
	case st.Cashier == "":
		t.showSignIn("")
	case st.Locked:
		t.show(newLockScreen(t))
	}
}

// tillRefused reports whether err is the core refusing a sale for want of
// a cashier; the window then reads the till again, which brings up the
// sign-in or lock screen.
func (t *Terminal) tillRefused(err error) bool {
	if t.opt.till == nil || !errors.Is(err, pos.ErrNotSignedIn) {
		return false
	}
	t.checkTill()
	return true
}

// idleCheck locks the till when nobody has touched it for the idle time,
// unless a payment is on screen or a dialog is open.
func (t *Terminal) idleCheck() {
	v := t.till
	if t.pay == nil && t.modal == nil {
		t.checkTill() // a sign-out or close by the CLI shows here too
	}
	if !v.needed || !v.state.SignedIn() || t.pay != nil || t.modal != nil {
		return
	}
	switch t.cur.(type) {
	case *saleScreen, *historyScreen, *shiftScreen, *receiptScreen:
	default:
		return
	}
	if t.now().Sub(v.lastInput) >= t.opt.idleLock {
		t.lockTill("idle")
	}
}

// lockTill locks the till (reason "manual" or "idle") and shows the lock
// screen; the sale being keyed stays for after the unlock.
func (t *Terminal) lockTill(reason string) {
	if t.opt.till == nil || !t.till.state.SignedIn() {
		return
	}
	till := t.opt.till
	t.till.state.Locked = true // no second lock while this one is written
	t.async(t.ctx, func(context.Context) func() {
		err := till.Lock(reason)
		return func() {
			if err != nil {
				t.log().Warn("till lock", "err", err)
			}
			t.show(newLockScreen(t))
		}
	})
}

// showSignIn opens the sign-in screen, the name filled in when a staff
// card named it.
func (t *Terminal) showSignIn(name string) {
	t.show(newSignInScreen(t, name))
}

// signedIn takes a new sign-in and returns to the sale.
func (t *Terminal) signedIn(st shift.Till) {
	t.till.needed, t.till.state = true, st
	t.touched()
	t.showSale()
}
