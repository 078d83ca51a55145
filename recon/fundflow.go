package recon

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// Fund-flow kinds: a trade bill says what WeChat charged and owes, the
// basic account's fund-flow bill what it actually credited and debited.
// They are the merchant's, not one terminal's: CheckFundFlow reports
// them apart from the trade-bill Kinds.
const (
	// KindFeeMismatch: the fee WeChat took on a payment or gave back on a
	// refund is not the trade bill's.
	KindFeeMismatch Kind = "fee_mismatch"
	// KindSettlementMismatch: a payment or refund moved another amount
	// than the trade bill's settlement less its fee, or did not move (yet)
	// at all, or money moved for a trade the bill does not have.
	KindSettlementMismatch Kind = "settlement_mismatch"
)

// FlowType is what a fund-flow line is about.
type FlowType string

// Fund-flow line types (业务类型).
const (
	FlowTrade   FlowType = "trade"    // 交易: a payment credited
	FlowRefund  FlowType = "refund"   // 退款: a refund debited
	FlowFee     FlowType = "fee"      // 扣除交易手续费: a fee debited on its own line
	FlowFeeBack FlowType = "fee_back" // 退回交易手续费: a fee given back on its own line
	FlowOther   FlowType = "other"    // withdrawals, transfers …: not a trade's
)

// FlowTypeOf maps a 业务类型 to its FlowType.
func FlowTypeOf(businessType string) FlowType {
	switch businessType {
	case "交易":
		return FlowTrade
	case "退款":
		return FlowRefund
	case "扣除交易手续费":
		return FlowFee
	case "退回交易手续费":
		return FlowFeeBack
	}
	return FlowOther
}

// FlowRow is one line of a fund-flow bill as reconciliation needs it.
type FlowRow struct {
	Time       time.Time
	BusinessID string   // 微信支付业务单号: transaction_id or refund_id
	Type       FlowType // from 业务类型
	NetFen     int64    // signed: credited > 0, debited < 0
	FeeFen     int64    // the fee the line's 备注 states (trade and refund lines)
	FeeKnown   bool
	Voucher    string // 业务凭证号: out_trade_no or out_refund_no
}

// FundFlowCheck is a day's trade bill held against its fund-flow bill.
// Amounts in thousandths of a fen, the trade bill's fee precision.
type FundFlowCheck struct {
	Day Day       `json:"day"`
	At  time.Time `json:"at,omitzero"` // when it was checked (set when stored)
	// BillNetMilliFen is what the trade bill says the day moves: settled
	// payments less refunds less fees; FlowNetMilliFen what the fund-flow
	// bill's trade, refund and fee lines moved.
	BillNetMilliFen int64 `json:"bill_net_millifen"`
	FlowNetMilliFen int64 `json:"flow_net_millifen"`
	// BillFeeMilliFen and FlowFeeMilliFen are the fees (net of fees given
	// back) by each bill.
	BillFeeMilliFen int64        `json:"bill_fee_millifen"`
	FlowFeeMilliFen int64        `json:"flow_fee_millifen"`
	Differences     []Difference `json:"differences"`
}

// Balanced reports whether both bills agree on every trade and the day.
func (c *FundFlowCheck) Balanced() bool {
	return len(c.Differences) == 0 && c.BillNetMilliFen == c.FlowNetMilliFen && c.BillFeeMilliFen == c.FlowFeeMilliFen
}

// fundAdvice is what to do about a fund-flow difference, in English (the
// Difference's Advice) and Chinese (WriteFundFlowText).
var fundAdvice = map[string]struct{ en, zh string }{
	"fee": {"the fee WeChat took is not the trade bill's: check the merchant's fee rate in the merchant platform (商户平台 › 交易中心 › 手续费) and ask WeChat Pay support with this transaction id",
		"微信扣的手续费与交易账单不符：请在商户平台（交易中心 › 手续费）核对费率，并凭此微信订单号联系微信支付客服"},
	"missing": {"in the trade bill but no money moved for it in the basic account: it may move on the next day — check the next day's fund-flow bill; if it is not there either, ask WeChat Pay support with this id",
		"交易账单有此笔，基本账户却无资金变动：可能次日入账，请查次日资金账单；若仍没有，请凭此单号联系微信支付客服"},
	"unbilled": {"money moved for a trade the day's trade bill does not have: look for it in the previous or next day's trade bill; if none has it, ask WeChat Pay support",
		"基本账户有资金变动，当日交易账单却无此笔：请查前一日或次日的交易账单；都没有时请联系微信支付客服"},
	"amount": {"the account moved another amount than the trade bill's settlement less its fee: check coupons (代金券) and the fee on both bills, then ask WeChat Pay support",
		"账户变动金额不等于交易账单的结算金额减手续费：请核对两份账单的代金券和手续费，再联系微信支付客服"},
}

// fundAdviceZH is the Chinese of a fund-flow difference's advice ("" when
// it is not one of fundAdvice's).
func fundAdviceZH(en string) string {
	for _, a := range fundAdvice {
		if a.en == en {
			return a.zh
		}
	}
	return ""
}

