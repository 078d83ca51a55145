package wechat_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestFundFlowBill: both generations fetch the basic account's fund-flow
// bill from the sandbox (v3 apply + download + SHA1; v2 HMAC-SHA256 over
// the merchant certificate even when the client signs MD5), the parser
// reads it, and the day's payment is credited net of its fee; the
// operation account has no statement.
func TestFundFlowBill(t *testing.T) {
	ctx := context.Background()
	e := newSandboxEnv(t, sandbox.Options{})
	v3, v2 := e.v3(t, false), e.v2(t, wechat.SignMD5)
	day := e.sb.Now()
	paid, err := v3.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: outNo("FF"), Description: "ff", AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: 1234, DeviceIP: "10.0.0.8"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v3.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day}); err == nil || wechat.OutcomeUnknown(err) {
		t.Fatalf("same-day bill: %v", err)
	}
	e.sb.Advance(36 * time.Hour)
	for name, get := range map[string]func(wechat.FundFlowRequest) ([]byte, error){
		"v3": func(r wechat.FundFlowRequest) ([]byte, error) { return v3.FundFlowBill(ctx, r) },
		"v2": func(r wechat.FundFlowRequest) ([]byte, error) { return v2.FundFlowBill(ctx, r) },
	} {
		t.Run(name, func(t *testing.T) {
			data, err := get(wechat.FundFlowRequest{Date: day})
			if err != nil {
				t.Fatal(err)
			}
			p := bill.NewFundFlowParser(bytes.NewReader(data))
			found := false
			for p.Next() {
				r := p.Row()
				if r.Voucher == paid.OutTradeNo && r.BusinessID == paid.TransactionID && r.Income && r.Amount == 1234-7 && r.Fee == 7 {
					found = true
				}
			}
			if p.Err() != nil || !found {
				t.Fatalf("err %v, payment found %v:\n%s", p.Err(), found, data)
			}
			if _, err := get(wechat.FundFlowRequest{Date: day, Account: wechat.AccountOperation}); wechat.ErrorCode(err) != wechat.CodeNoStatementExist {
				t.Fatalf("operation account: %v", err)
			}
			if _, err := get(wechat.FundFlowRequest{Date: day, Account: "SAVINGS"}); err == nil {
				t.Fatal("an unknown account was asked for")
			}
		})
	}
	var streamed bytes.Buffer
	if n, err := v2.DownloadFundFlowTo(ctx, wechat.FundFlowRequest{Date: day}, &streamed); err != nil || n == 0 {
		t.Fatalf("DownloadFundFlowTo: %d %v", n, err)
	}
}
