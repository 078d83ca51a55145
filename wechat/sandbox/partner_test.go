package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// asPartner is e speaking as the service provider: its mchid, key and
// serial sign the requests, its WeChat Pay public key checks the answers.
func (e *env) asPartner() *env {
	e.t.Helper()
	p := *e
	pp := e.prof.Partner
	if pp == nil {
		e.t.Fatal("profile has no partner")
	}
	c := *e.creds
	c.MchID, c.AppID, c.APIKey, c.APIV3Key = pp.SpMchID, pp.SpAppID, pp.APIKey, pp.APIV3Key
	p.creds = &c
	p.prof.V3.MerchantSerialNo = pp.MerchantSerialNo
	p.prof.V3.PlatformPublicKeyID = pp.PlatformPublicKeyID
	p.prof.V3.PlatformCertSerialNo = "-"
	var err error
	if p.key, err = wechat.ParsePrivateKeyPEM([]byte(pp.MerchantPrivateKeyPEM)); err != nil {
		e.t.Fatal(err)
	}
	if p.pub, err = wechat.ParsePublicKeyPEM([]byte(pp.PlatformPublicKeyPEM)); err != nil {
		e.t.Fatal(err)
	}
	return &p
}

func (e *env) spCodepay(no, sub string, fen int64) v3Resp {
	e.t.Helper()
	pp := e.prof.Partner
	return e.v3("POST", "/v3/pay/partner/transactions/codepay", map[string]any{
		"sp_appid": pp.SpAppID, "sp_mchid": pp.SpMchID, "sub_mchid": sub, "sub_appid": pp.SubAppID,
		"description": "门店-咖啡", "out_trade_no": no,
		"payer":  map[string]string{"auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)},
		"amount": map[string]any{"total": fen, "currency": "CNY"}, "scene_info": map[string]string{"device_ip": "10.0.0.8", "device_id": "POS01"},
	})
}

func (e *env) directCodepay(no string, fen int64) v3Resp {
	e.t.Helper()
	return e.v3("POST", "/v3/pay/transactions/codepay", map[string]any{
		"appid": e.creds.AppID, "mchid": e.creds.MchID, "description": "门店-咖啡", "out_trade_no": no,
		"payer":  map[string]string{"auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)},
		"amount": map[string]any{"total": fen}, "scene_info": map[string]string{"device_ip": "10.0.0.8"},
	})
}

func spQuery(pp *sandbox.ProfilePartner, path, sub string) string {
	return path + "?sp_mchid=" + url.QueryEscape(pp.SpMchID) + "&sub_mchid=" + url.QueryEscape(sub)
}

// TestPartnerPayments runs a sub-merchant's day through the partner
// endpoints: codepay, queries, refund with sub_mchid, Native, close,
// reverse, each answer in the partner shape and signed with the
// provider's own public key (asPartner's verifyV3 checks it).
func TestPartnerPayments(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.RefundDelay = -1 }).asPartner()
	pp := e.prof.Partner
	no := newNo("SP")
	r := e.spCodepay(no, pp.SubMchID, 1288)
	if r.status != 200 {
		t.Fatalf("codepay: %d %s", r.status, r.body)
	}
	for _, k := range []string{"sp_appid", "sp_mchid", "sub_appid", "sub_mchid"} {
		if jsonField(t, r.body, k) == "" {
			t.Fatalf("codepay answer lacks %s: %s", k, r.body)
		}
	}
	if jsonField(t, r.body, "mchid") != "" || !strings.Contains(string(r.body), `"sp_openid"`) || !strings.Contains(string(r.body), `"sub_openid"`) {
		t.Fatalf("codepay answer not in the partner shape: %s", r.body)
	}
	txID := jsonField(t, r.body, "transaction_id")
	if jsonField(t, r.body, "sub_mchid") != pp.SubMchID || jsonField(t, r.body, "trade_state") != "SUCCESS" {
		t.Fatalf("codepay: %s", r.body)
	}
	if q := e.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/"+no, pp.SubMchID), nil); q.status != 200 || jsonField(t, q.body, "transaction_id") != txID {
		t.Fatalf("query by out_trade_no: %d %s", q.status, q.body)
	}
	if q := e.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/id/"+txID, pp.SubMchID), nil); q.status != 200 || jsonField(t, q.body, "out_trade_no") != no {
		t.Fatalf("query by id: %d %s", q.status, q.body)
	}
	ref := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"sub_mchid": pp.SubMchID, "out_trade_no": no, "out_refund_no": "R" + no,
		"amount": map[string]any{"refund": 300, "total": 1288, "currency": "CNY"}})
	if ref.status != 200 || jsonField(t, ref.body, "status") != "SUCCESS" {
		t.Fatalf("refund: %d %s", ref.status, ref.body)
	}
	if q := e.v3("GET", "/v3/refund/domestic/refunds/R"+no+"?sub_mchid="+pp.SubMchID, nil); q.status != 200 || jsonField(t, q.body, "refund_id") == "" {
		t.Fatalf("refund query: %d %s", q.status, q.body)
	}
	if q := e.v3("GET", "/v3/refund/domestic/refunds/R"+no, nil); q.code(t) != "PARAM_ERROR" {
		t.Fatalf("refund query without sub_mchid: %d %s", q.status, q.body)
	}

	nat := newNo("SN")
	n := e.v3("POST", "/v3/pay/partner/transactions/native", map[string]any{
		"sp_appid": pp.SpAppID, "sp_mchid": pp.SpMchID, "sub_mchid": pp.SubMchID, "description": "门店-扫码", "out_trade_no": nat,
		"notify_url": "https://example.com/notify", "amount": map[string]any{"total": 500},
	})
	if n.status != 200 || !strings.HasPrefix(jsonField(t, n.body, "code_url"), "weixin://") {
		t.Fatalf("native: %d %s", n.status, n.body)
	}
	if c := e.v3("POST", "/v3/pay/partner/transactions/out-trade-no/"+nat+"/close", map[string]string{"sp_mchid": pp.SpMchID, "sub_mchid": pp.SubMchID}); c.status != 204 {
		t.Fatalf("close: %d %s", c.status, c.body)
	}
	if q := e.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/"+nat, pp.SubMchID), nil); jsonField(t, q.body, "trade_state") != "CLOSED" {
		t.Fatalf("closed order: %s", q.body)
	}
	rev := newNo("SV")
	e.spCodepay(rev, pp.SubMchID, 700)
	rv := e.v3("POST", "/v3/pay/partner/transactions/out-trade-no/"+rev+"/reverse", map[string]string{"sp_appid": pp.SpAppID, "sp_mchid": pp.SpMchID, "sub_mchid": pp.SubMchID})
	if rv.status != 200 || jsonField(t, rv.body, "sub_mchid") != pp.SubMchID || jsonField(t, rv.body, "out_trade_no") != rev {
		t.Fatalf("reverse: %d %s", rv.status, rv.body)
	}
	var revoked bool
	for _, o := range e.sb.PartnerLedger().Orders {
		revoked = revoked || (o.OutTradeNo == rev && o.TradeState == "REVOKED")
	}
	if !revoked {
		t.Fatalf("sub-merchant ledger: %+v", e.sb.PartnerLedger())
	}
}

