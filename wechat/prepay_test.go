package wechat_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// prepayClient is what the JSAPI, App and H5 tests need of either
// generation's client.
type prepayClient interface {
	JSAPIPrepay(context.Context, wechat.PrepayRequest) (*wechat.PrepayOrder, error)
	AppPrepay(context.Context, wechat.PrepayRequest) (*wechat.PrepayOrder, error)
	H5Prepay(context.Context, wechat.PrepayRequest) (*wechat.PrepayOrder, error)
	JSAPIPayParams(prepayID string) (wechat.JSAPIPayParams, error)
	AppPayParams(prepayID string) (wechat.AppPayParams, error)
	QueryByOutTradeNo(context.Context, string) (*wechat.Transaction, error)
	Refund(context.Context, wechat.RefundRequest) (*wechat.Refund, error)
}

// clientParams flattens the client-side parameters as the page or app
// hands them to WeChat, plus the prepay_id for the sandbox's customer.
func clientParams(t *testing.T, prepayID string, v any) map[string]string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["prepay_id"] = prepayID
	return m
}

// runPrepaySuite: each kind is created by the client, paid by the
// sandbox's customer with the parameters the client signed, then queried
// PAID with its trade type and refunded.
func runPrepaySuite(t *testing.T, e *sandboxEnv, c prepayClient) {
	ctx := context.Background()
	req := func(p string) wechat.PrepayRequest {
		return wechat.PrepayRequest{OutTradeNo: outNo(p), Description: "门店-小程序点单", Total: 2650,
			NotifyURL: "https://example.com/notify", OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", ClientIP: "203.0.113.7", H5Type: wechat.H5Android}
	}
	kinds := []struct {
		name, tradeType string
		create          func(context.Context, wechat.PrepayRequest) (*wechat.PrepayOrder, error)
		params          func(t *testing.T, o *wechat.PrepayOrder) map[string]string
	}{
		{"JSAPI", "JSAPI", c.JSAPIPrepay, func(t *testing.T, o *wechat.PrepayOrder) map[string]string {
			p, err := c.JSAPIPayParams(o.PrepayID)
			if err != nil {
				t.Fatal(err)
			}
			return clientParams(t, o.PrepayID, p)
		}},
		{"App", "APP", c.AppPrepay, func(t *testing.T, o *wechat.PrepayOrder) map[string]string {
			p, err := c.AppPayParams(o.PrepayID)
			if err != nil {
				t.Fatal(err)
			}
			return clientParams(t, o.PrepayID, p)
		}},
		{"H5", "MWEB", c.H5Prepay, func(t *testing.T, o *wechat.PrepayOrder) map[string]string {
			if !strings.HasPrefix(o.H5URL, "https://") {
				t.Fatalf("h5 url %q", o.H5URL)
			}
			return map[string]string{"h5_url": o.H5URL}
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			r := req("PP")
			o, err := k.create(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if o.PrepayID == "" {
				t.Fatalf("%+v", o)
			}
			forged := k.params(t, o)
			if k.name != "H5" {
				forged["nonceStr"], forged["noncestr"] = "forged", "forged"
				if _, err := e.sb.PayPrepay(forged); !errors.Is(err, sandbox.ErrClientSign) {
					t.Fatalf("forged parameters: %v", err)
				}
			}
			if _, err := e.sb.PayPrepay(k.params(t, o)); err != nil {
				t.Fatal(err)
			}
			tx, err := c.QueryByOutTradeNo(ctx, r.OutTradeNo)
			if err != nil {
				t.Fatal(err)
			}
			if !tx.Paid() || tx.TradeType != k.tradeType || tx.Total != r.Total {
				t.Fatalf("%+v", tx)
			}
			if k.name == "JSAPI" && tx.OpenID != r.OpenID {
				t.Fatalf("payer %q", tx.OpenID)
			}
			rf, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "R" + r.OutTradeNo, Refund: 650, Total: r.Total})
			if err != nil || rf.Refund != 650 {
				t.Fatalf("%+v %v", rf, err)
			}
		})
	}
}

func TestPrepayKindsV3(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	runPrepaySuite(t, e, e.v3(t, false))
}

func TestPrepayKindsV2(t *testing.T) {
	for _, st := range []wechat.SignType{wechat.SignMD5, wechat.SignHMACSHA256} {
		t.Run(string(st), func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			runPrepaySuite(t, e, e.v2(t, st))
		})
	}
}

