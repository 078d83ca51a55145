package sandbox_test

import (
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func TestV2MicropayScenarios(t *testing.T) {
	tests := []struct {
		name       string
		sc         sandbox.Scenario
		fen        int64
		errCode    string // "" = paid at once
		afterQuery string // trade_state right after the call
		advance    time.Duration
		finalState string
	}{
		{"success", sandbox.ScenarioSuccess, 1234, "", "SUCCESS", 0, "SUCCESS"},
		{"userpaying_success", sandbox.ScenarioUserPayingSuccess, 500, "USERPAYING", "USERPAYING", 6 * time.Second, "SUCCESS"},
		{"userpaying_timeout", sandbox.ScenarioUserPayingTimeout, 500, "USERPAYING", "USERPAYING", time.Minute, "USERPAYING"},
		{"userpaying_timeout_fails_later", sandbox.ScenarioUserPayingTimeout, 500, "USERPAYING", "USERPAYING", 3 * time.Minute, "PAYERROR"},
		{"notenough", sandbox.ScenarioNotEnough, 500, "NOTENOUGH", "PAYERROR", 0, "PAYERROR"},
		{"system_error_then_success", sandbox.ScenarioSystemErrorThenSuccess, 500, "SYSTEMERROR", "SUCCESS", 0, "SUCCESS"},
		{"over_1000_cny_asks_password", sandbox.ScenarioSuccess, 100001, "USERPAYING", "USERPAYING", 5 * time.Second, "SUCCESS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("MP")
			code := sandbox.NewCode(tc.sc)
			r := e.v2("/pay/micropay", micropayParams(no, code, tc.fen))
			if r["return_code"] != "SUCCESS" {
				t.Fatalf("return_code %v", r)
			}
			if tc.errCode == "" {
				if r["result_code"] != "SUCCESS" || r["transaction_id"] == "" || r["total_fee"] != "1234" || r["trade_type"] != "MICROPAY" || r["time_end"] != "20260310110000" {
					t.Fatalf("want paid, got %v", r)
				}
			} else if r["result_code"] != "FAIL" || r["err_code"] != tc.errCode {
				t.Fatalf("want err_code %s, got %v", tc.errCode, r)
			}
			q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no})
			if q["trade_state"] != tc.afterQuery {
				t.Fatalf("trade_state after call = %q, want %q (%v)", q["trade_state"], tc.afterQuery, q)
			}
			e.sb.Advance(tc.advance)
			q = e.v2("/pay/orderquery", map[string]string{"out_trade_no": no, "sign_type": "HMAC-SHA256"})
			if q["trade_state"] != tc.finalState {
				t.Fatalf("final trade_state = %q, want %q", q["trade_state"], tc.finalState)
			}
			if tc.finalState == "SUCCESS" && (q["transaction_id"] == "" || q["openid"] == "" || q["time_end"] == "") {
				t.Fatalf("paid order lacks fields: %v", q)
			}
			if got := e.order(no).AuthCodeLast4; got != code[14:] {
				t.Fatalf("ledger auth_code_last4 = %q", got)
			}
		})
	}
}

