package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestFundFlowMatchesTradeBill: a day of payments and a refund at the
// sandbox, both bills fetched through the real client the next morning:
// every payment is credited its settlement less its fee and the refund
// debited less the fee given back — no difference, same day totals. A fee
// taken differently, a credit missing and a credit without a trade are
// each reported with what to do.
func TestFundFlowMatchesTradeBill(t *testing.T) {
	day := recon.Day("20261125")
	now := day.Start().Add(11 * time.Hour)
	env := gatetest.Start(t, func() time.Time { return now }, func(o *sandbox.Options) { o.RefundDelay = -1 })
	ctx := context.Background()
	var paid []*wechat.Transaction
	for i, fen := range []int64{1234, 50, 99900} {
		tx, err := env.Client.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: "FF-ORD-" + string(rune('A'+i)), Description: "ff",
			AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: fen, DeviceIP: "10.0.0.8"})
		if err != nil {
			t.Fatal(err)
		}
		paid = append(paid, tx)
	}
	if _, err := env.Client.Refund(ctx, wechat.RefundRequest{OutTradeNo: "FF-ORD-A", OutRefundNo: "FF-REF-1", Refund: 234, Total: 1234, Reason: "退货"}); err != nil {
		t.Fatal(err)
	}
	now = day.Add(1).Start().Add(10*time.Hour + time.Minute)
	plain, err := env.Client.TradeBill(ctx, wechat.BillRequest{Date: day.Start().Add(12 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := live.FundFlow(ctx, env.Client, day)
	if err != nil {
		t.Fatal(err)
	}
	check := func(flow []recon.FlowRow) *recon.FundFlowCheck {
		t.Helper()
		rows, err := live.Parse(bytes.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		c, err := recon.CheckFundFlow(day, rows, flow)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := check(flow); !c.Balanced() || c.BillNetMilliFen != (1234+50+99900-234-(7+0+599-1))*1000 || c.FlowFeeMilliFen != (7+599-1)*1000 {
		t.Fatalf("a matching day: %+v", c)
	}

	t.Run("fee taken differently", func(t *testing.T) {
		f := append([]recon.FlowRow(nil), flow...)
		for i := range f {
			if f[i].BusinessID == paid[2].TransactionID {
				f[i].FeeFen++ // WeChat took 6.00 instead of 5.99
				f[i].NetFen--
			}
		}
		c := check(f)
		if len(c.Differences) != 2 || c.Differences[0].Kind != recon.KindFeeMismatch || c.Differences[0].LocalFen != 599 || c.Differences[0].BillFen != 600 ||
			c.Differences[1].Kind != recon.KindSettlementMismatch || c.Differences[0].TransactionID != paid[2].TransactionID ||
			c.Differences[0].Advice == "" || c.FlowNetMilliFen != c.BillNetMilliFen-1000 {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("a credit missing and one without a trade", func(t *testing.T) {
		var f []recon.FlowRow
		for _, r := range flow {
			if r.BusinessID == paid[1].TransactionID {
				r.BusinessID = "4200000000000000000000000099" // credited under an id the trade bill lacks
			}
			f = append(f, r)
		}
		c := check(f)
		if len(c.Differences) != 2 || c.Balanced() {
			t.Fatalf("%+v", c.Differences)
		}
		missing, extra := c.Differences[0], c.Differences[1]
		if missing.Kind != recon.KindSettlementMismatch || missing.TransactionID != paid[1].TransactionID || missing.OutTradeNo != "FF-ORD-B" ||
			extra.TransactionID != "4200000000000000000000000099" || extra.OutTradeNo != "FF-ORD-B" || missing.Advice == extra.Advice {
			t.Fatalf("missing %+v\nextra %+v", missing, extra)
		}
	})
}

// v2SubMerchantClient is a v2 client acting for a service provider's
// sub-merchant: v2 has no fund-flow bill of the sub-merchant's, so its
// FundFlowBill answers wechat.ErrUnsupported without a call.
type v2SubMerchantClient struct{ fetched int }

func (c *v2SubMerchantClient) TradeBill(context.Context, wechat.BillRequest) ([]byte, error) {
	return nil, nil
}
func (c *v2SubMerchantClient) QueryByOutTradeNo(context.Context, string) (*wechat.Transaction, error) {
	return nil, nil
}
func (c *v2SubMerchantClient) FundFlowBill(context.Context, wechat.FundFlowRequest) ([]byte, error) {
	c.fetched++
	return nil, fmt.Errorf("downloadfundflow: %w", wechat.ErrUnsupported)
}

// TestFundFlowNotForSubMerchant: a source whose client cannot fetch its
// merchant's fund flow in its mode (a v2 sub-merchant client:
// wechat.ErrUnsupported) says so with ErrNoFundFlowSource, which the
// fetcher takes as "nothing to check", not as a failure to retry.
func TestFundFlowNotForSubMerchant(t *testing.T) {
	c := &v2SubMerchantClient{}
	_, err := (live.Source{Client: c}).FundFlow(context.Background(), "20261125")
	if !errors.Is(err, recon.ErrNoFundFlowSource) || c.fetched != 1 {
		t.Fatalf("err %v, %d fetches", err, c.fetched)
	}
}
