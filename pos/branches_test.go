package pos_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestSandboxRareBranches walks the scan-table edges that only happen when
// something outside the terminal acts, against the sandbox.
func TestSandboxRareBranches(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		mod  func(*sandbox.Options)
		run  func(t *testing.T, s *sbRig) *pos.Order
		want pos.State
	}{
		{name: "password wait ends in PAYERROR: failed",
			mod: func(o *sandbox.Options) { o.UserPayingTimeout = 12 * time.Second },
			run: func(t *testing.T, s *sbRig) *pos.Order {
				p, _ := s.term.BeginScan(ctx, sale(300), gatetest.Code(sandbox.ScenarioUserPayingTimeout))
				return s.wait(p)
			}, want: pos.StateFailed},
		{name: "reversed elsewhere while waiting: reversed",
			run: func(t *testing.T, s *sbRig) *pos.Order {
				p, _ := s.term.BeginScan(ctx, sale(300), gatetest.Code(sandbox.ScenarioUserPayingTimeout))
				s.clk.WaitForWaiter(p.Done())
				if _, err := s.env.Client.Reverse(ctx, p.OutTradeNo()); err != nil {
					t.Fatal(err)
				}
				return s.wait(p)
			}, want: pos.StateReversed},
		{name: "no answer by the end of the wait: unknown",
			run: func(t *testing.T, s *sbRig) *pos.Order {
				p, _ := s.term.BeginScan(ctx, sale(300), gatetest.Code(sandbox.ScenarioUserPayingTimeout))
				s.clk.WaitForWaiter(p.Done())
				s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(s.gen, p.OutTradeNo()).query, Status: 503, Count: -1})
				o := s.wait(p)
				s.env.Sandbox.ClearFaults()
				return o
			}, want: pos.StateUnknown},
		{name: "unknown, reversed elsewhere: reversed",
			run: func(t *testing.T, s *sbRig) *pos.Order {
				s.env.Sandbox.AddFault(sandbox.Fault{Status: 503, Count: -1, Path: pathsOf(s.gen, s.no("P", 1)).query})
				s.env.Sandbox.AddFault(sandbox.Fault{Drop: sandbox.DropAfter, Path: pathsOf(s.gen, "").pay})
				p, _ := s.term.BeginScan(ctx, sale(300), gatetest.Code(sandbox.ScenarioSuccess))
				o := s.wait(p)
				if o.State != pos.StateUnknown {
					t.Fatalf("live: %s", o.State)
				}
				s.env.Sandbox.ClearFaults()
				if _, err := s.env.Client.Reverse(ctx, o.OutTradeNo); err != nil {
					t.Fatal(err)
				}
				s.clk.SetAuto(true)
				s.recover()
				o, _ = s.term.Order(o.OutTradeNo)
				return o
			}, want: pos.StateReversed},
		{name: "force-void after the reverse window: refused, query says paid",
			run: func(t *testing.T, s *sbRig) *pos.Order {
				s.env.Sandbox.AddFault(sandbox.Fault{Status: 503, Count: -1, Path: pathsOf(s.gen, s.no("P", 1)).query})
				s.env.Sandbox.AddFault(sandbox.Fault{Drop: sandbox.DropAfter, Path: pathsOf(s.gen, "").pay})
				p, _ := s.term.BeginScan(ctx, sale(300), gatetest.Code(sandbox.ScenarioSuccess))
				o := s.wait(p)
				s.env.Sandbox.ClearFaults()
				s.clk.Advance(8 * 24 * time.Hour)
				if _, err := s.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer left a week ago"); err != nil {
					t.Fatal(err)
				}
				s.clk.SetAuto(true)
				s.recover()
				o, _ = s.term.Order(o.OutTradeNo)
				return o
			}, want: pos.StatePaid},
	}
	for _, gen := range gens {
		for _, tc := range tests {
			t.Run(gen+" "+tc.name, func(t *testing.T) {
				s := newSandboxRig(t, gen, false, tc.mod)
				o := tc.run(t, s)
				if o.State != tc.want {
					t.Fatalf("state %s (%s %s), want %s", o.State, o.ErrorCode, o.Message, tc.want)
				}
				if o.State.Terminal() {
					checkInvariants(t, s.store, s.env.Sandbox.Ledger())
				}
			})
		}
	}
}

