package postest

import (
	"context"

	"github.com/wxpos/wxpos/pos"
)

var _ pos.AbnormalRefunder = (*Gateway)(nil)

// AbnormalReady implements pos.AbnormalRefunder.
func (g *Gateway) AbnormalReady() error { return nil }

// SettleAbnormalRefund implements pos.AbnormalRefunder: an ABNORMAL
// refund is paid again (PROCESSING), and ends SUCCESS after RefundDelay.
func (g *Gateway) SettleAbnormalRefund(ctx context.Context, r pos.AbnormalRequest) (pos.RefundResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpAbnormal)
	if err != nil {
		return pos.RefundResult{}, err
	}
	rf, ok := g.refunds[r.OutRefundNo]
	switch {
	case !ok || rf.RefundID != r.RefundID:
		return pos.RefundResult{}, g.end(OpAbnormal, f, pos.ErrOrderNotExist)
	case rf.Status != pos.RefundStatusAbnormal:
		return pos.RefundResult{}, g.end(OpAbnormal, f, &pos.DeclineError{Code: "INVALID_REQUEST", Message: "refund is not abnormal"})
	}
	rf.Status, rf.settled, rf.doneAt = pos.RefundStatusProcessing, true, g.now().Add(g.RefundDelay)
	if tr, ok := g.trades[rf.outTradeNo]; ok {
		tr.refunded += rf.AmountFen
	}
	return rf.RefundResult, g.end(OpAbnormal, f, nil)
}
