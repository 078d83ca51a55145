package interop_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	"github.com/go-pay/gopay/pkg/xhttp"
	gopayv2 "github.com/go-pay/gopay/wechat"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// gopayPartnerClient is gopay's v3 client of the sandbox's service
// provider, verifying answers with the provider's WeChat Pay public key.
func gopayPartnerClient(t *testing.T) (*gopayv3.ClientV3, *sandbox.ProfilePartner) {
	t.Helper()
	p := profile().Partner
	c, err := gopayv3.NewClientV3(p.SpMchID, p.MerchantSerialNo, p.APIV3Key, p.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	c.SetHttpClient(xhttp.NewClient().SetTransport(redirected()))
	if err := c.AutoVerifySignByPublicKey([]byte(p.PlatformPublicKeyPEM), p.PlatformPublicKeyID); err != nil {
		t.Fatal(err)
	}
	return c, p
}

// TestGopayV3Partner drives gopay v1.5.123's partner methods
// (V3PartnerTransactionCodePay and its reverse, V3PartnerTransactionNative,
// V3PartnerQueryOrder by both numbers, V3PartnerCloseOrder) and refunds,
// refund queries, V3AbnormalRefund and the trade bill with sub_mchid, each answer through
// the SDK's own signature check.
func TestGopayV3Partner(t *testing.T) {
	ctx := context.Background()
	c, p := gopayPartnerClient(t)
	sub := func() gopay.BodyMap { return gopay.BodyMap{"sp_mchid": p.SpMchID, "sub_mchid": p.SubMchID} }
	codepay := func(no string, sc sandbox.Scenario, fen int) *gopayv3.PartnerCodePayRsp {
		bm := make(gopay.BodyMap)
		bm.Set("sp_appid", p.SpAppID).Set("sub_mchid", p.SubMchID).Set("description", "门店-咖啡").Set("out_trade_no", no).
			SetBodyMap("payer", func(b gopay.BodyMap) { b.Set("auth_code", sandbox.NewCode(sc)) }).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", fen).Set("currency", "CNY") }).
			SetBodyMap("scene_info", func(b gopay.BodyMap) { b.Set("device_ip", "10.0.0.8") })
		r, err := c.V3PartnerTransactionCodePay(ctx, bm)
		if err != nil {
			t.Fatalf("partner codepay: %v", err)
		}
		return r
	}
	query := func(typ gopayv3.OrderNoType, no string) *gopayv3.PartnerQueryOrder {
		q, err := c.V3PartnerQueryOrder(ctx, typ, no, sub())
		if err != nil || q.Code != gopayv3.Success {
			t.Fatalf("partner query %s: %+v %v", no, q, err)
		}
		return q.Response
	}

	t.Run("codepay, query, refund, refund query", func(t *testing.T) {
		no := sdkNo("GSC")
		pay := codepay(no, sandbox.ScenarioSuccess, 1288)
		if pay.Code != gopayv3.Success || pay.Response.TradeState != "SUCCESS" || pay.Response.SubMchid != p.SubMchID || pay.Response.Payer.SpOpenid == "" {
			t.Fatalf("partner codepay: %+v %+v", pay, pay.Response)
		}
		if q := query(gopayv3.OutTradeNo, no); q.TransactionId != pay.Response.TransactionId || q.SpMchid != p.SpMchID {
			t.Fatalf("query: %+v", q)
		}
		if q := query(gopayv3.TransactionId, pay.Response.TransactionId); q.OutTradeNo != no {
			t.Fatalf("query by transaction_id: %+v", q)
		}
		rno := "R" + no
		rbm := make(gopay.BodyMap)
		rbm.Set("sub_mchid", p.SubMchID).Set("out_trade_no", no).Set("out_refund_no", rno).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 300).Set("total", 1288).Set("currency", "CNY") })
		r, err := c.V3Refund(ctx, rbm)
		if err != nil || r.Code != gopayv3.Success || r.Response.Amount.Refund != 300 {
			t.Fatalf("refund: %+v %v", r, err)
		}
		rq, err := c.V3RefundQuery(ctx, rno, gopay.BodyMap{"sub_mchid": p.SubMchID})
		if err != nil || rq.Code != gopayv3.Success || rq.Response.RefundId != r.Response.RefundId {
			t.Fatalf("refund query: %+v %v", rq, err)
		}
	})

	t.Run("abnormal refund settled to the merchant's account", func(t *testing.T) {
		no := sdkNo("GSE")
		if pay := codepay(no, sandbox.ScenarioRefundAbnormal, 800); pay.Code != gopayv3.Success {
			t.Fatalf("partner codepay: %+v", pay)
		}
		rbm := make(gopay.BodyMap)
		rbm.Set("sub_mchid", p.SubMchID).Set("out_trade_no", no).Set("out_refund_no", "R"+no).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 800).Set("total", 800).Set("currency", "CNY") })
		r, err := c.V3Refund(ctx, rbm)
		if err != nil || r.Code != gopayv3.Success {
			t.Fatalf("refund: %+v %v", r, err)
		}
		rq, err := c.V3RefundQuery(ctx, "R"+no, gopay.BodyMap{"sub_mchid": p.SubMchID})
		if err != nil || rq.Response.Status != "ABNORMAL" {
			t.Fatalf("refund query: %+v %v", rq, err)
		}
		a, err := c.V3AbnormalRefund(ctx, r.Response.RefundId, gopay.BodyMap{"sub_mchid": p.SubMchID, "out_refund_no": "R" + no, "type": "MERCHANT_BANK_CARD"})
		if err != nil || a.Code != gopayv3.Success || a.Response.OutRefundNo != "R"+no || a.Response.UserReceivedAccount != "交易商户银行账户" {
			t.Fatalf("partner apply-abnormal-refund: %+v %v", a, err)
		}
	})

	t.Run("codepay reverse", func(t *testing.T) {
		no := sdkNo("GSR")
		if pay := codepay(no, sandbox.ScenarioUserPayingTimeout, 500); pay.Code != http.StatusAccepted {
			t.Fatalf("partner codepay (customer entering the password): %+v", pay)
		}
		rev, err := c.V3PartnerTransactionCodePayReverse(ctx, no, gopay.BodyMap{"sp_appid": p.SpAppID, "sub_mchid": p.SubMchID})
		if err != nil || rev.Code != gopayv3.Success || rev.Response.SubMchid != p.SubMchID || rev.Response.OutTradeNo != no {
			t.Fatalf("partner reverse: %+v %v", rev, err)
		}
		if q := query(gopayv3.OutTradeNo, no); q.TradeState != "REVOKED" {
			t.Fatalf("query after reverse: %+v", q)
		}
	})

	t.Run("native, customer pays; close", func(t *testing.T) {
		native := func(no string) string {
			bm := make(gopay.BodyMap)
			bm.Set("sp_appid", p.SpAppID).Set("sp_mchid", p.SpMchID).Set("sub_mchid", p.SubMchID).Set("description", "门店-扫码").
				Set("out_trade_no", no).Set("notify_url", "https://shop.example.com/wxpay/notify").
				SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", 990).Set("currency", "CNY") })
			n, err := c.V3PartnerTransactionNative(ctx, bm)
			if err != nil || n.Code != gopayv3.Success || !strings.HasPrefix(n.Response.CodeUrl, "weixin://") {
				t.Fatalf("partner native: %+v %v", n, err)
			}
			return n.Response.CodeUrl
		}
		no := sdkNo("GSN")
		customerPays(t, native(no))
		if q := query(gopayv3.OutTradeNo, no); q.TradeState != "SUCCESS" || q.TradeType != "NATIVE" {
			t.Fatalf("query after paying: %+v", q)
		}
		no = sdkNo("GSX")
		native(no)
		cl, err := c.V3PartnerCloseOrder(ctx, no, sub())
		if err != nil || cl.Code != gopayv3.Success {
			t.Fatalf("partner close: %+v %v", cl, err)
		}
		if q := query(gopayv3.OutTradeNo, no); q.TradeState != "CLOSED" {
			t.Fatalf("query after close: %+v", q)
		}
	})

	t.Run("trade bill of the sub-merchant", func(t *testing.T) {
		day := billDayWithTrades(t, func() { codepay(sdkNo("GSB"), sandbox.ScenarioSuccess, 100) })
		bm := make(gopay.BodyMap)
		bm.Set("bill_date", day).Set("sub_mchid", p.SubMchID).Set("bill_type", "ALL").Set("tar_type", "GZIP")
		b, err := c.V3BillTradeBill(ctx, bm)
		if err != nil || b.Code != gopayv3.Success {
			t.Fatalf("tradebill: %+v %v", b, err)
		}
		file, err := c.V3BillDownLoadBill(ctx, b.Response.DownloadUrl)
		if err != nil {
			t.Fatalf("download %s: %v", b.Response.DownloadUrl, err)
		}
		checkBill(t, file, b.Response.HashType, b.Response.HashValue)
	})
}