func TestV2MicropayRefusals(t *testing.T) {
	e := newEnv(t, nil)
	paidCode := sandbox.NewCode(sandbox.ScenarioSuccess)
	paidNo := newNo("MP")
	if r := e.v2("/pay/micropay", micropayParams(paidNo, paidCode, 100)); r["result_code"] != "SUCCESS" {
		t.Fatal(r)
	}
	tests := []struct {
		name   string
		params map[string]string
		want   string
	}{
		{"code_already_used", micropayParams(newNo("MP"), paidCode, 100), "AUTH_CODE_ERROR"},
		{"not_a_wechat_code", micropayParams(newNo("MP"), "280000000000000000", 100), "AUTH_CODE_INVALID"},
		{"short_code", micropayParams(newNo("MP"), "13000112345", 100), "AUTH_CODE_INVALID"},
		{"expired_code", micropayParams(newNo("MP"), sandbox.NewCode(sandbox.ScenarioAuthCodeExpired), 100), "AUTHCODEEXPIRE"},
		{"same_order_retried", micropayParams(paidNo, paidCode, 100), "ORDERPAID"},
		{"same_order_other_amount", micropayParams(paidNo, paidCode, 101), "OUT_TRADE_NO_USED"},
		{"same_order_other_code", micropayParams(paidNo, sandbox.NewCode(sandbox.ScenarioSuccess), 100), "OUT_TRADE_NO_USED"},
		{"zero_amount", micropayParams(newNo("MP"), sandbox.NewCode(sandbox.ScenarioSuccess), 0), "PARAM_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.v2("/pay/micropay", tc.params)
			if r["return_code"] != "SUCCESS" || r["result_code"] != "FAIL" || r["err_code"] != tc.want || r["err_code_des"] == "" {
				t.Fatalf("want %s, got %v", tc.want, r)
			}
		})
	}
	t.Run("declined_order_retried", func(t *testing.T) {
		no, code := newNo("MP"), sandbox.NewCode(sandbox.ScenarioNotEnough)
		for range 2 {
			if r := e.v2("/pay/micropay", micropayParams(no, code, 100)); r["err_code"] != "NOTENOUGH" {
				t.Fatal(r)
			}
		}
		// The code was not spent: a new order may use it (and is declined again).
		if r := e.v2("/pay/micropay", micropayParams(newNo("MP"), code, 100)); r["err_code"] != "NOTENOUGH" {
			t.Fatal(r)
		}
	})
	t.Run("waiting_order_retried", func(t *testing.T) {
		no, code := newNo("MP"), sandbox.NewCode(sandbox.ScenarioUserPayingTimeout)
		for range 2 {
			if r := e.v2("/pay/micropay", micropayParams(no, code, 100)); r["err_code"] != "USERPAYING" {
				t.Fatal(r)
			}
		}
	})
	t.Run("expired_code_creates_no_order", func(t *testing.T) {
		no := newNo("MP")
		e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioAuthCodeExpired), 100))
		q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no})
		if q["err_code"] != "ORDERNOTEXIST" {
			t.Fatal(q)
		}
	})
}

func TestV2Reverse(t *testing.T) {
	tests := []struct {
		name    string
		sc      sandbox.Scenario
		advance time.Duration
		want    string // err_code or "" for success
	}{
		{"paid_order_is_refunded", sandbox.ScenarioSuccess, 0, ""},
		{"waiting_for_password", sandbox.ScenarioUserPayingTimeout, 30 * time.Second, ""},
		{"declined_order", sandbox.ScenarioNotEnough, 0, ""},
		{"past_7_days", sandbox.ScenarioSuccess, 8 * 24 * time.Hour, "REVERSE_EXPIRE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("RV")
			e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(tc.sc), 300))
			e.sb.Advance(tc.advance)
			r := e.v2("/secapi/pay/reverse", map[string]string{"out_trade_no": no})
			if r["recall"] != "N" {
				t.Fatalf("recall: %v", r)
			}
			if tc.want != "" {
				if r["err_code"] != tc.want {
					t.Fatalf("want %s: %v", tc.want, r)
				}
				return
			}
			if r["result_code"] != "SUCCESS" {
				t.Fatal(r)
			}
			if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["trade_state"] != "REVOKED" {
				t.Fatal(q)
			}
			// Idempotent: a second reverse succeeds with recall=N.
			if r := e.v2("/secapi/pay/reverse", map[string]string{"out_trade_no": no}); r["result_code"] != "SUCCESS" {
				t.Fatal(r)
			}
			// A reversed order cannot be paid again with the same out_trade_no.
			if r := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(tc.sc), 300)); r["err_code"] != "OUT_TRADE_NO_USED" {
				t.Fatal(r)
			}
		})
	}
	t.Run("native_order", func(t *testing.T) {
		e := newEnv(t, nil)
		no := newNo("NT")
		e.v2("/pay/unifiedorder", nativeParams(no, 100))
		if r := e.v2("/secapi/pay/reverse", map[string]string{"out_trade_no": no}); r["err_code"] != "INVALID_REQUEST" {
			t.Fatal(r)
		}
	})
	t.Run("unknown_order", func(t *testing.T) {
		e := newEnv(t, nil)
		if r := e.v2("/secapi/pay/reverse", map[string]string{"out_trade_no": "NOPE123"}); r["err_code"] != "ORDERNOTEXIST" {
			t.Fatal(r)
		}
	})
}

