package pos_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/storage"
)

// dieAt runs begin on a terminal whose process dies right after its
// dieAfter-th committed change (as a power cut would), then brings the
// database back as after a restart, on a fresh terminal.
func (r *rig) dieAt(dieAfter int, begin func(ctx context.Context, term *pos.Terminal) (*pos.Payment, error)) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.term.Close()
	cs := &crashStore{Store: r.store, at: dieAfter, after: true}
	term := r.newTerminal(cs, deadGateway{Gateway: r.gw, dead: &cs.dead})
	p, err := begin(ctx, term)
	if err != nil {
		r.t.Fatal(err)
	}
	_, _ = p.Wait(ctx) // ends in an error: the process is dead
	if !cs.dead.Load() {
		r.t.Fatalf("the process did not die at change %d", dieAfter)
	}
	term.Close()
	r.restart()
	return p.OutTradeNo()
}

// unacknowledged returns the numbers Unacknowledged lists.
func (r *rig) unacknowledged() []string {
	r.t.Helper()
	os, err := r.term.Unacknowledged()
	if err != nil {
		r.t.Fatal(err)
	}
	var nos []string
	for _, o := range os {
		nos = append(nos, o.OutTradeNo)
	}
	return nos
}

func (r *rig) ackEvents(no string) int {
	r.t.Helper()
	n := 0
	err := r.db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if e.Kind == string(pos.EventAck) && e.Ref == no {
				n++
			}
			return true, nil
		})
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// TestResolvedWhileDownIsShownUntilAcknowledged is issue 17 part 2: the
// window dies while the customer is paying; after the restart recovery
// finds the payment PAID. That outcome stays listed, across restarts, until
// the cashier acknowledges it, which is audited once.
func TestResolvedWhileDownIsShownUntilAcknowledged(t *testing.T) {
	tests := []struct {
		name     string
		dieAfter int // the change after which the process dies
		begin    func(ctx context.Context, term *pos.Terminal) (*pos.Payment, error)
		pays     func(r *rig, no string)
	}{
		{"QR shown, customer pays", 2, func(ctx context.Context, term *pos.Terminal) (*pos.Payment, error) {
			return term.BeginQR(ctx, sale(1234))
		}, func(r *rig, no string) {
			if err := r.gw.CustomerPaysQR(no); err != nil {
				r.t.Fatal(err)
			}
		}},
		{"password wait, customer pays", 2, func(ctx context.Context, term *pos.Terminal) (*pos.Payment, error) {
			return term.BeginScan(ctx, sale(1234), postest.Code(postest.UserPayingSuccess, 1))
		}, func(r *rig, _ string) { r.clk.Advance(time.Minute) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, true)
			no := r.dieAt(tc.dieAfter, tc.begin)
			if o, _ := r.term.Order(no); o.State.Terminal() {
				t.Fatalf("order %s already %s before recovery", no, o.State)
			}
			if got := r.unacknowledged(); len(got) != 0 {
				t.Fatalf("unacknowledged %v before anything was resolved", got)
			}
			tc.pays(r, no)
			r.recover()
			if o, _ := r.term.Order(no); o.State != pos.StatePaid {
				t.Fatalf("after recovery %s is %s, want PAID", no, o.State)
			}
			os, err := r.term.Unacknowledged()
			if err != nil {
				t.Fatal(err)
			}
			if len(os) != 1 || os[0].OutTradeNo != no || os[0].AmountFen != 1234 || os[0].ReceiptNo == "" {
				t.Fatalf("unacknowledged %+v, want %s paid ¥12.34 with its receipt", os, no)
			}

			r.restart() // the cashier has not looked yet
			if got := r.unacknowledged(); len(got) != 1 || got[0] != no {
				t.Fatalf("after a restart unacknowledged %v, want [%s]", got, no)
			}
			if err := r.term.Acknowledge(no, "alice"); err != nil {
				t.Fatal(err)
			}
			if err := r.term.Acknowledge(no, "alice"); err != nil {
				t.Fatal(err)
			}
			r.restart()
			if got := r.unacknowledged(); len(got) != 0 {
				t.Errorf("after acknowledging and a restart unacknowledged %v", got)
			}
			if n := r.ackEvents(no); n != 1 {
				t.Errorf("%d acknowledge events, want 1", n)
			}
		})
	}
}

// Outcomes a person made are seen by that person: a cash sale is never
// listed, with a cashier signed in or not (the window has no sign-in). A
// parked UNKNOWN that a later query resolves is.
func TestWhichOutcomesAreAnnounced(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	if _, err := r.term.PayCash(ctx, sale(500), 500); err != nil {
		t.Fatal(err)
	}
	if _, err := r.term.PayCash(ctx, pos.Sale{AmountFen: 300}, 500); err != nil {
		t.Fatal(err)
	}
	r.gw.Inject(postest.OpPay, postest.DropAfter)
	r.gw.Inject(postest.OpQuery, postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore,
		postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore)
	p, err := r.term.BeginScan(ctx, sale(700), postest.Code(postest.Success, 2))
	if err != nil {
		t.Fatal(err)
	}
	o := r.wait(p)
	if o.State != pos.StateUnknown {
		t.Fatalf("scan ended %s, want UNKNOWN (parked)", o.State)
	}
	if got := r.unacknowledged(); len(got) != 0 {
		t.Fatalf("unacknowledged %v before any outcome", got)
	}
	r.recover() // the dropped queries run out; one answers PAID
	if o, _ := r.term.Order(o.OutTradeNo); o.State != pos.StatePaid {
		t.Fatalf("after recovery %s, want PAID", o.State)
	}
	if got := r.unacknowledged(); len(got) != 1 || got[0] != o.OutTradeNo {
		t.Fatalf("unacknowledged %v, want the parked payment %s", got, o.OutTradeNo)
	}
}
