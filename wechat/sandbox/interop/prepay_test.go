package interop_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	gopayv2 "github.com/go-pay/gopay/wechat"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/app"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/h5"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/jsapi"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"github.com/wxpos/wxpos/wechat"
)

const payerOpenID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"

// customerPaysPrepay is the simulated customer paying in the WeChat client
// with the parameters an SDK built (control API POST /sandbox/prepay/pay).
func customerPaysPrepay(t *testing.T, prepayID string, clientParams any, extra map[string]string) {
	t.Helper()
	m := map[string]string{}
	if clientParams != nil {
		b, err := json.Marshal(clientParams)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range extra {
		m[k] = v
	}
	if prepayID != "" {
		m["prepay_id"] = prepayID
	}
	body, _ := json.Marshal(m)
	resp, err := http.Post(rig.srv.URL+"/sandbox/prepay/pay", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("the WeChat client refuses the SDK's parameters: %d %s", resp.StatusCode, b)
	}
}

// mustKey is the merchant's private key, as the SDKs are given it.
func mustKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := wechat.ParsePrivateKeyPEM([]byte(profile().V3.MerchantPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestWechatpayGoPrepayKinds: wechatpay-go v0.2.21's jsapi, app and h5
// services, response validation on, each kind through prepay → the
// customer pays with the parameters the SDK signed → query PAID → refund.
// The SDK's PrepayWithRequestPayment signatures equal wxpos's builders for
// the same app id, prepay_id, timestamp and nonce.
func TestWechatpayGoPrepayKinds(t *testing.T) {
	ctx := context.Background()
	c := officialClient(t, false)
	p := profile()
	ref := refunddomestic.RefundsApiService{Client: c}
	refund := func(t *testing.T, no string, total int64) {
		t.Helper()
		r, _, err := ref.Create(ctx, refunddomestic.CreateRequest{OutTradeNo: core.String(no), OutRefundNo: core.String("R" + no),
			Amount: &refunddomestic.AmountReq{Refund: core.Int64(100), Total: core.Int64(total), Currency: core.String("CNY")}})
		if err != nil || *r.Amount.Refund != 100 {
			t.Fatalf("refund: %v %v", r, err)
		}
	}

	t.Run("jsapi", func(t *testing.T) {
		svc := jsapi.JsapiApiService{Client: c}
		no := sdkNo("OFJ")
		resp, _, err := svc.PrepayWithRequestPayment(ctx, jsapi.PrepayRequest{Appid: core.String(p.AppID), Mchid: core.String(p.MchID),
			Description: core.String("门店-小程序点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
			Amount: &jsapi.Amount{Total: core.Int64(1680)}, Payer: &jsapi.Payer{Openid: core.String(payerOpenID)}})
		if err != nil {
			t.Fatalf("jsapi prepay: %v", err)
		}
		ts, _ := strconv.ParseInt(*resp.TimeStamp, 10, 64)
		ours, err := wechat.SignJSAPIPayParams(mustKey(t), p.AppID, *resp.PrepayId, ts, *resp.NonceStr)
		if err != nil || ours.PaySign != *resp.PaySign || ours.Package != *resp.Package || ours.SignType != *resp.SignType {
			t.Fatalf("wxpos %+v, SDK %v (%v)", ours, resp, err)
		}
		customerPaysPrepay(t, *resp.PrepayId, resp, nil)
		q, _, err := svc.QueryOrderByOutTradeNo(ctx, jsapi.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != "JSAPI" || *q.Payer.Openid != payerOpenID {
			t.Fatalf("query: %v %v", q, err)
		}
		refund(t, no, 1680)
	})

	// The services refuse a request without payer (or h5_info) before
	// sending it; the core client sends one, as a hand-written body would.
	refused := func(t *testing.T, path string, body map[string]any, field string) {
		t.Helper()
		_, err := c.Post(ctx, apiBase+path, body)
		var apiErr *core.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Code != "PARAM_ERROR" || !strings.Contains(apiErr.Message, field) {
			t.Fatalf("%v", err)
		}
	}
	bare := func() map[string]any {
		return map[string]any{"appid": p.AppID, "mchid": p.MchID, "description": "d", "out_trade_no": sdkNo("OFX"),
			"notify_url": "https://shop.example.com/n", "amount": map[string]any{"total": 1}}
	}
	t.Run("jsapi without payer is refused", func(t *testing.T) {
		refused(t, "/v3/pay/transactions/jsapi", bare(), "/payer")
	})
	t.Run("h5 without h5_info is refused", func(t *testing.T) {
		b := bare()
		b["scene_info"] = map[string]any{"payer_client_ip": "203.0.113.7"}
		refused(t, "/v3/pay/transactions/h5", b, "/scene_info/h5_info")
	})

	t.Run("app", func(t *testing.T) {
		svc := app.AppApiService{Client: c}
		no := sdkNo("OFA")
		resp, _, err := svc.PrepayWithRequestPayment(ctx, app.PrepayRequest{Appid: core.String(p.AppID), Mchid: core.String(p.MchID),
			Description: core.String("门店-App点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
			Amount: &app.Amount{Total: core.Int64(2300)}})
		if err != nil {
			t.Fatalf("app prepay: %v", err)
		}
		ts, _ := strconv.ParseInt(*resp.TimeStamp, 10, 64)
		ours, err := wechat.SignAppPayParams(mustKey(t), p.AppID, p.MchID, *resp.PrepayId, ts, *resp.NonceStr)
		if err != nil || ours.Sign != *resp.Sign || ours.PartnerID != *resp.PartnerId || ours.Package != *resp.Package {
			t.Fatalf("wxpos %+v, SDK %v (%v)", ours, resp, err)
		}
		// The SDK's answer has no app id: the app knows its own.
		customerPaysPrepay(t, *resp.PrepayId, resp, map[string]string{"appid": p.AppID})
		q, _, err := svc.QueryOrderByOutTradeNo(ctx, app.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != "APP" {
			t.Fatalf("query: %v %v", q, err)
		}
		refund(t, no, 2300)
	})

	t.Run("h5", func(t *testing.T) {
		svc := h5.H5ApiService{Client: c}
		no := sdkNo("OFH")
		resp, _, err := svc.Prepay(ctx, h5.PrepayRequest{Appid: core.String(p.AppID), Mchid: core.String(p.MchID),
			Description: core.String("门店-H5点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
			Amount:    &h5.Amount{Total: core.Int64(990)},
			SceneInfo: &h5.SceneInfo{PayerClientIp: core.String("203.0.113.7"), H5Info: &h5.H5Info{Type: core.String("Wap")}}})
		if err != nil || !strings.HasPrefix(*resp.H5Url, "https://") {
			t.Fatalf("h5 prepay: %v %v", resp, err)
		}
		customerPaysPrepay(t, "", nil, map[string]string{"h5_url": *resp.H5Url})
		q, _, err := svc.QueryOrderByOutTradeNo(ctx, h5.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != "MWEB" {
			t.Fatalf("query: %v %v", q, err)
		}
		refund(t, no, 990)
	})
}

// TestGopayPrepayKinds: gopay v1.5.123's v3 JSAPI, App and H5 calls and its
// v2 unifiedorder JSAPI, APP and MWEB, with its verification on, each
// through prepay → the customer pays with the parameters gopay signed
// (PaySignOfJSAPI, PaySignOfApplet, PaySignOfApp; GetJsapiPaySign,
// GetMiniPaySign, GetAppPaySign) → query PAID → refund. gopay's
// signatures equal wxpos's builders for the same inputs.
func TestGopayPrepayKinds(t *testing.T) {
	ctx := context.Background()
	c := gopayClient(t)
	p := profile()
	order := func(no string, fen int) gopay.BodyMap {
		bm := make(gopay.BodyMap)
		bm.Set("appid", p.AppID).Set("description", "门店-点单").Set("out_trade_no", no).
			Set("notify_url", "https://shop.example.com/wxpay/notify").
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", fen).Set("currency", "CNY") })
		return bm
	}
	paidThenRefund := func(t *testing.T, no, tradeType string, fen int) {
		t.Helper()
		q, err := c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Code != gopayv3.Success || q.Response.TradeState != "SUCCESS" || q.Response.TradeType != tradeType {
			t.Fatalf("query: %+v %v", q, err)
		}
		rbm := make(gopay.BodyMap)
		rbm.Set("out_trade_no", no).Set("out_refund_no", "R"+no).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 100).Set("total", fen).Set("currency", "CNY") })
		if r, err := c.V3Refund(ctx, rbm); err != nil || r.Code != gopayv3.Success {
			t.Fatalf("refund: %+v %v", r, err)
		}
	}

	for _, mini := range []bool{false, true} {
		name := "v3 jsapi"
		if mini {
			name = "v3 mini-program"
		}
		t.Run(name, func(t *testing.T) {
			no := sdkNo("GPJ")
			bm := order(no, 1680)
			bm.SetBodyMap("payer", func(b gopay.BodyMap) { b.Set("openid", payerOpenID) })
			r, err := c.V3TransactionJsapi(ctx, bm)
			if err != nil || r.Code != gopayv3.Success || r.Response.PrepayId == "" {
				t.Fatalf("jsapi: %+v %v", r, err)
			}
			var params any
			var ts, nonce, sign string
			if mini {
				a, err := c.PaySignOfApplet(p.AppID, r.Response.PrepayId)
				if err != nil {
					t.Fatal(err)
				}
				params, ts, nonce, sign = a, a.TimeStamp, a.NonceStr, a.PaySign
			} else {
				j, err := c.PaySignOfJSAPI(p.AppID, r.Response.PrepayId)
				if err != nil {
					t.Fatal(err)
				}
				params, ts, nonce, sign = j, j.TimeStamp, j.NonceStr, j.PaySign
			}
			sec, _ := strconv.ParseInt(ts, 10, 64)
			ours, err := wechat.SignJSAPIPayParams(mustKey(t), p.AppID, r.Response.PrepayId, sec, nonce)
			if err != nil || ours.PaySign != sign {
				t.Fatalf("wxpos paySign %s, gopay %s (%v)", ours.PaySign, sign, err)
			}
			customerPaysPrepay(t, r.Response.PrepayId, params, nil)
			paidThenRefund(t, no, "JSAPI", 1680)
		})
	}

	t.Run("v3 app", func(t *testing.T) {
		no := sdkNo("GPA")
		r, err := c.V3TransactionApp(ctx, order(no, 2300))
		if err != nil || r.Code != gopayv3.Success || r.Response.PrepayId == "" {
			t.Fatalf("app: %+v %v", r, err)
		}
		a, err := c.PaySignOfApp(p.AppID, r.Response.PrepayId)
		if err != nil {
			t.Fatal(err)
		}
		sec, _ := strconv.ParseInt(a.Timestamp, 10, 64)
		ours, err := wechat.SignAppPayParams(mustKey(t), p.AppID, p.MchID, r.Response.PrepayId, sec, a.Noncestr)
		if err != nil || ours.Sign != a.Sign || ours.PartnerID != a.Partnerid {
			t.Fatalf("wxpos %+v, gopay %+v (%v)", ours, a, err)
		}
		customerPaysPrepay(t, r.Response.PrepayId, a, nil)
		paidThenRefund(t, no, "APP", 2300)
	})

	t.Run("v3 h5", func(t *testing.T) {
		no := sdkNo("GPH")
		bm := order(no, 990)
		bm.SetBodyMap("scene_info", func(b gopay.BodyMap) {
			b.Set("payer_client_ip", "203.0.113.7").SetBodyMap("h5_info", func(h gopay.BodyMap) { h.Set("type", "iOS") })
		})
		r, err := c.V3TransactionH5(ctx, bm)
		if err != nil || r.Code != gopayv3.Success || !strings.HasPrefix(r.Response.H5Url, "https://") {
			t.Fatalf("h5: %+v %v", r, err)
		}
		customerPaysPrepay(t, "", nil, map[string]string{"h5_url": r.Response.H5Url})
		paidThenRefund(t, no, "MWEB", 990)
	})

	v2 := gopayV2Client(t)
	for _, st := range []string{gopayv2.SignType_MD5, gopayv2.SignType_HMAC_SHA256} {
		unified := func(t *testing.T, tradeType string, extra gopay.BodyMap) (string, *gopayv2.UnifiedOrderResponse) {
			t.Helper()
			no := sdkNo("GV2P")
			bm := gopay.BodyMap{"nonce_str": sdkNo("n"), "body": "门店-点单", "out_trade_no": no, "total_fee": 880,
				"spbill_create_ip": "203.0.113.7", "notify_url": "https://shop.example.com/wxpay/notify", "trade_type": tradeType, "sign_type": st}
			for k, v := range extra {
				bm[k] = v
			}
			r, err := v2.UnifiedOrder(ctx, bm)
			if err != nil || r.ReturnCode != "SUCCESS" || r.ResultCode != "SUCCESS" || r.PrepayId == "" {
				t.Fatalf("unifiedorder %s: %+v %v", tradeType, r, err)
			}
			verifyV2(t, "unifiedorder", st, r)
			return no, r
		}
		paidV2 := func(t *testing.T, no, tradeType string) {
			t.Helper()
			q, qbm, err := v2.QueryOrder(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "sign_type": st})
			if err != nil || q.TradeState != "SUCCESS" || q.TradeType != tradeType {
				t.Fatalf("query: %+v %v", q, err)
			}
			verifyV2(t, "orderquery", st, qbm)
			rf, _, err := v2.Refund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "out_refund_no": "R" + no,
				"total_fee": 880, "refund_fee": 80, "sign_type": st})
			if err != nil || rf.ResultCode != "SUCCESS" {
				t.Fatalf("refund: %+v %v", rf, err)
			}
		}
		t.Run("v2 JSAPI and mini-program "+st, func(t *testing.T) {
			for _, mini := range []bool{false, true} {
				no, r := unified(t, "JSAPI", gopay.BodyMap{"openid": payerOpenID})
				ts, nonce, pkg := "1710039600", sdkNo("n"), "prepay_id="+r.PrepayId
				sign := gopayv2.GetJsapiPaySign(p.AppID, nonce, pkg, st, ts, rig.creds.APIKey)
				if mini {
					sign = gopayv2.GetMiniPaySign(p.AppID, nonce, pkg, st, ts, rig.creds.APIKey)
				}
				ours := wechat.SignJSAPIPayParamsV2(rig.creds.APIKey, wechat.SignType(st), p.AppID, r.PrepayId, 1710039600, nonce)
				if ours.PaySign != sign {
					t.Fatalf("wxpos paySign %s, gopay %s", ours.PaySign, sign)
				}
				customerPaysPrepay(t, r.PrepayId, nil, map[string]string{"appId": p.AppID, "timeStamp": ts, "nonceStr": nonce,
					"package": pkg, "signType": st, "paySign": sign})
				paidV2(t, no, "JSAPI")
			}
		})
		t.Run("v2 APP "+st, func(t *testing.T) {
			no, r := unified(t, "APP", nil)
			ts, nonce := "1710039600", sdkNo("n")
			sign := gopayv2.GetAppPaySign(p.AppID, p.MchID, nonce, r.PrepayId, st, ts, rig.creds.APIKey)
			ours := wechat.SignAppPayParamsV2(rig.creds.APIKey, wechat.SignType(st), p.AppID, p.MchID, r.PrepayId, 1710039600, nonce)
			if ours.Sign != sign {
				t.Fatalf("wxpos sign %s, gopay %s", ours.Sign, sign)
			}
			customerPaysPrepay(t, r.PrepayId, nil, map[string]string{"appid": p.AppID, "partnerid": p.MchID, "prepayid": r.PrepayId,
				"package": "Sign=WXPay", "noncestr": nonce, "timestamp": ts, "sign": sign})
			paidV2(t, no, "APP")
		})
		t.Run("v2 MWEB "+st, func(t *testing.T) {
			no, r := unified(t, "MWEB", gopay.BodyMap{"scene_info": `{"h5_info":{"type":"Wap","wap_url":"https://shop.example.com","wap_name":"门店"}}`})
			if !strings.HasPrefix(r.MwebUrl, "https://") {
				t.Fatalf("mweb_url %q", r.MwebUrl)
			}
			customerPaysPrepay(t, "", nil, map[string]string{"h5_url": r.MwebUrl})
			paidV2(t, no, "MWEB")
		})
	}
}
