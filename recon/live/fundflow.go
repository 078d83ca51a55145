package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
)

// FundFlowClient fetches fund-flow bills (both wechat clients do).
type FundFlowClient interface {
	FundFlowBill(ctx context.Context, r wechat.FundFlowRequest) ([]byte, error)
}

// FundFlow implements recon.FundFlowSource with the source's client:
// recon.ErrNoFundFlowSource when it cannot fetch fund-flow bills, or not
// in its mode (wechat.ErrUnsupported: a v2 client acting for a service
// provider's sub-merchant, whose money is not in the provider's account
// that downloadfundflow describes). A v3 client acting for a sub-merchant
// fetches the sub-merchant's own (/v3/bill/sub-merchant-fundflowbill).
func (s Source) FundFlow(ctx context.Context, day recon.Day) ([]recon.FlowRow, error) {
	fc, ok := s.Client.(FundFlowClient)
	if !ok {
		return nil, recon.ErrNoFundFlowSource
	}
	rows, err := FundFlow(ctx, fc, day)
	if errors.Is(err, wechat.ErrUnsupported) {
		return nil, fmt.Errorf("%w: %w", recon.ErrNoFundFlowSource, err)
	}
	return rows, err
}

// FundFlow downloads day's fund-flow bill of the basic account and reads
// it into the lines recon.CheckFundFlow takes. WeChat's answers map as for
// the trade bill (recon.ErrNotReady, recon.ErrNoTrades, recon.ErrRefused).
func FundFlow(ctx context.Context, c FundFlowClient, day recon.Day) ([]recon.FlowRow, error) {
	data, err := c.FundFlowBill(ctx, wechat.FundFlowRequest{Date: billRequest(day).Date, Account: wechat.AccountBasic})
	if err != nil {
		return nil, billError(err)
	}
	return ParseFundFlow(bytes.NewReader(data))
}

// ParseFundFlow reads a fund-flow bill into recon's lines; a bill that does
// not read (or whose summary does not add up) is recon.ErrBadBill.
func ParseFundFlow(r io.Reader) ([]recon.FlowRow, error) {
	p := bill.NewFundFlowParser(r)
	var out []recon.FlowRow
	for p.Next() {
		b := p.Row()
		out = append(out, recon.FlowRow{Time: b.Time, BusinessID: b.BusinessID, Type: recon.FlowTypeOf(b.BusinessType),
			NetFen: b.Signed(), FeeFen: b.Fee, FeeKnown: b.FeeKnown, Voucher: b.Voucher})
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("%w: fund-flow bill: %w", recon.ErrBadBill, err)
	}
	return out, nil
}
