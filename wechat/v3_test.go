package wechat_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
	billpkg "github.com/wxpos/wxpos/wechat/bill"
)

func paidTxn(outTradeNo string, total int64) map[string]any {
	return map[string]any{
		"appid": testAppID, "mchid": testMchID, "out_trade_no": outTradeNo,
		"transaction_id": "4200000000000000000000000001", "trade_type": "MICROPAY",
		"trade_state": "SUCCESS", "bank_type": "OTHERS", "success_time": "2026-11-26T10:00:00+08:00",
		"payer":  map[string]string{"openid": "o1"},
		"amount": map[string]any{"total": total, "payer_total": total, "currency": "CNY"},
	}
}

func codepayReq() wechat.CodepayRequest {
	return wechat.CodepayRequest{OutTradeNo: "T100000", Description: "咖啡", AuthCode: "134567890123456789", Total: 1234, DeviceIP: "10.0.0.2"}
}

func TestV3Codepay(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        any
		wantCode    wechat.Code
		wantUnknown bool
		wantPaying  bool
	}{
		{"paid", 200, paidTxn("T100000", 1234), "", false, false},
		{"userpaying 202", 202, map[string]string{"code": "USERPAYING", "message": "需要用户输入支付密码"}, wechat.CodeUserPaying, true, true},
		{"not enough", 403, map[string]string{"code": "NOT_ENOUGH", "message": "余额不足"}, wechat.CodeNotEnough, false, false},
		{"code expired", 400, map[string]string{"code": "AUTHCODEEXPIRE", "message": "二维码已过期"}, wechat.CodeAuthCodeExpire, false, false},
		{"system error", 500, map[string]string{"code": "SYSTEM_ERROR", "message": "系统错误"}, wechat.CodeSystemError, true, false},
		{"bank error", 500, map[string]string{"code": "BANK_ERROR", "message": "银行错误"}, wechat.CodeBankError, true, false},
		{"5xx garbage", 502, "<html>bad gateway</html>", "", true, false},
		{"amount mismatch", 200, paidTxn("T100000", 1), "", true, false},
		{"200 still paying", 200, func() map[string]any { m := paidTxn("T100000", 1234); m["trade_state"] = "USERPAYING"; return m }(), wechat.CodeUserPaying, true, true},
		{"202 odd code", 202, map[string]string{"code": "PROCESSING", "message": "处理中"}, "PROCESSING", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeV3(t)
			var got map[string]any
			f.handle("POST /v3/pay/transactions/codepay", func(r *http.Request, body []byte) (int, any) {
				json.Unmarshal(body, &got)
				return tt.status, tt.body
			})
			c := f.start(t)
			txn, err := c.Codepay(context.Background(), codepayReq())
			if got["payer"].(map[string]any)["auth_code"] != "134567890123456789" || got["amount"].(map[string]any)["total"].(float64) != 1234 {
				t.Fatalf("request body %v", got)
			}
			if wechat.OutcomeUnknown(err) != tt.wantUnknown || wechat.IsUserPaying(err) != tt.wantPaying {
				t.Fatalf("err %v: unknown=%v paying=%v", err, wechat.OutcomeUnknown(err), wechat.IsUserPaying(err))
			}
			if tt.wantCode != "" && wechat.ErrorCode(err) != tt.wantCode {
				t.Fatalf("code = %q, want %q", wechat.ErrorCode(err), tt.wantCode)
			}
			if tt.status == 200 && !tt.wantUnknown {
				if err != nil || !txn.Paid() || txn.Total != 1234 || txn.SuccessTime.IsZero() {
					t.Fatalf("txn %+v, %v", txn, err)
				}
			}
		})
	}
}

