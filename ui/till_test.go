package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
)

// tillWorld is mgrWorld with nobody signed in and no shift open, a second
// cashier (Zhang, PIN 2580), and a window on the real core and till.
func tillWorld(t *testing.T) (*mgrWorld, *harness) {
	t.Helper()
	w := newMgrWorld(t)
	w.endShift(t)
	boss := staff.Session{Name: "Wang", Role: staff.RoleManager}
	if _, err := w.dir.Add(context.Background(), boss, "Zhang", staff.RoleCashier, "2580"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, WithManager(w.desk), WithCheckout(counter.NewCheckout(w.core, true, nil)),
		WithTill(counter.NewTill(w.till, w.dir), 10*time.Minute))
	return w, h
}

// TestSignInLockSwitchAndClose walks a shift through the window from the
// keyboard: the window opens on the sign-in (name, PIN, float), the sale
// screen names the cashier, F8 locks and another cashier cannot unlock,
// the idle lock comes after the configured time and a manager unlocks it,
// F11 ▸ F2 switches cashier in the same shift, and the close (交班) counts
// blind: the expected cash is nowhere on screen until the count, then the
// variance is shown and audited.
func TestSignInLockSwitchAndClose(t *testing.T) {
	w, h := tillWorld(t)
	ctx := context.Background()
	h.waitFor("sign-in", onScreen[*signInScreen](h))
	in := screenAs[*signInScreen](h)
	h.settle()
	if !in.floatBox.Visible() {
		t.Fatal("no shift open, yet the sign-in asks no float")
	}
	h.typeText("Li\n1357\n200\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))
	sale := screenAs[*saleScreen](h)
	if !strings.Contains(sale.cashier.Text, "Li") || !sale.lockBtn.Visible() || !sale.shiftBtn.Visible() {
		t.Fatalf("sale screen cashier %q, lock %v, shift %v", sale.cashier.Text, sale.lockBtn.Visible(), sale.shiftBtn.Visible())
	}
	// A cash sale through the window: its receipt names the cashier.
	h.typeText("12.5")
	h.key(fyne.KeyF3)
	h.typeText("20\n")
	h.waitFor("the receipt", onScreen[*receiptScreen](h))
	if got := screenAs[*receiptScreen](h).fields[msgReceiptCashier]; got == nil || got.Text != "Li" {
		t.Fatalf("the receipt's cashier line %v, want Li", got)
	}
	h.key(fyne.KeyReturn)
	h.waitFor("sale screen", onScreen[*saleScreen](h))

	h.key(fyne.KeyF8)
	h.waitFor("lock screen", onScreen[*lockScreen](h))
	if st, _ := w.till.Till(); !st.Locked {
		t.Fatal("F8 showed the lock screen, the till is not locked")
	}
	if _, err := h.term.opt.checkout.PayCash(ctx, Sale{TotalFen: 100}, 100); !errors.Is(err, pos.ErrNotSignedIn) {
		t.Fatalf("window sale while locked: %v", err)
	}
	lock := screenAs[*lockScreen](h)
	lock.name.SetText("Zhang")
	h.w.Canvas().Focus(lock.pin)
	h.typeText("2580\n")
	h.waitFor("refusal", func() bool { return lock.message.Text != "" })
	if want := h.term.cat.T(msgTillWrongCashier, "Li"); lock.message.Text != want {
		t.Fatalf("another cashier's unlock says %q, want %q", lock.message.Text, want)
	}
	lock.name.SetText("Li")
	h.w.Canvas().Focus(lock.pin)
	h.typeText("1357\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))

	h.wait(11 * time.Minute)
	h.term.idleCheck()
	h.waitFor("idle lock", onScreen[*lockScreen](h))
	lock = screenAs[*lockScreen](h)
	lock.name.SetText("Wang")
	h.w.Canvas().Focus(lock.pin)
	h.typeText("2468\n")
	h.waitFor("manager unlocked", onScreen[*saleScreen](h))

	h.key(fyne.KeyF11)
	h.waitFor("shift screen", onScreen[*shiftScreen](h))
	h.w.Canvas().Unfocus()
	h.key(fyne.KeyF2)
	h.waitFor("switch", onScreen[*signInScreen](h))
	h.settle()
	if screenAs[*signInScreen](h).floatBox.Visible() {
		t.Fatal("a switch asks for a float: the shift is open")
	}
	h.typeText("Zhang\n2580\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))
	if st, _ := w.till.Till(); st.Cashier != "Zhang" || st.Shift == 0 {
		t.Fatalf("after the switch %+v, want Zhang in the same shift", st)
	}
	closeShift(t, w, h)
}

// TestKeypadTapsKeepTheTillAwake: a cashier working only on the touch
// keypad is at the till; the idle lock counts from the last tap.
func TestKeypadTapsKeepTheTillAwake(t *testing.T) {
	_, h := tillWorld(t)
	h.waitFor("sign-in", onScreen[*signInScreen](h))
	h.settle()
	h.typeText("Li\n1357\n200\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))
	sale := screenAs[*saleScreen](h)
	h.wait(9 * time.Minute)
	test.Tap(sale.keypad.Button("7"))
	h.wait(9 * time.Minute)
	h.term.idleCheck()
	h.settle() // a lock would be shown once the till has locked
	if _, ok := h.term.cur.(*saleScreen); !ok {
		t.Fatalf("locked 9 min after a keypad tap (idle lock 10 min): screen %T", h.term.cur)
	}
	h.wait(2 * time.Minute)
	h.term.idleCheck()
	h.waitFor("idle lock 11 min after the last tap", onScreen[*lockScreen](h))
}

// closeShift closes Zhang's shift through the window, counting ¥200 for
// the ¥212.50 expected (float 200 + a 12.50 cash sale).
func closeShift(t *testing.T, w *mgrWorld, h *harness) {
	t.Helper()
	h.key(fyne.KeyF11)
	h.waitFor("shift screen", onScreen[*shiftScreen](h))
	s := screenAs[*shiftScreen](h)
	h.settle()
	expected := h.term.cat.T(msgShiftExpected)
	for _, text := range h.windowTexts() {
		if strings.Contains(text, expected) || strings.Contains(text, "212.50") {
			t.Fatalf("the expected cash is on screen before the count: %q", text)
		}
	}
	if s.by.Text != "Zhang" {
		t.Errorf("closing name %q, want the cashier's", s.by.Text)
	}
	h.typeText("200\n2580\n\n")
	h.waitFor("closed", func() bool { return s.closed })
	var shown bool
	for _, text := range h.windowTexts() {
		shown = shown || strings.Contains(text, h.term.cat.T(msgShiftShort, "¥12.50"))
	}
	if !shown {
		t.Fatalf("no short ¥12.50 on the closed shift: %q", h.windowTexts())
	}
	ev, err := staffstore.Trail(w.db, staff.Filter{Kinds: []string{"shift.variance"}})
	if err != nil || len(ev) != 1 {
		t.Fatalf("variance audit: %v %v", ev, err)
	}
	h.key(fyne.KeyReturn)
	h.waitFor("sign-in after the close", onScreen[*signInScreen](h))
}

// TestSalesRefusedWithoutCashierInWindow: with staff and nobody signed in
// the window opens on the sign-in, and a sale through the window's own
// way in (its Checkout) is refused by the core and said in the catalogue's
// words; a staff card scanned with the wedge fills the name.
func TestSalesRefusedWithoutCashierInWindow(t *testing.T) {
	_, h := tillWorld(t)
	h.waitFor("sign-in", onScreen[*signInScreen](h))
	_, err := h.term.opt.checkout.PayCash(context.Background(), Sale{TotalFen: 100}, 100)
	if !errors.Is(err, pos.ErrNotSignedIn) {
		t.Fatalf("window sale with nobody signed in: %v", err)
	}
	if got, want := h.term.errorText(err), h.term.cat.T(msgTillErrSignIn); got != want {
		t.Errorf("refusal reads %q, want %q", got, want)
	}
	h.settle()
	h.wedgeScan(staffstore.CardCode("zhang"))
	in := screenAs[*signInScreen](h)
	h.waitFor("card read", func() bool { return in.name.Text == "Zhang" })
	if h.w.Canvas().Focused() != in.pin {
		t.Error("after the card the PIN field should have focus")
	}
	h.typeText("2580\n\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))
}

// TestNoStaffNoSignInScreen: a terminal without staff opens on the sale
// screen and shows no cashier, lock or shift buttons.
func TestNoStaffNoSignInScreen(t *testing.T) {
	h := newHarness(t, WithTill(noStaffTill{}, 0))
	h.settle()
	s := screenAs[*saleScreen](h)
	if s.lockBtn.Visible() || s.shiftBtn.Visible() || s.cashier.Visible() {
		t.Fatal("till buttons on a terminal without staff")
	}
	h.key(fyne.KeyF8)
	h.settle()
	screenAs[*saleScreen](h)
}

// noStaffTill is a till on a terminal nobody has set up.
type noStaffTill struct{ Till }

func (noStaffTill) Required() (bool, error) { return false, nil }

func (noStaffTill) State() (shift.Till, error) { return shift.Till{}, nil }

// TestStaffCardOnLockScreen: on the lock screen a scanned code that is no
// staff card is said, an unknown card is said, the locked cashier's own
// card fills the name for the PIN, and another cashier's opens the
// sign-in for them (a quick switch).
func TestStaffCardOnLockScreen(t *testing.T) {
	_, h := tillWorld(t)
	h.waitFor("sign-in", onScreen[*signInScreen](h))
	h.settle()
	h.typeText("Li\n1357\n200\n")
	h.waitFor("sale screen", onScreen[*saleScreen](h))
	h.key(fyne.KeyF8)
	h.waitFor("lock screen", onScreen[*lockScreen](h))
	lock := screenAs[*lockScreen](h)
	for _, c := range []struct{ code, want string }{
		{"6901939621233", h.term.cat.T(msgTillNotCard)},
		{staffstore.CardCode("nobody"), h.term.cat.T(msgTillUnknownCard)},
	} {
		h.wedgeScan(c.code)
		h.waitFor("the refusal of "+c.code, func() bool { return lock.message.Text == c.want })
	}
	lock.name.SetText("")
	h.wedgeScan(staffstore.CardCode("li"))
	h.waitFor("Li's card read", func() bool { return lock.name.Text == "Li" })
	if h.w.Canvas().Focused() != lock.pin {
		t.Error("after the card the PIN field should have focus")
	}
	h.wedgeScan(staffstore.CardCode("zhang"))
	h.waitFor("the sign-in for Zhang", onScreen[*signInScreen](h))
	if in := screenAs[*signInScreen](h); in.name.Text != "Zhang" {
		t.Errorf("sign-in name %q, want Zhang", in.name.Text)
	}
}
