package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// newSetupDesk is a manager back end with nobody set up yet.
func newSetupDesk(t *testing.T) (*counter.Manager, *staffstore.Directory) {
	t.Helper()
	db := storagetest.Open(t)
	dir := staffstore.New(db, &staffstore.Options{Params: staffstore.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	book := reportstore.New(db, report.Info{StoreName: "Test", StoreID: "S1", TerminalID: "T1"}, nil)
	return counter.NewManager(counter.ManagerConfig{Staff: dir, Book: book, DB: db, Config: *config.Default(), ExportDir: t.TempDir()}), dir
}

// focused is the classified field that has focus, or nil.
func (h *harness) focused() *widgetEntryRef {
	if f := h.term.focusedField(); f != nil {
		return &widgetEntryRef{f}
	}
	return nil
}

type widgetEntryRef struct{ classifiedField }

func (r *widgetEntryRef) text() string { return r.entry().Text }

// TestFirstRunManagerFormByKeyboard is issue 17 part 10: the first-run
// form takes focus in its first field, and name, PIN, PIN again are typed
// with Enter between them, without a mouse.
func TestFirstRunManagerFormByKeyboard(t *testing.T) {
	desk, dir := newSetupDesk(t)
	h := newHarness(t, WithManager(desk))
	h.key(fyne.KeyF10)
	home := screenAs[*managerHome](h)
	h.waitFor("setup form focused", func() bool { return h.focused() != nil })
	h.typeText("Wang\n2468\n2468\n")
	h.waitFor("menu", func() bool { return len(home.tiles) > 0 })
	if need, err := dir.NeedsSetup(); err != nil || need {
		t.Fatalf("after the form: needs setup %v (%v)", need, err)
	}
	if _, err := dir.Login(context.Background(), "Wang", "2468"); err != nil {
		t.Errorf("the typed manager cannot log in: %v", err)
	}
	// The keys now reach the menu, not a field of the form that left.
	h.typeText("3")
	if _, ok := h.term.cur.(*dayScreen); !ok {
		t.Errorf("3 on the menu after setup: screen %T, message %q", h.term.cur, home.message.Text)
	}
}

// TestManagerTilesByDigit checks each tile's digit opens it.
func TestManagerTilesByDigit(t *testing.T) {
	w := newMgrWorld(t)
	tests := []struct {
		key  string
		want func(*harness) func() bool
	}{
		{"1", onScreen[*refundScreen]},
		{"2", onScreen[*forceScreen]},
		{"3", onScreen[*dayScreen]},
		{"4", onScreen[*zListScreen]},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			h := newHarness(t, WithManager(w.desk))
			h.key(fyne.KeyF10)
			home := screenAs[*managerHome](h)
			h.waitFor("menu", func() bool { return len(home.tiles) > 0 })
			h.typeText(tt.key)
			if !tt.want(h)() {
				t.Errorf("key %s opened %T", tt.key, h.term.cur)
			}
		})
	}
	t.Run("a tile behind a PIN asks for it", func(t *testing.T) {
		h := newHarness(t, WithManager(w.desk))
		h.key(fyne.KeyF10)
		home := screenAs[*managerHome](h)
		h.waitFor("menu", func() bool { return len(home.tiles) > 0 })
		h.typeText("6")
		c := home.c
		if c.prompt == nil {
			t.Fatal("audit trail opened without the PIN prompt")
		}
		h.typeText("Wang\n2468\n")
		h.waitFor("audit trail", onScreen[*auditScreen](h))
	})
}