// TestPartnerIsolation: the same out_trade_no lives once per merchant, and
// neither the direct merchant nor the provider sees the other's orders.
func TestPartnerIsolation(t *testing.T) {
	d := newEnv(t, nil)
	p := d.asPartner()
	pp := d.prof.Partner
	no := newNo("IS")
	dr := d.directCodepay(no, 100)
	pr := p.spCodepay(no, pp.SubMchID, 200)
	if dr.status != 200 || pr.status != 200 {
		t.Fatalf("the same out_trade_no for two merchants: %d %s / %d %s", dr.status, dr.body, pr.status, pr.body)
	}
	dTx, pTx := jsonField(t, dr.body, "transaction_id"), jsonField(t, pr.body, "transaction_id")
	if dTx == pTx {
		t.Fatalf("two merchants' orders share transaction_id %s", dTx)
	}
	// Each sees its own amount under the shared number.
	if q := d.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+d.creds.MchID, nil); !strings.Contains(string(q.body), `"total":100`) {
		t.Fatalf("direct query: %s", q.body)
	}
	if q := p.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/"+no, pp.SubMchID), nil); !strings.Contains(string(q.body), `"total":200`) {
		t.Fatalf("partner query: %s", q.body)
	}
	only := newNo("DO")
	d.directCodepay(only, 100)
	if q := p.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/"+only, pp.SubMchID), nil); q.status != 404 || q.code(t) != "ORDER_NOT_EXIST" {
		t.Fatalf("direct order through the partner endpoint: %d %s", q.status, q.body)
	}
	if q := p.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/id/"+dTx, pp.SubMchID), nil); q.status != 404 || q.code(t) != "ORDER_NOT_EXIST" {
		t.Fatalf("direct transaction_id through the partner endpoint: %d %s", q.status, q.body)
	}
	sub := newNo("SO")
	p.spCodepay(sub, pp.SubMchID, 100)
	if q := d.v3("GET", "/v3/pay/transactions/out-trade-no/"+sub+"?mchid="+d.creds.MchID, nil); q.status != 404 || q.code(t) != "ORDER_NOT_EXIST" {
		t.Fatalf("sub-merchant order through the direct endpoint: %d %s", q.status, q.body)
	}
	if q := d.v3("GET", "/v3/pay/transactions/id/"+pTx+"?mchid="+d.creds.MchID, nil); q.status != 404 {
		t.Fatalf("sub-merchant transaction_id through the direct endpoint: %d %s", q.status, q.body)
	}
	ref := d.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": sub, "out_refund_no": "R" + sub,
		"amount": map[string]any{"refund": 100, "total": 100, "currency": "CNY"}})
	if ref.status != 404 {
		t.Fatalf("direct merchant refunding the sub-merchant's order: %d %s", ref.status, ref.body)
	}
}

