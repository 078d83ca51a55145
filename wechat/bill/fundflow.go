package bill

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// FundFlowRow is one line of a fund-flow bill (资金账单, v3
// /v3/bill/fundflowbill, v2 /pay/downloadfundflow): money that moved in one
// of the merchant's accounts.
type FundFlowRow struct {
	Line         int       // 1-based line number in the file
	Time         time.Time // 记账时间
	BusinessID   string    // 微信支付业务单号: transaction_id of a payment, refund_id of a refund
	FlowID       string    // 资金流水单号
	BusinessName string    // 业务名称
	BusinessType string    // 业务类型: 交易, 退款, 扣除交易手续费, 退回交易手续费, 提现 …
	Income       bool      // 收支类型 收入 (else 支出)
	Amount       int64     // 收支金额, fen, never negative
	Balance      int64     // 账户结余, fen
	Applicant    string    // 资金变更提交申请人
	Remark       string    // 备注
	Voucher      string    // 业务凭证号: out_trade_no of a payment, out_refund_no of a refund
	// Gross and Fee are what the 备注 "结算总金额 X 元;含手续费 F 元" (or
	// "退款总金额…;含手续费…") of a trade or refund line says, in fen;
	// FeeKnown is false when the line carries no such note.
	Gross, Fee int64
	FeeKnown   bool
}

// Signed is the row's amount as it changes the balance: negative for 支出.
func (r *FundFlowRow) Signed() int64 {
	if r.Income {
		return r.Amount
	}
	return -r.Amount
}

// FundFlowSummary is the fund-flow bill's summary row, in fen.
type FundFlowSummary struct {
	Count        int64 // 资金流水总笔数
	IncomeCount  int64 // 收入笔数
	Income       int64 // 收入金额
	ExpenseCount int64 // 支出笔数
	Expense      int64 // 支出金额
}

var fundFlowColumns = []string{"记账时间", "微信支付业务单号", "资金流水单号", "业务名称", "业务类型", "收支类型", "收支金额", "账户结余", "资金变更提交申请人", "备注", "业务凭证号"}

var fundFlowSummaryColumns = []string{"资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"}

// FundFlowParser reads a fund-flow bill row by row in constant memory,
// with the trade bill parser's rules (backquoted fields, header names
// normalised, a summary checked against the rows at the end).
type FundFlowParser struct {
	p        *Parser
	idx      []int // column of each of fundFlowColumns
	names    []string
	row      FundFlowRow
	acc, sum FundFlowSummary
}

// NewFundFlowParser returns a parser reading r.
func NewFundFlowParser(r io.Reader) *FundFlowParser { return &FundFlowParser{p: NewParser(r)} }

// Row returns the current row, valid until the next call to Next.
func (f *FundFlowParser) Row() *FundFlowRow { return &f.row }

// Err returns the first error (a *ParseError), nil at a clean end.
func (f *FundFlowParser) Err() error { return f.p.err }

// Summary returns the verified summary once Next has returned false
// without error.
func (f *FundFlowParser) Summary() *FundFlowSummary {
	if f.p.st != stDone || f.p.err != nil {
		return nil
	}
	s := f.sum
	return &s
}

// Next advances to the next row; false at the end (after checking the
// summary) or on the first error.
func (f *FundFlowParser) Next() bool {
	p := f.p
	for p.st != stDone {
		b, err := p.readLine()
		if err == io.EOF {
			if p.st == stTrailer {
				p.st = stDone
				return false
			}
			return p.fail(0, "", errors.New("fund-flow bill ends without its summary"))
		}
		if err != nil {
			return p.fail(0, "", err)
		}
		switch p.st {
		case stHeader:
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			if !f.header(string(b), fundFlowColumns) {
				return false
			}
			p.st = stRows
		case stRows:
			if len(b) > 0 && b[0] == '`' {
				return f.parseRow(string(b))
			}
			if !f.header(string(b), fundFlowSummaryColumns) {
				return false
			}
			p.st = stSummaryRow
		case stSummaryRow:
			if !f.parseSummary(string(b)) {
				return false
			}
			p.st = stTrailer
		case stTrailer:
			if len(bytes.TrimSpace(b)) != 0 {
				return p.fail(0, "", errors.New("text after the summary row"))
			}
		}
	}
	return false
}