// TestEscAlwaysGoesBack: a focused text field does not swallow Esc; it
// closes the PIN prompt on top, else leaves the screen.
func TestEscAlwaysGoesBack(t *testing.T) {
	w := newMgrWorld(t)
	t.Run("history search", func(t *testing.T) {
		h := newHarness(t)
		h.key(fyne.KeyF5)
		hs := screenAs[*historyScreen](h)
		if h.w.Canvas().Focused() != hs.search {
			t.Fatalf("focus on %T, want the history search", h.w.Canvas().Focused())
		}
		h.typeText("12")
		if hs.search.Text != "12" {
			t.Fatalf("search %q, want the typed 12", hs.search.Text)
		}
		h.key(fyne.KeyEscape)
		screenAs[*saleScreen](h)
	})
	screens := []struct {
		name  string
		show  func(c *console) (screen, fyne.Focusable)
		after func(*harness) func() bool
	}{
		{"audit who", func(c *console) (screen, fyne.Focusable) { s := newAuditScreen(c); return s, s.who }, onScreen[*managerHome]},
		{"day reason", func(c *console) (screen, fyne.Focusable) { s := newDayScreen(c); return s, s.moveWhy }, onScreen[*managerHome]},
		{"settings store name", func(c *console) (screen, fyne.Focusable) { s := newManagerSettings(c, "Wang"); return s, s.storeName }, onScreen[*managerHome]},
		{"force reason", func(c *console) (screen, fyne.Focusable) { s := newForceScreen(c); return s, s.reason }, onScreen[*managerHome]},
	}
	for _, tt := range screens {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := &console{t: h.term, m: w.desk}
			s, field := tt.show(c)
			h.term.show(s)
			h.drain()
			h.w.Canvas().Focus(field)
			h.typeText("ab")
			h.key(fyne.KeyEscape)
			if !tt.after(h)() {
				t.Errorf("Esc left %T on screen", h.term.cur)
			}
		})
	}
	t.Run("PIN prompt", func(t *testing.T) {
		h := newHarness(t)
		c := &console{t: h.term, m: w.desk}
		h.term.show(newDayScreen(c))
		c.askPIN(staff.ActionDayClose, "20261126", 0, func(staff.Approval) { t.Error("approved by Esc") })
		if h.focused() == nil {
			t.Fatal("the PIN prompt has no focus")
		}
		h.key(fyne.KeyEscape)
		if c.prompt != nil || h.term.modal != nil {
			t.Error("Esc left the PIN prompt open")
		}
		screenAs[*dayScreen](h) // the prompt closed; the screen stays
		h.key(fyne.KeyEscape)
		screenAs[*managerHome](h)
	})
}

// TestKeysForCashierActions: exact cash (F3 on the cash screen) and park
// an UNKNOWN payment (F8) from the keyboard.
func TestKeysForCashierActions(t *testing.T) {
	t.Run("exact cash", func(t *testing.T) {
		h := newHarness(t)
		h.typeText("12.5")
		h.key(fyne.KeyF3)
		cs := screenAs[*cashScreen](h)
		h.key(fyne.KeyF3)
		if got := cs.input.Fen(); got != 1250 {
			t.Fatalf("tendered %d fen, want 1250", got)
		}
		h.key(fyne.KeyReturn)
		h.waitFor("receipt", onScreen[*receiptScreen](h))
		if _, _, _, cash := h.fake.snapshot(); len(cash) != 1 || cash[0] != 1250 {
			t.Errorf("cash taken %v, want [1250]", cash)
		}
	})
	t.Run("park unknown", func(t *testing.T) {
		h := newHarness(t)
		startScan(t, h, "5", goodCode)
		h.fake.emit(h.fake.last(), Update{State: StateUnknown})
		h.waitFor("unknown screen", onScreen[*unknownScreen](h))
		h.key(fyne.KeyF8)
		s := screenAs[*saleScreen](h)
		if s.total.Text() != "¥0.00" || h.term.pay != nil {
			t.Errorf("after F8: total %q, payment in view %v; want a fresh sale", s.total.Text(), h.term.pay)
		}
	})
}

// TestZCloseByKeyboard: the counted cash is typed, Enter asks to confirm,
// Enter again asks for the PIN, and the screen says it is closing until
// the Z is made.
func TestZCloseByKeyboard(t *testing.T) {
	w := newMgrWorld(t)
	w.endShift(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newDayScreen(c))
	s := screenAs[*dayScreen](h)
	h.waitFor("day loaded", func() bool { return s.session != nil || s.message.Text != "" })
	if _, err := w.desk.Days().Open(s.day, "Wang", 10000); err != nil {
		t.Fatal(err)
	}
	h.w.Canvas().Focus(s.counted)
	h.typeText("100\n")
	if want := h.term.mt(msgDayZAsk, dashed(s.day), "¥100.00"); s.message.Text != want {
		t.Fatalf("after Enter: %q, want the question %q", s.message.Text, want)
	}
	if c.prompt != nil {
		t.Fatal("PIN asked before the close was confirmed")
	}
	h.typeText("\n")
	if c.prompt == nil {
		t.Fatal("the second Enter did not ask for the PIN")
	}
	h.typeText("Wang\n2468\n")
	h.waitFor("closing shown", func() bool { return s.message.Text == h.term.mt(msgDayClosing) })
	if !s.zBtn.Disabled() {
		t.Error("Z button live while closing")
	}
	h.waitFor("closed", func() bool { return s.session != nil && s.session.State == report.StateClosed })
}
