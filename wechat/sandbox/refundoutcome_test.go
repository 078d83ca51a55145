package sandbox_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

func TestRefundOutcomes(t *testing.T) {
	tests := []struct {
		outcome   string
		v2Status  string
		refunded  int64 // refundable balance used after the outcome
		hasSucced bool
	}{
		{"SUCCESS", "SUCCESS", 300, true},
		{"CLOSED", "REFUNDCLOSE", 0, false},
		{"ABNORMAL", "CHANGE", 300, false},
	}
	for _, tc := range tests {
		t.Run(tc.outcome, func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("RO")
			e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 1000))
			e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "RO1",
				"amount": map[string]any{"refund": 300, "total": 1000, "currency": "CNY"}})
			var out map[string]string
			if st := e.control("POST", "/sandbox/refund/outcome", map[string]string{"out_refund_no": "RO1", "status": tc.outcome}, &out); st != 200 {
				t.Fatal(st, out)
			}
			e.sb.Advance(time.Minute)
			r := e.v3("GET", "/v3/refund/domestic/refunds/RO1", nil)
			if got := jsonField(t, r.body, "status"); got != tc.outcome {
				t.Fatalf("v3 status %q", got)
			}
			if (jsonField(t, r.body, "success_time") != "") != tc.hasSucced {
				t.Fatalf("success_time: %s", r.body)
			}
			q := e.v2("/pay/refundquery", map[string]string{"out_refund_no": "RO1"})
			if q["refund_status_0"] != tc.v2Status {
				t.Fatal(q)
			}
			if got := e.order(no).RefundedFen; got != tc.refunded {
				t.Fatalf("refunded_fen %d", got)
			}
			if err := e.sb.SetRefundOutcome("RO1", "SUCCESS"); !errors.Is(err, sandbox.ErrRefundNotProcessing) {
				t.Fatalf("finished refund changed: %v", err)
			}
		})
	}
	t.Run("bad_requests", func(t *testing.T) {
		e := newEnv(t, nil)
		if st := e.control("POST", "/sandbox/refund/outcome", map[string]string{"out_refund_no": "NOPE", "status": "CLOSED"}, nil); st != 409 {
			t.Fatal(st)
		}
		if st := e.control("POST", "/sandbox/refund/outcome", map[string]string{"out_refund_no": "NOPE", "status": "LOST"}, nil); st != 400 {
			t.Fatal(st)
		}
	})
}