// TestPrepayRequiredBeforeIO refuses what the service would refuse
// without sending anything (the client points at a closed port).
func TestPrepayRequiredBeforeIO(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c3, c2 := e.v3(t, false), e.v2(t, wechat.SignMD5)
	ok := wechat.PrepayRequest{OutTradeNo: "PR000001", Description: "d", Total: 1, NotifyURL: "https://example.com/n",
		OpenID: "o1", ClientIP: "203.0.113.7", H5Type: wechat.H5Wap}
	tests := []struct {
		name string
		edit func(r *wechat.PrepayRequest)
		call func(context.Context, wechat.PrepayRequest) (*wechat.PrepayOrder, error)
	}{
		{"v3 JSAPI without openid", func(r *wechat.PrepayRequest) { r.OpenID = "" }, c3.JSAPIPrepay},
		{"v2 JSAPI without openid", func(r *wechat.PrepayRequest) { r.OpenID = "" }, c2.JSAPIPrepay},
		{"v3 H5 without client ip", func(r *wechat.PrepayRequest) { r.ClientIP = "" }, c3.H5Prepay},
		{"v3 H5 bad type", func(r *wechat.PrepayRequest) { r.H5Type = "Windows" }, c3.H5Prepay},
		{"v2 App without client ip", func(r *wechat.PrepayRequest) { r.ClientIP = "" }, c2.AppPrepay},
		{"v3 App without notify_url", func(r *wechat.PrepayRequest) { r.NotifyURL = "" }, c3.AppPrepay},
		{"v3 App zero amount", func(r *wechat.PrepayRequest) { r.Total = 0 }, c3.AppPrepay},
	}
	e.sb.AddFault(sandbox.Fault{Drop: sandbox.DropBefore, Count: -1}) // anything sent fails differently
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			if _, err := tc.call(context.Background(), r); !errors.Is(err, wechat.ErrInvalidArgument) {
				t.Fatalf("%v, want ErrInvalidArgument", err)
			}
		})
	}
	if _, err := c3.JSAPIPayParams(""); !errors.Is(err, wechat.ErrInvalidArgument) {
		t.Fatal(err)
	}
}

// TestPayParamsShape pins the fixed parts of the client-side parameters
// and that the v3 signature is over exactly the documented message.
func TestPayParamsShape(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	key, err := wechat.ParsePrivateKeyPEM([]byte(e.creds.MerchantKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	js, err := wechat.SignJSAPIPayParams(key, "wxd678efh567hg6787", "wx201410272009395522657a690389285100", 1414561699, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS")
	if err != nil {
		t.Fatal(err)
	}
	if js.Package != "prepay_id=wx201410272009395522657a690389285100" || js.SignType != "RSA" || js.TimeStamp != "1414561699" {
		t.Fatalf("%+v", js)
	}
	msg := "wxd678efh567hg6787\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n"
	if err := wechat.VerifySHA256RSA(&key.PublicKey, msg, js.PaySign); err != nil {
		t.Fatal(err)
	}
	app, err := wechat.SignAppPayParams(key, "wxd678efh567hg6787", "1900000109", "WX1217752501201407033233368018", 1412000000, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS")
	if err != nil {
		t.Fatal(err)
	}
	if app.Package != "Sign=WXPay" || app.PartnerID != "1900000109" {
		t.Fatalf("%+v", app)
	}
	msg = "wxd678efh567hg6787\n1412000000\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n"
	if err := wechat.VerifySHA256RSA(&key.PublicKey, msg, app.Sign); err != nil {
		t.Fatal(err)
	}
	// v2: the MD5 of the documented string to sign, written out.
	v2 := wechat.SignJSAPIPayParamsV2("192006250b4c09247ec02edce69f6a2d", wechat.SignMD5, "wxd930ea5d5a258f4f", "wx2017", 1414561699, "n0nce")
	sum := md5.Sum([]byte("appId=wxd930ea5d5a258f4f&nonceStr=n0nce&package=prepay_id=wx2017&signType=MD5&timeStamp=1414561699&key=192006250b4c09247ec02edce69f6a2d"))
	want := strings.ToUpper(hex.EncodeToString(sum[:]))
	if v2.PaySign != want || v2.SignType != "MD5" {
		t.Fatalf("%+v, want paySign %s", v2, want)
	}
}

// TestPrepayKindsPartner is the prepay suite as a service provider's
// sub-merchant with its own app (sub_appid): the partner endpoints, the
// payer as sub_openid, the client-side parameters for the sub-merchant's
// app signed with the provider's keys; every order in the sub-merchant's
// ledger.
func TestPrepayKindsPartner(t *testing.T) {
	clients := map[string]func(e *sandboxEnv) prepayClient{
		"v3":     func(e *sandboxEnv) prepayClient { return e.v3Partner(t, e.creds.Partner.SubMchID) },
		"v2/MD5": func(e *sandboxEnv) prepayClient { return e.v2Partner(t, wechat.SignMD5) },
		"v2/HMAC-SHA256": func(e *sandboxEnv) prepayClient {
			return e.v2Partner(t, wechat.SignHMACSHA256)
		},
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			runPrepaySuite(t, e, c(e))
			if n := len(e.sb.PartnerLedger().Orders); len(e.sb.Ledger().Orders) != 0 || n != 3 {
				t.Fatalf("orders: direct %d, sub-merchant %d (want 0 and 3)", len(e.sb.Ledger().Orders), n)
			}
		})
	}
}
