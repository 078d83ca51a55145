package interop_test

import (
	"context"
	"testing"

	"github.com/go-pay/gopay"
	gopayv2 "github.com/go-pay/gopay/wechat"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// The coupon cases every SDK reads unchanged: on a 1000-fen order the
// customer pays 900; a 333-fen refund gives 33 back to the coupon and 300
// to the customer; a NOCASH coupon is not settled, a CASH one is.
var couponSDKCases = []struct {
	sc                         sandbox.Scenario
	v3Type, v2Type, refundType string
	settleTotal, settleRefund  int
}{
	{sandbox.ScenarioCoupon, "NOCASH", "NO_CASH", "DISCOUNT", 900, 300},
	{sandbox.ScenarioCouponWeChat, "CASH", "CASH", "COUPON", 1000, 333},
}

// TestWechatpayGoCoupon: wechatpay-go v0.2.21's payments.Transaction and
// refunddomestic.Refund models take the sandbox's promotion_detail and
// refund split, with its validator on.
func TestWechatpayGoCoupon(t *testing.T) {
	ctx := context.Background()
	c := officialClient(t, false)
	p := profile()
	nat := native.NativeApiService{Client: c}
	ref := refunddomestic.RefundsApiService{Client: c}
	for _, cc := range couponSDKCases {
		t.Run(string(cc.sc), func(t *testing.T) {
			no := sdkNo("OFK")
			res, err := c.Post(ctx, apiBase+"/v3/pay/transactions/codepay", map[string]any{
				"appid": p.AppID, "mchid": p.MchID, "description": "门店-咖啡", "out_trade_no": no,
				"payer":      map[string]string{"auth_code": sandbox.NewCode(cc.sc)},
				"amount":     map[string]any{"total": 1000, "currency": "CNY"},
				"scene_info": map[string]any{"device_ip": "10.0.0.8"},
			})
			if err != nil {
				t.Fatalf("codepay: %v", err)
			}
			var paid payments.Transaction
			if err := core.UnMarshalResponse(res.Response, &paid); err != nil {
				t.Fatal(err)
			}
			q, _, err := nat.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(p.MchID)})
			if err != nil {
				t.Fatal(err)
			}
			for _, tx := range []*payments.Transaction{&paid, q} {
				if *tx.Amount.Total != 1000 || *tx.Amount.PayerTotal != 900 || len(tx.PromotionDetail) != 1 {
					t.Fatalf("transaction: %v", tx)
				}
				pd := tx.PromotionDetail[0]
				if *pd.Type != cc.v3Type || *pd.Amount != 100 || *pd.Scope != "GLOBAL" || *pd.CouponId == "" || *pd.Currency != "CNY" ||
					*pd.WechatpayContribute+*pd.MerchantContribute+*pd.OtherContribute != 100 {
					t.Fatalf("promotion_detail: %v", pd)
				}
			}
			r, _, err := ref.Create(ctx, refunddomestic.CreateRequest{OutTradeNo: core.String(no), OutRefundNo: core.String("R" + no),
				Amount: &refunddomestic.AmountReq{Refund: core.Int64(333), Total: core.Int64(1000), Currency: core.String("CNY")}})
			if err != nil {
				t.Fatal(err)
			}
			a := r.Amount
			if *a.Refund != 333 || *a.DiscountRefund != 33 || *a.PayerRefund != 300 || *a.PayerTotal != 900 ||
				*a.SettlementRefund != int64(cc.settleRefund) || *a.SettlementTotal != int64(cc.settleTotal) {
				t.Fatalf("refund amount: %v", a)
			}
			if len(r.PromotionDetail) != 1 || string(*r.PromotionDetail[0].Type) != cc.refundType || *r.PromotionDetail[0].RefundAmount != 33 {
				t.Fatalf("refund promotion_detail: %v", r.PromotionDetail)
			}
		})
	}
}

