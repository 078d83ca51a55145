package interop_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/partnerpayments"
	partnernative "github.com/wechatpay-apiv3/wechatpay-go/services/partnerpayments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// officialPartnerClient is wechatpay-go v0.2.21's client for the sandbox's
// service provider: its merchant key and serial, its WeChat Pay public key
// as the validator.
func officialPartnerClient(t *testing.T) (*core.Client, *sandbox.ProfilePartner) {
	t.Helper()
	p := profile().Partner
	key, err := utils.LoadPrivateKey(p.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := utils.LoadPublicKey(p.PlatformPublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(context.Background(), option.WithHTTPClient(&http.Client{Transport: redirected()}),
		option.WithWechatPayPublicKeyAuthCipher(p.SpMchID, p.MerchantSerialNo, key, p.PlatformPublicKeyID, pub))
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

// TestWechatpayGoPartner drives the official SDK's partner payments
// (services/partnerpayments/native: prepay, query by out_trade_no and by
// transaction_id, close) and refunds with sub_mchid
// (services/refunddomestic), plus the partner codepay and reverse through
// its core client, every answer through the SDK's own validator; the
// payment notification of a partner order is parsed by the SDK's notify
// handler into partnerpayments.Transaction.
func TestWechatpayGoPartner(t *testing.T) {
	ctx := context.Background()
	c, p := officialPartnerClient(t)
	nat := partnernative.NativeApiService{Client: c}
	ref := refunddomestic.RefundsApiService{Client: c}

	// The provider's notification receiver, as the SDK's README shows it.
	pub, err := utils.LoadPublicKey(p.PlatformPublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	handler, err := notify.NewRSANotifyHandler(p.APIV3Key, verifiers.NewSHA256WithRSAPubkeyVerifier(p.PlatformPublicKeyID, *(*rsa.PublicKey)(pub)))
	if err != nil {
		t.Fatal(err)
	}
	notified := make(chan *partnerpayments.Transaction, 1)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tx := new(partnerpayments.Transaction)
		if _, err := handler.ParseNotifyRequest(r.Context(), r, tx); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		notified <- tx
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	prepay := func(no, notifyURL string) string {
		r, _, err := nat.Prepay(ctx, partnernative.PrepayRequest{SpAppid: core.String(p.SpAppID), SpMchid: core.String(p.SpMchID),
			SubMchid: core.String(p.SubMchID), Description: core.String("门店-扫码"), OutTradeNo: core.String(no),
			NotifyUrl: core.String(notifyURL), Amount: &partnernative.Amount{Total: core.Int64(990), Currency: core.String("CNY")}})
		if err != nil {
			t.Fatalf("partner native prepay: %v", err)
		}
		return *r.CodeUrl
	}
	query := func(no string) *partnerpayments.Transaction {
		q, _, err := nat.QueryOrderByOutTradeNo(ctx, partnernative.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no),
			SpMchid: core.String(p.SpMchID), SubMchid: core.String(p.SubMchID)})
		if err != nil {
			t.Fatalf("partner query %s: %v", no, err)
		}
		return q
	}

	t.Run("native, customer pays, notification, query, refund", func(t *testing.T) {
		no := sdkNo("OSN")
		customerPays(t, prepay(no, recv.URL+"/notify"))
		if n, err := rig.sb.DeliverNotifications(ctx); err != nil || n < 1 {
			t.Fatalf("delivered %d: %v", n, err)
		}
		tx := <-notified
		if *tx.OutTradeNo != no || *tx.SubMchid != p.SubMchID || *tx.SpMchid != p.SpMchID || *tx.TradeState != "SUCCESS" || tx.Payer.SpOpenid == nil {
			t.Fatalf("notification: %v", tx)
		}
		q := query(no)
		if *q.TradeState != "SUCCESS" || *q.TradeType != "NATIVE" || *q.SubMchid != p.SubMchID || *q.Amount.PayerTotal != 990 {
			t.Fatalf("query: %v", q)
		}
		byID, _, err := nat.QueryOrderById(ctx, partnernative.QueryOrderByIdRequest{TransactionId: q.TransactionId,
			SpMchid: core.String(p.SpMchID), SubMchid: core.String(p.SubMchID)})
		if err != nil || *byID.OutTradeNo != no {
			t.Fatalf("query by transaction_id: %v %v", byID, err)
		}
		r, _, err := ref.Create(ctx, refunddomestic.CreateRequest{SubMchid: core.String(p.SubMchID), OutTradeNo: core.String(no),
			OutRefundNo: core.String("R" + no), Reason: core.String("退货"),
			Amount: &refunddomestic.AmountReq{Refund: core.Int64(300), Total: core.Int64(990), Currency: core.String("CNY")}})
		if err != nil || *r.OutRefundNo != "R"+no || *r.Amount.Refund != 300 {
			t.Fatalf("refund: %v %v", r, err)
		}
		rq, _, err := ref.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R" + no), SubMchid: core.String(p.SubMchID)})
		if err != nil || *rq.RefundId != *r.RefundId {
			t.Fatalf("refund query: %v %v", rq, err)
		}
	})

	t.Run("native, close", func(t *testing.T) {
		no := sdkNo("OSX")
		prepay(no, "https://shop.example.com/wxpay/notify")
		if q := query(no); *q.TradeState != "NOTPAY" {
			t.Fatalf("query unpaid: %v", q)
		}
		if _, err := nat.CloseOrder(ctx, partnernative.CloseOrderRequest{OutTradeNo: core.String(no),
			SpMchid: core.String(p.SpMchID), SubMchid: core.String(p.SubMchID)}); err != nil {
			t.Fatalf("close: %v", err)
		}
		if q := query(no); *q.TradeState != "CLOSED" {
			t.Fatalf("query after close: %v", q)
		}
	})

	t.Run("codepay, reverse", func(t *testing.T) {
		no := sdkNo("OSC")
		res, err := c.Post(ctx, apiBase+"/v3/pay/partner/transactions/codepay", map[string]any{
			"sp_appid": p.SpAppID, "sp_mchid": p.SpMchID, "sub_mchid": p.SubMchID, "description": "门店-咖啡", "out_trade_no": no,
			"payer":      map[string]string{"auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)},
			"amount":     map[string]any{"total": 1288, "currency": "CNY"},
			"scene_info": map[string]any{"device_ip": "10.0.0.8"},
		})
		if err != nil {
			t.Fatalf("partner codepay: %v", err)
		}
		var paid partnerpayments.Transaction
		if err := core.UnMarshalResponse(res.Response, &paid); err != nil || *paid.TradeState != "SUCCESS" || *paid.SubMchid != p.SubMchID {
			t.Fatalf("partner codepay answer %v %v", paid, err)
		}
		rev, err := c.Post(ctx, apiBase+"/v3/pay/partner/transactions/out-trade-no/"+no+"/reverse",
			map[string]string{"sp_appid": p.SpAppID, "sp_mchid": p.SpMchID, "sub_mchid": p.SubMchID})
		if err != nil {
			t.Fatalf("partner reverse: %v", err)
		}
		io.Copy(io.Discard, rev.Response.Body)
		if q := query(no); *q.TradeState != "REVOKED" {
			t.Fatalf("query after reverse: %v", q)
		}
	})

	t.Run("a sub-merchant the provider does not serve", func(t *testing.T) {
		_, _, err := nat.QueryOrderByOutTradeNo(ctx, partnernative.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("X123456"),
			SpMchid: core.String(p.SpMchID), SubMchid: core.String("1799999999")})
		var apiErr *core.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Code != "INVALID_REQUEST" {
			t.Fatalf("got %v", err)
		}
	})
}
