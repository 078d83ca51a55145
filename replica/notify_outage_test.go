package replica

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
)

// A receiver that was down for an hour catches up from WeChat's retries,
// through the chain path to the terminal. The customer pays a QR while the
// store's front answers 502 (the receiver down); on the sandbox's clock,
// moved 15 s at a time, WeChat re-sends on its schedule (15 s, 15 s, 30 s,
// 3 m, 10 m, 20 m, 30 m …) and gets 502 for an hour. Once the receiver is
// back, the next retry (within 30 minutes) is recorded in PostgreSQL, the
// terminal's worker pulls it and the terminal settles the sale PAID
// through a query, although its own next QR poll never comes (its clock
// stands). Recorded once, nothing refused, the sandbox counts it
// delivered after at least seven attempts.
func TestDownAnHourCatchesUpThroughPostgreSQL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := newChainRig(t, ctx, nil, nil)
	pool, env, sink, fr, gw, clk, term, changes := r.pool, r.env, r.sink, r.fr, r.gw, r.clk, r.term, r.changes

	down := map[string]bool{"TRANSACTION.SUCCESS": true}
	fr.set(down, nil)
	p, err := term.BeginQR(ctx, pos.Sale{AmountFen: 4200})
	if err != nil {
		t.Fatal(err)
	}
	code := shownQR(t, ctx, changes, p)
	if !clk.WaitForWaiter(ctx.Done()) { // the QR's first poll found it unpaid; its next never comes
		t.Fatal("the QR never waited for its next poll")
	}
	if err := env.Sandbox.PayNative(code); err != nil {
		t.Fatal(err)
	}
	for elapsed := time.Duration(0); elapsed < time.Hour; elapsed += 15 * time.Second {
		if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 0 {
			t.Fatalf("delivered %d, %v while the receiver is down", n, err)
		}
		env.Sandbox.Advance(15 * time.Second)
	}
	if recs, err := NotificationsOf(ctx, pool, p.OutTradeNo()); err != nil || len(recs) != 0 {
		t.Fatalf("recorded while down: %+v, %v", recs, err)
	}
	if o := p.Order(); o.State != pos.StateShowingQR {
		t.Fatalf("sale %s while the receiver is down, want still SHOWING_QR (its poll never comes)", o.State)
	}
	asked := gw.count(p.OutTradeNo())

	fr.set(nil, nil) // the receiver is back
	delivered := 0
	for i := 0; i < 30*60/15 && delivered == 0; i++ {
		n, err := env.Sandbox.DeliverNotifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		delivered += n
		env.Sandbox.Advance(15 * time.Second)
	}
	if delivered != 1 {
		t.Fatalf("delivered %d within 30 minutes of the receiver's return: %+v", delivered, env.Sandbox.Notifications())
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("the sale was not settled by the late notification")
	}
	if o := p.Order(); o.State != pos.StatePaid || o.TransactionID == "" {
		t.Fatalf("sale %s %q, want PAID with WeChat's transaction id", o.State, o.TransactionID)
	}
	if gw.count(p.OutTradeNo()) <= asked {
		t.Error("the sale moved to PAID without a query after its notification")
	}
	// The worker handed over what the notification said, not only its
	// number: the terminal published "WeChat says paid" before the PAID
	// its query brought.
	if !notifiedBeforePaid(t, ctx, changes, p.OutTradeNo()) {
		t.Error("no EventNotified before the sale's PAID")
	}
	ns := env.Sandbox.Notifications()
	if len(ns) != 1 || !ns[0].Delivered || ns[0].Attempts < 7 {
		t.Errorf("sandbox notifications %+v, want one delivered after ≥ 7 attempts", ns)
	}
	recs, err := NotificationsOf(ctx, pool, p.OutTradeNo())
	if err != nil || len(recs) != 1 || recs[0].State != "SUCCESS" || recs[0].TotalFen != 4200 {
		t.Fatalf("recorded %+v, %v; want the payment once", recs, err)
	}
	waitCursor(t, ctx, sink, "terminal:S01/T01", recs[0].Seq)
	if fs, err := sink.Refusals(ctx, 10); err != nil || len(fs) != 0 {
		t.Errorf("refusals %+v, %v; want none (the front answered for the receiver while it was down)", fs, err)
	}
}

// notifiedBeforePaid reads events until sale no's PAID and reports
// whether an EventNotified about it came first.
func notifiedBeforePaid(t *testing.T, ctx context.Context, events <-chan pos.Event, no string) bool {
	t.Helper()
	notified := false
	for {
		select {
		case e := <-events:
			switch {
			case e.Kind == pos.EventNotified && e.Ref == no:
				notified = true
			case e.Kind == pos.EventOrder && e.Order != nil && e.Order.OutTradeNo == no && e.Order.State == pos.StatePaid:
				return notified
			}
		case <-ctx.Done():
			t.Fatalf("no PAID event for %s", no)
			return false
		}
	}
}
