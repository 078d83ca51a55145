package sandbox_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// abnormalRefund pays an order with a refund_abnormal code, refunds part
// of it and lets the refund end; it returns the refund's numbers.
func (e *env) abnormalRefund(t *testing.T, sc sandbox.Scenario) (outRefundNo, refundID string) {
	t.Helper()
	no := newNo("AB")
	pay := e.v3(http.MethodPost, "/v3/pay/transactions/codepay", map[string]any{
		"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "门店-商品", "out_trade_no": no,
		"payer": map[string]string{"auth_code": sandbox.NewCode(sc)}, "amount": map[string]any{"total": 5000},
		"scene_info": map[string]string{"device_ip": "10.0.0.8"}})
	if pay.status != http.StatusOK {
		t.Fatalf("codepay: %d %s", pay.status, pay.body)
	}
	rf := e.v3(http.MethodPost, "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "R" + no,
		"amount": map[string]any{"refund": 1200, "total": 5000, "currency": "CNY"}})
	if rf.status != http.StatusOK {
		t.Fatalf("refund: %d %s", rf.status, rf.body)
	}
	e.sb.Advance(2 * time.Minute)
	want := "ABNORMAL"
	if sc != sandbox.ScenarioRefundAbnormal {
		want = "SUCCESS"
	}
	if q := e.v3(http.MethodGet, "/v3/refund/domestic/refunds/R"+no, nil); jsonField(t, q.body, "status") != want {
		t.Fatalf("refund query: %s, want %s", q.body, want)
	}
	return "R" + no, jsonField(t, rf.body, "refund_id")
}

// applyAbnormal posts an apply-abnormal-refund naming serial (if any).
func (e *env) applyAbnormal(refundID string, body map[string]any, serial string) v3Resp {
	e.t.Helper()
	raw, _ := json.Marshal(body)
	path := "/v3/refund/domestic/refunds/" + refundID + "/apply-abnormal-refund"
	var hdr map[string]string
	if serial != "" {
		hdr = map[string]string{"Wechatpay-Serial": serial}
	}
	return e.v3Raw(http.MethodPost, path, raw, e.authorization(http.MethodPost, path, raw, time.Now()), hdr)
}