func TestV2NativeLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("NT")
	r := e.v2("/pay/unifiedorder", nativeParams(no, 880))
	if r["result_code"] != "SUCCESS" || r["trade_type"] != "NATIVE" || r["prepay_id"] == "" || len(r["code_url"]) < 30 {
		t.Fatal(r)
	}
	t.Run("reentry_same_params_same_code_url", func(t *testing.T) {
		r2 := e.v2("/pay/unifiedorder", nativeParams(no, 880))
		if r2["code_url"] != r["code_url"] {
			t.Fatal(r2)
		}
	})
	t.Run("reuse_other_amount", func(t *testing.T) {
		if r2 := e.v2("/pay/unifiedorder", nativeParams(no, 881)); r2["err_code"] != "OUT_TRADE_NO_USED" {
			t.Fatal(r2)
		}
	})
	t.Run("notpay_before_scan", func(t *testing.T) {
		q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no})
		if q["trade_state"] != "NOTPAY" || q["transaction_id"] != "" {
			t.Fatal(q)
		}
	})
	t.Run("customer_pays", func(t *testing.T) {
		var out map[string]string
		if st := e.control("POST", "/sandbox/native/pay", map[string]string{"code_url": r["code_url"]}, &out); st != 200 || out["trade_state"] != "SUCCESS" {
			t.Fatal(st, out)
		}
		q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no})
		if q["trade_state"] != "SUCCESS" || q["transaction_id"] != out["transaction_id"] || q["trade_type"] != "NATIVE" {
			t.Fatal(q)
		}
		if st := e.control("POST", "/sandbox/native/pay", map[string]string{"code_url": r["code_url"]}, nil); st != 409 {
			t.Fatal("second payment:", st)
		}
		if st := e.control("POST", "/sandbox/native/pay", map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=nope"}, nil); st != 404 {
			t.Fatal("unknown code_url:", st)
		}
	})
	t.Run("close_paid", func(t *testing.T) {
		if c := e.v2("/pay/closeorder", map[string]string{"out_trade_no": no}); c["err_code"] != "ORDERPAID" {
			t.Fatal(c)
		}
	})
	t.Run("query_by_transaction_id", func(t *testing.T) {
		tx := e.order(no).TransactionID
		if q := e.v2("/pay/orderquery", map[string]string{"transaction_id": tx}); q["out_trade_no"] != no {
			t.Fatal(q)
		}
	})
}

