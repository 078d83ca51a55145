package pos_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

// impostor is WeChat where, once on, the order under every number is
// another payment: answers carry another sale's attach tag and amount.
type impostor struct {
	pos.Gateway
	on        atomic.Bool
	queryDown atomic.Bool // queries get no answer
}

func (g *impostor) alter(tr pos.Trade, err error) (pos.Trade, error) {
	if err == nil && g.on.Load() {
		tr.Attach = "wxpos:ANOTHERSALEANOTHERSALE12"
		tr.AmountFen += 100
		if tr.TransactionID == "" {
			tr.TransactionID = "4200000000000000000000000099"
		}
	}
	return tr, err
}

func (g *impostor) PayScan(ctx context.Context, r pos.ScanRequest) (pos.Trade, error) {
	return g.alter(g.Gateway.PayScan(ctx, r))
}

func (g *impostor) Query(ctx context.Context, no string) (pos.Trade, error) {
	if g.queryDown.Load() {
		return pos.Trade{}, postest.ErrDropped
	}
	return g.alter(g.Gateway.Query(ctx, no))
}

func impostorRig(t *testing.T, auto bool) (*rig, *impostor) {
	r := newRig(t, auto)
	imp := &impostor{Gateway: r.gw}
	r.term.Close()
	r.term = r.newTerminal(r.store, imp)
	return r, imp
}

func wantConflict(t *testing.T, r *rig, o *pos.Order) {
	t.Helper()
	if o.State != pos.StateConflict || o.ErrorCode != pos.ConflictCode || o.TransactionID != "" {
		t.Fatalf("order %s %q txn %q (%s), want CONFLICT", o.State, o.ErrorCode, o.TransactionID, o.Message)
	}
	checkReceipt(t, r, o)
	// Reached by the core on its own: shown to the cashier until acknowledged.
	un, err := r.term.Unacknowledged()
	if err != nil || !slices.ContainsFunc(un, func(u *pos.Order) bool { return u.OutTradeNo == o.OutTradeNo }) {
		t.Errorf("conflict not announced to the cashier: %v %v", un, err)
	}
}

// TestConflictOnEveryPath: wherever the core accepts a trade state — the
// pay answer, the password-wait query, the query after a refused reverse,
// the QR poll, the query after a close — an order that is not this sale's
// ends CONFLICT, and is neither paid, reversed nor closed by it.
func TestConflictOnEveryPath(t *testing.T) {
	ctx := context.Background()
	t.Run("pay answer", func(t *testing.T) {
		r, imp := impostorRig(t, true)
		imp.on.Store(true)
		o, err := r.term.PayScan(ctx, sale(500), postest.Code(postest.Success, 1))
		if err != nil {
			t.Fatal(err)
		}
		wantConflict(t, r, o)
	})
	t.Run("password wait", func(t *testing.T) {
		r, imp := impostorRig(t, false)
		p, err := r.term.BeginScan(ctx, sale(500), postest.Code(postest.UserPayingSuccess, 2))
		if err != nil {
			t.Fatal(err)
		}
		r.clk.WaitForWaiter(p.Done())
		if s := p.Order().State; s != pos.StateWaitingPassword {
			t.Fatalf("state %s, want WAITING_PASSWORD", s)
		}
		imp.on.Store(true)
		wantConflict(t, r, r.wait(p))
		if n := r.gw.Calls(postest.OpReverse); n != 0 {
			t.Errorf("%d reverses of another payment's order", n)
		}
	})
	t.Run("reverse refused", func(t *testing.T) {
		r, imp := impostorRig(t, true)
		r.gw.Inject(postest.OpPay, postest.DropAfter)
		imp.queryDown.Store(true)
		o, _ := r.term.PayScan(ctx, sale(500), postest.Code(postest.Success, 3))
		imp.queryDown.Store(false)
		if o.State != pos.StateUnknown {
			t.Fatalf("state %s, want UNKNOWN", o.State)
		}
		if _, err := r.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer left"); err != nil {
			t.Fatal(err)
		}
		r.gw.Inject(postest.OpReverse, postest.Decline)
		imp.on.Store(true)
		r.recover()
		o, _ = r.term.Order(o.OutTradeNo)
		wantConflict(t, r, o)
	})
	t.Run("QR poll", func(t *testing.T) {
		r, imp := impostorRig(t, false)
		p, err := r.term.BeginQR(ctx, sale(700))
		if err != nil {
			t.Fatal(err)
		}
		r.clk.WaitForWaiter(p.Done())
		imp.on.Store(true)
		o := r.wait(p)
		wantConflict(t, r, o)
		if n := r.gw.Calls(postest.OpClose); n != 0 {
			t.Errorf("%d closes of another payment's order", n)
		}
		// The manager acknowledges it: FAILED, nothing sent.
		if _, err := r.term.ForcePaid(ctx, o.OutTradeNo, manager, "looks paid"); !errors.Is(err, pos.ErrTradeConflict) {
			t.Errorf("force paid on a conflict: %v", err)
		}
		v, err := r.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer paid cash instead")
		if err != nil || v.State != pos.StateFailed || v.ErrorCode != pos.ConflictCode || !v.Forced {
			t.Fatalf("acknowledge: %v %+v", err, v)
		}
		if n := r.gw.Calls(postest.OpClose); n != 0 {
			t.Errorf("acknowledging sent %d closes", n)
		}
	})
	t.Run("query after close", func(t *testing.T) {
		r, imp := impostorRig(t, true)
		r.gw.Inject(postest.OpCreateQR, postest.DropAfter, postest.DropAfter, postest.DropAfter)
		r.gw.Inject(postest.OpQuery, postest.DropBefore)
		p, err := r.term.BeginQR(ctx, sale(700))
		if err != nil {
			t.Fatal(err)
		}
		o := r.wait(p)
		if o.State != pos.StateUnknown {
			t.Fatalf("state %s, want UNKNOWN", o.State)
		}
		if _, err := r.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer left"); err != nil {
			t.Fatal(err)
		}
		imp.on.Store(true)
		if res := r.recover(); res.Conflicts != 1 || res.Unresolved != 0 {
			t.Errorf("recovery %+v, want one conflict", res)
		}
		o, _ = r.term.Order(o.OutTradeNo)
		wantConflict(t, r, o)
	})
}

// TestRecordBillSaleRefusesAcknowledgedConflict: once a sale was found to
// be a CONFLICT and acknowledged (FAILED), the bill's payment under its
// number — the other payment — is never recorded as this sale, even when
// the amounts are the same.
func TestRecordBillSaleRefusesAcknowledgedConflict(t *testing.T) {
	ctx := context.Background()
	r, imp := impostorRig(t, true)
	imp.on.Store(true)
	o, err := r.term.PayScan(ctx, sale(500), postest.Code(postest.Success, 1))
	if err != nil || o.State != pos.StateConflict {
		t.Fatalf("%v %+v", err, o)
	}
	if o, err = r.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer paid cash"); err != nil || o.State != pos.StateFailed {
		t.Fatalf("acknowledge: %v %+v", err, o)
	}
	_, err = r.term.RecordBillSale(pos.BillSale{OutTradeNo: o.OutTradeNo, Tender: o.Tender, AmountFen: o.AmountFen,
		TransactionID: "4200000000000000000000000099", Note: "on the bill"}, "boss")
	if !errors.Is(err, pos.ErrTradeConflict) {
		t.Fatalf("record the other payment as this sale: %v, want ErrTradeConflict", err)
	}
	if got, _ := r.term.Order(o.OutTradeNo); got.State != pos.StateFailed || got.TransactionID != "" {
		t.Fatalf("order now %+v", got)
	}
}
