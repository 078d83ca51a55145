package sandbox_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// prepayBody is a valid v3 JSAPI/App/H5 order body for kind.
func (e *env) prepayBody(kind, no string, fen int64) map[string]any {
	b := map[string]any{
		"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "门店-小程序点单", "out_trade_no": no,
		"notify_url": "https://example.com/notify", "amount": map[string]any{"total": fen, "currency": "CNY"},
	}
	switch kind {
	case "jsapi":
		b["payer"] = map[string]string{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
	case "h5":
		b["scene_info"] = map[string]any{"payer_client_ip": "203.0.113.7", "h5_info": map[string]string{"type": "Wap"}}
	}
	return b
}

// jsapiParams are the wx.requestPayment parameters of a v3 prepay_id,
// signed with the merchant key.
func (e *env) jsapiParams(prepayID string) map[string]string {
	e.t.Helper()
	p := map[string]string{"prepay_id": prepayID, "appId": e.creds.AppID, "timeStamp": strconv.FormatInt(time.Now().Unix(), 10),
		"nonceStr": wechat.NonceString(), "package": "prepay_id=" + prepayID, "signType": "RSA"}
	sig, err := wechat.SignSHA256RSA(e.key, p["appId"]+"\n"+p["timeStamp"]+"\n"+p["nonceStr"]+"\n"+p["package"]+"\n")
	if err != nil {
		e.t.Fatal(err)
	}
	p["paySign"] = sig
	return p
}

// appParams are the App SDK parameters of a v3 prepay_id, spelled as the
// Android PayReq does.
func (e *env) appParams(prepayID string) map[string]string {
	e.t.Helper()
	p := map[string]string{"appId": e.creds.AppID, "partnerId": e.creds.MchID, "prepayId": prepayID, "package": "Sign=WXPay",
		"nonceStr": wechat.NonceString(), "timeStamp": strconv.FormatInt(time.Now().Unix(), 10)}
	sig, err := wechat.SignSHA256RSA(e.key, p["appId"]+"\n"+p["timeStamp"]+"\n"+p["nonceStr"]+"\n"+prepayID+"\n")
	if err != nil {
		e.t.Fatal(err)
	}
	p["sign"] = sig
	p["prepay_id"] = prepayID
	return p
}

// TestPrepayKindsPaidByCustomer creates each v3 prepay kind, has the
// customer pay it through the control API with the client-side parameters,
// and checks the query, the notification, refund and the bill's trade type.
func TestPrepayKindsPaidByCustomer(t *testing.T) {
	e := newEnv(t, nil)
	kinds := []struct {
		kind, tradeType string
		params          func(prepayID string) map[string]string
	}{
		{"jsapi", "JSAPI", e.jsapiParams},
		{"app", "APP", e.appParams},
		{"h5", "MWEB", func(id string) map[string]string { return map[string]string{"prepay_id": id} }},
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			no := newNo("PK")
			r := e.v3(http.MethodPost, "/v3/pay/transactions/"+k.kind, e.prepayBody(k.kind, no, 1234))
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var id string
			if k.kind == "h5" {
				h5 := jsonField(t, r.body, "h5_url")
				if !strings.HasPrefix(h5, "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx") {
					t.Fatalf("h5_url %q", h5)
				}
				id = h5[strings.Index(h5, "prepay_id=")+10 : strings.Index(h5, "&")]
			} else {
				id = jsonField(t, r.body, "prepay_id")
			}
			if len(id) != 36 || !strings.HasPrefix(id, "wx") {
				t.Fatalf("prepay_id %q", id)
			}
			if got, err := e.sb.PrepayID(no); err != nil || got != id {
				t.Fatalf("PrepayID = %q, %v", got, err)
			}
			q := e.v3(http.MethodGet, "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil)
			if s := jsonField(t, q.body, "trade_state"); s != "NOTPAY" {
				t.Fatalf("before paying: %s", q.body)
			}
			var paid sandbox.PrepayPaid
			if st := e.control(http.MethodPost, "/sandbox/prepay/pay", k.params(id), &paid); st != http.StatusOK {
				t.Fatalf("pay: %d %+v", st, paid)
			}
			if paid.OutTradeNo != no || paid.TradeState != "SUCCESS" || paid.TradeType != k.tradeType {
				t.Fatalf("paid %+v", paid)
			}
			q = e.v3(http.MethodGet, "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil)
			var tx struct {
				Payer struct {
					OpenID string `json:"openid"`
				} `json:"payer"`
			}
			q.decode(t, &tx)
			if jsonField(t, q.body, "trade_state") != "SUCCESS" || jsonField(t, q.body, "trade_type") != k.tradeType {
				t.Fatalf("after paying: %s", q.body)
			}
			if k.kind == "jsapi" && tx.Payer.OpenID != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" {
				t.Fatalf("payer %q is not the order's openid", tx.Payer.OpenID)
			}
			found := false
			for _, n := range e.sb.Notifications() {
				found = found || (n.Ref == no && n.Kind == "pay" && n.API == "v3")
			}
			if !found {
				t.Fatal("no payment notification queued")
			}
			if st := e.control(http.MethodPost, "/sandbox/prepay/pay", k.params(id), nil); st != http.StatusConflict {
				t.Fatalf("paid twice: %d", st)
			}
			rf := e.v3(http.MethodPost, "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "R" + no,
				"amount": map[string]any{"refund": 234, "total": 1234, "currency": "CNY"}})
			if rf.status != http.StatusOK {
				t.Fatalf("refund: %d %s", rf.status, rf.body)
			}
		})
	}
	e.sb.Advance(24 * time.Hour) // 11:00 next day: the bill is ready
	bill := string(e.downloadBillV2(t, "20260310", "ALL", ""))
	for _, tt := range []string{",`JSAPI,", ",`APP,", ",`MWEB,"} {
		if !strings.Contains(bill, tt) {
			t.Fatalf("bill lacks trade type %s:\n%s", tt, bill)
		}
	}
}