func TestV3RequiredFieldsBeforeIO(t *testing.T) {
	f := newFakeV3(t)
	c := f.start(t)
	ctx := context.Background()
	bad := codepayReq()
	bad.AuthCode = ""
	neg := codepayReq()
	neg.Total = 0
	odd := codepayReq()
	odd.OutTradeNo = "a/b"
	huge := codepayReq()
	huge.Total = wechat.MaxFen + 1
	at := codepayReq()
	at.OutTradeNo = "ORDER@1" // @ is for out_refund_no only
	short := codepayReq()
	short.OutTradeNo = "T1234"
	emoji := codepayReq()
	emoji.Description = "苹果 🍎" // WeChat Pay takes 1–3-byte UTF-8 only
	tests := []struct {
		name string
		call func() error
	}{
		{"codepay no auth code", func() error { _, err := c.Codepay(ctx, bad); return err }},
		{"codepay zero total", func() error { _, err := c.Codepay(ctx, neg); return err }},
		{"codepay bad id", func() error { _, err := c.Codepay(ctx, odd); return err }},
		{"codepay total above int32", func() error { _, err := c.Codepay(ctx, huge); return err }},
		{"codepay @ in out_trade_no", func() error { _, err := c.Codepay(ctx, at); return err }},
		// v3 out_trade_no is string[6,32] (PROTOCOL B.8, WxJava's check).
		{"codepay out_trade_no of 5", func() error { _, err := c.Codepay(ctx, short); return err }},
		{"codepay emoji in description", func() error { _, err := c.Codepay(ctx, emoji); return err }},
		{"native emoji in description", func() error {
			_, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: "T12345", Description: "🍎", Total: 1, NotifyURL: "https://x/n"})
			return err
		}},
		{"query out_trade_no of 5", func() error { _, err := c.QueryByOutTradeNo(ctx, "T1234"); return err }},
		{"close out_trade_no of 5", func() error { return c.Close(ctx, "T1234") }},
		{"reverse out_trade_no of 5", func() error { _, err := c.Reverse(ctx, "T1234"); return err }},
		{"native out_trade_no of 5", func() error {
			_, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: "T1234", Description: "d", Total: 1, NotifyURL: "https://x/n"})
			return err
		}},
		{"native total above int32", func() error {
			_, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: "T12345", Description: "d", Total: 1 << 40, NotifyURL: "https://x/n"})
			return err
		}},
		{"refund above int32", func() error {
			_, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: "T12345", OutRefundNo: "R@1", Refund: wechat.MaxFen + 1, Total: wechat.MaxFen + 1})
			return err
		}},
		{"native no notify", func() error {
			_, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: "T", Description: "d", Total: 1})
			return err
		}},
		{"query empty", func() error { _, err := c.QueryByOutTradeNo(ctx, ""); return err }},
		{"close empty", func() error { return c.Close(ctx, "") }},
		{"refund over total", func() error {
			_, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: "T", OutRefundNo: "R", Refund: 2, Total: 1})
			return err
		}},
		{"refund no order", func() error {
			_, err := c.Refund(ctx, wechat.RefundRequest{OutRefundNo: "R", Refund: 1, Total: 1})
			return err
		}},
		{"bill no date", func() error { _, err := c.TradeBill(ctx, wechat.BillRequest{}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, wechat.ErrInvalidArgument) || wechat.OutcomeUnknown(err) {
				t.Fatalf("err = %v, want ErrInvalidArgument (known outcome)", err)
			}
		})
	}
	if n := f.hits.Load(); n != 0 {
		t.Fatalf("server hit %d times", n)
	}
}

