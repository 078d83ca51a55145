package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestV2ErrorShapes sends broken v2 requests and checks the real FAIL
// shape, then that the sandbox still serves a valid request.
func TestV2ErrorShapes(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.MaxBodyBytes = 4 << 10 })
	signed := func(p map[string]string) []byte {
		q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": wechat.NonceString()}
		for k, v := range p {
			q[k] = v
		}
		q["sign"] = wechat.SignV2(q, e.creds.APIKey, wechat.SignMD5)
		return wechat.EncodeXML(q)
	}
	valid := micropayParams("X", "130001000000000001", 1)
	without := func(k string) map[string]string {
		p := map[string]string{}
		for kk, v := range valid {
			if kk != k {
				p[kk] = v
			}
		}
		return p
	}
	with := func(k, v string) map[string]string {
		p := without(k)
		p[k] = v
		return p
	}
	badSign := func() []byte {
		q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": "abc", "out_trade_no": "X1"}
		q["sign"] = wechat.SignV2(q, strings.Repeat("k", 32), wechat.SignMD5)
		return wechat.EncodeXML(q)
	}
	wrongMch := func() []byte {
		q := map[string]string{"appid": e.creds.AppID, "mch_id": "1900000009", "nonce_str": "abc", "out_trade_no": "X1"}
		q["sign"] = wechat.SignV2(q, e.creds.APIKey, wechat.SignMD5)
		return wechat.EncodeXML(q)
	}
	tests := []struct {
		name string
		path string
		body []byte
		msg  string
	}{
		{"bad_signature", "/pay/orderquery", badSign(), "签名错误"},
		{"wrong_mch_id", "/pay/orderquery", wrongMch(), "mch_id参数错误，商户号不存在"},
		{"missing_body", "/pay/micropay", signed(without("body")), "缺少参数body"},
		{"missing_auth_code", "/pay/micropay", signed(without("auth_code")), "缺少参数auth_code"},
		{"missing_order_key", "/pay/orderquery", signed(nil), "缺少参数out_trade_no"},
		{"body_too_long", "/pay/micropay", signed(with("body", strings.Repeat("商", 129))), "body参数长度有误"},
		{"out_trade_no_too_long", "/pay/micropay", signed(with("out_trade_no", strings.Repeat("1", 33))), "out_trade_no参数长度有误"},
		{"out_trade_no_charset", "/pay/micropay", signed(with("out_trade_no", "A B")), "out_trade_no参数格式错误"},
		{"out_trade_no_at", "/pay/micropay", signed(with("out_trade_no", "ORDER@12")), "out_trade_no参数格式错误"},
		{"total_fee_not_int", "/pay/micropay", signed(with("total_fee", "1.00")), "invalid total_fee"},
		{"total_fee_beyond_int32", "/pay/micropay", signed(with("total_fee", "2147483648")), "invalid total_fee"},
		{"bad_sign_type", "/pay/orderquery", signed(map[string]string{"out_trade_no": "X1", "sign_type": "SHA1"}), "sign_type参数格式错误"},
		{"malformed_xml", "/pay/micropay", []byte("<xml><appid>wx</xml>"), "XML格式错误"},
		{"nested_xml", "/pay/micropay", []byte("<xml><a><b>1</b></a></xml>"), "XML格式错误"},
		{"json_body", "/pay/micropay", []byte(`{"appid":"wx"}`), "XML格式错误"},
		{"empty_body", "/pay/micropay", nil, "post数据为空"},
		{"not_utf8", "/pay/micropay", []byte("<xml><body>\xff\xfe</body></xml>"), "编码格式错误，请使用UTF-8编码"},
		{"oversized", "/pay/micropay", []byte("<xml><detail>" + strings.Repeat("x", 5<<10) + "</detail></xml>"), "post数据过大"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.v2Raw(tc.path, tc.body, wechat.SignMD5)
			if r["return_code"] != "FAIL" || r["return_msg"] != tc.msg || len(r) != 2 {
				t.Fatalf("got %v", r)
			}
			// The sandbox keeps serving valid requests.
			if ok := e.v2("/pay/orderquery", map[string]string{"out_trade_no": "NOPE1234"}); ok["return_code"] != "SUCCESS" || ok["err_code"] != "ORDERNOTEXIST" {
				t.Fatalf("after %s: %v", tc.name, ok)
			}
		})
	}
	t.Run("get_method", func(t *testing.T) {
		resp, err := e.srv.Client().Get(e.srv.URL + "/pay/orderquery")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m, err := wechat.DecodeXML(resp.Body)
		if err != nil || m["return_code"] != "FAIL" || m["return_msg"] != "请使用post方法" {
			t.Fatal(m, err)
		}
	})
	t.Run("wrong_appid_unsigned_fail", func(t *testing.T) {
		q := map[string]string{"appid": "wx0000000000000000", "mch_id": e.creds.MchID, "nonce_str": "n", "out_trade_no": "X1"}
		q["sign"] = wechat.SignV2(q, e.creds.APIKey, wechat.SignMD5)
		r := e.v2Raw("/pay/orderquery", wechat.EncodeXML(q), wechat.SignMD5) // checks a FAIL is unsigned
		if r["return_code"] != "FAIL" || r["return_msg"] != "appid和mch_id不匹配" {
			t.Fatal(r)
		}
	})
}