// TestFakeRareBranches walks QR and refund edges the sandbox cannot be
// made to produce (definite prepay refusal, PAYERROR on a Native order,
// refunds ending CLOSED or ABNORMAL), with the fake WeChat.
func TestFakeRareBranches(t *testing.T) {
	ctx := context.Background()
	paid := func(t *testing.T, r *rig) *pos.Order {
		o, err := r.term.PayScan(ctx, sale(1000), postest.Code(postest.Success, 1))
		if err != nil || o.State != pos.StatePaid {
			t.Fatalf("%v %+v", err, o)
		}
		return o
	}
	refund := func(t *testing.T, r *rig, o *pos.Order) *pos.Refund {
		rf, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 400, Approval: manager})
		if err != nil {
			t.Fatal(err)
		}
		r.recover()
		rf, _ = r.term.RefundRecord(rf.OutRefundNo)
		return rf
	}
	t.Run("prepay refused: failed", func(t *testing.T) {
		r := newRig(t, true)
		r.gw.Inject(postest.OpCreateQR, postest.Decline)
		p, _ := r.term.BeginQR(ctx, sale(100))
		if o, _ := p.Wait(ctx); o.State != pos.StateFailed || o.ErrorCode != "INJECTED_DECLINE" {
			t.Fatalf("%+v", o)
		}
	})
	t.Run("QR unknown, WeChat says PAYERROR: failed", func(t *testing.T) {
		r := newRig(t, true)
		r.gw.Inject(postest.OpCreateQR, postest.DropAfter, postest.DropAfter, postest.DropAfter)
		r.gw.Inject(postest.OpQuery, postest.DropBefore)
		p, _ := r.term.BeginQR(ctx, sale(100))
		o, _ := p.Wait(ctx)
		if o.State != pos.StateUnknown {
			t.Fatalf("live %s", o.State)
		}
		r.gw.SetStatus(o.OutTradeNo, pos.TradePayError)
		r.recover()
		if o, _ = r.term.Order(o.OutTradeNo); o.State != pos.StateFailed {
			t.Fatalf("%s", o.State)
		}
	})
	tests := []struct {
		name   string
		final  pos.RefundStatus
		atOnce bool
		inject postest.Fault
		want   pos.RefundState
	}{
		{"refund done at once", pos.RefundStatusSuccess, true, "", pos.RefundSuccess},
		{"refund abnormal at once", pos.RefundStatusAbnormal, true, "", pos.RefundAbnormal},
		{"refund closed at once", pos.RefundStatusClosed, true, "", pos.RefundClosed},
		{"refund refused", "", false, postest.Decline, pos.RefundClosed},
		{"refund turns abnormal", pos.RefundStatusAbnormal, false, "", pos.RefundAbnormal},
		{"refund turns closed", pos.RefundStatusClosed, false, "", pos.RefundClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, true)
			o := paid(t, r)
			r.gw.RefundFinal, r.gw.RefundAtOnce = tc.final, tc.atOnce
			if tc.inject != "" {
				r.gw.Inject(postest.OpRefund, tc.inject)
			}
			rf := refund(t, r, o)
			if rf.State != tc.want {
				t.Fatalf("refund %s, want %s", rf.State, tc.want)
			}
			left, _ := r.term.Refundable(o.OutTradeNo)
			if held := rf.State.Holds(); (left == 600) != held {
				t.Errorf("refundable %d with a %s refund", left, rf.State)
			}
		})
	}
}
