package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func codepayBody(e *env, no, code string, fen int64) map[string]any {
	return map[string]any{
		"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "门店-商品", "out_trade_no": no,
		"payer":      map[string]string{"auth_code": code},
		"amount":     map[string]any{"total": fen, "currency": "CNY"},
		"scene_info": map[string]any{"device_ip": "10.0.0.8", "device_id": "POS01"},
	}
}

func nativeBody(e *env, no string, fen int64) map[string]any {
	return map[string]any{
		"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "门店-扫码", "out_trade_no": no,
		"notify_url": "https://example.com/notify", "amount": map[string]any{"total": fen, "currency": "CNY"},
	}
}

type tx struct {
	OutTradeNo     string `json:"out_trade_no"`
	TransactionID  string `json:"transaction_id"`
	TradeType      string `json:"trade_type"`
	TradeState     string `json:"trade_state"`
	TradeStateDesc string `json:"trade_state_desc"`
	SuccessTime    string `json:"success_time"`
	Payer          *struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
	Amount struct {
		Total      int64  `json:"total"`
		PayerTotal *int64 `json:"payer_total"`
		Currency   string `json:"currency"`
	} `json:"amount"`
}

func (e *env) v3Query(no string) (int, tx) {
	e.t.Helper()
	r := e.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil)
	var out tx
	if r.status == 200 {
		r.decode(e.t, &out)
	}
	return r.status, out
}

func TestV3Codepay(t *testing.T) {
	tests := []struct {
		name     string
		sc       sandbox.Scenario
		status   int
		code     string
		advance  time.Duration
		final    string
		reversed bool
	}{
		{"success", sandbox.ScenarioSuccess, 200, "", 0, "SUCCESS", false},
		{"userpaying_success", sandbox.ScenarioUserPayingSuccess, 202, "USERPAYING", 5 * time.Second, "SUCCESS", false},
		{"userpaying_timeout_reversed", sandbox.ScenarioUserPayingTimeout, 202, "USERPAYING", 30 * time.Second, "REVOKED", true},
		{"notenough", sandbox.ScenarioNotEnough, 403, "NOT_ENOUGH", 0, "PAYERROR", false},
		{"authcode_expired", sandbox.ScenarioAuthCodeExpired, 400, "AUTHCODEEXPIRE", 0, "", false},
		{"system_error_then_success", sandbox.ScenarioSystemErrorThenSuccess, 500, "SYSTEM_ERROR", 0, "SUCCESS", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("CP")
			r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(tc.sc), 2500))
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.code != "" && r.code(t) != tc.code {
				t.Fatalf("code: %s", r.body)
			}
			if tc.status == 200 {
				var got tx
				r.decode(t, &got)
				if got.TradeState != "SUCCESS" || got.TradeType != "MICROPAY" || got.TransactionID == "" || got.Amount.Total != 2500 ||
					got.SuccessTime != "2026-03-10T11:00:00+08:00" || got.Payer == nil || got.Payer.OpenID == "" {
					t.Fatalf("transaction: %s", r.body)
				}
			}
			e.sb.Advance(tc.advance)
			if tc.reversed {
				rv := e.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/reverse", map[string]string{"appid": e.creds.AppID, "mchid": e.creds.MchID})
				if rv.status != 200 {
					t.Fatalf("reverse: %d %s", rv.status, rv.body)
				}
			}
			st, q := e.v3Query(no)
			if tc.final == "" {
				if st != 404 {
					t.Fatalf("want 404, got %d", st)
				}
				return
			}
			if st != 200 || q.TradeState != tc.final {
				t.Fatalf("query %d %+v", st, q)
			}
		})
	}
}

