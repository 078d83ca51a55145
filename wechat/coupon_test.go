package wechat_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// Both generations read a coupon payment and its refunds into the same
// typed amounts: the customer paid 900 of 1000, a ¥1 coupon the rest; the
// merchant is settled 900 for a NOCASH coupon and 1000 for a CASH one; a
// refund of 333 gives 33 back to the coupon and 300 to the customer.
func TestCouponAmounts(t *testing.T) {
	type gen struct {
		name string
		gw   func(e *sandboxEnv) terminalGateway
	}
	gens := []gen{
		{"v3", func(e *sandboxEnv) terminalGateway { return e.v3(t, false) }},
		{"v2", func(e *sandboxEnv) terminalGateway { return e.v2(t, wechat.SignMD5) }},
	}
	cases := []struct {
		sc                 sandbox.Scenario
		typ                wechat.PromotionType
		settle, settleBack int64
	}{
		{sandbox.ScenarioCoupon, wechat.PromotionNoCash, 900, 300},
		{sandbox.ScenarioCouponWeChat, wechat.PromotionCash, 1000, 333},
	}
	for _, g := range gens {
		for _, c := range cases {
			t.Run(g.name+"/"+string(c.sc), func(t *testing.T) {
				ctx := context.Background()
				e := newSandboxEnv(t, sandbox.Options{})
				gw := g.gw(e)
				req := scan(sandbox.NewCode(c.sc), 1000)
				paid, err := gw.Codepay(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				q, err := gw.QueryByOutTradeNo(ctx, req.OutTradeNo)
				if err != nil {
					t.Fatal(err)
				}
				for _, tx := range []*wechat.Transaction{paid, q} {
					if tx.Total != 1000 || tx.PayerTotal != 900 || tx.Discount != 100 || tx.SettlementTotal != c.settle {
						t.Fatalf("amounts: total %d payer %d discount %d settlement %d", tx.Total, tx.PayerTotal, tx.Discount, tx.SettlementTotal)
					}
				}
				// The v2 micropay answer has no coupon list; every query has.
				if len(q.Promotions) != 1 || q.Promotions[0].Type != c.typ || q.Promotions[0].Amount != 100 || q.Promotions[0].ID == "" {
					t.Fatalf("promotions: %+v", q.Promotions)
				}
				rf, err := gw.Refund(ctx, wechat.RefundRequest{OutTradeNo: req.OutTradeNo, OutRefundNo: req.OutTradeNo + "R", Refund: 333, Total: 1000})
				if err != nil {
					t.Fatal(err)
				}
				rq, err := gw.QueryRefund(ctx, req.OutTradeNo+"R")
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range []*wechat.Refund{rf, rq} {
					if r.Refund != 333 || r.DiscountRefund != 33 || r.PayerRefund != 300 || r.SettlementRefund != c.settleBack {
						t.Fatalf("refund: %+v", r)
					}
					if len(r.Promotions) != 1 || r.Promotions[0].Type != c.typ || r.Promotions[0].Refund != 33 {
						t.Fatalf("refund promotions: %+v", r.Promotions)
					}
				}
			})
		}
	}
}

// An answer whose amounts do not add up is refused, signed or not: a
// terminal must not book a payment it cannot account for.
func TestCouponAmountsVerified(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v3(t, false)
	wxKey, err := wechat.ParsePrivateKeyPEM([]byte(e.creds.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	req := scan(sandbox.NewCode(sandbox.ScenarioCoupon), 1000)
	if _, err := c.Codepay(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to string }{
		{"payer_total and coupon exceed the total", `"payer_total":900`, `"payer_total":950`},
		{"coupon above the total", `"amount":100,`, `"amount":1100,`},
		{"negative contribution", `"merchant_contribute":100`, `"merchant_contribute":-100`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.tp.set(func(h http.Header, b []byte) []byte {
				out := bytes.Replace(b, []byte(tc.from), []byte(tc.to), 1)
				if bytes.Equal(out, b) {
					t.Errorf("%s not in %s", tc.from, b)
				}
				ts := h.Get("Wechatpay-Timestamp")
				s, _ := wechat.SignSHA256RSA(wxKey, wechat.V3ResponseMessage(ts, h.Get("Wechatpay-Nonce"), string(out)))
				h.Set("Wechatpay-Signature", s)
				return out
			})
			defer e.tp.set(nil)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			tx, err := c.QueryByOutTradeNo(ctx, req.OutTradeNo)
			if err == nil || !wechat.OutcomeUnknown(err) {
				t.Fatalf("accepted %+v (%v)", tx, err)
			}
			if !strings.Contains(err.Error(), "fen") {
				t.Fatalf("error does not say which amount: %v", err)
			}
		})
	}
}
