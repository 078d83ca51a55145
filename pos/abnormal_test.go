package pos_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// abnormalRefund pays a sale whose customer's card is closed afterwards
// and refunds part of it; the refund ends ABNORMAL.
func (s *sbRig) abnormalRefund(t *testing.T, fen int64) (*pos.Order, *pos.Refund) {
	t.Helper()
	ctx := context.Background()
	o, err := s.term.PayScan(ctx, sale(5000), gatetest.Code(sandbox.ScenarioRefundAbnormal))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("pay: %v %+v", err, o)
	}
	r, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: fen, Reason: "退货", Approval: manager})
	if err != nil {
		t.Fatal(err)
	}
	s.clk.Advance(2 * time.Minute)
	s.recover()
	if r, _ = s.term.RefundRecord(r.OutRefundNo); r.State != pos.RefundAbnormal {
		t.Fatalf("refund %s, want ABNORMAL", r.State)
	}
	return o, r
}

// TestSettleAbnormalRefund: a manager settles an ABNORMAL refund to the
// customer's other card or back to the store; the intent is recorded
// before WeChat is asked (never the card number), recovery finishes it,
// and what WeChat refuses or never hears leaves it ABNORMAL again.
func TestSettleAbnormalRefund(t *testing.T) {
	ctx := context.Background()
	card := func(no string) pos.AbnormalSettlement {
		return pos.AbnormalSettlement{OutRefundNo: no, To: pos.AbnormalToCustomerCard, BankType: "ICBC_DEBIT",
			BankAccount: "6222020200112345678", RealName: "张三", Approval: manager}
	}
	t.Run("to the customer's card", func(t *testing.T) {
		s := newSandboxRig(t, "v3", true, nil)
		ev := collect(t, s.term)
		o, r := s.abnormalRefund(t, 1200)
		got, err := s.term.SettleAbnormalRefund(ctx, card(r.OutRefundNo))
		if err != nil || got.State != pos.RefundProcessing {
			t.Fatalf("%v %+v", err, got)
		}
		s.clk.Advance(2 * time.Minute)
		s.recover()
		if got, _ = s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundSuccess {
			t.Fatalf("after recovery: %s", got.State)
		}
		if left, _ := s.term.Refundable(o.OutTradeNo); left != 5000-1200 {
			t.Fatalf("refundable %d", left)
		}
		if p := ev.path(r.OutRefundNo, 5); strings.Join(p, " ") != "SUBMITTED PROCESSING ABNORMAL PROCESSING SUCCESS" {
			t.Fatalf("path %v", p)
		}
		ev.mu.Lock()
		defer ev.mu.Unlock()
		found := false
		for _, e := range ev.all {
			if strings.Contains(e.Reason, "6222020200112345678") || strings.Contains(e.Reason, "张三") {
				t.Fatalf("the card or the name in the audit trail: %q", e.Reason)
			}
			found = found || (e.Ref == r.OutRefundNo && e.Actor == "manager" && strings.Contains(e.Reason, "ICBC_DEBIT card ending 5678"))
		}
		if !found {
			t.Fatal("no audit event of the manager's settlement")
		}
	})
	t.Run("back to the store", func(t *testing.T) {
		s := newSandboxRig(t, "v3", true, nil)
		_, r := s.abnormalRefund(t, 5000)
		got, err := s.term.SettleAbnormalRefund(ctx, pos.AbnormalSettlement{OutRefundNo: r.OutRefundNo, To: pos.AbnormalToMerchant, Approval: manager})
		if err != nil || got.State != pos.RefundProcessing {
			t.Fatalf("%v %+v", err, got)
		}
		s.clk.Advance(2 * time.Minute)
		s.recover()
		if got, _ = s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundSuccess {
			t.Fatalf("after recovery: %s", got.State)
		}
		checkInvariants(t, s.store, s.env.Sandbox.Ledger())
	})
	t.Run("refused before anything is recorded", func(t *testing.T) {
		s := newSandboxRig(t, "v3", true, nil)
		_, r := s.abnormalRefund(t, 1200)
		bad := []struct {
			name string
			edit func(a *pos.AbnormalSettlement)
			want error
		}{
			{"no destination", func(a *pos.AbnormalSettlement) { a.To = "" }, pos.ErrBadSettlement},
			{"credit card", func(a *pos.AbnormalSettlement) { a.BankType = "CMB_CREDIT" }, pos.ErrBadSettlement},
			{"short card number", func(a *pos.AbnormalSettlement) { a.BankAccount = "62220202" }, pos.ErrBadSettlement},
			{"no name", func(a *pos.AbnormalSettlement) { a.RealName = "" }, pos.ErrBadSettlement},
			{"no approval", func(a *pos.AbnormalSettlement) { a.Approval = pos.Approval{} }, pos.ErrNotAuthorised},
		}
		for _, tc := range bad {
			a := card(r.OutRefundNo)
			tc.edit(&a)
			if _, err := s.term.SettleAbnormalRefund(ctx, a); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		if got, _ := s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundAbnormal {
			t.Fatalf("%s after refusals", got.State)
		}
	})
	t.Run("not abnormal", func(t *testing.T) {
		s := newSandboxRig(t, "v3", true, nil)
		o, err := s.term.PayScan(ctx, sale(1000), gatetest.Code(sandbox.ScenarioSuccess))
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 100, Approval: manager})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.term.SettleAbnormalRefund(ctx, card(r.OutRefundNo)); !errors.Is(err, pos.ErrNotAbnormal) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("WeChat never hears it", func(t *testing.T) {
		s := newSandboxRig(t, "v3", true, nil)
		_, r := s.abnormalRefund(t, 1200)
		s.env.Sandbox.AddFault(sandbox.Fault{Path: "/v3/refund/domestic/refunds/", Drop: sandbox.DropBefore, Count: 1})
		got, err := s.term.SettleAbnormalRefund(ctx, card(r.OutRefundNo))
		if err != nil || got.State != pos.RefundProcessing {
			t.Fatalf("lost request: %v %+v, want PROCESSING (recorded intent)", err, got)
		}
		s.recover()
		if got, _ = s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundAbnormal {
			t.Fatalf("after recovery: %s, want ABNORMAL again", got.State)
		}
		if got, err = s.term.SettleAbnormalRefund(ctx, card(r.OutRefundNo)); err != nil || got.State != pos.RefundProcessing {
			t.Fatalf("second try: %v %+v", err, got)
		}
	})
	t.Run("API v2 cannot", func(t *testing.T) {
		s := newSandboxRig(t, "v2", true, nil)
		_, r := s.abnormalRefund(t, 1200)
		if _, err := s.term.SettleAbnormalRefund(ctx, card(r.OutRefundNo)); !errors.Is(err, pos.ErrAbnormalUnsupported) {
			t.Fatalf("%v", err)
		}
		if got, _ := s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundAbnormal {
			t.Fatalf("%s", got.State)
		}
	})
}