func TestV3TamperedResponses(t *testing.T) {
	otherKey := testMerchantKey(t)
	tests := []struct {
		name   string
		tamper func(h http.Header, body []byte) []byte
		reason error
	}{
		{"body changed", func(h http.Header, b []byte) []byte {
			if bytes.Contains(b, []byte(`"total":1234`)) {
				return bytes.Replace(b, []byte(`"total":1234`), []byte(`"total":1235`), 1)
			}
			return append(b, ' ') // still valid JSON, no longer the signed bytes
		}, wechat.ErrBadSignature},
		{"signature from another key", func(h http.Header, b []byte) []byte {
			msg := wechat.V3ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), string(b))
			s, _ := wechat.SignSHA256RSA(otherKey, msg)
			h.Set("Wechatpay-Signature", s)
			return b
		}, wechat.ErrBadSignature},
		{"stale timestamp", nil, wechat.ErrTimestampSkew},
		{"unknown serial", func(h http.Header, b []byte) []byte {
			h.Set("Wechatpay-Serial", "PUB_KEY_ID_0199999999999999999999999999")
			return b
		}, wechat.ErrUnknownSerial},
		{"missing signature", func(h http.Header, b []byte) []byte { h.Del("Wechatpay-Signature"); return b }, wechat.ErrBadSignature},
		{"probe signature", func(h http.Header, b []byte) []byte {
			h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc")
			return b
		}, wechat.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeV3(t)
			f.handle("POST /v3/pay/transactions/codepay", func(*http.Request, []byte) (int, any) { return 200, paidTxn("T100000", 1234) })
			f.handle("POST /v3/pay/transactions/out-trade-no/T1/close", func(*http.Request, []byte) (int, any) {
				return 400, map[string]string{"code": "ORDERPAID", "message": "已支付"}
			})
			if tt.tamper == nil {
				f.now = func() time.Time { return time.Now().Add(-6 * time.Minute) }
			} else {
				f.setTamper(tt.tamper)
			}
			c := f.start(t)
			_, err := c.Codepay(context.Background(), codepayReq())
			if !errors.Is(err, wechat.ErrUntrusted) || !wechat.OutcomeUnknown(err) || !errors.Is(err, tt.reason) {
				t.Fatalf("success path: err = %v, want untrusted %v", err, tt.reason)
			}
			// A business error must be authentic too.
			err = c.Close(context.Background(), "T100000")
			if !errors.Is(err, wechat.ErrUntrusted) || wechat.ErrorCode(err) != "" {
				t.Fatalf("error path: err = %v, want untrusted", err)
			}
		})
	}
}

