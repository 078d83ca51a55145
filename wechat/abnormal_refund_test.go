package wechat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestApplyAbnormalRefund: a refund that ends ABNORMAL is settled to the
// customer's card (fields encrypted with the public key or the platform
// certificate) or back to the merchant, then ends SUCCESS — also a
// service provider's sub-merchant's (sub_mchid in the body, the card
// encrypted with the provider's own public key).
func TestApplyAbnormalRefund(t *testing.T) {
	for _, mode := range []struct {
		name     string
		platform bool
		partner  bool
		req      wechat.AbnormalRefundRequest
		account  string
	}{
		{"card, public key", false, false, wechat.AbnormalRefundRequest{Type: wechat.AbnormalToUserBankCard, BankType: "ICBC_DEBIT",
			BankAccount: "6222020200112345678", RealName: "张三"}, "工商银行借记卡5678"},
		{"card, platform certificate", true, false, wechat.AbnormalRefundRequest{Type: wechat.AbnormalToUserBankCard, BankType: "CMB_DEBIT",
			BankAccount: "6225880112340403", RealName: "李四"}, "招商银行借记卡0403"},
		{"merchant", false, false, wechat.AbnormalRefundRequest{Type: wechat.AbnormalToMerchantBankCard}, "交易商户银行账户"},
		{"sub-merchant, card", false, true, wechat.AbnormalRefundRequest{Type: wechat.AbnormalToUserBankCard, BankType: "CCB_DEBIT",
			BankAccount: "6217000010001234567", RealName: "王五"}, "建设银行借记卡4567"},
		{"sub-merchant, merchant", false, true, wechat.AbnormalRefundRequest{Type: wechat.AbnormalToMerchantBankCard}, "交易商户银行账户"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			ctx := context.Background()
			opts := sandbox.Options{}
			if mode.platform {
				opts.KeyMode = sandbox.PlatformCertMode
			}
			e := newSandboxEnv(t, opts)
			c := e.v3(t, mode.platform)
			if mode.partner {
				c = e.v3Partner(t, e.creds.Partner.SubMchID)
			}
			pay, err := c.Codepay(ctx, scan(sandbox.NewCode(sandbox.ScenarioRefundAbnormal), 5000))
			if err != nil {
				t.Fatal(err)
			}
			rf, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: pay.OutTradeNo, OutRefundNo: "R" + pay.OutTradeNo, Refund: 1200, Total: 5000})
			if err != nil {
				t.Fatal(err)
			}
			e.sb.Advance(2 * time.Minute)
			if q, err := c.QueryRefund(ctx, rf.OutRefundNo); err != nil || q.Status != wechat.RefundAbnormal {
				t.Fatalf("%+v %v", q, err)
			}
			req := mode.req
			req.RefundID, req.OutRefundNo = rf.RefundID, rf.OutRefundNo
			got, err := c.ApplyAbnormalRefund(ctx, req)
			if err != nil || got.Status != wechat.RefundProcessing || got.UserReceivedAccount != mode.account {
				t.Fatalf("%+v %v", got, err)
			}
			e.sb.Advance(2 * time.Minute)
			if q, err := c.QueryRefund(ctx, rf.OutRefundNo); err != nil || q.Status != wechat.RefundSuccess {
				t.Fatalf("%+v %v", q, err)
			}
			if mode.partner && (len(e.sb.Ledger().Refunds) != 0 || len(e.sb.PartnerLedger().Refunds) != 1) {
				t.Fatalf("refunds: direct %d, sub-merchant %d", len(e.sb.Ledger().Refunds), len(e.sb.PartnerLedger().Refunds))
			}
		})
	}
}

func TestApplyAbnormalRefundArguments(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v3(t, false)
	ok := wechat.AbnormalRefundRequest{RefundID: "50320260310000000000000001", OutRefundNo: "R0001", Type: wechat.AbnormalToUserBankCard,
		BankType: "CMB_DEBIT", BankAccount: "6225880112340403", RealName: "张三"}
	for _, tc := range []struct {
		name string
		edit func(r *wechat.AbnormalRefundRequest)
	}{
		{"no refund_id", func(r *wechat.AbnormalRefundRequest) { r.RefundID = "" }},
		{"no type", func(r *wechat.AbnormalRefundRequest) { r.Type = "" }},
		{"credit card", func(r *wechat.AbnormalRefundRequest) { r.BankType = "CMB_CREDIT" }},
		{"account with letters", func(r *wechat.AbnormalRefundRequest) { r.BankAccount = "6225-8801-1234" }},
		{"no name", func(r *wechat.AbnormalRefundRequest) { r.RealName = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			if _, err := c.ApplyAbnormalRefund(context.Background(), r); !errors.Is(err, wechat.ErrInvalidArgument) {
				t.Fatalf("%v", err)
			}
		})
	}
}
