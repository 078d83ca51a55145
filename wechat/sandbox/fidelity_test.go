package sandbox_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
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

// Two refunds (two out_refund_no) of one order less than a minute apart:
// the second is 429 FREQUENCY_LIMITED "单笔订单请求频率过高,请于1分钟后重试"
// (issue #19; PROTOCOL A.11 "Spacing" and B.10's error table), v2 and v3.
// Repeating the first refund is not a new refund and is answered; a minute
// after the first, the second goes through.
func TestRefundsOfOneOrderAMinuteApart(t *testing.T) {
	const msg = "单笔订单请求频率过高,请于1分钟后重试"
	e := newEnv(t, nil)
	t.Run("v3", func(t *testing.T) {
		no := newNo("FQ")
		if r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		refund := func(rno string) v3Resp {
			return e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": rno,
				"amount": map[string]any{"refund": 10, "total": 100, "currency": "CNY"}})
		}
		if r := refund("FQA" + no); r.status != 200 {
			t.Fatalf("first refund: %d %s", r.status, r.body)
		}
		e.sb.Advance(59 * time.Second)
		r := refund("FQB" + no)
		e.verifyV3(r)
		if r.status != http.StatusTooManyRequests || r.code(t) != "FREQUENCY_LIMITED" || jsonField(t, r.body, "message") != msg {
			t.Fatalf("second refund 59 s later: %d %s", r.status, r.body)
		}
		if r := refund("FQA" + no); r.status != 200 {
			t.Fatalf("first refund repeated: %d %s", r.status, r.body)
		}
		e.sb.Advance(time.Second)
		if r := refund("FQB" + no); r.status != 200 {
			t.Fatalf("second refund a minute later: %d %s", r.status, r.body)
		}
	})
	t.Run("v2", func(t *testing.T) {
		no := newNo("FQ")
		if m := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)); m["result_code"] != "SUCCESS" {
			t.Fatal(m)
		}
		refund := func(rno string) map[string]string {
			return e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": rno, "total_fee": "100", "refund_fee": "10"})
		}
		if m := refund("FQA" + no); m["result_code"] != "SUCCESS" {
			t.Fatal(m)
		}
		e.sb.Advance(30 * time.Second)
		if m := refund("FQB" + no); m["result_code"] != "FAIL" || m["err_code"] != "FREQUENCY_LIMITED" || m["err_code_des"] != msg {
			t.Fatalf("second refund 30 s later: %v", m)
		}
		e.sb.Advance(30 * time.Second)
		if m := refund("FQB" + no); m["result_code"] != "SUCCESS" {
			t.Fatalf("second refund a minute later: %v", m)
		}
	})
}

// The fault injector's 429 can answer the per-order limit's code too, and
// refuses codes a 429 never carries.
func TestFault429FrequencyLimited(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.sb.AddFault(sandbox.Fault{Path: "/v3/refund/domestic/refunds", Status: http.StatusTooManyRequests, Code: "FREQUENCY_LIMITED"}); err != nil {
		t.Fatal(err)
	}
	r := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": "NOPE123", "out_refund_no": "RL1",
		"amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}})
	e.verifyV3(r)
	if r.status != http.StatusTooManyRequests || r.code(t) != "FREQUENCY_LIMITED" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, f := range []sandbox.Fault{{Status: 429, Code: "SYSTEM_ERROR"}, {Status: 500, Code: "FREQUENCY_LIMITED"}} {
		if err := e.sb.AddFault(f); err == nil {
			t.Fatalf("fault %+v accepted", f)
		}
	}
}

