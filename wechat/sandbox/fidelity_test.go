package sandbox_test

import (
	"net/http"
	"regexp"
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

// v2 downloadbill names bill_type as required (the v2 bill document); the
// sandbox used to default it to ALL.
func TestV2DownloadBillWithoutBillType(t *testing.T) {
	e := newEnv(t, nil)
	m := e.v2("/pay/downloadbill", map[string]string{"bill_date": "20260309"})
	if m["return_code"] != "FAIL" || m["return_msg"] != "缺少参数bill_type" {
		t.Fatal(m)
	}
}

// A v3 notification carries Wechatpay-Signature-Type and a 36-character
// UUID id, as captured notifications do (issue #19).
func TestV3NotificationHeadersAndID(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, 0, true)
	b := nativeBody(e, newNo("NH"), 100)
	b["notify_url"] = rc.srv.URL + "/pay"
	r := e.v3("POST", "/v3/pay/transactions/native", b)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if err := e.sb.PayNative(jsonField(t, r.body, "code_url")); err != nil {
		t.Fatal(err)
	}
	if n := deliver(t, e.sb); n != 1 {
		t.Fatalf("%d delivered", n)
	}
	got := rc.last(t)
	if st := got.header.Get("Wechatpay-Signature-Type"); st != "WECHATPAY2-SHA256-RSA2048" {
		t.Fatalf("Wechatpay-Signature-Type %q", st)
	}
	if id := jsonField(t, got.body, "id"); !uuidRE.MatchString(id) {
		t.Fatalf("id %q is not a 36-character UUID", id)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
