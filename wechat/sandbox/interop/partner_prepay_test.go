package interop_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pay/gopay"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	partnerapp "github.com/wechatpay-apiv3/wechatpay-go/services/partnerpayments/app"
	partnerh5 "github.com/wechatpay-apiv3/wechatpay-go/services/partnerpayments/h5"
	partnerjsapi "github.com/wechatpay-apiv3/wechatpay-go/services/partnerpayments/jsapi"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"github.com/wxpos/wxpos/wechat"
)

const subPayerOpenID = "oSubF8uMuAJO_M2pxb1Q9zNjWeS6"

// TestWechatpayGoPartnerPrepayKinds: wechatpay-go v0.2.21's partner
// jsapi, app and h5 services (services/partnerpayments), the provider's
// validator on: each kind through prepay → the customer pays in the
// sub-merchant's app (JSAPI: also one made for sp_openid, paid in the
// provider's app) → the partner query shows it paid, the payer under
// both apps → refund with sub_mchid. The SDK's JSAPI signature equals
// wxpos's builder with the provider's key; the App parameters (the SDK
// has no helper for them) are wxpos's.
func TestWechatpayGoPartnerPrepayKinds(t *testing.T) {
	ctx := context.Background()
	c, p := officialPartnerClient(t)
	key, err := wechat.ParsePrivateKeyPEM([]byte(p.MerchantPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	ref := refunddomestic.RefundsApiService{Client: c}
	js := partnerjsapi.JsapiApiService{Client: c}
	paidThenRefund := func(t *testing.T, no, tradeType string, total int64, subOpenID string) {
		t.Helper()
		q, _, err := js.QueryOrderByOutTradeNo(ctx, partnerjsapi.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no),
			SpMchid: core.String(p.SpMchID), SubMchid: core.String(p.SubMchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != tradeType || *q.SubMchid != p.SubMchID || q.Payer.SpOpenid == nil {
			t.Fatalf("partner query: %v %v", q, err)
		}
		if q.Payer.SubOpenid == nil || (subOpenID != "" && *q.Payer.SubOpenid != subOpenID) {
			t.Fatalf("payer %v, want sub_openid %s", q.Payer, subOpenID)
		}
		r, _, err := ref.Create(ctx, refunddomestic.CreateRequest{SubMchid: core.String(p.SubMchID), OutTradeNo: core.String(no),
			OutRefundNo: core.String("R" + no), Amount: &refunddomestic.AmountReq{Refund: core.Int64(100), Total: core.Int64(total), Currency: core.String("CNY")}})
		if err != nil || *r.Amount.Refund != 100 {
			t.Fatalf("refund: %v %v", r, err)
		}
	}
	ids := func() (sp, spMch, sub, subMch *string) {
		return core.String(p.SpAppID), core.String(p.SpMchID), core.String(p.SubAppID), core.String(p.SubMchID)
	}

	for _, tc := range []struct {
		name  string
		payer partnerjsapi.Payer
		app   string
	}{
		{"jsapi, sub_openid in the sub-merchant's app", partnerjsapi.Payer{SubOpenid: core.String(subPayerOpenID)}, p.SubAppID},
		{"jsapi, sp_openid in the provider's app", partnerjsapi.Payer{SpOpenid: core.String(payerOpenID)}, p.SpAppID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			no := sdkNo("OSJ")
			sp, spMch, sub, subMch := ids()
			resp, _, err := js.PrepayWithRequestPayment(ctx, partnerjsapi.PrepayRequest{SpAppid: sp, SpMchid: spMch, SubAppid: sub, SubMchid: subMch,
				Description: core.String("门店-小程序点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
				Amount: &partnerjsapi.Amount{Total: core.Int64(1680)}, Payer: &tc.payer}, tc.app)
			if err != nil {
				t.Fatalf("partner jsapi prepay: %v", err)
			}
			ts, _ := strconv.ParseInt(*resp.TimeStamp, 10, 64)
			ours, err := wechat.SignJSAPIPayParams(key, tc.app, *resp.PrepayId, ts, *resp.NonceStr)
			if err != nil || ours.PaySign != *resp.PaySign {
				t.Fatalf("wxpos %+v, SDK %v (%v)", ours, resp, err)
			}
			// The SDK's answer spells the app id "appid"; the page hands
			// WeixinJSBridge appId.
			customerPaysPrepay(t, *resp.PrepayId, resp, map[string]string{"appId": *resp.Appid})
			want := ""
			if tc.payer.SubOpenid != nil {
				want = *tc.payer.SubOpenid
			}
			paidThenRefund(t, no, "JSAPI", 1680, want)
		})
	}

	t.Run("app", func(t *testing.T) {
		no := sdkNo("OSA")
		sp, spMch, sub, subMch := ids()
		svc := partnerapp.AppApiService{Client: c}
		resp, _, err := svc.Prepay(ctx, partnerapp.PrepayRequest{SpAppid: sp, SpMchid: spMch, SubAppid: sub, SubMchid: subMch,
			Description: core.String("门店-App点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
			Amount: &partnerapp.Amount{Total: core.Int64(2300)}})
		if err != nil {
			t.Fatalf("partner app prepay: %v", err)
		}
		params, err := wechat.SignAppPayParams(key, p.SubAppID, p.SubMchID, *resp.PrepayId, time.Now().Unix(), wechat.NonceString())
		if err != nil {
			t.Fatal(err)
		}
		customerPaysPrepay(t, *resp.PrepayId, params, nil)
		paidThenRefund(t, no, "APP", 2300, "")
	})

	t.Run("h5", func(t *testing.T) {
		no := sdkNo("OSH")
		sp, spMch, sub, subMch := ids()
		svc := partnerh5.H5ApiService{Client: c}
		resp, _, err := svc.Prepay(ctx, partnerh5.PrepayRequest{SpAppid: sp, SpMchid: spMch, SubAppid: sub, SubMchid: subMch,
			Description: core.String("门店-H5点单"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
			Amount:    &partnerh5.Amount{Total: core.Int64(990)},
			SceneInfo: &partnerh5.SceneInfo{PayerClientIp: core.String("203.0.113.7"), H5Info: &partnerh5.H5Info{Type: core.String("Wap")}}})
		if err != nil || !strings.HasPrefix(*resp.H5Url, "https://") {
			t.Fatalf("partner h5 prepay: %v %v", resp, err)
		}
		customerPaysPrepay(t, "", nil, map[string]string{"h5_url": *resp.H5Url})
		paidThenRefund(t, no, "MWEB", 990, "")
	})
}

// TestGopayPartnerPrepayKinds: gopay v1.5.123's V3PartnerTransactionJsapi,
// V3PartnerTransactionApp and V3PartnerTransactionH5 with its
// verification on, the client-side parameters from its PaySignOfJSAPI,
// PaySignOfApplet and PaySignOfApp for the sub-merchant's app (signed
// with the provider's key; its App partnerid is the provider's mchid),
// then V3PartnerQueryOrder and a refund with sub_mchid.
func TestGopayPartnerPrepayKinds(t *testing.T) {
	ctx := context.Background()
	c, p := gopayPartnerClient(t)
	order := func(no string, fen int) gopay.BodyMap {
		bm := make(gopay.BodyMap)
		bm.Set("sp_appid", p.SpAppID).Set("sub_appid", p.SubAppID).Set("sub_mchid", p.SubMchID).Set("description", "门店-点单").
			Set("out_trade_no", no).Set("notify_url", "https://shop.example.com/wxpay/notify").
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", fen).Set("currency", "CNY") })
		return bm
	}
	paidThenRefund := func(t *testing.T, no, tradeType string, fen int) {
		t.Helper()
		q, err := c.V3PartnerQueryOrder(ctx, gopayv3.OutTradeNo, no, gopay.BodyMap{"sp_mchid": p.SpMchID, "sub_mchid": p.SubMchID})
		if err != nil || q.Code != gopayv3.Success || q.Response.TradeState != "SUCCESS" || q.Response.TradeType != tradeType || q.Response.Payer.SubOpenid == "" {
			t.Fatalf("partner query: %+v %v", q, err)
		}
		rbm := make(gopay.BodyMap)
		rbm.Set("sub_mchid", p.SubMchID).Set("out_trade_no", no).Set("out_refund_no", "R"+no).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 100).Set("total", fen).Set("currency", "CNY") })
		if r, err := c.V3Refund(ctx, rbm); err != nil || r.Code != gopayv3.Success {
			t.Fatalf("refund: %+v %v", r, err)
		}
	}

	for _, mini := range []bool{false, true} {
		name := "jsapi"
		if mini {
			name = "mini-program"
		}
		t.Run(name, func(t *testing.T) {
			no := sdkNo("GSJ")
			bm := order(no, 1680)
			bm.SetBodyMap("payer", func(b gopay.BodyMap) { b.Set("sub_openid", subPayerOpenID) })
			r, err := c.V3PartnerTransactionJsapi(ctx, bm)
			if err != nil || r.Code != gopayv3.Success || r.Response.PrepayId == "" {
				t.Fatalf("partner jsapi: %+v %v", r, err)
			}
			var params any
			if mini {
				params, err = c.PaySignOfApplet(p.SubAppID, r.Response.PrepayId)
			} else {
				params, err = c.PaySignOfJSAPI(p.SubAppID, r.Response.PrepayId)
			}
			if err != nil {
				t.Fatal(err)
			}
			customerPaysPrepay(t, r.Response.PrepayId, params, nil)
			paidThenRefund(t, no, "JSAPI", 1680)
		})
	}

	t.Run("app", func(t *testing.T) {
		no := sdkNo("GSA")
		r, err := c.V3PartnerTransactionApp(ctx, order(no, 2300))
		if err != nil || r.Code != gopayv3.Success || r.Response.PrepayId == "" {
			t.Fatalf("partner app: %+v %v", r, err)
		}
		a, err := c.PaySignOfApp(p.SubAppID, r.Response.PrepayId)
		if err != nil {
			t.Fatal(err)
		}
		customerPaysPrepay(t, r.Response.PrepayId, a, nil)
		paidThenRefund(t, no, "APP", 2300)
	})

	t.Run("h5", func(t *testing.T) {
		no := sdkNo("GSH")
		bm := order(no, 990)
		bm.SetBodyMap("scene_info", func(b gopay.BodyMap) {
			b.Set("payer_client_ip", "203.0.113.7").SetBodyMap("h5_info", func(h gopay.BodyMap) { h.Set("type", "Wap") })
		})
		r, err := c.V3PartnerTransactionH5(ctx, bm)
		if err != nil || r.Code != gopayv3.Success || !strings.HasPrefix(r.Response.H5Url, "https://") {
			t.Fatalf("partner h5: %+v %v", r, err)
		}
		customerPaysPrepay(t, "", nil, map[string]string{"h5_url": r.Response.H5Url})
		paidThenRefund(t, no, "MWEB", 990)
	})
}