// TestPrepayFieldRules checks each kind's required fields as the real
// service names them.
func TestPrepayFieldRules(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, kind, field string
		edit              func(b map[string]any)
	}{
		{"jsapi without payer", "jsapi", "/payer", func(b map[string]any) { delete(b, "payer") }},
		{"jsapi without openid", "jsapi", "/payer/openid", func(b map[string]any) { b["payer"] = map[string]string{} }},
		{"jsapi openid too long", "jsapi", "/payer/openid", func(b map[string]any) { b["payer"] = map[string]string{"openid": strings.Repeat("o", 129)} }},
		{"app scene_info without ip", "app", "/scene_info/payer_client_ip", func(b map[string]any) { b["scene_info"] = map[string]any{"device_id": "T1"} }},
		{"h5 without scene_info", "h5", "/scene_info", func(b map[string]any) { delete(b, "scene_info") }},
		{"h5 without payer_client_ip", "h5", "/scene_info/payer_client_ip", func(b map[string]any) {
			b["scene_info"] = map[string]any{"h5_info": map[string]string{"type": "Wap"}}
		}},
		{"h5 without h5_info", "h5", "/scene_info/h5_info", func(b map[string]any) { b["scene_info"] = map[string]any{"payer_client_ip": "203.0.113.7"} }},
		{"h5 without type", "h5", "/scene_info/h5_info/type", func(b map[string]any) {
			b["scene_info"] = map[string]any{"payer_client_ip": "203.0.113.7", "h5_info": map[string]string{"app_name": "店"}}
		}},
		{"h5 unknown type", "h5", "/scene_info/h5_info/type", func(b map[string]any) {
			b["scene_info"] = map[string]any{"payer_client_ip": "203.0.113.7", "h5_info": map[string]string{"type": "Windows"}}
		}},
		{"notify_url missing", "app", "/notify_url", func(b map[string]any) { delete(b, "notify_url") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := e.prepayBody(tc.kind, newNo("PF"), 100)
			tc.edit(b)
			r := e.v3(http.MethodPost, "/v3/pay/transactions/"+tc.kind, b)
			var eb struct {
				Code   string
				Detail struct{ Field string }
			}
			r.decode(t, &eb)
			if r.status != http.StatusBadRequest || eb.Code != "PARAM_ERROR" || eb.Detail.Field != tc.field {
				t.Fatalf("%d %s, want 400 PARAM_ERROR on %s", r.status, r.body, tc.field)
			}
		})
	}
	t.Run("same out_trade_no other openid", func(t *testing.T) {
		no := newNo("PF")
		if r := e.v3(http.MethodPost, "/v3/pay/transactions/jsapi", e.prepayBody("jsapi", no, 100)); r.status != http.StatusOK {
			t.Fatal(r.status)
		}
		b := e.prepayBody("jsapi", no, 100)
		b["payer"] = map[string]string{"openid": "oOther"}
		if r := e.v3(http.MethodPost, "/v3/pay/transactions/jsapi", b); r.code(t) != "OUT_TRADE_NO_USED" {
			t.Fatalf("%s", r.body)
		}
	})
}

