package pos_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

func paidScan(t *testing.T, r *rig, fen int64, n int) *pos.Order {
	t.Helper()
	o, err := r.term.PayScan(context.Background(), sale(fen), postest.Code(postest.Success, n))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("pay: %v %+v", err, o)
	}
	return o
}

func TestRefund(t *testing.T) {
	ctx := context.Background()
	t.Run("full refund polls to SUCCESS with a receipt", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 1000, 1)
		rf, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1000, Reason: "退货", Approval: manager})
		if err != nil {
			t.Fatal(err)
		}
		if rf.State == pos.RefundProcessing {
			r.recover()
			rf, _ = r.term.RefundRecord(rf.OutRefundNo)
		}
		if rf.State != pos.RefundSuccess || rf.ReceiptNo == "" || rf.AuthorisedBy != "manager" {
			t.Fatalf("refund %+v", rf)
		}
		rc, err := r.term.Receipt(rf.ReceiptNo)
		if err != nil || rc.RefundFen != 1000 || rc.SaleReceipt != o.ReceiptNo || rc.Cashier != "alice" {
			t.Fatalf("refund receipt %+v %v", rc, err)
		}
		if left, _ := r.term.Refundable(o.OutTradeNo); left != 0 {
			t.Errorf("refundable %d after full refund", left)
		}
	})
	t.Run("partial refunds up to the paid amount", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 1000, 2)
		for _, amt := range []int64{300, 700} {
			if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: amt, Approval: manager}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager})
		if !errors.Is(err, pos.ErrRefundLimit) {
			t.Fatalf("over-refund: %v", err)
		}
		if got := r.gw.RefundedFen(o.OutTradeNo); got != 1000 {
			t.Errorf("WeChat refunded %d", got)
		}
	})
	t.Run("limits", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 10000, 3)
		tests := []struct {
			name string
			req  pos.RefundOrder
			want error
		}{
			{"more than paid", pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 10001, Approval: manager}, pos.ErrRefundLimit},
			{"zero", pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 0, Approval: manager}, pos.ErrBadAmount},
			{"wrong PIN", pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: pos.Approval{User: "manager", Credential: "0000"}}, pos.ErrNotAuthorised},
			{"cashier", pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: pos.Approval{User: "alice"}}, pos.ErrNotAuthorised},
			{"unknown sale", pos.RefundOrder{Cashier: "alice", OutTradeNo: "PS01-T01-99999999", AmountFen: 1, Approval: manager}, pos.ErrNotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := r.term.Refund(ctx, tc.req); !errors.Is(err, tc.want) {
					t.Fatalf("err %v, want %v", err, tc.want)
				}
			})
		}
		if n := r.gw.Calls(postest.OpRefund); n != 0 {
			t.Errorf("%d refund calls sent for refused refunds", n)
		}
	})
	t.Run("at most 50 refunds", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 100, 4)
		for i := range 50 {
			if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager}); err != nil {
				t.Fatalf("refund %d: %v", i+1, err)
			}
		}
		if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager}); !errors.Is(err, pos.ErrRefundLimit) {
			t.Fatalf("51st: %v", err)
		}
	})
	t.Run("older than a year", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 100, 5)
		r.clk.Advance(366 * 24 * time.Hour)
		if _, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager}); !errors.Is(err, pos.ErrRefundLimit) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("offline: queued with its number, sent once online", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 500, 6)
		r.gw.SetDown(true)
		rf, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 500, Approval: manager})
		if err != nil {
			t.Fatal(err)
		}
		if rf.State != pos.RefundSubmitted {
			t.Fatalf("offline refund %s", rf.State)
		}
		if p, _ := r.term.Pending(); p.Outbox != 1 {
			t.Errorf("outbox %d, want 1", p.Outbox)
		}
		r.restart()
		r.gw.SetDown(false)
		res := r.recover()
		if res.Unresolved != 0 || res.Outbox != 0 {
			t.Fatalf("recovery left %+v", res)
		}
		rf, _ = r.term.RefundRecord(rf.OutRefundNo)
		if rf.State != pos.RefundSuccess || r.gw.RefundedFen(o.OutTradeNo) != 500 {
			t.Fatalf("refund %s, WeChat refunded %d", rf.State, r.gw.RefundedFen(o.OutTradeNo))
		}
	})
	t.Run("answer lost: resent with the same number, refunded once", func(t *testing.T) {
		r := newRig(t, true)
		o := paidScan(t, r, 500, 7)
		r.gw.Inject(postest.OpRefund, postest.DropAfter)
		rf, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 200, Approval: manager})
		if err != nil {
			t.Fatal(err)
		}
		r.recover()
		rf, _ = r.term.RefundRecord(rf.OutRefundNo)
		if rf.State != pos.RefundSuccess || r.gw.RefundedFen(o.OutTradeNo) != 200 {
			t.Fatalf("refund %s, WeChat refunded %d", rf.State, r.gw.RefundedFen(o.OutTradeNo))
		}
	})
	t.Run("cash refund from the drawer", func(t *testing.T) {
		r := newRig(t, true)
		o, _ := r.term.PayCash(ctx, sale(300), 300)
		rf, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 300, Approval: manager})
		if err != nil || rf.State != pos.RefundSuccess {
			t.Fatalf("%v %+v", err, rf)
		}
	})
}

