package sandbox_test

import (
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

func TestV3Refusals(t *testing.T) {
	e := newEnv(t, nil)
	paidNo := newNo("CP")
	paidCode := sandbox.NewCode(sandbox.ScenarioSuccess)
	if r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, paidNo, paidCode, 100)); r.status != 200 {
		t.Fatal(r.status)
	}
	nativeNo := newNo("NT")
	e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, nativeNo, 100))
	reverse := map[string]string{"appid": e.creds.AppID, "mchid": e.creds.MchID}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"codepay_code_used", "POST", "/v3/pay/transactions/codepay", codepayBody(e, newNo("CP"), paidCode, 100), 400, "AUTH_CODE_ERROR"},
		{"codepay_not_wechat_code", "POST", "/v3/pay/transactions/codepay", codepayBody(e, newNo("CP"), "620000000000000000", 100), 400, "AUTH_CODE_INVALID"},
		{"codepay_retry_paid", "POST", "/v3/pay/transactions/codepay", codepayBody(e, paidNo, paidCode, 100), 400, "ORDERPAID"},
		{"codepay_reuse_other_amount", "POST", "/v3/pay/transactions/codepay", codepayBody(e, paidNo, paidCode, 200), 403, "OUT_TRADE_NO_USED"},
		{"native_reuses_codepay_no", "POST", "/v3/pay/transactions/native", nativeBody(e, paidNo, 100), 403, "OUT_TRADE_NO_USED"},
		{"reverse_native", "POST", "/v3/pay/transactions/out-trade-no/" + nativeNo + "/reverse", reverse, 400, "INVALID_REQUEST"},
		{"reverse_unknown", "POST", "/v3/pay/transactions/out-trade-no/NOPE1234/reverse", reverse, 404, "ORDER_NOT_EXIST"},
		{"reverse_missing_appid", "POST", "/v3/pay/transactions/out-trade-no/" + paidNo + "/reverse", map[string]string{"mchid": e.creds.MchID}, 400, "PARAM_ERROR"},
		{"close_wrong_mchid", "POST", "/v3/pay/transactions/out-trade-no/" + nativeNo + "/close", map[string]string{"mchid": "1900000009"}, 400, "MCH_NOT_EXISTS"},
		{"query_wrong_mchid", "GET", "/v3/pay/transactions/out-trade-no/" + nativeNo + "?mchid=1900000009", nil, 400, "MCH_NOT_EXISTS"},
		{"query_id_unpaid", "GET", "/v3/pay/transactions/id/4200000000000000000000000000?mchid=" + e.creds.MchID, nil, 404, "ORDER_NOT_EXIST"},
		{"refund_unpaid", "POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": nativeNo, "out_refund_no": "X1", "amount": map[string]any{"refund": 1, "total": 100, "currency": "CNY"}}, 404, "RESOURCE_NOT_EXISTS"}, // issue #19: the real service answers 404 for an unpaid order
		{"tradebill_no_date", "GET", "/v3/bill/tradebill", nil, 400, "PARAM_ERROR"},
		{"tradebill_bad_date", "GET", "/v3/bill/tradebill?bill_date=20260310", nil, 400, "PARAM_ERROR"},
		{"tradebill_bad_tar", "GET", "/v3/bill/tradebill?bill_date=2026-03-09&tar_type=ZIP", nil, 400, "PARAM_ERROR"},
		{"tradebill_bad_type", "GET", "/v3/bill/tradebill?bill_date=2026-03-09&bill_type=NOPE", nil, 400, "PARAM_ERROR"},
		{"billfile_unknown_token", "GET", "/v3/billdownload/file?token=nope", nil, 400, "INVALID_REQUEST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.v3(tc.method, tc.path, tc.body)
			if r.status != tc.status || r.code(t) != tc.code {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("refund_same_out_refund_no_idempotent", func(t *testing.T) {
		body := map[string]any{"transaction_id": e.order(paidNo).TransactionID, "out_refund_no": "IDEM1", "amount": map[string]any{"refund": 10, "total": 100, "currency": "CNY"}}
		a := e.v3("POST", "/v3/refund/domestic/refunds", body)
		b := e.v3("POST", "/v3/refund/domestic/refunds", body)
		if a.status != 200 || b.status != 200 || jsonField(t, a.body, "refund_id") != jsonField(t, b.body, "refund_id") || e.order(paidNo).RefundedFen != 10 {
			t.Fatalf("%s / %s", a.body, b.body)
		}
	})
}

func TestV3NativeTimeExpire(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("NT")
	b := nativeBody(e, no, 100)
	b["time_expire"] = start.Add(15 * time.Minute).Format(time.RFC3339)
	r := e.v3("POST", "/v3/pay/transactions/native", b)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e.sb.Advance(14 * time.Minute)
	if _, q := e.v3Query(no); q.TradeState != "NOTPAY" {
		t.Fatal(q)
	}
	e.sb.Advance(time.Minute)
	if _, q := e.v3Query(no); q.TradeState != "CLOSED" {
		t.Fatal(q)
	}
	if err := e.sb.PayNative(jsonField(t, r.body, "code_url")); err == nil {
		t.Fatal("paid an expired order")
	}
	short := nativeBody(e, newNo("NT"), 100)
	short["time_expire"] = start.Add(time.Minute).Format(time.RFC3339)
	if r := e.v3("POST", "/v3/pay/transactions/native", short); r.status != 400 || r.code(t) != "PARAM_ERROR" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