// TestPrepayClientChecks refuses what the WeChat client would refuse.
func TestPrepayClientChecks(t *testing.T) {
	e := newEnv(t, nil)
	newJSAPI := func(t *testing.T, expire time.Duration) string {
		t.Helper()
		b := e.prepayBody("jsapi", newNo("PC"), 500)
		if expire > 0 {
			b["time_expire"] = e.sb.Now().Add(expire).Format(time.RFC3339)
		}
		r := e.v3(http.MethodPost, "/v3/pay/transactions/jsapi", b)
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		return jsonField(t, r.body, "prepay_id")
	}
	tests := []struct {
		name string
		edit func(p map[string]string)
		want int
	}{
		{"forged paySign", func(p map[string]string) { p["nonceStr"] = "forged" }, http.StatusForbidden},
		{"another order's package", func(p map[string]string) { p["package"] = "prepay_id=wx000" }, http.StatusBadRequest},
		{"another app id", func(p map[string]string) { p["appId"] = "wx0000000000000000" }, http.StatusBadRequest},
		{"MD5 on a v3 order", func(p map[string]string) { p["signType"] = "MD5" }, http.StatusBadRequest},
		{"no paySign", func(p map[string]string) { delete(p, "paySign") }, http.StatusBadRequest},
		{"timestamp not a number", func(p map[string]string) { p["timeStamp"] = "now" }, http.StatusBadRequest},
		{"unknown prepay_id", func(p map[string]string) { p["prepay_id"] = "wx20260310110000nosuchprepayid0000" }, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := newJSAPI(t, 0)
			p := e.jsapiParams(id)
			tc.edit(p)
			var out map[string]string
			if st := e.control(http.MethodPost, "/sandbox/prepay/pay", p, &out); st != tc.want || out["error"] == "" {
				t.Fatalf("%d %v, want %d with a reason", st, out, tc.want)
			}
			if st := e.control(http.MethodPost, "/sandbox/prepay/pay", e.jsapiParams(id), nil); st != http.StatusOK {
				t.Fatalf("the right parameters after a refusal: %d", st)
			}
		})
	}
	t.Run("prepay_id expires after 2 h", func(t *testing.T) {
		id := newJSAPI(t, 3*time.Hour) // the order outlives its prepay_id
		e.sb.Advance(2*time.Hour + time.Second)
		var out map[string]string
		if st := e.control(http.MethodPost, "/sandbox/prepay/pay", e.jsapiParams(id), &out); st != http.StatusConflict || !strings.Contains(out["error"], "expired") {
			t.Fatalf("%d %v", st, out)
		}
	})
	t.Run("h5_url opens for 5 min", func(t *testing.T) {
		r := e.v3(http.MethodPost, "/v3/pay/transactions/h5", e.prepayBody("h5", newNo("PC"), 500))
		h5 := jsonField(t, r.body, "h5_url")
		e.sb.Advance(5 * time.Minute)
		if st := e.control(http.MethodPost, "/sandbox/prepay/pay", map[string]string{"h5_url": h5}, nil); st != http.StatusConflict {
			t.Fatalf("%d", st)
		}
	})
	t.Run("close is idempotent", func(t *testing.T) {
		no := newNo("PC")
		e.v3(http.MethodPost, "/v3/pay/transactions/app", e.prepayBody("app", no, 100))
		for range 2 {
			if r := e.v3(http.MethodPost, "/v3/pay/transactions/out-trade-no/"+no+"/close", map[string]string{"mchid": e.creds.MchID}); r.status != http.StatusNoContent {
				t.Fatalf("%d %s", r.status, r.body)
			}
		}
		id, _ := e.sb.PrepayID(no)
		if st := e.control(http.MethodPost, "/sandbox/prepay/pay", e.appParams(id), nil); st != http.StatusConflict {
			t.Fatalf("paid a closed order: %d", st)
		}
	})
}