// TestPartnerBinding: each way of naming the wrong merchant gets the
// service's refusal.
func TestPartnerBinding(t *testing.T) {
	d := newEnv(t, nil)
	p := d.asPartner()
	pp := d.prof.Partner
	cases := []struct {
		name, code string
		status     int
		call       func() v3Resp
	}{
		{"sub-merchant the provider does not serve", "INVALID_REQUEST", 400, func() v3Resp { return p.spCodepay(newNo("B"), "1799999999", 100) }},
		{"no sub_mchid", "PARAM_ERROR", 400, func() v3Resp { return p.spCodepay(newNo("B"), "", 100) }},
		{"provider on the direct endpoint", "PARAM_ERROR", 400, func() v3Resp { return p.directCodepay(newNo("B"), 100) }},
		{"direct merchant on the partner endpoint", "PARAM_ERROR", 400, func() v3Resp { return d.spCodepay(newNo("B"), pp.SubMchID, 100) }},
		{"query of an unserved sub-merchant", "INVALID_REQUEST", 400, func() v3Resp {
			return p.v3("GET", spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/X123456", "1799999999"), nil)
		}},
		{"refund naming an unserved sub-merchant", "INVALID_REQUEST", 400, func() v3Resp {
			return p.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"sub_mchid": "1799999999", "out_trade_no": "X123456", "out_refund_no": "RX123456",
				"amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}})
		}},
		{"direct merchant refunding with sub_mchid", "PARAM_ERROR", 400, func() v3Resp {
			return d.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"sub_mchid": pp.SubMchID, "out_trade_no": "X123456", "out_refund_no": "RX123456",
				"amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}})
		}},
		{"sp_mchid not the signer", "PARAM_ERROR", 400, func() v3Resp {
			return p.v3("POST", "/v3/pay/partner/transactions/out-trade-no/X123456/close", map[string]string{"sp_mchid": d.creds.MchID, "sub_mchid": pp.SubMchID})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.call()
			if r.status != c.status || r.code(t) != c.code {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, c.status, c.code)
			}
		})
	}
	if len(d.sb.PartnerLedger().Orders) != 0 || len(d.sb.Ledger().Orders) != 0 {
		t.Fatal("a refused call left an order")
	}
}

