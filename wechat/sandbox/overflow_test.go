package sandbox_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// Amounts are int32 fen above zero (PROTOCOL A.7 "Int", B.8 "int"). Before,
// "total": 9223372036854775807 was accepted and paid.
func TestV3AmountsOutsideInt32AreRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct {
		name  string
		total json.Number
		msg   string // part of the message
	}{
		{"int64_max", "9223372036854775807", "超出范围"},
		{"int32_max_plus_1", "2147483648", "超出范围"},
		{"negative", "-1", "必须大于0"},
		// Captured answers to 0.01 and 110.00000000000001 (wechatpay-axios-plugin#38,
		// wechatpay-php#43); a number past int64 is no int64 either.
		{"past_int64", "9223372036854775808", "此字段需要一个合法的 64 位有符号整数"},
		{"fraction", "0.01", "此字段需要一个合法的 64 位有符号整数"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/v3/pay/transactions/native", "/v3/pay/transactions/codepay"} {
				b := nativeBody(e, newNo("OV"), 1)
				if strings.HasSuffix(path, "codepay") {
					b = codepayBody(e, newNo("OV"), sandbox.NewCode(sandbox.ScenarioSuccess), 1)
				}
				b["amount"] = map[string]any{"total": tc.total, "currency": "CNY"}
				r := e.v3("POST", path, b)
				if r.status != 400 || r.code(t) != "PARAM_ERROR" || !strings.Contains(jsonField(t, r.body, "message"), tc.msg) ||
					!strings.Contains(jsonField(t, r.body, "message"), "/amount/total") {
					t.Fatalf("%s total %s: %d %s", path, tc.total, r.status, r.body)
				}
			}
		})
	}
	t.Run("int32_max_is_an_amount", func(t *testing.T) {
		if r := e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, newNo("OV"), 2147483647)); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	if n := len(e.sb.Ledger().Orders); n != 1 {
		t.Fatalf("%d orders in the ledger, want only the int32-max one", n)
	}
}

// A refund past what remains never drives refunded_fen negative: before, a
// full refund plus one of 9223372036854775807 fen wrapped the sum round.
func TestRefundsPastTheRemainderLeaveTheOrderAlone(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("OR")
	if r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 1000)); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	v3 := func(rno string, refund, total json.Number) v3Resp {
		return e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": rno,
			"amount": map[string]any{"refund": refund, "total": total, "currency": "CNY"}})
	}
	v2 := func(rno, refund, total string) map[string]string {
		return e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": rno, "refund_fee": refund, "total_fee": total})
	}
	if r := v3("F1", "1000", "1000"); r.status != 200 {
		t.Fatalf("full refund: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		name  string
		check func() bool
	}{
		{"v3_int64_max", func() bool {
			r := v3("F2", "9223372036854775807", "1000")
			return r.status == 400 && r.code(t) == "PARAM_ERROR"
		}},
		{"v3_above_total", func() bool { r := v3("F3", "1005", "1000"); return r.status == 400 && r.code(t) == "PARAM_ERROR" }},
		{"v3_after_full", func() bool { r := v3("F4", "5", "1000"); return r.status == 400 && r.code(t) == "INVALID_REQUEST" }},
		// Captured v2 answers (5ityx.cn/cate109/198585.html, programming.vip "excerpt of
		// wechat payment refund exception"): refund_fee > total_fee is an unsigned
		// return_code=FAIL "invalid refund_fee"; a fully refunded order is ERROR 订单已全额退款.
		{"v2_above_total", func() bool {
			r := v2("F5", "1005", "1000")
			return r["return_code"] == "FAIL" && r["return_msg"] == "invalid refund_fee"
		}},
		{"v2_past_int32", func() bool {
			r := v2("F6", "9999999999", "1000")
			return r["return_code"] == "FAIL" && r["return_msg"] == "invalid refund_fee"
		}},
		{"v2_after_full", func() bool {
			r := v2("F7", "5", "1000")
			return r["err_code"] == "ERROR" && r["err_code_des"] == "订单已全额退款"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.check() {
				t.Fatal("refused with the wrong answer")
			}
			if got := e.order(no).RefundedFen; got != 1000 {
				t.Fatalf("refunded_fen = %d after a refused refund, want 1000", got)
			}
		})
	}
	if n := len(e.sb.Ledger().Refunds); n != 1 {
		t.Fatalf("%d refunds, want 1", n)
	}
}
