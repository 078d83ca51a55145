package sandbox_test

import (
	"net/http"
	"testing"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// An injected 429 on a v3 path answers the generic rate limit, signed:
// RATELIMIT_EXCEEDED (issue #19; the v3 general error table), not the
// SYSTEM_ERROR of an injected 5xx.
func TestFault429IsRateLimitExceeded(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.sb.AddFault(sandbox.Fault{Path: "/v3/refund/domestic/refunds", Status: http.StatusTooManyRequests}); err != nil {
		t.Fatal(err)
	}
	r := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": "NOPE123", "out_refund_no": "RL1",
		"amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}})
	if r.status != http.StatusTooManyRequests || r.code(t) != "RATELIMIT_EXCEEDED" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