// TestPartnerBillAndNotify: the sub-merchant's bill holds its trades only,
// with the provider's and the sub-merchant's ids; a paid partner Native
// order is announced in the partner resource shape, encrypted with the
// provider's APIv3 key and signed with its public key.
func TestPartnerBillAndNotify(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan []byte, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	d := newEnv(t, nil)
	p := d.asPartner()
	pp := d.prof.Partner
	d.directCodepay(newNo("DB"), 111)
	nat := newNo("NB")
	n := p.v3("POST", "/v3/pay/partner/transactions/native", map[string]any{
		"sp_appid": pp.SpAppID, "sp_mchid": pp.SpMchID, "sub_mchid": pp.SubMchID, "description": "门店-扫码", "out_trade_no": nat,
		"notify_url": hook.URL + "/notify", "amount": map[string]any{"total": 222},
	})
	if err := d.sb.PayNative(jsonField(t, n.body, "code_url")); err != nil {
		t.Fatal(err)
	}
	if sent, err := d.sb.DeliverNotifications(t.Context()); err != nil || sent != 1 {
		t.Fatalf("delivered %d: %v", sent, err)
	}
	req, body := <-got, <-bodies
	if req.Header.Get("Wechatpay-Serial") != pp.PlatformPublicKeyID {
		t.Fatalf("notification signed with %s", req.Header.Get("Wechatpay-Serial"))
	}
	p.verifyV3(v3Resp{status: 200, header: req.Header, body: body})
	var ev struct {
		Resource struct {
			Ciphertext, Nonce string
			AssociatedData    string `json:"associated_data"`
		}
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	plain, err := wechat.DecryptAEADAES256GCM(pp.APIV3Key, ev.Resource.Nonce, ev.Resource.AssociatedData, ev.Resource.Ciphertext)
	if err != nil {
		t.Fatalf("resource does not decrypt with the provider's APIv3 key: %v", err)
	}
	if jsonField(t, plain, "sub_mchid") != pp.SubMchID || jsonField(t, plain, "sp_mchid") != pp.SpMchID || jsonField(t, plain, "out_trade_no") != nat {
		t.Fatalf("resource: %s", plain)
	}

	d.sb.Advance(24 * time.Hour)
	day := start.Format(time.DateOnly)
	for _, q := range []string{"&sub_mchid=" + pp.SubMchID, ""} {
		a := p.v3("GET", "/v3/bill/tradebill?bill_date="+day+q, nil)
		if a.status != 200 {
			t.Fatalf("bill%s: %d %s", q, a.status, a.body)
		}
		u, _ := url.Parse(jsonField(t, a.body, "download_url"))
		f := p.v3("GET", u.RequestURI(), nil)
		text := string(f.body)
		if !strings.Contains(text, nat) || strings.Contains(text, "`1.11") || !strings.Contains(text, "`"+pp.SpMchID+",`"+pp.SubMchID) {
			t.Fatalf("sub-merchant bill%s:\n%s", q, text)
		}
	}
	if a := p.v3("GET", "/v3/bill/tradebill?bill_date="+day+"&sub_mchid=1799999999", nil); a.code(t) != "INVALID_REQUEST" {
		t.Fatalf("bill of an unserved sub-merchant: %d %s", a.status, a.body)
	}
}

// TestPartnerV2: the provider's v2 calls name the sub-merchant (sub_mch_id)
// and see only its orders; the answers echo it, signed with the
// provider's key.
func TestPartnerV2(t *testing.T) {
	d := newEnv(t, nil)
	p := d.asPartner()
	pp := d.prof.Partner
	with := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	no := newNo("V2")
	r := p.v2("/pay/micropay", with(micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 300), "sub_mch_id", pp.SubMchID))
	if r["result_code"] != "SUCCESS" || r["sub_mch_id"] != pp.SubMchID || r["mch_id"] != pp.SpMchID || r["appid"] != pp.SpAppID {
		t.Fatalf("partner micropay: %v", r)
	}
	if q := d.v2("/pay/orderquery", map[string]string{"out_trade_no": no}); q["err_code"] != "ORDERNOTEXIST" {
		t.Fatalf("sub-merchant order through the direct merchant: %v", q)
	}
	direct := newNo("V2D")
	d.v2("/pay/micropay", micropayParams(direct, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	if q := p.v2("/pay/orderquery", map[string]string{"out_trade_no": direct, "sub_mch_id": pp.SubMchID}); q["err_code"] != "ORDERNOTEXIST" {
		t.Fatalf("direct order through the provider: %v", q)
	}
	if q := p.v2("/pay/orderquery", map[string]string{"out_trade_no": no, "sub_mch_id": pp.SubMchID}); q["trade_state"] != "SUCCESS" {
		t.Fatalf("partner orderquery: %v", q)
	}
	for _, c := range []struct {
		name string
		e    *env
		p    map[string]string
		msg  string
	}{
		{"no sub_mch_id", p, map[string]string{"out_trade_no": no}, "受理机构必须传入sub_mch_id"},
		{"unserved sub_mch_id", p, map[string]string{"out_trade_no": no, "sub_mch_id": "1799999999"}, "sub_mch_id与mch_id不匹配"},
		{"direct merchant with sub_mch_id", d, map[string]string{"out_trade_no": no, "sub_mch_id": pp.SubMchID}, "普通商户不允许传sub_mch_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if q := c.e.v2("/pay/orderquery", c.p); q["return_code"] != "FAIL" || q["return_msg"] != c.msg {
				t.Fatalf("%v", q)
			}
		})
	}
}

