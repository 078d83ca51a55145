package pos_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// A refund answered with a signed 429 RATELIMIT_EXCEEDED was not refused:
// its fate is open until it is repeated with the same out_refund_no. Before,
// the client took the 429 for a decline and the refund ended CLOSED
// although nothing said WeChat would not act on it.
func TestSandboxRefundRateLimitedIsNotDeclined(t *testing.T) {
	s := newSandboxRig(t, "v3", true, nil)
	ctx := context.Background()
	o, err := s.term.PayScan(ctx, sale(1000), gatetest.Code(sandbox.ScenarioSuccess))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("%v %+v", err, o)
	}
	if err := s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf("v3", "").refund, Status: http.StatusTooManyRequests}); err != nil {
		t.Fatal(err)
	}
	r, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 400, Reason: "rate limited", Approval: manager})
	if err != nil {
		t.Fatalf("refund behind a 429: %v (reported as refused)", err)
	}
	if r.State != pos.RefundSubmitted {
		t.Fatalf("refund behind a 429: %s, want SUBMITTED (outcome unknown, queued)", r.State)
	}
	s.recover()
	if got, _ := s.term.RefundRecord(r.OutRefundNo); got.State != pos.RefundSuccess {
		t.Fatalf("after recovery the refund is %s, want SUCCESS", got.State)
	}
	checkInvariants(t, s.store, s.env.Sandbox.Ledger())
}