// TestUnifiedOrderPrepayKinds is v2 unifiedorder with JSAPI, APP and MWEB.
func TestUnifiedOrderPrepayKinds(t *testing.T) {
	e := newEnv(t, nil)
	params := func(kind string) map[string]string {
		p := nativeParams(newNo("UO"), 880)
		p["trade_type"] = kind
		delete(p, "product_id")
		switch kind {
		case "JSAPI":
			p["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
		case "MWEB":
			p["scene_info"] = `{"h5_info":{"type":"Wap","wap_url":"https://shop.example.com","wap_name":"门店"}}`
		}
		return p
	}
	t.Run("JSAPI without openid", func(t *testing.T) {
		p := params("JSAPI")
		delete(p, "openid")
		if r := e.v2("/pay/unifiedorder", p); r["return_code"] != "FAIL" || r["return_msg"] != "JSAPI支付必须传openid" {
			t.Fatal(r)
		}
	})
	t.Run("MWEB without scene_info", func(t *testing.T) {
		p := params("MWEB")
		delete(p, "scene_info")
		if r := e.v2("/pay/unifiedorder", p); r["return_code"] != "FAIL" || !strings.Contains(r["return_msg"], "scene_info") {
			t.Fatal(r)
		}
	})
	t.Run("unknown trade_type", func(t *testing.T) {
		p := params("APP")
		p["trade_type"] = "FACEPAY2"
		if r := e.v2("/pay/unifiedorder", p); r["return_code"] != "FAIL" {
			t.Fatal(r)
		}
	})
	t.Run("MWEB", func(t *testing.T) {
		r := e.v2("/pay/unifiedorder", params("MWEB"))
		if r["result_code"] != "SUCCESS" || r["trade_type"] != "MWEB" || !strings.Contains(r["mweb_url"], "prepay_id="+r["prepay_id"]) || r["code_url"] != "" {
			t.Fatal(r)
		}
		if st := e.control(http.MethodPost, "/sandbox/prepay/pay", map[string]string{"h5_url": r["mweb_url"]}, nil); st != http.StatusOK {
			t.Fatal(st)
		}
	})
	for _, st := range []wechat.SignType{wechat.SignMD5, wechat.SignHMACSHA256} {
		t.Run("JSAPI "+string(st), func(t *testing.T) {
			p := params("JSAPI")
			p["sign_type"] = string(st)
			r := e.v2("/pay/unifiedorder", p)
			if r["result_code"] != "SUCCESS" || r["prepay_id"] == "" {
				t.Fatal(r)
			}
			js := map[string]string{"appId": e.creds.AppID, "timeStamp": "1710039600", "nonceStr": "n0nce", "package": "prepay_id=" + r["prepay_id"], "signType": string(st)}
			sign := wechat.SignV2(js, e.creds.APIKey, st)
			other := wechat.SignMD5
			if st == wechat.SignMD5 {
				other = wechat.SignHMACSHA256
			}
			wrong := map[string]string{"prepay_id": r["prepay_id"], "paySign": wechat.SignV2(js, e.creds.APIKey, other), "signType": string(other)}
			for k, v := range js {
				if k != "signType" {
					wrong[k] = v
				}
			}
			if code := e.control(http.MethodPost, "/sandbox/prepay/pay", wrong, nil); code != http.StatusBadRequest {
				t.Fatalf("the other sign type: %d", code)
			}
			js["paySign"], js["prepay_id"] = sign, r["prepay_id"]
			if code := e.control(http.MethodPost, "/sandbox/prepay/pay", js, nil); code != http.StatusOK {
				t.Fatalf("pay: %d", code)
			}
			q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": p["out_trade_no"]})
			if q["trade_state"] != "SUCCESS" || q["trade_type"] != "JSAPI" || q["openid"] != p["openid"] {
				t.Fatal(q)
			}
		})
	}
	t.Run("APP", func(t *testing.T) {
		p := params("APP")
		r := e.v2("/pay/unifiedorder", p)
		app := map[string]string{"appid": e.creds.AppID, "partnerid": e.creds.MchID, "prepayid": r["prepay_id"], "package": "Sign=WXPay", "noncestr": "n0nce", "timestamp": "1710039600"}
		app["sign"] = wechat.SignV2(app, e.creds.APIKey, wechat.SignMD5)
		forged := map[string]string{"prepay_id": r["prepay_id"]}
		for k, v := range app {
			forged[k] = v
		}
		forged["timestamp"] = "1710039601"
		if code := e.control(http.MethodPost, "/sandbox/prepay/pay", forged, nil); code != http.StatusForbidden {
			t.Fatalf("forged: %d", code)
		}
		app["prepay_id"] = r["prepay_id"]
		if code := e.control(http.MethodPost, "/sandbox/prepay/pay", app, nil); code != http.StatusOK {
			t.Fatalf("pay: %d", code)
		}
		if q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": p["out_trade_no"]}); q["trade_type"] != "APP" || q["trade_state"] != "SUCCESS" {
			t.Fatal(q)
		}
	})
}