func TestV3QueryCloseReverseRefund(t *testing.T) {
	f := newFakeV3(t)
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(r *http.Request, _ []byte) (int, any) {
		if r.URL.Query().Get("mchid") != testMchID {
			return 400, map[string]string{"code": "PARAM_ERROR"}
		}
		if r.PathValue("no") == "NOPE-0001" {
			return 404, map[string]string{"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
		}
		return 200, paidTxn(r.PathValue("no"), 500)
	})
	f.handle("GET /v3/pay/transactions/id/{id}", func(r *http.Request, _ []byte) (int, any) {
		m := paidTxn("T200000", 500)
		m["transaction_id"] = r.PathValue("id")
		return 200, m
	})
	f.handle("POST /v3/pay/transactions/out-trade-no/{no}/close", func(r *http.Request, _ []byte) (int, any) {
		if r.PathValue("no") == "PAID-0001" {
			return 400, map[string]string{"code": "ORDERPAID", "message": "订单已支付"}
		}
		return 204, nil
	})
	f.handle("POST /v3/pay/transactions/out-trade-no/{no}/reverse", func(r *http.Request, _ []byte) (int, any) {
		return 200, map[string]string{"appid": testAppID, "mchid": testMchID, "out_trade_no": r.PathValue("no")}
	})
	f.handle("POST /v3/refund/domestic/refunds", func(r *http.Request, body []byte) (int, any) {
		var in struct {
			OutRefundNo string `json:"out_refund_no"`
			Amount      struct{ Refund, Total int64 }
		}
		json.Unmarshal(body, &in)
		return 200, map[string]any{"refund_id": "50300", "out_refund_no": in.OutRefundNo, "out_trade_no": "T200000",
			"status": "PROCESSING", "create_time": "2026-11-26T10:00:00+08:00",
			"amount": map[string]any{"refund": in.Amount.Refund, "total": in.Amount.Total, "currency": "CNY"}}
	})
	f.handle("GET /v3/refund/domestic/refunds/{no}", func(r *http.Request, _ []byte) (int, any) {
		return 200, map[string]any{"refund_id": "50300", "out_refund_no": r.PathValue("no"), "status": "SUCCESS",
			"success_time": "2026-11-26T10:01:00+08:00", "amount": map[string]any{"refund": 100, "total": 500}}
	})
	c := f.start(t)
	ctx := context.Background()

	t.Run("query by out_trade_no", func(t *testing.T) {
		txn, err := c.QueryByOutTradeNo(ctx, "T200000")
		if err != nil || txn.State != wechat.TradeSuccess || txn.Total != 500 {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("query not found", func(t *testing.T) {
		_, err := c.QueryByOutTradeNo(ctx, "NOPE-0001")
		if wechat.ErrorCode(err) != wechat.CodeOrderNotExist || !wechat.IsNotFound(err) || wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
		var ae *wechat.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.RawCode != "ORDER_NOT_EXIST" {
			t.Fatalf("APIError = %+v", ae)
		}
	})
	t.Run("query by transaction id", func(t *testing.T) {
		txn, err := c.QueryByTransactionID(ctx, "4200000000000000000000000009")
		if err != nil || txn.TransactionID != "4200000000000000000000000009" {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("close", func(t *testing.T) {
		if err := c.Close(ctx, "T300000"); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(ctx, "PAID-0001"); wechat.ErrorCode(err) != wechat.CodeOrderPaid {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("reverse", func(t *testing.T) {
		if r, err := c.Reverse(ctx, "T400000"); err != nil || r.Recall {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("refund", func(t *testing.T) {
		r, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: "T200000", OutRefundNo: "R1", Refund: 100, Total: 500})
		if err != nil || r.Status != wechat.RefundProcessing || r.Refund != 100 || r.CreateTime.IsZero() {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("refund query", func(t *testing.T) {
		r, err := c.QueryRefund(ctx, "R1")
		if err != nil || r.Status != wechat.RefundSuccess || r.SuccessTime.IsZero() {
			t.Fatalf("%+v %v", r, err)
		}
	})
}

func TestV3NativePrepay(t *testing.T) {
	f := newFakeV3(t)
	f.handle("POST /v3/pay/transactions/native", func(r *http.Request, body []byte) (int, any) {
		var in map[string]any
		json.Unmarshal(body, &in)
		if in["notify_url"] != "https://shop.example/notify" || in["time_expire"] != "2026-11-26T10:05:00+08:00" {
			return 400, map[string]string{"code": "PARAM_ERROR", "message": "bad"}
		}
		return 200, map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=abc"}
	})
	c := f.start(t)
	exp := time.Date(2026, 11, 26, 2, 5, 0, 0, time.UTC)
	o, err := c.NativePrepay(context.Background(), wechat.NativeRequest{OutTradeNo: "N100000", Description: "d", Total: 100,
		NotifyURL: "https://shop.example/notify", TimeExpire: exp})
	if err != nil || o.CodeURL != "weixin://wxpay/bizpayurl?pr=abc" {
		t.Fatalf("%+v %v", o, err)
	}
}

func TestV3TradeBill(t *testing.T) {
	bill := []byte("交易时间,公众账号ID\n`2026-11-25 10:00:00,`wx\n")
	sum := sha1.Sum(bill)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bill)
	zw.Close()
	var bomb bytes.Buffer // 16 MB of zeros in 16 KB
	zw = gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	tests := []struct {
		name    string
		hash    string
		file    []byte
		wantErr error
	}{
		{"gzip ok", hex.EncodeToString(sum[:]), gz.Bytes(), nil},
		{"plain ok", hex.EncodeToString(sum[:]), bill, nil},
		{"hash mismatch", "0000000000000000000000000000000000000000", gz.Bytes(), wechat.ErrBillHash},
		{"gzip bomb", hex.EncodeToString(sum[:]), bomb.Bytes(), billpkg.ErrRatio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeV3(t)
			f.handle("GET /v3/bill/tradebill", func(r *http.Request, _ []byte) (int, any) {
				if r.URL.Query().Get("bill_date") != "2026-11-25" {
					return 400, map[string]string{"code": "INVALID_REQUEST"}
				}
				return 200, map[string]string{"hash_type": "SHA1", "hash_value": tt.hash,
					"download_url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc"}
			})
			f.handle("GET /v3/billdownload/file", func(r *http.Request, _ []byte) (int, any) { return 200, tt.file })
			c := f.start(t)
			got, err := c.TradeBill(context.Background(), wechat.BillRequest{Date: time.Date(2026, 11, 25, 12, 0, 0, 0, tz.Shanghai)})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, bill) {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}

func TestV3FailoverAndDeadline(t *testing.T) {
	t.Run("failover on refused connection", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := "http://" + ln.Addr().String()
		ln.Close()
		f := newFakeV3(t)
		f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(r *http.Request, _ []byte) (int, any) {
			return 200, paidTxn(r.PathValue("no"), 1)
		})
		live := httpServerURL(t, f)
		c, err := wechat.New(wechat.WithBaseURL(dead), wechat.WithBackupURL(live),
			wechat.WithMerchant(testMchID, testAppID), wechat.WithMerchantSigner(testMchSer, testMerchantKey(t)),
			wechat.WithWechatPayPublicKey(testPubKeyID, wechatPayPublicKeyPEM(t)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.QueryByOutTradeNo(context.Background(), "F100000"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("deadline is outcome unknown", func(t *testing.T) {
		f := newFakeV3(t)
		f.handle("POST /v3/pay/transactions/codepay", func(r *http.Request, _ []byte) (int, any) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return 200, paidTxn("T100000", 1234)
		})
		c := f.start(t, wechat.WithTimeout(100*time.Millisecond))
		_, err := c.Codepay(context.Background(), codepayReq())
		var te *wechat.TransportError
		if !errors.As(err, &te) || !wechat.OutcomeUnknown(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestV3RedirectNotFollowed(t *testing.T) {
	f := newFakeV3(t)
	var hits atomic.Int32
	other := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	f.handle("POST /v3/pay/transactions/codepay", func(r *http.Request, _ []byte) (int, any) {
		return http.StatusTemporaryRedirect, nil
	})
	f.setTamper(func(h http.Header, b []byte) []byte {
		h.Set("Location", other+"/v3/pay/transactions/codepay")
		return b
	})
	c := f.start(t)
	_, err := c.Codepay(context.Background(), codepayReq())
	if !errors.Is(err, wechat.ErrUntrusted) || hits.Load() != 0 {
		t.Fatalf("err = %v, redirect hits %d", err, hits.Load())
	}
}

func TestNewValidation(t *testing.T) {
	key := testMerchantKey(t)
	tests := []struct {
		name string
		opts []wechat.Option
	}{
		{"no merchant", []wechat.Option{wechat.WithMerchantSigner("S", key), wechat.WithPlatformCertificates(), wechat.WithV3Key(testV3Key)}},
		{"no key", []wechat.Option{wechat.WithMerchant("1", "wx"), wechat.WithPlatformCertificates(), wechat.WithV3Key(testV3Key)}},
		{"no verifier", []wechat.Option{wechat.WithMerchant("1", "wx"), wechat.WithMerchantSigner("S", key)}},
		{"platform without v3 key", []wechat.Option{wechat.WithMerchant("1", "wx"), wechat.WithMerchantSigner("S", key), wechat.WithPlatformCertificates()}},
		{"short v3 key", []wechat.Option{wechat.WithV3Key("short")}},
		{"bad url", []wechat.Option{wechat.WithBaseURL("ftp://x")}},
		{"bad public key id", []wechat.Option{wechat.WithWechatPayPublicKey("123", wechatPayPublicKeyPEM(t))}},
		{"bad key pem", []wechat.Option{wechat.WithMerchantKey("S", []byte("nope"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wechat.New(tt.opts...); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
}

func httpServerURL(t testing.TB, h http.Handler) string { return newServer(t, h) }