func TestV2NativeCloseAndExpiry(t *testing.T) {
	tests := []struct {
		name    string
		params  func(no string) map[string]string
		advance time.Duration
		close   bool
		want    string
	}{
		{"close", func(no string) map[string]string { return nativeParams(no, 100) }, 0, true, "CLOSED"},
		{"default_expiry_2h", func(no string) map[string]string { return nativeParams(no, 100) }, 2 * time.Hour, false, "CLOSED"},
		{"still_open_before_2h", func(no string) map[string]string { return nativeParams(no, 100) }, 119 * time.Minute, false, "NOTPAY"},
		{"time_expire_10min", func(no string) map[string]string {
			p := nativeParams(no, 100)
			p["time_expire"] = start.Add(10 * time.Minute).Format("20060102150405")
			return p
		}, 10 * time.Minute, false, "CLOSED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("NT")
			r := e.v2("/pay/unifiedorder", tc.params(no))
			if r["result_code"] != "SUCCESS" {
				t.Fatal(r)
			}
			e.sb.Advance(tc.advance)
			if tc.close {
				if c := e.v2("/pay/closeorder", map[string]string{"out_trade_no": no}); c["result_code"] != "SUCCESS" {
					t.Fatal(c)
				}
				if c := e.v2("/pay/closeorder", map[string]string{"out_trade_no": no}); c["err_code"] != "ORDERCLOSED" {
					t.Fatal(c)
				}
			}
			if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["trade_state"] != tc.want {
				t.Fatal(q)
			}
			if tc.want == "CLOSED" {
				if err := e.sb.PayNative(r["code_url"]); err == nil {
					t.Fatal("paid a closed order")
				}
				if r2 := e.v2("/pay/unifiedorder", tc.params(no)); r2["err_code"] != "ORDERCLOSED" {
					t.Fatal(r2)
				}
			}
		})
	}
	t.Run("time_expire_too_short", func(t *testing.T) {
		e := newEnv(t, nil)
		p := nativeParams(newNo("NT"), 100)
		p["time_expire"] = start.Add(4 * time.Minute).Format("20060102150405")
		if r := e.v2("/pay/unifiedorder", p); r["err_code"] != "PARAM_ERROR" {
			t.Fatal(r)
		}
	})
	t.Run("close_unknown", func(t *testing.T) {
		e := newEnv(t, nil)
		if r := e.v2("/pay/closeorder", map[string]string{"out_trade_no": "NOPE1234"}); r["err_code"] != "ORDERNOTEXIST" {
			t.Fatal(r)
		}
	})
	t.Run("close_min_age", func(t *testing.T) {
		e := newEnv(t, func(o *sandbox.Options) { o.CloseMinAge = 5 * time.Minute })
		no := newNo("NT")
		e.v2("/pay/unifiedorder", nativeParams(no, 100))
		if r := e.v2("/pay/closeorder", map[string]string{"out_trade_no": no}); r["result_code"] != "SUCCESS" {
			t.Fatal(r)
		}
		if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["trade_state"] != "NOTPAY" {
			t.Fatal("early close took effect:", q)
		}
	})
}

