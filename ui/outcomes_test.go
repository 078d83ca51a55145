package ui

import (
	"context"
	"github.com/wxpos/wxpos/counter"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// window is one run of the app: the payment core on the database and the
// cashier window on it. close is the process ending: the core stops where
// it is, nothing more reaches the disk.
type window struct {
	core *pos.Terminal
	pc   *counter.Checkout
	h    *harness
}

func openWindow(t *testing.T, db *storage.Store, env *gatetest.Env, start bool) *window {
	t.Helper()
	cfg := pos.Config{StoreID: "S01", TerminalID: "T01", StoreName: "Test store", Training: true,
		QRPollMin: 50 * time.Millisecond, QRPollMax: 200 * time.Millisecond, CallTimeout: 2 * time.Second,
		RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond}
	core, err := pos.New(posstore.New(db), env.Gateway, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); core.Close() })
	if start {
		core.Start(ctx)
	}
	pc := counter.NewCheckout(core, true, nil)
	return &window{core: core, pc: pc, h: newHarness(t, WithCheckout(pc), WithStatus(pc), WithTraining(true))}
}

// notices returns the banner's outcome lines.
func notices(h *harness) []string {
	var out []string
	for _, o := range h.term.outcomes.box.Objects {
		if row, ok := o.(*fyne.Container); ok {
			out = append(out, row.Objects[0].(*widget.Label).Text)
		}
	}
	return out
}

// bannerShown reports whether the banner is in the window's tree.
func bannerShown(h *harness) bool {
	top, ok := h.term.root.Objects[1].(*fyne.Container)
	return ok && len(top.Objects) == 2 && top.Objects[1] == h.term.outcomes.box
}

// TestPaidWhileWindowDownShownUntilAcknowledged is issue 17 part 2 end to
// end on a real database: the window dies while a QR is shown, the customer
// pays, the app starts again. The order is in progress (pending) until
// recovery finds it PAID; then "while you were away: ¥12.34 paid, receipt
// …" stays above every screen, across another restart, until the cashier
// acknowledges it (F7); after that no restart brings it back.
func TestPaidWhileWindowDownShownUntilAcknowledged(t *testing.T) {
	env := gatetest.Start(t, time.Now, nil)
	db := storagetest.Open(t)

	w := openWindow(t, db, env, true)
	w.h.typeText("12.34")
	w.h.key(fyne.KeyF2)
	qr := screenAs[*qrScreen](w.h)
	w.h.waitFor("the QR", func() bool { return qr.state == StateShowingQR })
	no := w.h.term.pay.outTradeNo
	w.core.Close() // the window dies with the QR on screen

	if err := counter.NewSandboxCustomer(env.Sandbox, w.core.Order).PayNative(context.Background(), no); err != nil {
		t.Fatal(err)
	}

	// Start again, recovery not yet running: the order counts as pending.
	db = storagetest.Reopen(t, db)
	w = openWindow(t, db, env, false)
	sctx, stopStatus := context.WithCancel(context.Background())
	if st := <-w.pc.Status(sctx); st.Pending != 1 {
		t.Errorf("pending %d after the restart, want 1 (the QR order still in progress)", st.Pending)
	}
	stopStatus()
	w.h.drain()
	if got := notices(w.h); len(got) != 0 || bannerShown(w.h) {
		t.Errorf("banner %v before anything was resolved", got)
	}
	w.core.Start(w.h.term.ctx)
	o, err := w.core.Order(no)
	w.h.waitFor("recovery to find it paid", func() bool {
		o, err = w.core.Order(no)
		return err == nil && o.State == pos.StatePaid
	})
	want := zh(msgOutcomePaid, "¥12.34", o.ReceiptNo, no)
	w.h.waitFor("the banner", func() bool { return len(notices(w.h)) == 1 })
	if got := notices(w.h)[0]; got != want || !bannerShown(w.h) {
		t.Fatalf("banner %q (shown %v), want %q", got, bannerShown(w.h), want)
	}
	if got := w.h.term.draft.totalFen(); got != 0 {
		t.Errorf("sale screen keyed %d fen", got)
	}

	// Not acknowledged: the next start shows it again, on every screen.
	w.core.Close()
	db = storagetest.Reopen(t, db)
	w = openWindow(t, db, env, true)
	w.h.waitFor("the banner after a restart", func() bool { return len(notices(w.h)) == 1 })
	w.h.key(fyne.KeyF5) // today's sales
	if got := notices(w.h); len(got) != 1 || got[0] != want || !bannerShown(w.h) {
		t.Fatalf("banner on history %q, want %q", got, want)
	}
	w.h.key(fyne.KeyEscape)

	w.h.key(fyne.KeyF7)
	if got := notices(w.h); len(got) != 0 || bannerShown(w.h) {
		t.Errorf("banner %v after F7", got)
	}
	w.h.waitFor("the acknowledgement to be recorded", func() bool {
		os, err := w.core.Unacknowledged()
		return err == nil && len(os) == 0
	})

	w.core.Close()
	db = storagetest.Reopen(t, db)
	w = openWindow(t, db, env, true)
	w.h.waitFor("the first refresh", func() bool { return w.h.term.outcomes.drawn })
	if got := notices(w.h); len(got) != 0 {
		t.Errorf("banner %v after acknowledging and restarting", got)
	}
}

// A payment the cashier watches to the end is acknowledged by being shown:
// it never turns up in the banner.
func TestPaymentSeenOnScreenIsNotAnnounced(t *testing.T) {
	env := gatetest.Start(t, time.Now, nil)
	w := openWindow(t, storagetest.Open(t), env, true)
	w.h.typeText("5")
	w.h.key(fyne.KeyF2)
	qr := screenAs[*qrScreen](w.h)
	w.h.waitFor("the QR", func() bool { return qr.state == StateShowingQR })
	if err := counter.NewSandboxCustomer(env.Sandbox, w.core.Order).PayNative(context.Background(), w.h.term.pay.outTradeNo); err != nil {
		t.Fatal(err)
	}
	w.h.waitFor("the receipt", onScreen[*receiptScreen](w.h))
	w.h.waitFor("the acknowledgement", func() bool {
		os, err := w.core.Unacknowledged()
		return err == nil && len(os) == 0
	})
	w.h.drain()
	if got := notices(w.h); len(got) != 0 {
		t.Errorf("banner %v for a payment the cashier saw", got)
	}
}
