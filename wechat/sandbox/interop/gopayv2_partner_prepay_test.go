package interop_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	gopayv2 "github.com/go-pay/gopay/wechat"

	"github.com/wxpos/wxpos/wechat"
)

// TestGopayV2PartnerPrepayKinds: gopay v1.5.123's v2 client as the
// service provider, sub_mch_id on every call, with MD5 and HMAC-SHA256:
// unifiedorder NATIVE (the customer scans and pays; another one closed
// with CloseOrder, then queried CLOSED), JSAPI for a payer of the sub-merchant's app
// (sub_appid + sub_openid, paid with GetJsapiPaySign for sub_appid) and
// one of the provider's (openid, paid in sp_appid), APP (GetAppPaySign for
// the sub-merchant's app) and MWEB (mweb_url) — each queried and refunded
// with sub_mch_id, every answer but closeorder's through the SDK's
// VerifySign with the provider's key; the client-side signatures equal wxpos's builders.
func TestGopayV2PartnerPrepayKinds(t *testing.T) {
	ctx := context.Background()
	c, p := gopayV2PartnerClient(t)
	verify := func(t *testing.T, what, st string, bean any) {
		t.Helper()
		if ok, err := gopayv2.VerifySign(p.APIKey, st, bean); err != nil || !ok {
			t.Fatalf("%s: the SDK's VerifySign refuses the answer (%v)", what, err)
		}
	}
	for _, st := range []string{gopayv2.SignType_MD5, gopayv2.SignType_HMAC_SHA256} {
		sub := func(bm gopay.BodyMap) gopay.BodyMap {
			bm["nonce_str"], bm["sub_mch_id"], bm["sign_type"] = sdkNo("n"), p.SubMchID, st
			return bm
		}
		unified := func(t *testing.T, tradeType string, extra gopay.BodyMap) (string, *gopayv2.UnifiedOrderResponse) {
			t.Helper()
			no := sdkNo("GV2SP")
			bm := sub(gopay.BodyMap{"body": "门店-点单", "out_trade_no": no, "total_fee": 660, "spbill_create_ip": "203.0.113.7",
				"notify_url": "https://shop.example.com/wxpay/notify", "trade_type": tradeType})
			for k, v := range extra {
				bm[k] = v
			}
			r, err := c.UnifiedOrder(ctx, bm)
			if err != nil || r.ResultCode != "SUCCESS" || r.SubMchId != p.SubMchID || r.MchId != p.SpMchID {
				t.Fatalf("unifiedorder %s: %+v %v", tradeType, r, err)
			}
			verify(t, "unifiedorder", st, r)
			return no, r
		}
		paid := func(t *testing.T, no, tradeType string) *gopayv2.QueryOrderResponse {
			t.Helper()
			q, qbm, err := c.QueryOrder(ctx, sub(gopay.BodyMap{"out_trade_no": no}))
			if err != nil || q.TradeState != "SUCCESS" || q.TradeType != tradeType || q.SubMchId != p.SubMchID {
				t.Fatalf("query: %+v %v", q, err)
			}
			verify(t, "orderquery", st, qbm)
			rf, rbm, err := c.Refund(ctx, sub(gopay.BodyMap{"out_trade_no": no, "out_refund_no": "R" + no, "total_fee": 660, "refund_fee": 60}))
			if err != nil || rf.ResultCode != "SUCCESS" || rf.SubMchId != p.SubMchID {
				t.Fatalf("refund: %+v %v", rf, err)
			}
			verify(t, "refund", st, rbm)
			return q
		}
		t.Run("NATIVE, close "+st, func(t *testing.T) {
			no, r := unified(t, "NATIVE", gopay.BodyMap{"product_id": "P1"})
			if err := rig.sb.PayNative(r.CodeUrl); err != nil {
				t.Fatalf("customer scans %q: %v", r.CodeUrl, err)
			}
			paid(t, no, "NATIVE")
			no, _ = unified(t, "NATIVE", gopay.BodyMap{"product_id": "P2"})
			cl, err := c.CloseOrder(ctx, sub(gopay.BodyMap{"out_trade_no": no}))
			if err != nil || cl.ResultCode != "SUCCESS" || cl.SubMchId != p.SubMchID {
				t.Fatalf("closeorder: %+v %v", cl, err)
			}
			// gopay's CloseOrderResponse has no result_msg, which the
			// closeorder answer documents, so VerifySign over it cannot
			// check this answer (CloseOrder returns no BodyMap): the query
			// after it is verified instead.
			q, qbm, err := c.QueryOrder(ctx, sub(gopay.BodyMap{"out_trade_no": no}))
			if err != nil || q.TradeState != "CLOSED" {
				t.Fatalf("query after close: %+v %v", q, err)
			}
			verify(t, "orderquery after close", st, qbm)
		})
		t.Run("JSAPI "+st, func(t *testing.T) {
			for _, payer := range []struct {
				appID string
				order gopay.BodyMap
			}{
				{p.SubAppID, gopay.BodyMap{"sub_appid": p.SubAppID, "sub_openid": payerOpenID}},
				{p.SpAppID, gopay.BodyMap{"openid": payerOpenID}},
			} {
				no, r := unified(t, "JSAPI", payer.order)
				ts, nonce, pkg := "1710039600", sdkNo("n"), "prepay_id="+r.PrepayId
				sign := gopayv2.GetJsapiPaySign(payer.appID, nonce, pkg, st, ts, p.APIKey)
				if ours := wechat.SignJSAPIPayParamsV2(p.APIKey, wechat.SignType(st), payer.appID, r.PrepayId, 1710039600, nonce); ours.PaySign != sign {
					t.Fatalf("wxpos paySign %s, gopay %s", ours.PaySign, sign)
				}
				customerPaysPrepay(t, r.PrepayId, nil, map[string]string{"appId": payer.appID, "timeStamp": ts, "nonceStr": nonce,
					"package": pkg, "signType": st, "paySign": sign})
				if q := paid(t, no, "JSAPI"); payer.appID == p.SubAppID && q.SubOpenid != payerOpenID {
					t.Fatalf("sub_openid %q", q.SubOpenid)
				}
			}
		})
		t.Run("APP "+st, func(t *testing.T) {
			no, r := unified(t, "APP", gopay.BodyMap{"sub_appid": p.SubAppID})
			ts, nonce := "1710039600", sdkNo("n")
			sign := gopayv2.GetAppPaySign(p.SubAppID, p.SubMchID, nonce, r.PrepayId, st, ts, p.APIKey)
			if ours := wechat.SignAppPayParamsV2(p.APIKey, wechat.SignType(st), p.SubAppID, p.SubMchID, r.PrepayId, 1710039600, nonce); ours.Sign != sign {
				t.Fatalf("wxpos sign %s, gopay %s", ours.Sign, sign)
			}
			customerPaysPrepay(t, r.PrepayId, nil, map[string]string{"appid": p.SubAppID, "partnerid": p.SubMchID, "prepayid": r.PrepayId,
				"package": "Sign=WXPay", "noncestr": nonce, "timestamp": ts, "sign": sign})
			paid(t, no, "APP")
		})
		t.Run("MWEB "+st, func(t *testing.T) {
			no, r := unified(t, "MWEB", gopay.BodyMap{"scene_info": `{"h5_info":{"type":"Wap","wap_url":"https://shop.example.com","wap_name":"门店"}}`})
			if !strings.HasPrefix(r.MwebUrl, "https://") {
				t.Fatalf("mweb_url %q", r.MwebUrl)
			}
			customerPaysPrepay(t, "", nil, map[string]string{"h5_url": r.MwebUrl})
			paid(t, no, "MWEB")
		})
	}
}