// partnerP12 writes the service provider's certificate as a .p12 whose
// password is its mchid, as WeChat hands it out.
func partnerP12(t *testing.T, p *sandbox.ProfilePartner) string {
	t.Helper()
	kb, _ := pem.Decode([]byte(p.MerchantPrivateKeyPEM))
	cb, _ := pem.Decode([]byte(p.ClientCertPEM))
	if kb == nil || cb == nil {
		t.Fatal("partner PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := pkcs12.LegacyDES.Encode(key, cert, nil, p.SpMchID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "apiclient_cert.p12")
	if err := os.WriteFile(path, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// gopayV2PartnerClient is gopay's v2 client of the sandbox's service
// provider: its appid, mch_id, API key and .p12 (production mode).
func gopayV2PartnerClient(t *testing.T) (*gopayv2.Client, *sandbox.ProfilePartner) {
	t.Helper()
	p := profile().Partner
	c := gopayv2.NewClient(p.SpAppID, p.SpMchID, p.APIKey, true)
	c.SetHttpClient(xhttp.NewClient().SetTransport(redirected()))
	c.SetTLSHttpClient(xhttp.NewClient().SetTransport(redirected()))
	if err := c.AddCertPkcs12FilePath(partnerP12(t, p)); err != nil {
		t.Fatal(err)
	}
	return c, p
}

// TestGopayV2Partner drives gopay v1.5.123's v2 client as the service
// provider (its appid, mch_id, key and .p12) with sub_mch_id on each call:
// micropay, query, refund (client certificate), refund query, reverse and
// the sub-merchant's bill, each answer through the SDK's VerifySign.
func TestGopayV2Partner(t *testing.T) {
	ctx := context.Background()
	c, p := gopayV2PartnerClient(t)
	verify := func(what, st string, bean any) {
		t.Helper()
		if ok, err := gopayv2.VerifySign(p.APIKey, st, bean); err != nil || !ok {
			t.Fatalf("%s: the SDK's VerifySign refuses the answer (%v)", what, err)
		}
	}
	st := gopayv2.SignType_HMAC_SHA256
	micropay := func(no string, sc sandbox.Scenario) *gopayv2.MicropayResponse {
		bm := gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "body": "门店-商品", "out_trade_no": no, "total_fee": 990,
			"spbill_create_ip": "10.0.0.8", "auth_code": sandbox.NewCode(sc), "sign_type": st}
		r, err := c.Micropay(ctx, bm)
		if err != nil {
			t.Fatalf("micropay: %v", err)
		}
		verify("micropay", st, r)
		return r
	}
	no := sdkNo("GV2S")
	if r := micropay(no, sandbox.ScenarioSuccess); r.ResultCode != "SUCCESS" || r.SubMchId != p.SubMchID || r.MchId != p.SpMchID {
		t.Fatalf("micropay answer %+v", r)
	}
	q, qbm, err := c.QueryOrder(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "out_trade_no": no, "sign_type": st})
	if err != nil || q.TradeState != "SUCCESS" || q.SubMchId != p.SubMchID {
		t.Fatalf("query: %+v %v", q, err)
	}
	verify("orderquery", st, qbm)
	rno := "R" + no
	rf, rbm, err := c.Refund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "out_trade_no": no, "out_refund_no": rno,
		"total_fee": 990, "refund_fee": 300, "sign_type": st})
	if err != nil || rf.ResultCode != "SUCCESS" || rf.RefundFee != "300" {
		t.Fatalf("refund: %+v %v", rf, err)
	}
	verify("refund", st, rbm)
	rq, rqbm, err := c.QueryRefund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "out_refund_no": rno, "sign_type": st})
	if err != nil || rq.ResultCode != "SUCCESS" || rq.RefundCount != "1" {
		t.Fatalf("refund query: %+v %v", rq, err)
	}
	verify("refundquery", st, rqbm)
	no = sdkNo("GV2SR")
	if r := micropay(no, sandbox.ScenarioUserPayingTimeout); r.ErrCode != "USERPAYING" {
		t.Fatalf("micropay (customer entering the password): %+v", r)
	}
	rev, err := c.Reverse(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "out_trade_no": no, "sign_type": st})
	if err != nil || rev.ResultCode != "SUCCESS" || rev.Recall != "N" {
		t.Fatalf("reverse: %+v %v", rev, err)
	}
	verify("reverse", st, rev)
	// Without sub_mch_id the provider is refused.
	if q, _, err := c.QueryOrder(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no}); err != nil || q.ReturnCode != "FAIL" || q.ReturnMsg != "受理机构必须传入sub_mch_id" {
		t.Fatalf("query without sub_mch_id: %+v %v", q, err)
	}
	day := billDayWithTrades(t, func() { micropay(sdkNo("GV2SB"), sandbox.ScenarioSuccess) })
	bill, err := c.DownloadBill(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "sub_mch_id": p.SubMchID, "bill_date": strings.ReplaceAll(day, "-", ""), "bill_type": "ALL"})
	if err != nil || !strings.Contains(bill, "`"+p.SubMchID) || !strings.Contains(bill, "总交易单数") {
		t.Fatalf("downloadbill: %v, %.200q", err, bill)
	}
}