// TestGopayV3Coupon: gopay v1.5.123's v3 models, with its signature check.
func TestGopayV3Coupon(t *testing.T) {
	ctx := context.Background()
	c := gopayClient(t)
	for _, cc := range couponSDKCases {
		t.Run(string(cc.sc), func(t *testing.T) {
			no := sdkNo("GPK")
			pay := codepay(t, c, no, cc.sc, 1000)
			q, err := c.V3TransactionQueryOrder(ctx, gopayv3.OutTradeNo, no)
			if err != nil || pay.Code != gopayv3.Success || q.Code != gopayv3.Success {
				t.Fatalf("codepay %+v, query %+v %v", pay, q, err)
			}
			for _, pd := range [][]*gopayv3.PromotionDetail{pay.Response.PromotionDetail, q.Response.PromotionDetail} {
				if len(pd) != 1 || pd[0].Type != cc.v3Type || pd[0].Amount != 100 || pd[0].CouponId == "" {
					t.Fatalf("promotion_detail: %+v", pd)
				}
			}
			if q.Response.Amount.PayerTotal != 900 || pay.Response.Amount.PayerTotal != 900 {
				t.Fatalf("payer_total: %+v", q.Response.Amount)
			}
			rbm := make(gopay.BodyMap)
			rbm.Set("out_trade_no", no).Set("out_refund_no", "R"+no).
				SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("refund", 333).Set("total", 1000).Set("currency", "CNY") })
			r, err := c.V3Refund(ctx, rbm)
			if err != nil || r.Code != gopayv3.Success {
				t.Fatalf("refund: %+v %v", r, err)
			}
			a := r.Response.Amount
			if a.DiscountRefund != 33 || a.PayerRefund != 300 || a.SettlementRefund != cc.settleRefund || a.SettlementTotal != cc.settleTotal {
				t.Fatalf("refund amount: %+v", a)
			}
			if pd := r.Response.PromotionDetail; len(pd) != 1 || pd[0].Type != cc.refundType || pd[0].RefundAmount != 33 {
				t.Fatalf("refund promotion_detail: %+v", pd)
			}
		})
	}
}

// TestGopayV2Coupon: gopay's v2 response structs read the coupon fields,
// and its VerifySign accepts every answer carrying them.
func TestGopayV2Coupon(t *testing.T) {
	ctx := context.Background()
	c := gopayV2Client(t)
	for _, cc := range couponSDKCases {
		t.Run(string(cc.sc), func(t *testing.T) {
			st := gopayv2.SignType_MD5
			no := sdkNo("GVK")
			bm := make(gopay.BodyMap)
			bm.Set("nonce_str", sdkNo("n")).Set("body", "门店-商品").Set("out_trade_no", no).Set("total_fee", 1000).
				Set("spbill_create_ip", "10.0.0.8").Set("auth_code", sandbox.NewCode(cc.sc)).Set("sign_type", st)
			m, err := c.Micropay(ctx, bm)
			if err != nil || m.ResultCode != "SUCCESS" || m.CashFee != "900" || m.CouponFee != "100" {
				t.Fatalf("micropay: %+v %v", m, err)
			}
			verifyV2(t, "micropay", st, m)
			settle := ""
			if cc.v2Type == "NO_CASH" {
				settle = "900"
			}
			q, qbm, err := c.QueryOrder(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "sign_type": st})
			if err != nil || q.CashFee != "900" || q.CouponFee != "100" || q.CouponCount != "1" || q.CouponType0 != cc.v2Type ||
				q.CouponFee0 != "100" || q.CouponId0 == "" || q.SettlementTotalFee != settle {
				t.Fatalf("orderquery: %+v %v", q, err)
			}
			verifyV2(t, "orderquery", st, qbm)
			rf, rbm, err := c.Refund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_trade_no": no, "out_refund_no": "R" + no,
				"total_fee": 1000, "refund_fee": 333, "sign_type": st})
			if err != nil || rf.CouponRefundFee != "33" || rf.CashRefundFee != "300" || rf.CouponType0 != cc.v2Type || rf.CouponRefundId0 != q.CouponId0 {
				t.Fatalf("refund: %+v %v", rf, err)
			}
			verifyV2(t, "refund", st, rbm)
			rq, rqbm, err := c.QueryRefund(ctx, gopay.BodyMap{"nonce_str": sdkNo("n"), "out_refund_no": "R" + no, "sign_type": st})
			if err != nil || rq.CouponRefundFee0 != "33" || rq.CouponRefundCount0 != "1" || rq.CouponType00 != cc.v2Type || rq.CouponRefundFee00 != "33" {
				t.Fatalf("refundquery: %+v %v", rq, err)
			}
			verifyV2(t, "refundquery", st, rqbm)
		})
	}
}
