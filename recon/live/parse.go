package live

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/wechat/bill"
)

// Parse reads a trade bill (any layout package bill knows) as reconciliation
// rows. The reader's last Next reports a malformed line or a summary that
// does not match the rows as an error (a *bill.ParseError), never io.EOF.
func Parse(r io.Reader) (recon.RowReader, error) {
	return &rows{p: bill.NewParser(r)}, nil
}

type rows struct {
	p        *bill.Parser
	started  bool
	hasOrder bool // 订单金额 present (current layout); else 总金额/应结订单金额 is the total
	hasReq   bool // 申请退款金额 present
}

func (r *rows) Next(out *recon.Row) error {
	if !r.p.Next() {
		if err := r.p.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	if !r.started {
		r.started = true
		cols := r.p.Columns()
		r.hasOrder = slices.Contains(cols, "订单金额")
		r.hasReq = slices.Contains(cols, "申请退款金额")
	}
	b := r.p.Row()
	*out = recon.Row{
		Time: b.TradeTime, DeviceInfo: b.DeviceID, TransactionID: b.TransactionID, OutTradeNo: b.OutTradeNo,
		TradeType: b.TradeType, State: recon.TradeState(b.TradeState), TotalFen: b.SettlementTotal, SettledFen: b.SettlementTotal,
		RefundID: b.RefundID, OutRefundNo: b.OutRefundNo, RefundFen: b.Refund, RefundStatus: b.RefundStatus, FeeMilliFen: b.Fee,
		Attach: b.Attach, CouponFen: b.Coupon, SettledRefundFen: b.Refund,
	}
	if r.hasOrder {
		out.TotalFen = b.OrderAmount
	}
	if b.IsRefund() {
		if r.hasReq {
			out.RefundFen = b.RefundRequestAmount
		}
		if !b.RefundApplyTime.IsZero() {
			out.Time = b.RefundApplyTime // REFUND layout: 交易时间 is the payment's
		}
	}
	return nil
}

// Report is what `wxpos bill import` prints about a bill file: totals
// computed from the rows, and what the summary row declares.
type Report struct {
	BillType            string `json:"bill_type"`
	Columns             int    `json:"columns"`
	Rows                int    `json:"rows"`
	SummaryRowsDeclared int64  `json:"summary_rows_declared"`
	SettledTotalFen     int64  `json:"settled_total_fen"`
	RefundTotalFen      int64  `json:"refund_total_fen"`
	FeeTotalYuan        string `json:"fee_total_yuan"`
	SummaryMatches      bool   `json:"summary_matches"`

	// Legacy is true for the historic 24-column header set.
	Legacy bool `json:"-"`
	// Mismatch says which summary total disagrees, when one does.
	Mismatch error `json:"-"`
	// First and Last are the earliest and latest 交易时间 (bill day).
	FirstDay, LastDay recon.Day `json:"-"`
	feeMilli          int64
}

// FeeTotalFen is the fee total rounded to the fen, as people are shown it
// (FeeTotalYuan keeps the bill's five decimals).
func (r *Report) FeeTotalFen() int64 { return csvout.FeeFen(r.feeMilli) }

// ErrMalformed is wrapped by Inspect's error for a file that is not a
// readable bill; the *bill.ParseError inside names the line and column.
var ErrMalformed = errors.New("malformed bill")

// Inspect reads a whole bill (plain text) and reports its totals. A
// summary that disagrees with the rows is not an error: the report says
// SummaryMatches=false and carries the declared count. A malformed file is
// an error wrapping ErrMalformed.
func Inspect(plain []byte) (*Report, error) { return InspectReader(bytes.NewReader(plain)) }

// InspectReader is Inspect reading the bill as a stream, one line at a
// time, in constant memory. An error reading r (a gzip bomb refused by
// bill.Decompress, a corrupt stream) is an error wrapping ErrMalformed
// too: the file is not a readable bill.
func InspectReader(r io.Reader) (*Report, error) {
	p := bill.NewParser(r)
	rep := &Report{}
	for p.Next() {
		row := p.Row()
		rep.Rows++
		rep.SettledTotalFen += row.SettlementTotal
		rep.RefundTotalFen += row.Refund
		rep.feeMilli += row.Fee
		d := recon.DayOf(row.TradeTime)
		if rep.FirstDay == "" || d < rep.FirstDay {
			rep.FirstDay = d
		}
		if d > rep.LastDay {
			rep.LastDay = d
		}
	}
	rep.BillType, rep.Columns, rep.Legacy = string(p.Type()), len(p.Columns()), p.Legacy()
	rep.FeeTotalYuan = recon.FeeYuan(rep.feeMilli)
	switch err := p.Err(); {
	case err == nil:
		rep.SummaryMatches = true
		rep.SummaryRowsDeclared = p.Summary().Count
	case errors.Is(err, bill.ErrSummaryMismatch) && p.Declared() != nil:
		rep.Mismatch = err
		rep.SummaryRowsDeclared = p.Declared().Count
	default:
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return rep, nil
}
