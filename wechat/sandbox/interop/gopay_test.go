package interop_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-pay/gopay"
	"github.com/go-pay/gopay/pkg/xhttp"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// redirected is an HTTP transport that sends api.mch.weixin.qq.com:443 to
// the sandbox (a hosts-file entry would do the same): URLs, TLS server name
// and certificate checks stay each SDK's own.
func redirected() *http.Transport {
	target := rig.srv.Listener.Addr().String()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != apiHost {
				return nil, fmt.Errorf("interop: unexpected host %s", addr)
			}
			return dialer.DialContext(ctx, network, target)
		},
	}
}

// profile is the merchant as a third party gets it: `wxpos sandbox
// --profile` for the real host name.
func profile() sandbox.Profile { return rig.sb.Profile("https://api.mch.weixin.qq.com") }

// gopayClient is gopay's v3 client with its response verification on
// (the WeChat Pay public key, as the SDK's README recommends).
func gopayClient(t *testing.T) *gopayv3.ClientV3 {
	t.Helper()
	p := profile()
	c, err := gopayv3.NewClientV3(p.MchID, p.V3.MerchantSerialNo, p.V3.APIV3Key, p.V3.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	c.SetHttpClient(xhttp.NewClient().SetTransport(redirected()))
	if err := c.AutoVerifySignByPublicKey([]byte(p.V3.PlatformPublicKeyPEM), p.V3.PlatformPublicKeyID); err != nil {
		t.Fatal(err)
	}
	return c
}

func sdkNo(prefix string) string { return fmt.Sprintf("%s%d", prefix, time.Now().UnixNano()) }

// TestGopayV3 drives gopay v1.5.123's v3 client through every call a till
// makes: codepay and its reverse, native + the customer paying + query,
// close, refund + refund query, and the trade bill. Each answer passes the
// SDK's own signature check (verifySyncSign with the public key).
func TestGopayV3(t *testing.T) {
	ctx := context.Background()
	c := gopayClient(t)
	p := profile()

	t.Run("codepay, query, refund, refund query", func(t *testing.T) {
		no := sdkNo("GPC")
		pay := codepay(t, c, no, sandbox.ScenarioSuccess, 1288)
		if pay.Code != gopayv3.Success {
			t.Fatalf("codepay: %+v", pay)
		}
		if pay.Response.TradeState != "SUCCESS" || pay.Response.Amount.Total != 1288 || pay.Response.TransactionId == "" {
			t.Fatalf("codepay answer %+v", pay.Response)
		}
		q, err := c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Code != gopayv3.Success || q.Response.TradeState != "SUCCESS" || q.Response.TradeType != "MICROPAY" {
			t.Fatalf("query: %+v %v", q, err)
		}
		q, err = c.V3TransactionQueryOrder(ctx, gopayv3.TransactionId, pay.Response.TransactionId)
		if err != nil || q.Code != gopayv3.Success || q.Response.OutTradeNo != no {
			t.Fatalf("query by transaction_id: %+v %v", q, err)
		}
		rno := "R" + no
		rbm := make(gopay.BodyMap)
		rbm.Set("out_trade_no", no).Set("out_refund_no", rno).Set("reason", "退货").
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 300).Set("total", 1288).Set("currency", "CNY") })
		r, err := c.V3Refund(ctx, rbm)
		if err != nil || r.Code != gopayv3.Success || r.Response.OutRefundNo != rno || r.Response.Amount.Refund != 300 {
			t.Fatalf("refund: %+v %v", r, err)
		}
		rq, err := c.V3RefundQuery(ctx, rno, nil)
		if err != nil || rq.Code != gopayv3.Success || rq.Response.RefundId != r.Response.RefundId {
			t.Fatalf("refund query: %+v %v", rq, err)
		}
	})

	t.Run("codepay reverse", func(t *testing.T) {
		no := sdkNo("GPR")
		if pay := codepay(t, c, no, sandbox.ScenarioUserPayingTimeout, 500); pay.Code != http.StatusAccepted {
			t.Fatalf("codepay (customer entering the password): %+v", pay)
		}
		rev, err := c.V3TransactionCodePayReverse(ctx, no, gopay.BodyMap{"appid": p.AppID})
		if err != nil || rev.Code != gopayv3.Success {
			t.Fatalf("reverse: %+v %v", rev, err)
		}
		q, err := c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Response.TradeState != "REVOKED" {
			t.Fatalf("query after reverse: %+v %v", q, err)
		}
	})

	t.Run("native, customer pays, query; close", func(t *testing.T) {
		native := func(no string) string {
			bm := make(gopay.BodyMap)
			bm.Set("appid", p.AppID).Set("description", "门店-扫码").Set("out_trade_no", no).
				Set("notify_url", "https://shop.example.com/wxpay/notify").
				SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", 990).Set("currency", "CNY") })
			n, err := c.V3TransactionNative(ctx, bm)
			if err != nil || n.Code != gopayv3.Success || !strings.HasPrefix(n.Response.CodeUrl, "weixin://") {
				t.Fatalf("native: %+v %v", n, err)
			}
			return n.Response.CodeUrl
		}
		no := sdkNo("GPN")
		q, err := c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Code != http.StatusNotFound {
			t.Fatalf("query before the order exists: %+v %v", q, err)
		}
		customerPays(t, native(no))
		q, err = c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Response.TradeState != "SUCCESS" || q.Response.TradeType != "NATIVE" || q.Response.Amount.PayerTotal != 990 {
			t.Fatalf("query after paying: %+v %v", q, err)
		}

		no = sdkNo("GPX")
		native(no)
		q, err = c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Code != gopayv3.Success || q.Response.TradeState != "NOTPAY" {
			t.Fatalf("query unpaid: %+v %v", q, err)
		}
		cl, err := c.V3TransactionCloseOrder(ctx, no)
		if err != nil || cl.Code != gopayv3.Success {
			t.Fatalf("close: %+v %v", cl, err)
		}
		q, err = c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
		if err != nil || q.Response.TradeState != "CLOSED" {
			t.Fatalf("query after close: %+v %v", q, err)
		}
	})

	t.Run("trade bill", func(t *testing.T) {
		day := billDayWithTrades(t, func() { codepay(t, c, sdkNo("GPB"), sandbox.ScenarioSuccess, 100) })
		bm := make(gopay.BodyMap)
		bm.Set("bill_date", day).Set("bill_type", "ALL").Set("tar_type", "GZIP")
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

// codepay charges a payment code of scenario sc through gopay.
func codepay(t *testing.T, c *gopayv3.ClientV3, no string, sc sandbox.Scenario, fen int) *gopayv3.CodePayRsp {
	t.Helper()
	bm := make(gopay.BodyMap)
	bm.Set("appid", profile().AppID).Set("description", "门店-咖啡").Set("out_trade_no", no).
		SetBodyMap("payer", func(b gopay.BodyMap) { b.Set("auth_code", sandbox.NewCode(sc)) }).
		SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", fen).Set("currency", "CNY") }).
		SetBodyMap("scene_info", func(b gopay.BodyMap) {
			b.Set("device_ip", "10.0.0.8").SetBodyMap("store_info", func(s gopay.BodyMap) { s.Set("out_id", "S1") })
		})
	pay, err := c.V3TransactionCodePay(context.Background(), bm)
	if err != nil {
		t.Fatalf("codepay %s: %v", no, err)
	}
	return pay
}

// billDayWithTrades runs pay (a payment through the SDK) and moves the
// sandbox clock on to the next day after 10:00, when the bill of the
// payment's day exists; it returns that day.
func billDayWithTrades(t *testing.T, pay func()) string {
	t.Helper()
	pay()
	now := rig.sb.Now().In(tz.Shanghai)
	y, m, d := now.Date()
	rig.sb.Advance(time.Date(y, m, d+1, 11, 0, 0, 0, tz.Shanghai).Sub(now)) // bills exist from 10:00 the next day
	return now.Format(time.DateOnly)
}

// checkBill gunzips a downloaded bill and checks it against the hash the
// apply call announced.
func checkBill(t *testing.T, file []byte, hashType, hashValue string) {
	t.Helper()
	checkBillHeaded(t, file, hashType, hashValue, "交易时间,")
}

// checkBillHeaded is checkBill for a bill whose header starts with head;
// it returns the plain text.
func checkBillHeaded(t *testing.T, file []byte, hashType, hashValue, head string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("bill is not gzip: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(plain)
	if hashType != "SHA1" || hex.EncodeToString(sum[:]) != hashValue || !bytes.HasPrefix(plain, []byte(head)) {
		t.Fatalf("bill: hash %s %s, sha1 %x, starts %q", hashType, hashValue, sum, plain[:min(len(plain), 40)])
	}
	return plain
}