// Text fields take 1–3-byte UTF-8 only (issue #19): an emoji (4 bytes) in
// description, attach or a refund's reason is refused before anything
// happens, on v3 as a PARAM_ERROR naming the field and on v2 as
// return_code=FAIL naming it; a 3-byte character (☕ U+2615) is fine.
func TestTextFieldsRefuseFourByteUTF8(t *testing.T) {
	e := newEnv(t, nil)
	const emoji = "咖啡😀" // U+1F600: four bytes in UTF-8
	pay := func(mod func(map[string]any)) v3Resp {
		b := codepayBody(e, newNo("TX"), sandbox.NewCode(sandbox.ScenarioSuccess), 100)
		mod(b)
		return e.v3("POST", "/v3/pay/transactions/codepay", b)
	}
	for _, tc := range []struct {
		field string
		mod   func(map[string]any)
	}{
		{"/description", func(b map[string]any) { b["description"] = emoji }},
		{"/attach", func(b map[string]any) { b["attach"] = emoji }},
	} {
		r := pay(tc.mod)
		if r.status != http.StatusBadRequest || r.code(t) != "PARAM_ERROR" || !strings.Contains(string(r.body), `"field":"`+tc.field+`"`) {
			t.Fatalf("%s with an emoji: %d %s", tc.field, r.status, r.body)
		}
	}
	no := newNo("TX")
	b := codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)
	b["description"] = "咖啡☕"
	if r := e.v3("POST", "/v3/pay/transactions/codepay", b); r.status != 200 {
		t.Fatalf("3-byte character: %d %s", r.status, r.body)
	}
	r := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "TXR" + no, "reason": "退货😀",
		"amount": map[string]any{"refund": 10, "total": 100, "currency": "CNY"}})
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"/reason"`) {
		t.Fatalf("refund reason with an emoji: %d %s", r.status, r.body)
	}
	if o := e.order(no); o.RefundedFen != 0 {
		t.Fatalf("refused refund moved money: %+v", o)
	}

	p := micropayParams(newNo("TX"), sandbox.NewCode(sandbox.ScenarioSuccess), 100)
	p["body"] = emoji
	if m := e.v2("/pay/micropay", p); m["return_code"] != "FAIL" || !strings.HasPrefix(m["return_msg"], "body") {
		t.Fatalf("v2 body with an emoji: %v", m)
	}
}

// The v3 query of a Native order nobody has paid omits trade_type and
// carries "promotion_detail": [] and a scene_info, as captured (issue #19);
// once paid it names trade_type NATIVE. A payment-code order waiting for
// the password is MICROPAY from the start.
func TestV3QueryOfUnpaidOrder(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("UQ")
	r := e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, no, 100))
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	fields := func(no string) map[string]json.RawMessage {
		q := e.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil)
		e.verifyV3(q)
		var m map[string]json.RawMessage
		if q.status != 200 || json.Unmarshal(q.body, &m) != nil {
			t.Fatalf("query: %d %s", q.status, q.body)
		}
		return m
	}
	m := fields(no)
	if _, ok := m["trade_type"]; ok || string(m["promotion_detail"]) != "[]" || m["scene_info"] == nil || string(m["trade_state"]) != `"NOTPAY"` {
		t.Fatalf("unpaid Native order: %v", m)
	}
	if err := e.sb.PayNative(jsonField(t, r.body, "code_url")); err != nil {
		t.Fatal(err)
	}
	if m := fields(no); string(m["trade_type"]) != `"NATIVE"` || string(m["trade_state"]) != `"SUCCESS"` {
		t.Fatalf("paid Native order: %v", m)
	}
	paying := newNo("UQ")
	e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, paying, sandbox.NewCode(sandbox.ScenarioUserPayingTimeout), 100))
	if m := fields(paying); string(m["trade_type"]) != `"MICROPAY"` || string(m["trade_state"]) != `"USERPAYING"` {
		t.Fatalf("payment code waiting for the password: %v", m)
	}
}

// A merchant with only the WeChat Pay public key (PublicKeyOnlyMode) has
// no platform certificate: /v3/certificates is 404 (issue #19), signed
// with the public key, and a request naming a platform certificate serial
// is still answered with the public key. The profile offers no
// certificate. The default sandbox serves both.
func TestCertificatesInPublicKeyOnlyMode(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.KeyMode = sandbox.PublicKeyOnlyMode })
	if e.prof.V3.PlatformCertPEM != "" || e.prof.V3.PlatformCertSerialNo != "" {
		t.Fatalf("profile offers a platform certificate: %q", e.prof.V3.PlatformCertSerialNo)
	}
	r := e.v3("GET", "/v3/certificates", nil)
	if r.status != http.StatusNotFound || r.code(t) != "NOT_FOUND" || r.header.Get("Wechatpay-Serial") != e.prof.V3.PlatformPublicKeyID {
		t.Fatalf("%d %s (serial %s)", r.status, r.body, r.header.Get("Wechatpay-Serial"))
	}
	cert, err := wechat.ParseCertificatePEM([]byte(e.creds.PlatformCertPEM))
	if err != nil {
		t.Fatal(err)
	}
	platformSerial := wechat.CertificateSerial(cert)
	q := e.v3Raw("GET", "/v3/pay/transactions/out-trade-no/NOPE123?mchid="+e.creds.MchID, nil,
		e.authorization("GET", "/v3/pay/transactions/out-trade-no/NOPE123?mchid="+e.creds.MchID, nil, time.Now()),
		map[string]string{"Wechatpay-Serial": platformSerial})
	if q.header.Get("Wechatpay-Serial") != e.prof.V3.PlatformPublicKeyID {
		t.Fatalf("answered with %s", q.header.Get("Wechatpay-Serial"))
	}

	both := newEnv(t, nil)
	if r := both.v3("GET", "/v3/certificates", nil); r.status != 200 {
		t.Fatalf("default sandbox: %d %s", r.status, r.body)
	}
}

// notify_url is checked when the order or refund is made: an absolute
// http(s) URL with no query string ("不能携带参数"; PROTOCOL A.5, B.8,
// B.10), with or without NotifyLoopback. Whether WeChat can reach it
// (https, a public host) is decided at delivery, where only a sandbox
// started with NotifyLoopback goes to loopback http
// (TestNotifyLoopbackNeedsFlag).
func TestNotifyURLRulesAtRequest(t *testing.T) {
	for _, loopback := range []bool{false, true} {
		e := newEnv(t, func(o *sandbox.Options) { o.NotifyLoopback = loopback })
		native := func(u string) v3Resp {
			b := nativeBody(e, newNo("NU"), 100)
			b["notify_url"] = u
			return e.v3("POST", "/v3/pay/transactions/native", b)
		}
		for _, tc := range []struct {
			url string
			ok  bool
		}{
			{"https://shop.example.com/wxpay/notify", true},
			{"https://shop.example.com/wxpay/notify?store=1", false},
			{"https://shop.example.com/wxpay/notify?", false},
			{"https://shop.example.com/wxpay/notify#x", false},
			{"ftp://shop.example.com/notify", false},
			{"/wxpay/notify", false},
			{"http://127.0.0.1:8443/notify/v3", true}, // taken; never delivered without NotifyLoopback
		} {
			r := native(tc.url)
			if (r.status == 200) != tc.ok || (!tc.ok && (r.code(t) != "PARAM_ERROR" || !strings.Contains(string(r.body), `"field":"/notify_url"`))) {
				t.Errorf("loopback=%v native %q: %d %s", loopback, tc.url, r.status, r.body)
			}
		}

		no := newNo("NU")
		e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
		r := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "NUR" + no,
			"notify_url": "https://shop.example.com/refund?x=1", "amount": map[string]any{"refund": 10, "total": 100, "currency": "CNY"}})
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"/notify_url"`) {
			t.Errorf("loopback=%v refund notify_url with a query: %d %s", loopback, r.status, r.body)
		}

		p := nativeParams(newNo("NU"), 100)
		p["notify_url"] = "https://shop.example.com/wxpay/notify?store=1"
		if m := e.v2("/pay/unifiedorder", p); m["return_code"] != "FAIL" || m["return_msg"] != "notify_url参数格式错误" {
			t.Errorf("loopback=%v v2 notify_url with a query: %v", loopback, m)
		}
		p = nativeParams(newNo("NU"), 100)
		p["notify_url"] = "http://shop.example.com/wxpay/notify" // v2 takes http(s) (PROTOCOL A.5)
		if m := e.v2("/pay/unifiedorder", p); m["result_code"] != "SUCCESS" {
			t.Errorf("loopback=%v v2 http notify_url: %v", loopback, m)
		}
	}
}
