package interop_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/validators"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

const apiBase = "https://api.mch.weixin.qq.com"

// officialClient is wechatpay-go v0.2.21's core client with its response
// validator on: the WeChat Pay public key (platform=false) or the platform
// certificates fetched by the SDK's own downloader from /v3/certificates
// (platform=true).
func officialClient(t *testing.T, platform bool) *core.Client {
	t.Helper()
	ctx := context.Background()
	p := profile()
	key, err := utils.LoadPrivateKey(p.V3.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: redirected()}
	if !platform {
		pub, err := utils.LoadPublicKey(p.V3.PlatformPublicKeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		c, err := core.NewClient(ctx, option.WithHTTPClient(hc),
			option.WithWechatPayPublicKeyAuthCipher(p.MchID, p.V3.MerchantSerialNo, key, p.V3.PlatformPublicKeyID, pub))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	bare, err := core.NewClient(ctx, option.WithHTTPClient(hc), option.WithMerchantCredential(p.MchID, p.V3.MerchantSerialNo, key),
		option.WithoutValidator())
	if err != nil {
		t.Fatal(err)
	}
	d, err := downloader.NewCertificateDownloaderWithClient(ctx, bare, p.V3.APIV3Key)
	if err != nil {
		t.Fatalf("platform certificates: %v", err)
	}
	if _, ok := d.Get(ctx, p.V3.PlatformCertSerialNo); !ok {
		t.Fatalf("downloaded certificates %v lack %s", d.ExportAll(ctx), p.V3.PlatformCertSerialNo)
	}
	c, err := core.NewClient(ctx, option.WithHTTPClient(hc), option.WithMerchantCredential(p.MchID, p.V3.MerchantSerialNo, key),
		option.WithVerifier(verifiers.NewSHA256WithRSAVerifier(d)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWechatpayGo drives the official SDK through a till's calls with
// both of its verification modes. The SDK has services for native and
// refunds; codepay, reverse and the trade bill go through its core client
// (Post/Get, the same signing and validation), as its README shows for
// APIs without a service.
func TestWechatpayGo(t *testing.T) {
	for _, mode := range []struct {
		name     string
		platform bool
	}{{"public key", false}, {"platform certificates", true}} {
		t.Run(mode.name, func(t *testing.T) { officialFlows(t, officialClient(t, mode.platform)) })
	}
}

func officialFlows(t *testing.T, c *core.Client) {
	ctx := context.Background()
	p := profile()
	nat := native.NativeApiService{Client: c}
	ref := refunddomestic.RefundsApiService{Client: c}

	codepay := func(no string, sc sandbox.Scenario, fen int64) (*core.APIResult, error) {
		return c.Post(ctx, apiBase+"/v3/pay/transactions/codepay", map[string]any{
			"appid": p.AppID, "mchid": p.MchID, "description": "门店-咖啡", "out_trade_no": no,
			"payer":      map[string]string{"auth_code": sandbox.NewCode(sc)},
			"amount":     map[string]any{"total": fen, "currency": "CNY"},
			"scene_info": map[string]any{"device_ip": "10.0.0.8", "store_info": map[string]string{"out_id": "S1"}},
		})
	}

	t.Run("codepay, query, refund, refund query", func(t *testing.T) {
		no := sdkNo("OFC")
		res, err := codepay(no, sandbox.ScenarioSuccess, 1288)
		if err != nil {
			t.Fatalf("codepay: %v", err)
		}
		var paid payments.Transaction
		if err := core.UnMarshalResponse(res.Response, &paid); err != nil || *paid.TradeState != "SUCCESS" || *paid.Amount.Total != 1288 {
			t.Fatalf("codepay answer %v %v", paid, err)
		}
		q, _, err := nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != "MICROPAY" {
			t.Fatalf("query: %v %v", q, err)
		}
		q, _, err = nat.QueryOrderById(ctx, native.QueryOrderByIdRequest{TransactionId: paid.TransactionId, Mchid: core.String(p.MchID)})
		if err != nil || *q.OutTradeNo != no {
			t.Fatalf("query by transaction_id: %v %v", q, err)
		}
		r, _, err := ref.Create(ctx, refunddomestic.CreateRequest{OutTradeNo: core.String(no), OutRefundNo: core.String("R" + no),
			Reason: core.String("退货"), Amount: &refunddomestic.AmountReq{Refund: core.Int64(300), Total: core.Int64(1288), Currency: core.String("CNY")}})
		if err != nil || *r.OutRefundNo != "R"+no || *r.Amount.Refund != 300 {
			t.Fatalf("refund: %v %v", r, err)
		}
		rq, _, err := ref.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("R" + no)})
		if err != nil || *rq.RefundId != *r.RefundId {
			t.Fatalf("refund query: %v %v", rq, err)
		}
	})

	t.Run("codepay reverse", func(t *testing.T) {
		no := sdkNo("OFR")
		_, err := codepay(no, sandbox.ScenarioUserPayingTimeout, 500)
		if err != nil {
			t.Fatalf("codepay (customer entering the password): %v", err)
		}
		if _, err := c.Post(ctx, apiBase+"/v3/pay/transactions/out-trade-no/"+no+"/reverse",
			map[string]string{"appid": p.AppID, "mchid": p.MchID}); err != nil {
			t.Fatalf("reverse: %v", err)
		}
		q, _, err := nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "REVOKED" {
			t.Fatalf("query after reverse: %v %v", q, err)
		}
	})

	t.Run("native, customer pays, query; close", func(t *testing.T) {
		prepay := func(no string) string {
			r, _, err := nat.Prepay(ctx, native.PrepayRequest{Appid: core.String(p.AppID), Mchid: core.String(p.MchID),
				Description: core.String("门店-扫码"), OutTradeNo: core.String(no), NotifyUrl: core.String("https://shop.example.com/wxpay/notify"),
				Amount: &native.Amount{Total: core.Int64(990), Currency: core.String("CNY")}})
			if err != nil {
				t.Fatalf("native prepay: %v", err)
			}
			return *r.CodeUrl
		}
		no := sdkNo("OFN")
		_, _, err := nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		var apiErr *core.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Code != "ORDER_NOT_EXIST" {
			t.Fatalf("query before the order exists: %v", err)
		}
		customerPays(t, prepay(no))
		q, _, err := nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "SUCCESS" || *q.TradeType != "NATIVE" || *q.Amount.PayerTotal != 990 {
			t.Fatalf("query after paying: %v %v", q, err)
		}

		no = sdkNo("OFX")
		prepay(no)
		q, _, err = nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "NOTPAY" {
			t.Fatalf("query unpaid: %v %v", q, err)
		}
		if _, err := nat.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)}); err != nil {
			t.Fatalf("close: %v", err)
		}
		q, _, err = nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
		if err != nil || *q.TradeState != "CLOSED" {
			t.Fatalf("query after close: %v %v", q, err)
		}
	})

	t.Run("trade bill", func(t *testing.T) {
		day := billDayWithTrades(t, func() {
			if _, err := codepay(sdkNo("OFB"), sandbox.ScenarioSuccess, 100); err != nil {
				t.Fatal(err)
			}
		})
		res, err := c.Get(ctx, apiBase+"/v3/bill/tradebill?"+url.Values{"bill_date": {day}, "bill_type": {"ALL"}, "tar_type": {"GZIP"}}.Encode())
		if err != nil {
			t.Fatalf("tradebill: %v", err)
		}
		var apply struct {
			HashType    string `json:"hash_type"`
			HashValue   string `json:"hash_value"`
			DownloadURL string `json:"download_url"`
		}
		if err := core.UnMarshalResponse(res.Response, &apply); err != nil {
			t.Fatal(err)
		}
		// The file is not signed: the SDK's documented way is the same
		// client without a validator, the hash vouching for the file.
		file, err := core.NewClientWithValidator(c, &validators.NullValidator{}).Get(ctx, apply.DownloadURL)
		if err != nil {
			t.Fatalf("download %s: %v", apply.DownloadURL, err)
		}
		defer file.Response.Body.Close()
		body, err := io.ReadAll(file.Response.Body)
		if err != nil {
			t.Fatal(err)
		}
		checkBill(t, body, apply.HashType, apply.HashValue)
	})
}
