package paygate

import (
	"context"
	"fmt"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat"
)

// abnormalAPI is the client call behind pos.AbnormalRefunder: API v3's
// *wechat.Client has it, v2 has none.
type abnormalAPI interface {
	ApplyAbnormalRefund(ctx context.Context, r wechat.AbnormalRefundRequest) (*wechat.Refund, error)
}

var (
	_ pos.AbnormalRefunder = (*Gateway)(nil)
	_ abnormalAPI          = (*wechat.Client)(nil)
)

// AbnormalReady implements pos.AbnormalRefunder: API v2 has no
// apply-abnormal-refund.
func (g *Gateway) AbnormalReady() error {
	if _, ok := g.client.(abnormalAPI); !ok {
		return fmt.Errorf("API %s: %w", g.gen, pos.ErrAbnormalUnsupported)
	}
	return nil
}

// SettleAbnormalRefund implements pos.AbnormalRefunder.
func (g *Gateway) SettleAbnormalRefund(ctx context.Context, r pos.AbnormalRequest) (pos.RefundResult, error) {
	c, ok := g.client.(abnormalAPI)
	if !ok {
		return pos.RefundResult{}, g.AbnormalReady()
	}
	f, err := c.ApplyAbnormalRefund(ctx, wechat.AbnormalRefundRequest{RefundID: r.RefundID, OutRefundNo: r.OutRefundNo,
		Type: wechat.AbnormalRefundType(r.To), BankType: r.BankType, BankAccount: r.BankAccount, RealName: r.RealName})
	if err != nil {
		return pos.RefundResult{}, classify(err, opRefund)
	}
	res := refundResult(f)
	if res.Status == "" {
		res.Status = pos.RefundStatusProcessing
	}
	return res, nil
}