// spPrepayBody is a valid partner JSAPI/App/H5 order body for kind; a
// JSAPI payer is named under sub_appid.
func (e *env) spPrepayBody(kind, no string, fen int64) map[string]any {
	pp := e.prof.Partner
	b := e.prepayBody(kind, no, fen)
	delete(b, "appid")
	delete(b, "mchid")
	b["sp_appid"], b["sp_mchid"], b["sub_mchid"], b["sub_appid"] = pp.SpAppID, pp.SpMchID, pp.SubMchID, pp.SubAppID
	if kind == "jsapi" {
		b["payer"] = map[string]string{"sub_openid": "oSubF8uMuAJO_M2pxb1Q9zNjWe"}
	}
	return b
}

// TestPartnerPrepayKinds runs the partner JSAPI, App and H5 orders: the
// provider asks, the customer pays the prepay_id in the sub-merchant's app
// with parameters signed by the provider's key, and the order is the
// sub-merchant's alone — its query (partner shape, payer under both apps),
// refund with sub_mchid and notification; the direct merchant sees none
// of it.
func TestPartnerPrepayKinds(t *testing.T) {
	direct := newEnv(t, func(o *sandbox.Options) { o.RefundDelay = -1 })
	e := direct.asPartner()
	pp := e.prof.Partner
	kinds := []struct {
		kind, tradeType string
		params          func(prepayID string) map[string]string
	}{
		{"jsapi", "JSAPI", func(id string) map[string]string {
			p := e.jsapiParamsFor(pp.SubAppID, id)
			return p
		}},
		{"app", "APP", func(id string) map[string]string { return e.appParamsFor(pp.SubAppID, pp.SubMchID, id) }},
		{"h5", "MWEB", func(id string) map[string]string { return map[string]string{"prepay_id": id} }},
	}
	for _, k := range kinds {
		t.Run(k.kind, func(t *testing.T) {
			no := newNo("SPK")
			r := e.v3(http.MethodPost, "/v3/pay/partner/transactions/"+k.kind, e.spPrepayBody(k.kind, no, 1234))
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			id, err := e.sb.PrepayID(no)
			if err != nil {
				t.Fatal(err)
			}
			if k.kind == "h5" && !strings.Contains(jsonField(t, r.body, "h5_url"), "prepay_id="+id) {
				t.Fatalf("h5_url of another prepay_id: %s", r.body)
			} else if k.kind != "h5" && jsonField(t, r.body, "prepay_id") != id {
				t.Fatalf("prepay_id: %s", r.body)
			}
			if k.kind != "h5" { // the direct merchant's key does not pay a sub-merchant's order
				bad := k.params(id)
				if k.kind == "jsapi" {
					bad = direct.jsapiParams(id)
					bad["appId"] = pp.SubAppID
				}
				sig := "paySign"
				if k.kind == "app" {
					sig = "sign"
				}
				bad[sig] = direct.jsapiParams(id)["paySign"]
				if st := e.control(http.MethodPost, "/sandbox/prepay/pay", bad, nil); st != http.StatusForbidden {
					t.Fatalf("paid with a signature not the provider's: %d", st)
				}
			}
			var paid sandbox.PrepayPaid
			if st := e.control(http.MethodPost, "/sandbox/prepay/pay", k.params(id), &paid); st != http.StatusOK || paid.TradeType != k.tradeType {
				t.Fatalf("pay: %d %+v", st, paid)
			}
			q := e.v3(http.MethodGet, spQuery(pp, "/v3/pay/partner/transactions/out-trade-no/"+no, pp.SubMchID), nil)
			if q.status != 200 || jsonField(t, q.body, "trade_state") != "SUCCESS" || jsonField(t, q.body, "sub_mchid") != pp.SubMchID {
				t.Fatalf("partner query: %d %s", q.status, q.body)
			}
			var tx struct {
				Payer struct {
					SpOpenID  string `json:"sp_openid"`
					SubOpenID string `json:"sub_openid"`
				} `json:"payer"`
			}
			q.decode(t, &tx)
			if tx.Payer.SpOpenID == "" || (k.kind == "jsapi" && tx.Payer.SubOpenID != "oSubF8uMuAJO_M2pxb1Q9zNjWe") {
				t.Fatalf("payer %+v", tx.Payer)
			}
			if d := direct.v3(http.MethodGet, "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+direct.creds.MchID, nil); d.status != http.StatusNotFound {
				t.Fatalf("the direct merchant sees the sub-merchant's order: %d %s", d.status, d.body)
			}
			rf := e.v3(http.MethodPost, "/v3/refund/domestic/refunds", map[string]any{"sub_mchid": pp.SubMchID, "out_trade_no": no,
				"out_refund_no": "R" + no, "amount": map[string]any{"refund": 234, "total": 1234, "currency": "CNY"}})
			if rf.status != http.StatusOK {
				t.Fatalf("refund: %d %s", rf.status, rf.body)
			}
		})
	}
	found := 0
	for _, o := range e.sb.PartnerLedger().Orders {
		if strings.HasPrefix(o.OutTradeNo, "SPK") && o.RefundedFen == 234 {
			found++
		}
	}
	if found != 3 {
		t.Fatalf("%d paid and refunded partner prepay orders in the sub-merchant's ledger, want 3", found)
	}
}