func (e *env) encrypt(t *testing.T, pub *rsa.PublicKey, v string) string {
	t.Helper()
	s, err := wechat.EncryptSensitive(pub, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestApplyAbnormalRefund settles ABNORMAL refunds both ways and refuses
// what the real rules refuse.
func TestApplyAbnormalRefund(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.KeyMode = sandbox.PlatformCertMode })
	card := func(pub *rsa.PublicKey, account string) map[string]any {
		return map[string]any{"type": "USER_BANK_CARD", "bank_type": "CMB_DEBIT",
			"bank_account": e.encrypt(t, pub, account), "real_name": e.encrypt(t, pub, "张三")}
	}

	t.Run("to the customer's card, encrypted with the public key", func(t *testing.T) {
		no, id := e.abnormalRefund(t, sandbox.ScenarioRefundAbnormal)
		b := card(e.pub, "6225880112340403")
		b["out_refund_no"] = no
		r := e.applyAbnormal(id, b, e.prof.V3.PlatformPublicKeyID)
		if r.status != http.StatusOK || jsonField(t, r.body, "status") != "PROCESSING" || jsonField(t, r.body, "user_received_account") != "招商银行借记卡0403" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if again := e.applyAbnormal(id, b, e.prof.V3.PlatformPublicKeyID); again.status != http.StatusOK {
			t.Fatalf("asked again: %d %s", again.status, again.body)
		}
		e.sb.Advance(2 * time.Minute)
		q := e.v3(http.MethodGet, "/v3/refund/domestic/refunds/"+no, nil)
		if jsonField(t, q.body, "status") != "SUCCESS" || jsonField(t, q.body, "channel") != "OTHER_BANKCARD" {
			t.Fatalf("after: %s", q.body)
		}
	})
	t.Run("to the customer's card, encrypted with the platform certificate", func(t *testing.T) {
		no, id := e.abnormalRefund(t, sandbox.ScenarioRefundAbnormal)
		b := card(e.plat, "6222020200112345678")
		b["out_refund_no"] = no
		if r := e.applyAbnormal(id, b, e.prof.V3.PlatformCertSerialNo); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("back to the merchant", func(t *testing.T) {
		no, id := e.abnormalRefund(t, sandbox.ScenarioRefundAbnormal)
		r := e.applyAbnormal(id, map[string]any{"out_refund_no": no, "type": "MERCHANT_BANK_CARD"}, "")
		if r.status != http.StatusOK || jsonField(t, r.body, "user_received_account") != "交易商户银行账户" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		e.sb.Advance(2 * time.Minute)
		if q := e.v3(http.MethodGet, "/v3/refund/domestic/refunds/"+no, nil); jsonField(t, q.body, "status") != "SUCCESS" {
			t.Fatalf("after: %s", q.body)
		}
	})

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	okNo, okID := e.abnormalRefund(t, sandbox.ScenarioSuccess)
	abNo, abID := e.abnormalRefund(t, sandbox.ScenarioRefundAbnormal)
	tests := []struct {
		name        string
		id          string
		body        map[string]any
		serial      string
		status      int
		code, field string
	}{
		{"refund not abnormal", okID, map[string]any{"out_refund_no": okNo, "type": "MERCHANT_BANK_CARD"}, "", 400, "INVALID_REQUEST", ""},
		{"unknown refund_id", "50300000000000000000000000000", map[string]any{"out_refund_no": abNo, "type": "MERCHANT_BANK_CARD"}, "", 404, "RESOURCE_NOT_EXISTS", ""},
		{"another refund's number", abID, map[string]any{"out_refund_no": okNo, "type": "MERCHANT_BANK_CARD"}, "", 400, "INVALID_REQUEST", ""},
		{"no type", abID, map[string]any{"out_refund_no": abNo}, "", 400, "PARAM_ERROR", "/type"},
		{"unknown type", abID, map[string]any{"out_refund_no": abNo, "type": "CASH"}, "", 400, "PARAM_ERROR", "/type"},
		{"card without account", abID, map[string]any{"out_refund_no": abNo, "type": "USER_BANK_CARD", "bank_type": "CMB_DEBIT",
			"real_name": e.encrypt(t, e.pub, "张三")}, e.prof.V3.PlatformPublicKeyID, 400, "PARAM_ERROR", "/bank_account"},
		{"credit card", abID, map[string]any{"out_refund_no": abNo, "type": "USER_BANK_CARD", "bank_type": "CMB_CREDIT",
			"bank_account": e.encrypt(t, e.pub, "6225880112340403"), "real_name": e.encrypt(t, e.pub, "张三")}, e.prof.V3.PlatformPublicKeyID, 400, "PARAM_ERROR", "/bank_type"},
		{"no Wechatpay-Serial", abID, map[string]any{"out_refund_no": abNo, "type": "USER_BANK_CARD", "bank_type": "CMB_DEBIT",
			"bank_account": e.encrypt(t, e.pub, "6225880112340403"), "real_name": e.encrypt(t, e.pub, "张三")}, "", 400, "PARAM_ERROR", "Wechatpay-Serial"},
		{"encrypted with another key", abID, map[string]any{"out_refund_no": abNo, "type": "USER_BANK_CARD", "bank_type": "CMB_DEBIT",
			"bank_account": e.encrypt(t, &other.PublicKey, "6225880112340403"), "real_name": e.encrypt(t, e.pub, "张三")}, e.prof.V3.PlatformPublicKeyID, 400, "PARAM_ERROR", "/bank_account"},
		{"account not digits", abID, map[string]any{"out_refund_no": abNo, "type": "USER_BANK_CARD", "bank_type": "CMB_DEBIT",
			"bank_account": e.encrypt(t, e.pub, "not-a-card"), "real_name": e.encrypt(t, e.pub, "张三")}, e.prof.V3.PlatformPublicKeyID, 400, "PARAM_ERROR", "/bank_account"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.applyAbnormal(tc.id, tc.body, tc.serial)
			var eb struct {
				Code   string
				Detail struct{ Field string }
			}
			r.decode(t, &eb)
			if r.status != tc.status || eb.Code != tc.code || eb.Detail.Field != tc.field {
				t.Fatalf("%d %s, want %d %s %s", r.status, r.body, tc.status, tc.code, tc.field)
			}
		})
	}
	if q := e.v3(http.MethodGet, "/v3/refund/domestic/refunds/"+abNo, nil); jsonField(t, q.body, "status") != "ABNORMAL" {
		t.Fatalf("a refused apply changed the refund: %s", q.body)
	}
}