type flowSum struct {
	net, fee int64 // fen
	feeKnown bool
	voucher  string
	typ      FlowType
	seen     bool
	t        time.Time
}

// CheckFundFlow holds day's trade bill rows (all of the merchant's, not one
// terminal's) against the fund-flow lines of the basic account: each
// payment must be credited its 应结订单金额 less its fee, each refund
// debited its 退款金额 less the fee given back, with the fees the trade bill
// states; what disagrees is a KindFeeMismatch or KindSettlementMismatch
// difference, with advice, and the day's totals are compared too.
func CheckFundFlow(day Day, trade RowReader, flow []FlowRow) (*FundFlowCheck, error) {
	c := &FundFlowCheck{Day: day}
	byID := map[string]*flowSum{}
	for _, f := range flow {
		switch f.Type {
		case FlowTrade, FlowRefund, FlowFee, FlowFeeBack:
		default:
			continue
		}
		s := byID[f.BusinessID]
		if s == nil {
			s = &flowSum{t: f.Time}
			byID[f.BusinessID] = s
		}
		s.net += f.NetFen
		c.FlowNetMilliFen += f.NetFen * 1000
		switch f.Type {
		case FlowFee:
			s.fee, s.feeKnown = s.fee-f.NetFen, true
		case FlowFeeBack:
			s.fee, s.feeKnown = s.fee-f.NetFen, true
		default:
			s.typ, s.voucher = f.Type, f.Voucher
			if f.FeeKnown {
				fee := f.FeeFen
				if f.Type == FlowRefund {
					fee = -fee
				}
				s.fee, s.feeKnown = s.fee+fee, true
			}
		}
	}
	for _, s := range byID {
		if s.feeKnown {
			c.FlowFeeMilliFen += s.fee * 1000
		}
	}
	var row Row
	for {
		err := trade.Next(&row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("fund flow %s: trade bill: %w", day, err)
		}
		c.checkRow(&row, byID)
	}
	ids := make([]string, 0, len(byID))
	for id, s := range byID {
		if !s.seen && s.typ != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := byID[id]
		d := Difference{Kind: KindSettlementMismatch, Subject: SubjectOrder, TransactionID: id, OutTradeNo: s.voucher, BillFen: s.net, Time: s.t}
		if s.typ == FlowRefund {
			d.Subject, d.TransactionID, d.RefundID, d.OutTradeNo, d.OutRefundNo = SubjectRefund, "", id, "", s.voucher
		}
		c.add(d, "unbilled")
	}
	return c, nil
}

// checkRow holds one trade bill row against the fund flow of its id.
func (c *FundFlowCheck) checkRow(r *Row, byID map[string]*flowSum) {
	var id string
	var billNet int64 // milli-fen, signed like the flow
	d := Difference{Subject: SubjectOrder, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID, TradeType: r.TradeType, DeviceInfo: r.DeviceInfo, Time: r.Time}
	switch r.State {
	case BillRefund:
		// The account gives back 退款金额, not 申请退款金额: a refund of a
		// NOCASH coupon payment returns the coupon's part to the coupon,
		// from WeChat, not from the merchant (a CASH coupon's part was
		// settled, so it is in 退款金额 and leaves the account).
		id = r.RefundID
		refund := r.SettledRefundFen
		if refund == 0 {
			refund = r.RefundFen // a reader that knows one amount only
		}
		billNet = -(refund*1000 + r.FeeMilliFen) // the fee is negative: given back
		d.Subject, d.RefundID, d.OutRefundNo = SubjectRefund, r.RefundID, r.OutRefundNo
	case BillSuccess, BillRevoked:
		id = r.TransactionID
		billNet = r.SettledFen*1000 - r.FeeMilliFen
	default:
		return
	}
	c.BillNetMilliFen += billNet
	c.BillFeeMilliFen += r.FeeMilliFen
	d.LocalFen = billNet / 1000 // the trade bill's side
	s := byID[id]
	if s == nil {
		c.add(d, "missing")
		return
	}
	s.seen = true
	d.BillFen = s.net
	if s.feeKnown && s.fee*1000 != r.FeeMilliFen {
		fd := d
		fd.Kind = KindFeeMismatch
		fd.LocalFen, fd.BillFen = r.FeeMilliFen/1000, s.fee
		c.add(fd, "fee")
	}
	if s.net*1000 != billNet {
		c.add(d, "amount")
	}
}

func (c *FundFlowCheck) add(d Difference, why string) {
	if d.Kind == "" {
		d.Kind = KindSettlementMismatch
	}
	num := d.TransactionID
	if d.Subject == SubjectRefund {
		num = d.RefundID
	}
	d.ID = fmt.Sprintf("%s/%s/%s", d.Kind, d.Subject, num)
	d.Advice = fundAdvice[why].en
	d.Actions = []Action{ActionExplain}
	c.Differences = append(c.Differences, d)
}
