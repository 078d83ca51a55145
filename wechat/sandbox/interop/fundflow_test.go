package interop_test

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/validators"

	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// fundFlowHolds reads a fund-flow bill with the project's parser (its
// summary checked against the rows) and finds the payment out_trade_no
// credited in it.
func fundFlowHolds(t *testing.T, plain []byte, outTradeNo string) {
	t.Helper()
	p := bill.NewFundFlowParser(bytes.NewReader(plain))
	found := false
	for p.Next() {
		if r := p.Row(); r.Voucher == outTradeNo && r.Income && r.BusinessType == "交易" {
			found = true
		}
	}
	if p.Err() != nil || !found {
		t.Fatalf("fund-flow bill: err %v, payment %s found %v:\n%s", p.Err(), outTradeNo, found, plain)
	}
}

// TestGopayV3FundFlow: gopay's V3BillFundFlowBill (its signature check on)
// and V3BillDownLoadBill fetch the basic account's fund-flow bill.
func TestGopayV3FundFlow(t *testing.T) {
	ctx := context.Background()
	c := gopayClient(t)
	no := sdkNo("GPF")
	day := billDayWithTrades(t, func() { codepay(t, c, no, sandbox.ScenarioSuccess, 1234) })
	bm := make(gopay.BodyMap)
	bm.Set("bill_date", day).Set("account_type", "BASIC").Set("tar_type", "GZIP")
	b, err := c.V3BillFundFlowBill(ctx, bm)
	if err != nil || b.Code != gopayv3.Success {
		t.Fatalf("fundflowbill: %+v %v", b, err)
	}
	file, err := c.V3BillDownLoadBill(ctx, b.Response.DownloadUrl)
	if err != nil {
		t.Fatalf("download %s: %v", b.Response.DownloadUrl, err)
	}
	fundFlowHolds(t, checkBillHeaded(t, file, b.Response.HashType, b.Response.HashValue, "记账时间,"), no)
}

// TestGopayV2FundFlow: gopay's DownloadFundFlow (HMAC-SHA256, the
// merchant's .p12 on the TLS connection) fetches the same bill over v2.
func TestGopayV2FundFlow(t *testing.T) {
	ctx := context.Background()
	c := gopayV2Client(t)
	no := sdkNo("GV2F")
	day := billDayWithTrades(t, func() {
		bm := gopay.BodyMap{"nonce_str": sdkNo("n"), "body": "门店-商品", "out_trade_no": no, "total_fee": 100,
			"spbill_create_ip": "10.0.0.8", "auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)}
		if r, err := c.Micropay(ctx, bm); err != nil || r.ResultCode != "SUCCESS" {
			t.Fatalf("micropay: %+v %v", r, err)
		}
	})
	text, err := c.DownloadFundFlow(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "bill_date": strings.ReplaceAll(day, "-", ""), "account_type": "Basic"})
	if err != nil || !strings.HasPrefix(text, "记账时间,") {
		t.Fatalf("downloadfundflow: %v, %.120q", err, text)
	}
	fundFlowHolds(t, []byte(text), no)
	text, err = c.DownloadFundFlow(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "bill_date": strings.ReplaceAll(day, "-", ""), "account_type": "Fees"})
	if err != nil || !strings.Contains(text, "<error_code><![CDATA[20002]]></error_code>") {
		t.Fatalf("fee account: %v, %.200q", err, text)
	}
}

// TestWechatpayGoFundFlow: wechatpay-go's core client (response
// verification on) applies for the fund-flow bill; the file, unsigned, is
// fetched as the SDK documents for bills, the hash vouching for it.
func TestWechatpayGoFundFlow(t *testing.T) {
	ctx := context.Background()
	c := officialClient(t, false)
	p := profile()
	no := sdkNo("OFF")
	day := billDayWithTrades(t, func() {
		if _, err := c.Post(ctx, apiBase+"/v3/pay/transactions/codepay", map[string]any{
			"appid": p.AppID, "mchid": p.MchID, "description": "门店-咖啡", "out_trade_no": no,
			"payer":      map[string]string{"auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)},
			"amount":     map[string]any{"total": 880, "currency": "CNY"},
			"scene_info": map[string]any{"device_ip": "10.0.0.8"},
		}); err != nil {
			t.Fatal(err)
		}
	})
	res, err := c.Get(ctx, apiBase+"/v3/bill/fundflowbill?"+url.Values{"bill_date": {day}, "account_type": {"BASIC"}, "tar_type": {"GZIP"}}.Encode())
	if err != nil {
		t.Fatalf("fundflowbill: %v", err)
	}
	var apply struct {
		HashType    string `json:"hash_type"`
		HashValue   string `json:"hash_value"`
		DownloadURL string `json:"download_url"`
	}
	if err := core.UnMarshalResponse(res.Response, &apply); err != nil {
		t.Fatal(err)
	}
	file, err := core.NewClientWithValidator(c, &validators.NullValidator{}).Get(ctx, apply.DownloadURL)
	if err != nil {
		t.Fatalf("download %s: %v", apply.DownloadURL, err)
	}
	defer file.Response.Body.Close()
	body, err := io.ReadAll(file.Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	fundFlowHolds(t, checkBillHeaded(t, body, apply.HashType, apply.HashValue, "记账时间,"), no)
}