// TestPartnerPrepayRules: the partner JSAPI payer is sp_openid or
// sub_openid (with sub_appid), at least one; the client opens the payment
// in the app of the openid the order was made for.
func TestPartnerPrepayRules(t *testing.T) {
	e := newEnv(t, nil).asPartner()
	pp := e.prof.Partner
	for _, tc := range []struct {
		name  string
		mod   func(b map[string]any)
		field string
	}{
		{"no payer", func(b map[string]any) { delete(b, "payer") }, "/payer"},
		{"neither openid", func(b map[string]any) { b["payer"] = map[string]string{} }, "/payer"},
		{"sub_openid without sub_appid", func(b map[string]any) { delete(b, "sub_appid") }, "/sub_appid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.spPrepayBody("jsapi", newNo("SPR"), 100)
			tc.mod(b)
			r := e.v3(http.MethodPost, "/v3/pay/partner/transactions/jsapi", b)
			var eb struct {
				Code   string `json:"code"`
				Detail struct {
					Field string `json:"field"`
				} `json:"detail"`
			}
			r.decode(t, &eb)
			if r.status != http.StatusBadRequest || eb.Code != "PARAM_ERROR" || eb.Detail.Field != tc.field {
				t.Fatalf("%d %s, want PARAM_ERROR on %s", r.status, r.body, tc.field)
			}
		})
	}
	// Made for sp_openid: paid in the provider's app, not the sub-merchant's.
	no := newNo("SPR")
	b := e.spPrepayBody("jsapi", no, 100)
	b["payer"] = map[string]string{"sp_openid": "oSpF8uMuAJO_M2pxb1Q9zNjWeS"}
	if r := e.v3(http.MethodPost, "/v3/pay/partner/transactions/jsapi", b); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	id, _ := e.sb.PrepayID(no)
	if st := e.control(http.MethodPost, "/sandbox/prepay/pay", e.jsapiParamsFor(pp.SubAppID, id), nil); st != http.StatusBadRequest {
		t.Fatalf("an sp_openid order paid in the sub-merchant's app: %d", st)
	}
	if st := e.control(http.MethodPost, "/sandbox/prepay/pay", e.jsapiParamsFor(pp.SpAppID, id), nil); st != http.StatusOK {
		t.Fatalf("paid in the provider's app: %d", st)
	}
}

// jsapiParamsFor is jsapiParams opened in app appID.
func (e *env) jsapiParamsFor(appID, prepayID string) map[string]string {
	e.t.Helper()
	p := map[string]string{"prepay_id": prepayID, "appId": appID, "timeStamp": strconv.FormatInt(time.Now().Unix(), 10),
		"nonceStr": wechat.NonceString(), "package": "prepay_id=" + prepayID, "signType": "RSA"}
	sig, err := wechat.SignSHA256RSA(e.key, p["appId"]+"\n"+p["timeStamp"]+"\n"+p["nonceStr"]+"\n"+p["package"]+"\n")
	if err != nil {
		e.t.Fatal(err)
	}
	p["paySign"] = sig
	return p
}

// appParamsFor is appParams for app appID and merchant mchID.
func (e *env) appParamsFor(appID, mchID, prepayID string) map[string]string {
	e.t.Helper()
	p := map[string]string{"appid": appID, "partnerid": mchID, "prepayid": prepayID, "package": "Sign=WXPay",
		"noncestr": wechat.NonceString(), "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "prepay_id": prepayID}
	sig, err := wechat.SignSHA256RSA(e.key, p["appid"]+"\n"+p["timestamp"]+"\n"+p["noncestr"]+"\n"+prepayID+"\n")
	if err != nil {
		e.t.Fatal(err)
	}
	p["sign"] = sig
	return p
}