func TestV2Refunds(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("RF")
	pay := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 1000))
	refund := func(rno string, fee, total string) map[string]string {
		return e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": rno, "total_fee": total, "refund_fee": fee})
	}
	r1 := refund("R1", "300", "1000")
	if r1["result_code"] != "SUCCESS" || r1["refund_id"] == "" || r1["refund_fee"] != "300" || r1["transaction_id"] != pay["transaction_id"] {
		t.Fatal(r1)
	}
	t.Run("same_out_refund_no_is_idempotent", func(t *testing.T) {
		again := refund("R1", "300", "1000")
		if again["refund_id"] != r1["refund_id"] {
			t.Fatal(again)
		}
		if got := e.order(no).RefundedFen; got != 300 {
			t.Fatalf("refunded_fen = %d", got)
		}
	})
	t.Run("same_out_refund_no_other_amount", func(t *testing.T) {
		if r := refund("R1", "301", "1000"); r["err_code"] != "REFUND_FEE_MISMATCH" {
			t.Fatal(r)
		}
	})
	t.Run("total_mismatch", func(t *testing.T) {
		if r := refund("R2", "100", "999"); r["err_code"] != "PARAM_ERROR" {
			t.Fatal(r)
		}
	})
	t.Run("exceeds_remaining", func(t *testing.T) {
		if r := refund("R3", "701", "1000"); r["err_code"] != "INVALID_REQUEST" || r["err_code_des"] != "refund_fee大于可退金额" {
			t.Fatal(r)
		}
	})
	t.Run("trade_state_refund", func(t *testing.T) {
		if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["trade_state"] != "REFUND" {
			t.Fatal(q)
		}
	})
	t.Run("processing_then_success", func(t *testing.T) {
		q := e.v2("/pay/refundquery", map[string]string{"out_refund_no": "R1"})
		if q["refund_status_0"] != "PROCESSING" || q["refund_count"] != "1" || q["refund_fee_0"] != "300" {
			t.Fatal(q)
		}
		e.sb.Advance(time.Minute)
		q = e.v2("/pay/refundquery", map[string]string{"out_trade_no": no})
		if q["refund_status_0"] != "SUCCESS" || q["refund_success_time_0"] != "2026-03-10 11:01:00" {
			t.Fatal(q)
		}
	})
	t.Run("remaining_exactly", func(t *testing.T) {
		if r := refund("R4", "700", "1000"); r["result_code"] != "SUCCESS" {
			t.Fatal(r)
		}
		if r := refund("R5", "1", "1000"); r["err_code"] != "ERROR" || r["err_code_des"] != "订单已全额退款" {
			t.Fatal(r)
		}
		q := e.v2("/pay/refundquery", map[string]string{"transaction_id": pay["transaction_id"]})
		if q["refund_count"] != "2" || q["out_refund_no_1"] != "R4" {
			t.Fatal(q)
		}
	})
	t.Run("unknown_refund", func(t *testing.T) {
		if q := e.v2("/pay/refundquery", map[string]string{"out_refund_no": "NOPE"}); q["err_code"] != "REFUNDNOTEXIST" {
			t.Fatal(q)
		}
	})
	t.Run("unpaid_order", func(t *testing.T) {
		nno := newNo("NT")
		e.v2("/pay/unifiedorder", nativeParams(nno, 100))
		r := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": nno, "out_refund_no": "R9", "total_fee": "100", "refund_fee": "100"})
		if r["result_code"] != "FAIL" || r["err_code"] == "" {
			t.Fatal(r)
		}
	})
	t.Run("unknown_order", func(t *testing.T) {
		r := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": "NOPE123", "out_refund_no": "R9", "total_fee": "100", "refund_fee": "100"})
		if r["err_code"] != "ORDERNOTEXIST" {
			t.Fatal(r)
		}
	})
}

func TestV2FiftyRefundLimit(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.RefundDelay, o.RefundSpacing = -1, -1 })
	no := newNo("RF")
	e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	for i := range 50 {
		r := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": "L" + string(rune('A'+i/26)) + string(rune('A'+i%26)), "total_fee": "100", "refund_fee": "1"})
		if r["result_code"] != "SUCCESS" {
			t.Fatalf("refund %d: %v", i, r)
		}
	}
	r := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": "L51", "total_fee": "100", "refund_fee": "1"})
	if r["result_code"] != "FAIL" || r["err_code"] != "ERROR" {
		t.Fatal(r)
	}
	q := e.v2("/pay/refundquery", map[string]string{"out_trade_no": no, "offset": "40"})
	if q["total_refund_count"] != "50" || q["refund_count"] != "10" || q["out_refund_no_0"] != "LBO" || q["refund_status_0"] != "SUCCESS" {
		t.Fatal(q)
	}
}

func TestV2SignTypeEcho(t *testing.T) {
	for _, st := range []wechat.SignType{wechat.SignMD5, wechat.SignHMACSHA256} {
		t.Run(string(st), func(t *testing.T) {
			e := newEnv(t, nil)
			p := micropayParams(newNo("ST"), sandbox.NewCode(sandbox.ScenarioSuccess), 1)
			p["sign_type"] = string(st)
			// e.v2 verifies the answer with the request's algorithm.
			if r := e.v2("/pay/micropay", p); r["result_code"] != "SUCCESS" {
				t.Fatal(r)
			}
		})
	}
}