func TestForce(t *testing.T) {
	ctx := context.Background()
	unknown := func(t *testing.T, r *rig, n int) *pos.Order {
		r.gw.SetDown(true)
		o, err := r.term.PayScan(ctx, sale(100), postest.Code(postest.Success, n))
		if err != nil || o.State != pos.StateUnknown {
			t.Fatalf("%v %+v", err, o)
		}
		r.gw.SetDown(false)
		return o
	}
	t.Run("force paid is audited and gets a receipt", func(t *testing.T) {
		r := newRig(t, true)
		o := unknown(t, r, 1)
		if _, err := r.term.ForcePaid(ctx, o.OutTradeNo, pos.Approval{User: "alice"}, "saw it"); !errors.Is(err, pos.ErrNotAuthorised) {
			t.Fatalf("cashier forced: %v", err)
		}
		if _, err := r.term.ForcePaid(ctx, o.OutTradeNo, manager, " "); !errors.Is(err, pos.ErrBadRequest) {
			t.Fatalf("no reason: %v", err)
		}
		f, err := r.term.ForcePaid(ctx, o.OutTradeNo, manager, "customer showed 支付成功")
		if err != nil {
			t.Fatal(err)
		}
		if f.State != pos.StatePaid || !f.Forced || f.ForcedBy != "manager" || f.ReceiptNo == "" {
			t.Fatalf("%+v", f)
		}
		if _, err := r.term.ForceVoid(ctx, o.OutTradeNo, manager, "again"); !errors.Is(err, pos.ErrInvalidTransition) {
			t.Fatalf("force a PAID order: %v", err)
		}
	})
	t.Run("force void queues a reverse", func(t *testing.T) {
		r := newRig(t, true)
		o := unknown(t, r, 2)
		f, err := r.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer left")
		if err != nil || f.State != pos.StateReversing {
			t.Fatalf("%v %+v", err, f)
		}
		if p, _ := r.term.Pending(); p.Outbox != 1 {
			t.Errorf("outbox %d", p.Outbox)
		}
		r.recover()
		f, _ = r.term.Order(o.OutTradeNo)
		if f.State != pos.StateFailed && f.State != pos.StateReversed {
			t.Fatalf("after recovery %s", f.State)
		}
	})
}

func TestRetryNowSkipsBackoff(t *testing.T) {
	r := newRig(t, false)
	ctx := context.Background()
	r.gw.SetDown(true)
	p, err := r.term.BeginScan(ctx, sale(100), postest.Code(postest.UserPayingTimeout, 1))
	if err != nil {
		t.Fatal(err)
	}
	o := r.wait(p)
	if o.State != pos.StateUnknown {
		t.Fatalf("state %s", o.State)
	}
	r.clk.Advance(time.Minute) // past the password wait: the next answer leads to a reverse
	r.term.Start(ctx)
	// The worker's first pass finds WeChat unreachable and backs off on the
	// (manual) clock, which the test never advances: only RetryNow helps.
	r.clk.WaitForWaiter(nil)
	before := r.gw.Calls(postest.OpQuery)
	r.gw.SetDown(false)
	if err := r.term.RetryNow(o.OutTradeNo); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		cur, _ := r.term.Order(o.OutTradeNo)
		if cur.State.Terminal() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %s after RetryNow (%d queries before)", cur.State, before)
		}
		time.Sleep(time.Millisecond)
	}
}
