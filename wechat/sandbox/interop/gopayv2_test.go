package interop_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	"github.com/go-pay/gopay/pkg/xhttp"
	gopayv2 "github.com/go-pay/gopay/wechat"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// gopayV2Client is gopay's v2 client for production (isProd), its
// /secapi/ calls presenting the merchant's .p12 as WeChat issues it.
func gopayV2Client(t *testing.T) *gopayv2.Client {
	t.Helper()
	c := gopayv2.NewClient(rig.creds.AppID, rig.creds.MchID, rig.creds.APIKey, true)
	c.SetHttpClient(xhttp.NewClient().SetTransport(redirected()))
	c.SetTLSHttpClient(xhttp.NewClient().SetTransport(redirected()))
	if err := c.AddCertPkcs12FilePath(rig.p12Path); err != nil {
		t.Fatal(err)
	}
	return c
}

// verifyV2 checks an answer with the SDK's own VerifySign (the BodyMap
// form its documentation recommends, or the response struct).
func verifyV2(t *testing.T, what string, signType string, bean any) {
	t.Helper()
	ok, err := gopayv2.VerifySign(rig.creds.APIKey, signType, bean)
	if err != nil || !ok {
		t.Fatalf("%s: the SDK's VerifySign refuses the answer (%v)", what, err)
	}
}

// TestGopayV2 drives gopay v1.5.123's v2 client: micropay, query, refund
// and refund query (the .p12 certificate), reverse, and the bill — MD5
// and HMAC-SHA256.
func TestGopayV2(t *testing.T) {
	ctx := context.Background()
	c := gopayV2Client(t)
	for _, st := range []string{gopayv2.SignType_MD5, gopayv2.SignType_HMAC_SHA256} {
		t.Run(st, func(t *testing.T) {
			micropay := func(no string, sc sandbox.Scenario) *gopayv2.MicropayResponse {
				bm := make(gopay.BodyMap)
				bm.Set("nonce_str", sdkNo("n")).Set("body", "门店-商品").Set("out_trade_no", no).Set("total_fee", 990).
					Set("spbill_create_ip", "10.0.0.8").Set("auth_code", sandbox.NewCode(sc)).Set("sign_type", st)
				r, err := c.Micropay(ctx, bm)
				if err != nil {
					t.Fatalf("micropay: %v", err)
				}
				verifyV2(t, "micropay", st, r)
				return r
			}
			no := sdkNo("GV2")
			r := micropay(no, sandbox.ScenarioSuccess)
			if r.ReturnCode != "SUCCESS" || r.ResultCode != "SUCCESS" || r.TransactionId == "" || r.TotalFee != "990" {
				t.Fatalf("micropay answer %+v", r)
			}
			q, qbm, err := c.QueryOrder(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "sign_type": st})
			if err != nil || q.TradeState != "SUCCESS" || q.TradeType != "MICROPAY" {
				t.Fatalf("query: %+v %v", q, err)
			}
			verifyV2(t, "orderquery", st, qbm)

			rno := "R" + no
			rf, rbm, err := c.Refund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "out_refund_no": rno,
				"total_fee": 990, "refund_fee": 300, "sign_type": st})
			if err != nil || rf.ResultCode != "SUCCESS" || rf.RefundFee != "300" {
				t.Fatalf("refund: %+v %v", rf, err)
			}
			verifyV2(t, "refund", st, rbm)
			rq, rqbm, err := c.QueryRefund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_refund_no": rno, "sign_type": st})
			if err != nil || rq.ResultCode != "SUCCESS" || rq.RefundCount != "1" {
				t.Fatalf("refund query: %+v %v", rq, err)
			}
			verifyV2(t, "refundquery", st, rqbm)

			no = sdkNo("GV2R")
			if r := micropay(no, sandbox.ScenarioUserPayingTimeout); r.ErrCode != "USERPAYING" {
				t.Fatalf("micropay (customer entering the password): %+v", r)
			}
			rev, err := c.Reverse(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "sign_type": st})
			if err != nil || rev.ResultCode != "SUCCESS" || rev.Recall != "N" {
				t.Fatalf("reverse: %+v %v", rev, err)
			}
			verifyV2(t, "reverse", st, rev)
		})
	}

	t.Run("downloadbill", func(t *testing.T) {
		day := billDayWithTrades(t, func() {
			bm := gopay.BodyMap{"nonce_str": sdkNo("n"), "body": "门店-商品", "out_trade_no": sdkNo("GV2B"), "total_fee": 100,
				"spbill_create_ip": "10.0.0.8", "auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)}
			if r, err := c.Micropay(ctx, bm); err != nil || r.ResultCode != "SUCCESS" {
				t.Fatalf("micropay: %+v %v", r, err)
			}
		})
		bill, err := c.DownloadBill(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "bill_date": strings.ReplaceAll(day, "-", ""), "bill_type": "ALL"})
		if err != nil || !strings.HasPrefix(bill, "交易时间,") || !strings.Contains(bill, "总交易单数") {
			t.Fatalf("downloadbill: %v, %.80q", err, bill)
		}
	})
}