func TestV3NativeLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("NT")
	r := e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, no, 990))
	var created struct {
		CodeURL string `json:"code_url"`
	}
	r.decode(t, &created)
	if r.status != 200 || created.CodeURL == "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if st, q := e.v3Query(no); st != 200 || q.TradeState != "NOTPAY" || q.TransactionID != "" || q.Payer != nil {
		t.Fatalf("%d %+v", st, q)
	}
	if r := e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, no, 991)); r.status != 403 || r.code(t) != "OUT_TRADE_NO_USED" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if err := e.sb.PayNative(created.CodeURL); err != nil {
		t.Fatal(err)
	}
	st, q := e.v3Query(no)
	if st != 200 || q.TradeState != "SUCCESS" || q.TransactionID == "" || q.Amount.PayerTotal == nil || *q.Amount.PayerTotal != 990 {
		t.Fatalf("%d %+v", st, q)
	}
	t.Run("query_by_id", func(t *testing.T) {
		r := e.v3("GET", "/v3/pay/transactions/id/"+q.TransactionID+"?mchid="+e.creds.MchID, nil)
		var got tx
		r.decode(t, &got)
		if r.status != 200 || got.OutTradeNo != no {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("close_paid", func(t *testing.T) {
		r := e.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/close", map[string]string{"mchid": e.creds.MchID})
		if r.status != 400 || r.code(t) != "ORDERPAID" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("v2_sees_v3_order", func(t *testing.T) {
		if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["trade_state"] != "SUCCESS" || q["transaction_id"] == "" {
			t.Fatal(q)
		}
	})
}

func TestV3CloseAndUnknown(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("NT")
	e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, no, 100))
	r := e.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/close", map[string]string{"mchid": e.creds.MchID})
	if r.status != 204 || len(r.body) != 0 || r.header.Get("Wechatpay-Signature") == "" {
		t.Fatalf("%d %q", r.status, r.body)
	}
	if r := e.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/close", map[string]string{"mchid": e.creds.MchID}); r.status != 204 {
		t.Fatalf("second close %d", r.status)
	}
	if st, q := e.v3Query(no); st != 200 || q.TradeState != "CLOSED" {
		t.Fatal(st, q)
	}
	if r := e.v3("GET", "/v3/pay/transactions/out-trade-no/NOPE123?mchid="+e.creds.MchID, nil); r.status != 404 || r.code(t) != "ORDER_NOT_EXIST" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := e.v3("POST", "/v3/pay/transactions/out-trade-no/NOPE123/close", map[string]string{"mchid": e.creds.MchID}); r.status != 404 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := e.v3("GET", "/v3/pay/transactions/out-trade-no/"+no, nil); r.status != 400 || r.code(t) != "PARAM_ERROR" {
		t.Fatalf("missing mchid: %d %s", r.status, r.body)
	}
}

type v3RefundOut struct {
	RefundID    string `json:"refund_id"`
	OutRefundNo string `json:"out_refund_no"`
	Status      string `json:"status"`
	SuccessTime string `json:"success_time"`
	CreateTime  string `json:"create_time"`
	Amount      struct {
		Refund int64 `json:"refund"`
		Total  int64 `json:"total"`
	} `json:"amount"`
}

func TestV3Refunds(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("CP")
	if r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 1000)); r.status != 200 {
		t.Fatal(r.status)
	}
	body := func(rno string, refund, total int64) map[string]any {
		return map[string]any{"out_trade_no": no, "out_refund_no": rno, "amount": map[string]any{"refund": refund, "total": total, "currency": "CNY"}}
	}
	r := e.v3("POST", "/v3/refund/domestic/refunds", body("VR1", 400, 1000))
	var got v3RefundOut
	r.decode(t, &got)
	if r.status != 200 || got.Status != "PROCESSING" || got.RefundID == "" || got.Amount.Refund != 400 || got.SuccessTime != "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"exceeds", body("VR2", 601, 1000), 400, "INVALID_REQUEST"},
		{"total_mismatch", body("VR3", 1, 999), 400, "PARAM_ERROR"},
		{"zero", body("VR4", 0, 1000), 400, "PARAM_ERROR"},
		{"unknown_order", map[string]any{"out_trade_no": "NOPE123", "out_refund_no": "VR5", "amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}}, 404, "RESOURCE_NOT_EXISTS"},
		{"no_currency", map[string]any{"out_trade_no": no, "out_refund_no": "VR6", "amount": map[string]any{"refund": 1, "total": 1000}}, 400, "PARAM_ERROR"},
		{"no_order_key", map[string]any{"out_refund_no": "VR7", "amount": map[string]any{"refund": 1, "total": 1000, "currency": "CNY"}}, 400, "PARAM_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.v3("POST", "/v3/refund/domestic/refunds", tc.body)
			if r.status != tc.status || r.code(t) != tc.code {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("query_processing_then_success", func(t *testing.T) {
		r := e.v3("GET", "/v3/refund/domestic/refunds/VR1", nil)
		var q v3RefundOut
		r.decode(t, &q)
		if q.Status != "PROCESSING" {
			t.Fatal(string(r.body))
		}
		e.sb.Advance(59 * time.Second)
		r = e.v3("GET", "/v3/refund/domestic/refunds/VR1", nil)
		r.decode(t, &q)
		if q.Status != "PROCESSING" {
			t.Fatal("completed early:", string(r.body))
		}
		e.sb.Advance(time.Second)
		r = e.v3("GET", "/v3/refund/domestic/refunds/VR1", nil)
		r.decode(t, &q)
		if q.Status != "SUCCESS" || q.SuccessTime != "2026-03-10T11:01:00+08:00" {
			t.Fatal(string(r.body))
		}
	})
	t.Run("unknown_refund", func(t *testing.T) {
		if r := e.v3("GET", "/v3/refund/domestic/refunds/NOPE", nil); r.status != 404 || r.code(t) != "RESOURCE_NOT_EXISTS" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("v2_refundquery_sees_v3_refund", func(t *testing.T) {
		if q := e.v2("/pay/refundquery", map[string]string{"out_refund_no": "VR1"}); q["refund_status_0"] != "SUCCESS" {
			t.Fatal(q)
		}
	})
	t.Run("reverse_after_refund", func(t *testing.T) {
		r := e.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/reverse", map[string]string{"appid": e.creds.AppID, "mchid": e.creds.MchID})
		if r.status != 403 || r.code(t) != "TRADE_ERROR" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestV3Certificates(t *testing.T) {
	for _, mode := range []sandbox.KeyMode{sandbox.PublicKeyMode, sandbox.PlatformCertMode} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnv(t, func(o *sandbox.Options) { o.KeyMode = mode })
			r := e.v3("GET", "/v3/certificates", nil)
			wantSerial := e.prof.V3.PlatformPublicKeyID
			if mode == sandbox.PlatformCertMode {
				wantSerial = e.prof.V3.PlatformCertSerialNo
			}
			if r.header.Get("Wechatpay-Serial") != wantSerial {
				t.Fatalf("serial %q", r.header.Get("Wechatpay-Serial"))
			}
			var out struct {
				Data []struct {
					SerialNo string `json:"serial_no"`
					Enc      struct {
						Algorithm      string `json:"algorithm"`
						Nonce          string `json:"nonce"`
						AssociatedData string `json:"associated_data"`
						Ciphertext     string `json:"ciphertext"`
					} `json:"encrypt_certificate"`
				} `json:"data"`
			}
			r.decode(t, &out)
			if len(out.Data) != 1 || out.Data[0].SerialNo != e.prof.V3.PlatformCertSerialNo {
				t.Fatal(string(r.body))
			}
			c := out.Data[0].Enc
			pemText, err := wechat.DecryptAEADAES256GCM(e.prof.V3.APIV3Key, c.Nonce, c.AssociatedData, c.Ciphertext)
			if err != nil || string(pemText) != e.prof.V3.PlatformCertPEM || c.Algorithm != "AEAD_AES_256_GCM" || c.AssociatedData != "certificate" {
				t.Fatalf("decrypt: %v", err)
			}
		})
	}
	t.Run("request_serial_selects_key", func(t *testing.T) {
		e := newEnv(t, nil)
		auth := e.authorization("GET", "/v3/certificates", nil, time.Now())
		r := e.v3Raw("GET", "/v3/certificates", nil, auth, map[string]string{"Wechatpay-Serial": e.prof.V3.PlatformCertSerialNo})
		if r.header.Get("Wechatpay-Serial") != e.prof.V3.PlatformCertSerialNo {
			t.Fatal(r.header)
		}
	})
}

func TestV3Authorization(t *testing.T) {
	e := newEnv(t, nil)
	path := "/v3/pay/transactions/out-trade-no/X123456?mchid=" + e.creds.MchID
	good := e.authorization("GET", path, nil, time.Now())
	a, err := wechat.ParseAuthorization(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		auth string
	}{
		{"missing", ""},
		{"garbage", "Bearer abc"},
		{"wrong_mchid", wechat.BuildAuthorization("1900000001", a.NonceStr, a.Timestamp, a.SerialNo, a.Signature)},
		{"wrong_serial", wechat.BuildAuthorization(a.MchID, a.NonceStr, a.Timestamp, "ABCDEF", a.Signature)},
		{"bad_signature", wechat.BuildAuthorization(a.MchID, a.NonceStr, a.Timestamp, a.SerialNo, "AAAA"+a.Signature[4:])},
		{"signed_other_path", e.authorization("GET", "/v3/pay/transactions/out-trade-no/OTHER?mchid="+e.creds.MchID, nil, time.Now())},
		{"six_minutes_old", e.authorization("GET", path, nil, time.Now().Add(-6*time.Minute))},
		{"six_minutes_ahead", e.authorization("GET", path, nil, time.Now().Add(6*time.Minute))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.v3Raw("GET", path, nil, tc.auth, nil)
			if r.status != http.StatusUnauthorized || r.code(t) != "SIGN_ERROR" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("four_minutes_skew_ok", func(t *testing.T) {
		r := e.v3Raw("GET", path, nil, e.authorization("GET", path, nil, time.Now().Add(-4*time.Minute)), nil)
		if r.status != 404 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("sandbox_clock_does_not_move_the_window", func(t *testing.T) {
		e.sb.Advance(48 * time.Hour)
		r := e.v3Raw("GET", path, nil, e.authorization("GET", path, nil, time.Now()), nil)
		if r.status != 404 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}