// header maps the columns of a header line to want; every wanted column
// must be there.
func (f *FundFlowParser) header(line string, want []string) bool {
	parts := strings.Split(line, ",")
	if len(parts) > maxColumns {
		return f.p.fail(0, "", fmt.Errorf("%d columns, at most %d", len(parts), maxColumns))
	}
	f.names = f.names[:0]
	f.idx = f.idx[:0]
	for _, raw := range parts {
		f.names = append(f.names, normalizeName(raw))
	}
	for _, w := range want {
		i := indexOf(f.names, w)
		if i < 0 {
			return f.p.fail(0, "", fmt.Errorf("header lacks %s: %q", w, line))
		}
		f.idx = append(f.idx, i)
	}
	return true
}

func indexOf(names []string, n string) int {
	for i, v := range names {
		if v == n {
			return i
		}
	}
	return -1
}

func (f *FundFlowParser) field(s string, i int) string {
	o := f.p.offs[f.idx[i]]
	return s[o[0]:o[1]]
}

func (f *FundFlowParser) parseRow(s string) bool {
	p := f.p
	if !p.split(s, f.names) {
		return false
	}
	r := FundFlowRow{Line: p.line}
	var err error
	bad := func(i int, e error) bool { return p.fail(f.idx[i]+1, fundFlowColumns[i], e) }
	if r.Time, err = p.parseTime(f.field(s, 0), true); err != nil {
		return bad(0, err)
	}
	r.BusinessID, r.FlowID, r.BusinessName, r.BusinessType = f.field(s, 1), f.field(s, 2), f.field(s, 3), f.field(s, 4)
	switch dir := f.field(s, 5); dir {
	case "收入":
		r.Income = true
	case "支出":
	default:
		return bad(5, fmt.Errorf("收支类型 %q is neither 收入 nor 支出", dir))
	}
	if r.Amount, err = parseDecimal(f.field(s, 6), 2); err != nil || r.Amount < 0 {
		if err == nil {
			err = errors.New("negative amount")
		}
		return bad(6, err)
	}
	if r.Balance, err = parseDecimal(f.field(s, 7), 2); err != nil {
		return bad(7, err)
	}
	r.Applicant, r.Remark, r.Voucher = f.field(s, 8), f.field(s, 9), f.field(s, 10)
	r.Gross, r.Fee, r.FeeKnown = feeNote(r.Remark)
	f.row = r
	f.acc.Count++
	if r.Income {
		f.acc.IncomeCount++
		f.acc.Income += r.Amount
	} else {
		f.acc.ExpenseCount++
		f.acc.Expense += r.Amount
	}
	return true
}

// feeNote reads "结算总金额 12.34 元;含手续费 0.07 元" (spaces optional,
// 退款总金额 likewise) into fen.
func feeNote(remark string) (gross, fee int64, ok bool) {
	s := strings.ReplaceAll(remark, " ", "")
	head, tail, found := strings.Cut(s, ";含手续费")
	if !found {
		return 0, 0, false
	}
	for _, prefix := range []string{"结算总金额", "退款总金额"} {
		if g, ok := strings.CutPrefix(head, prefix); ok {
			gv, err1 := parseDecimal(strings.TrimSuffix(g, "元"), 2)
			fv, err2 := parseDecimal(strings.TrimSuffix(tail, "元"), 2)
			if err1 == nil && err2 == nil {
				return gv, fv, true
			}
		}
	}
	return 0, 0, false
}

func (f *FundFlowParser) parseSummary(s string) bool {
	p := f.p
	if !p.split(s, f.names) {
		return false
	}
	vals := make([]int64, len(fundFlowSummaryColumns))
	for i := range fundFlowSummaryColumns {
		v := f.field(s, i)
		var err error
		if i == 2 || i == 4 {
			vals[i], err = parseDecimal(v, 2)
		} else {
			vals[i], err = strconv.ParseInt(v, 10, 64)
		}
		if err != nil {
			return p.fail(f.idx[i]+1, fundFlowSummaryColumns[i], err)
		}
	}
	f.sum = FundFlowSummary{Count: vals[0], IncomeCount: vals[1], Income: vals[2], ExpenseCount: vals[3], Expense: vals[4]}
	if f.sum != f.acc {
		return p.fail(0, "", fmt.Errorf("summary %+v does not match the rows %+v", f.sum, f.acc))
	}
	return true
}