// TestV3ErrorShapes sends broken v3 requests (correctly signed) and checks
// status, code and that the error body is signed.
func TestV3ErrorShapes(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.MaxBodyBytes = 4 << 10 })
	base := func() map[string]any {
		return map[string]any{
			"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "d", "out_trade_no": "ORDER0001",
			"notify_url": "https://example.com/n", "amount": map[string]any{"total": 1},
		}
	}
	mod := func(f func(m map[string]any)) map[string]any {
		m := base()
		f(m)
		return m
	}
	tests := []struct {
		name   string
		path   string
		body   any
		raw    string
		status int
		code   string
		field  string
	}{
		{"wrong_mchid", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["mchid"] = "1900000009" }), "", 400, "MCH_NOT_EXISTS", ""},
		{"wrong_appid", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["appid"] = "wx0" }), "", 400, "APPID_MCHID_NOT_MATCH", ""},
		{"missing_description", "/v3/pay/transactions/native", mod(func(m map[string]any) { delete(m, "description") }), "", 400, "PARAM_ERROR", "/description"},
		{"missing_notify_url", "/v3/pay/transactions/native", mod(func(m map[string]any) { delete(m, "notify_url") }), "", 400, "PARAM_ERROR", "/notify_url"},
		{"missing_amount_total", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["amount"] = map[string]any{} }), "", 400, "PARAM_ERROR", "/amount/total"},
		{"zero_amount", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["amount"] = map[string]any{"total": 0} }), "", 400, "PARAM_ERROR", "/amount/total"},
		{"amount_as_string", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["amount"] = map[string]any{"total": "1"} }), "", 400, "PARAM_ERROR", "/amount/total"},
		{"out_trade_no_too_short", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["out_trade_no"] = "12345" }), "", 400, "PARAM_ERROR", "/out_trade_no"},
		{"out_trade_no_at", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["out_trade_no"] = "ORDER@12" }), "", 400, "PARAM_ERROR", "/out_trade_no"},
		{"description_too_long", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["description"] = strings.Repeat("商", 128) }), "", 400, "PARAM_ERROR", "/description"},
		{"bad_time_expire", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["time_expire"] = "tomorrow" }), "", 400, "PARAM_ERROR", "/time_expire"},
		{"codepay_without_scene", "/v3/pay/transactions/codepay", mod(func(m map[string]any) { m["payer"] = map[string]any{"auth_code": "130001000000000001"} }), "", 400, "PARAM_ERROR", "/scene_info"},
		{"malformed_json", "/v3/pay/transactions/native", nil, `{"appid":`, 400, "PARAM_ERROR", ""},
		{"xml_body", "/v3/pay/transactions/native", nil, `<xml></xml>`, 400, "PARAM_ERROR", ""},
		{"empty_body", "/v3/pay/transactions/native", nil, ``, 400, "PARAM_ERROR", ""},
		{"oversized", "/v3/pay/transactions/native", nil, `{"description":"` + strings.Repeat("x", 5<<10) + `"}`, 400, "PARAM_ERROR", ""},
		{"unknown_path", "/v3/pay/transactions/nosuchkind", base(), "", 404, "NOT_FOUND", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r v3Resp
			if tc.body != nil {
				r = e.v3("POST", tc.path, tc.body)
			} else {
				raw := []byte(tc.raw)
				r = e.v3Raw("POST", tc.path, raw, e.authorization("POST", tc.path, raw, time.Now()), nil)
			}
			var got struct {
				Code    string `json:"code"`
				Message string `json:"message"`
				Detail  *struct {
					Field string `json:"field"`
				} `json:"detail"`
			}
			r.decode(t, &got)
			if r.status != tc.status || got.Code != tc.code || got.Message == "" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if tc.field != "" && (got.Detail == nil || got.Detail.Field != tc.field) {
				t.Fatalf("detail: %s", r.body)
			}
			// Still serving.
			ok := e.v3("POST", "/v3/pay/transactions/native", mod(func(m map[string]any) { m["out_trade_no"] = newNo("OK") }))
			if ok.status != 200 {
				t.Fatalf("after %s: %d %s", tc.name, ok.status, ok.body)
			}
		})
	}
	t.Run("unsigned_request_body_tampered", func(t *testing.T) {
		raw := []byte(`{"mchid":"` + e.creds.MchID + `"}`)
		auth := e.authorization("POST", "/v3/pay/transactions/out-trade-no/ORDER0001/close", raw, time.Now())
		r := e.v3Raw("POST", "/v3/pay/transactions/out-trade-no/ORDER0001/close", []byte(`{"mchid":"`+e.creds.MchID+`" }`), auth, nil)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("method_not_allowed_is_404", func(t *testing.T) {
		r := e.v3("GET", "/v3/pay/transactions/native", nil)
		if r.status != 404 {
			t.Fatalf("%d", r.status)
		}
	})
}
