package bill

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/wxpos/wxpos/tz"
)

// Type is the bill type, detected from the detail header.
type Type string

// Bill types.
const (
	TypeAll     Type = "ALL"
	TypeSuccess Type = "SUCCESS"
	TypeRefund  Type = "REFUND"
)

// Row is one detail line. Amounts are fen except Fee; strings are the field
// text without the backquote. Columns absent from the layout stay zero.
type Row struct {
	Line                int       // 1-based line number in the file
	TradeTime           time.Time // 交易时间
	AppID               string    // 公众账号ID
	MchID               string    // 商户号
	SubMchID            string    // 特约商户号 / 子商户号
	DeviceID            string    // 设备号
	TransactionID       string    // 微信订单号
	OutTradeNo          string    // 商户订单号
	OpenID              string    // 用户标识
	TradeType           string    // 交易类型
	TradeState          string    // 交易状态: SUCCESS, REFUND, REVOKED
	BankType            string    // 付款银行
	Currency            string    // 货币种类
	SettlementTotal     int64     // 应结订单金额 (legacy 总金额), fen
	Coupon              int64     // 代金券金额 (legacy 代金券或立减优惠金额), fen
	RefundApplyTime     time.Time // 退款申请时间 (REFUND layout)
	RefundSuccessTime   time.Time // 退款成功时间 (REFUND layout; zero when empty)
	RefundID            string    // 微信退款单号 ("0" on pay rows)
	OutRefundNo         string    // 商户退款单号 ("0" on pay rows)
	Refund              int64     // 退款金额, fen
	CouponRefund        int64     // 充值券退款金额 (legacy 代金券或立减优惠退款金额), fen
	RefundType          string    // 退款类型: ORIGINAL, BALANCE
	RefundStatus        string    // 退款状态
	Body                string    // 商品名称
	Attach              string    // 商户数据包
	Fee                 int64     // 手续费, in 1/1000 fen (0.00001 yuan); negative on refunds
	FeeRate             string    // 费率, e.g. "0.60%"
	OrderAmount         int64     // 订单金额, fen
	RefundRequestAmount int64     // 申请退款金额, fen
	FeeRemark           string    // 费率备注
}

// IsRefund reports whether the row records a refund (交易状态 REFUND).
func (r *Row) IsRefund() bool { return r.TradeState == "REFUND" }

// Summary is the verified summary row. Has tells which totals the layout
// carries.
type Summary struct {
	Line                int
	Count               int64 // 总交易单数
	SettlementTotal     int64 // 应结订单总金额 (legacy 总交易额), fen
	RefundTotal         int64 // 退款总金额 (legacy 总退款金额), fen
	CouponRefundTotal   int64 // 充值券退款总金额 (legacy 总代金券或立减优惠退款金额), fen
	FeeTotal            int64 // 手续费总金额, 1/1000 fen
	OrderTotal          int64 // 订单总金额, fen
	RefundRequestTotal  int64 // 申请退款总金额, fen
	HasOrderTotal       bool
	HasRefundRequestTot bool
}

// ErrSummaryMismatch is wrapped by the ParseError of a summary that does not
// match the sums of the rows.
var ErrSummaryMismatch = errors.New("summary does not match the rows")

// ParseError reports a malformed bill. Column is the 1-based field index (0
// when the whole line is wrong).
type ParseError struct {
	Line   int
	Column int
	Name   string // column name, when known
	Err    error
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("bill: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("bill: line %d, column %d (%s): %v", e.Line, e.Column, e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// field identifies a Row field.
type field uint8

const (
	fIgnore field = iota
	fTradeTime
	fAppID
	fMchID
	fSubMchID
	fDeviceID
	fTransactionID
	fOutTradeNo
	fOpenID
	fTradeType
	fTradeState
	fBankType
	fCurrency
	fSettlementTotal
	fCoupon
	fRefundApplyTime
	fRefundSuccessTime
	fRefundID
	fOutRefundNo
	fRefund
	fCouponRefund
	fRefundType
	fRefundStatus
	fBody
	fAttach
	fFee
	fFeeRate
	fOrderAmount
	fRefundRequestAmount
	fFeeRemark
	numFields
)

var detailNames = map[string]field{
	"交易时间": fTradeTime, "公众账号ID": fAppID, "商户号": fMchID, "特约商户号": fSubMchID, "子商户号": fSubMchID,
	"设备号": fDeviceID, "微信订单号": fTransactionID, "商户订单号": fOutTradeNo, "用户标识": fOpenID,
	"交易类型": fTradeType, "交易状态": fTradeState, "付款银行": fBankType, "货币种类": fCurrency,
	"应结订单金额": fSettlementTotal, "总金额": fSettlementTotal,
	"代金券金额": fCoupon, "代金券或立减优惠金额": fCoupon,
	"退款申请时间": fRefundApplyTime, "退款成功时间": fRefundSuccessTime,
	"微信退款单号": fRefundID, "商户退款单号": fOutRefundNo, "退款金额": fRefund,
	"充值券退款金额": fCouponRefund, "代金券或立减优惠退款金额": fCouponRefund,
	"退款类型": fRefundType, "退款状态": fRefundStatus, "商品名称": fBody, "商户数据包": fAttach,
	"手续费": fFee, "费率": fFeeRate, "订单金额": fOrderAmount, "申请退款金额": fRefundRequestAmount,
	"费率备注": fFeeRemark,
}

// summary fields
type sfield uint8

const (
	sIgnore sfield = iota
	sCount
	sSettlement
	sRefund
	sCouponRefund
	sFee
	sOrder
	sRefundRequest
)

var summaryNames = map[string]sfield{
	"总交易单数": sCount, "应结订单总金额": sSettlement, "总交易额": sSettlement,
	"退款总金额": sRefund, "总退款金额": sRefund,
	"充值券退款总金额": sCouponRefund, "总代金券或立减优惠退款金额": sCouponRefund,
	"手续费总金额": sFee, "订单总金额": sOrder, "申请退款总金额": sRefundRequest,
}

// normalizeName folds full-width characters to ASCII, drops spaces and a
// "(元)" unit suffix.
func normalizeName(s string) string {
	s = width.Narrow.String(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "")
	s = strings.TrimSuffix(s, "(元)")
	return s
}

type state uint8

const (
	stHeader state = iota
	stRows
	stSummaryRow
	stTrailer
	stDone
)

// MaxLineLength bounds a line; a longer one is an error.
const MaxLineLength = 64 << 10

// Parser reads a bill row by row. It holds one line at a time.
type Parser struct {
	r       *bufio.Reader
	line    int
	st      state
	cols    []field
	names   []string
	scols   []sfield
	offs    [maxColumns][2]int32
	nf      int
	snames  []string
	typ     Type
	legacy  bool
	row     Row
	sum     Summary
	acc     Summary // sums of the rows
	err     error
	dayKey  [10]byte
	dayTime time.Time
}

// NewParser returns a parser reading r.
func NewParser(r io.Reader) *Parser {
	return &Parser{r: bufio.NewReaderSize(r, MaxLineLength)}
}

// Type returns the bill type detected from the header (after the first Next).
func (p *Parser) Type() Type { return p.typ }

// Legacy reports whether the header is the historic 24-column set.
func (p *Parser) Legacy() bool { return p.legacy }

// Columns returns the detail header names, normalised.
func (p *Parser) Columns() []string { return p.names }

// Row returns the current row; it is overwritten by the next call to Next
// (copy the struct to keep it; its strings stay valid).
func (p *Parser) Row() *Row { return &p.row }

// Err returns the first error, or nil after a complete, verified bill.
func (p *Parser) Err() error { return p.err }

// Summary returns the verified summary once Next has returned false with a
// nil Err; nil before that.
func (p *Parser) Summary() *Summary {
	if p.st != stDone || p.err != nil {
		return nil
	}
	s := p.sum
	return &s
}

// Declared returns the summary row as read, whether or not it matches the
// rows (after a summary mismatch it says what the file claims); nil until
// the summary row has been read.
func (p *Parser) Declared() *Summary {
	if p.sum.Line == 0 {
		return nil
	}
	s := p.sum
	return &s
}

func (p *Parser) fail(col int, name string, err error) bool {
	p.err = &ParseError{Line: p.line, Column: col, Name: name, Err: err}
	p.st = stDone
	return false
}

// readLine returns the next line without its line end, or io.EOF.
func (p *Parser) readLine() ([]byte, error) {
	b, err := p.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.line++
		return nil, fmt.Errorf("line longer than %d bytes", MaxLineLength)
	}
	if err == io.EOF && len(b) == 0 {
		return nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	p.line++
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if p.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	return b, nil
}

// Next advances to the next detail row. It returns false at the end of the
// rows (after checking the summary) or on the first error.
func (p *Parser) Next() bool {
	for {
		if p.st == stDone {
			return false
		}
		b, err := p.readLine()
		if err == io.EOF {
			switch p.st {
			case stTrailer:
				p.st = stDone
				return false
			case stHeader:
				return p.fail(0, "", errors.New("empty bill"))
			case stRows:
				return p.fail(0, "", errors.New("bill ends without a summary"))
			default:
				return p.fail(0, "", errors.New("bill ends without a summary row"))
			}
		}
		if err != nil {
			return p.fail(0, "", err)
		}
		switch p.st {
		case stHeader:
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			if err := p.parseHeader(b); err != nil {
				return false
			}
			p.st = stRows
		case stRows:
			if len(b) > 0 && b[0] == '`' {
				return p.parseRow(b)
			}
			if len(bytes.TrimSpace(b)) == 0 {
				return p.fail(0, "", errors.New("empty line inside the detail rows"))
			}
			if err := p.parseSummaryHeader(b); err != nil {
				return false
			}
			p.st = stSummaryRow
		case stSummaryRow:
			if err := p.parseSummaryRow(b); err != nil {
				return false
			}
			p.st = stTrailer
		case stTrailer:
			if len(bytes.TrimSpace(b)) != 0 {
				return p.fail(0, "", errors.New("content after the summary row"))
			}
		}
	}
}

func (p *Parser) parseHeader(b []byte) error {
	parts := strings.Split(string(b), ",")
	if len(parts) > maxColumns {
		p.fail(0, "", fmt.Errorf("%d columns, at most %d", len(parts), maxColumns))
		return p.err
	}
	p.cols = make([]field, len(parts))
	p.names = make([]string, len(parts))
	var seen [numFields]bool
	for i, raw := range parts {
		n := normalizeName(raw)
		if strings.HasPrefix(n, "`") {
			p.fail(i+1, n, errors.New("detail header expected, found a data row"))
			return p.err
		}
		p.names[i] = n
		f := detailNames[n]
		if f != fIgnore {
			if seen[f] {
				p.fail(i+1, n, errors.New("column repeated"))
				return p.err
			}
			seen[f] = true
		}
		p.cols[i] = f
		if n == "总金额" || n == "子商户号" {
			p.legacy = true
		}
	}
	for _, f := range []field{fTradeTime, fOutTradeNo, fTradeState} {
		if !seen[f] {
			p.fail(0, "", fmt.Errorf("detail header lacks a required column (交易时间, 商户订单号, 交易状态): %q", string(b)))
			return p.err
		}
	}
	switch {
	case seen[fRefundApplyTime]:
		p.typ = TypeRefund
	case seen[fRefundID]:
		p.typ = TypeAll
	default:
		p.typ = TypeSuccess
	}
	return nil
}

func (p *Parser) parseSummaryHeader(b []byte) error {
	parts := strings.Split(string(b), ",")
	if len(parts) > maxColumns {
		p.fail(0, "", fmt.Errorf("%d columns, at most %d", len(parts), maxColumns))
		return p.err
	}
	p.scols = make([]sfield, len(parts))
	p.snames = make([]string, len(parts))
	var seen [8]bool
	for i, raw := range parts {
		n := normalizeName(raw)
		p.snames[i] = n
		f := summaryNames[n]
		if f != sIgnore {
			if seen[f] {
				p.fail(i+1, n, errors.New("column repeated"))
				return p.err
			}
			seen[f] = true
		}
		p.scols[i] = f
	}
	if !seen[sCount] {
		p.fail(0, "", fmt.Errorf("expected the summary header (总交易单数,…), found %q", truncate(string(b), 80)))
		return p.err
	}
	p.sum.HasOrderTotal = seen[sOrder]
	p.sum.HasRefundRequestTot = seen[sRefundRequest]
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// maxColumns bounds the columns of a header line.
const maxColumns = 128

// split cuts line s into its backquoted fields, recording in p.offs the
// start and end of each field's text (after the backquote). Offsets, not
// strings, keep the hot loop free of pointer writes. It fails on a field
// without backquote or a count different from len(names).
func (p *Parser) split(s string, names []string) bool {
	want := len(names)
	n := 0
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		if n >= want {
			return p.fail(n+1, "", fmt.Errorf("more fields than the %d header columns", want))
		}
		if i == start || s[start] != '`' {
			return p.fail(n+1, names[n], errors.New("field does not start with a backquote"))
		}
		p.offs[n] = [2]int32{int32(start + 1), int32(i)}
		n++
		start = i + 1
	}
	if n != want {
		return p.fail(0, "", fmt.Errorf("%d fields, header has %d", n, want))
	}
	p.nf = n
	return true
}

func (p *Parser) parseRow(b []byte) bool {
	s := string(b) // the one allocation per row; fields are substrings
	p.row = Row{Line: p.line}
	r := &p.row
	if !p.split(s, p.names) {
		return false
	}
	for i := 0; i < p.nf; i++ {
		v := s[p.offs[i][0]:p.offs[i][1]]
		var err error
		switch p.cols[i] {
		case fTradeTime:
			r.TradeTime, err = p.parseTime(v, true)
		case fAppID:
			r.AppID = v
		case fMchID:
			r.MchID = v
		case fSubMchID:
			r.SubMchID = v
		case fDeviceID:
			r.DeviceID = v
		case fTransactionID:
			r.TransactionID = v
		case fOutTradeNo:
			r.OutTradeNo = v
		case fOpenID:
			r.OpenID = v
		case fTradeType:
			r.TradeType = v
		case fTradeState:
			r.TradeState = v
		case fBankType:
			r.BankType = v
		case fCurrency:
			r.Currency = v
		case fSettlementTotal:
			r.SettlementTotal, err = parseDecimal(v, 2)
		case fCoupon:
			r.Coupon, err = parseDecimal(v, 2)
		case fRefundApplyTime:
			r.RefundApplyTime, err = p.parseTime(v, false)
		case fRefundSuccessTime:
			r.RefundSuccessTime, err = p.parseTime(v, false)
		case fRefundID:
			r.RefundID = v
		case fOutRefundNo:
			r.OutRefundNo = v
		case fRefund:
			r.Refund, err = parseDecimal(v, 2)
		case fCouponRefund:
			r.CouponRefund, err = parseDecimal(v, 2)
		case fRefundType:
			r.RefundType = v
		case fRefundStatus:
			r.RefundStatus = v
		case fBody:
			r.Body = v
		case fAttach:
			r.Attach = v
		case fFee:
			r.Fee, err = parseDecimal(v, 5)
		case fFeeRate:
			r.FeeRate = v
		case fOrderAmount:
			r.OrderAmount, err = parseDecimal(v, 2)
		case fRefundRequestAmount:
			r.RefundRequestAmount, err = parseDecimal(v, 2)
		case fFeeRemark:
			r.FeeRemark = v
		}
		if err != nil {
			return p.fail(i+1, p.names[i], err)
		}
	}
	a := &p.acc
	a.Count++
	a.SettlementTotal += r.SettlementTotal
	a.RefundTotal += r.Refund
	a.CouponRefundTotal += r.CouponRefund
	a.FeeTotal += r.Fee
	a.OrderTotal += r.OrderAmount
	a.RefundRequestTotal += r.RefundRequestAmount
	return true
}

func (p *Parser) parseSummaryRow(b []byte) error {
	s := &p.sum
	line := string(b)
	if !p.split(line, p.snames) {
		return p.err
	}
	for i := 0; i < p.nf; i++ {
		v := line[p.offs[i][0]:p.offs[i][1]]
		var err error
		switch p.scols[i] {
		case sCount:
			s.Count, err = strconv.ParseInt(v, 10, 64)
			if err != nil || s.Count < 0 {
				err = fmt.Errorf("count %q is not a non-negative integer", v)
			}
		case sSettlement:
			s.SettlementTotal, err = parseDecimal(v, 2)
		case sRefund:
			s.RefundTotal, err = parseDecimal(v, 2)
		case sCouponRefund:
			s.CouponRefundTotal, err = parseDecimal(v, 2)
		case sFee:
			s.FeeTotal, err = parseDecimal(v, 5)
		case sOrder:
			s.OrderTotal, err = parseDecimal(v, 2)
		case sRefundRequest:
			s.RefundRequestTotal, err = parseDecimal(v, 2)
		}
		if err != nil {
			p.fail(i+1, p.snames[i], err)
			return p.err
		}
	}
	s.Line = p.line
	return p.verify()
}

// verify compares the summary with the sums of the rows.
func (p *Parser) verify() error {
	s, a := &p.sum, &p.acc
	for i, f := range p.scols {
		var got, want int64
		switch f {
		case sCount:
			got, want = s.Count, a.Count
		case sSettlement:
			got, want = s.SettlementTotal, a.SettlementTotal
		case sRefund:
			got, want = s.RefundTotal, a.RefundTotal
		case sCouponRefund:
			got, want = s.CouponRefundTotal, a.CouponRefundTotal
		case sFee:
			got, want = s.FeeTotal, a.FeeTotal
		case sOrder:
			got, want = s.OrderTotal, a.OrderTotal
		case sRefundRequest:
			got, want = s.RefundRequestTotal, a.RefundRequestTotal
		default:
			continue
		}
		if got != want {
			p.fail(i+1, p.snames[i], fmt.Errorf("%w: summary says %d, rows sum to %d", ErrSummaryMismatch, got, want))
			return p.err
		}
	}
	return nil
}

// parseTime reads "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai. Empty is the zero
// time unless required. Midnight of the last seen day is cached, so a bill
// costs one time.Date per day.
func (p *Parser) parseTime(v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, errors.New("empty time")
		}
		return time.Time{}, nil
	}
	if len(v) != 19 || v[4] != '-' || v[7] != '-' || v[10] != ' ' || v[13] != ':' || v[16] != ':' {
		return time.Time{}, fmt.Errorf("time %q is not yyyy-MM-dd HH:mm:ss", v)
	}
	hh, ok1 := digits2(v[11:13])
	mm, ok2 := digits2(v[14:16])
	ss, ok3 := digits2(v[17:19])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, fmt.Errorf("time %q out of range", v)
	}
	if p.dayTime.IsZero() || v[:10] != string(p.dayKey[:]) {
		y, oky := digits4(v[0:4])
		mo, okm := digits2(v[5:7])
		d, okd := digits2(v[8:10])
		if !oky || !okm || !okd || mo < 1 || mo > 12 || d < 1 || d > 31 {
			return time.Time{}, fmt.Errorf("date %q out of range", v)
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, tz.Shanghai)
		if t.Day() != d {
			return time.Time{}, fmt.Errorf("date %q does not exist", v)
		}
		copy(p.dayKey[:], v[:10])
		p.dayTime = t
	}
	if hh == 0 && mm == 0 && ss == 0 {
		return p.dayTime, nil
	}
	// Asia/Shanghai has had no DST since 1991: for later days an offset from
	// midnight is exact; earlier days go through time.Date.
	if p.dayTime.Year() < 1992 {
		y, mo, d := p.dayTime.Date()
		return time.Date(y, mo, d, hh, mm, ss, 0, tz.Shanghai), nil
	}
	return p.dayTime.Add(time.Duration(hh*3600+mm*60+ss) * time.Second), nil
}

func digits2(s string) (int, bool) {
	a, b := s[0]-'0', s[1]-'0'
	if a > 9 || b > 9 {
		return 0, false
	}
	return int(a)*10 + int(b), true
}

func digits4(s string) (int, bool) {
	h, ok1 := digits2(s[:2])
	l, ok2 := digits2(s[2:])
	return h*100 + l, ok1 && ok2
}

// parseDecimal parses a yuan amount with at most scale decimals into units
// of 10^-scale yuan scaled to fen (scale 2) or 1/1000 fen (scale 5): the
// result is always in units of 10^-scale yuan. No floats.
func parseDecimal(v string, scale int) (int64, error) {
	if v == "" {
		return 0, errors.New("empty amount")
	}
	neg := false
	s := v
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	var n int64
	frac := -1
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if frac >= 0 {
				if frac == scale {
					return 0, fmt.Errorf("amount %q has more than %d decimals", v, scale)
				}
				frac++
			}
			if n > (1<<62)/10 {
				return 0, fmt.Errorf("amount %q too large", v)
			}
			n = n*10 + int64(c-'0')
			digits++
		case c == '.' && frac < 0 && digits > 0:
			frac = 0
		default:
			return 0, fmt.Errorf("amount %q is not a decimal number", v)
		}
	}
	if digits == 0 || frac == 0 {
		return 0, fmt.Errorf("amount %q is not a decimal number", v)
	}
	if frac < 0 {
		frac = 0
	}
	for ; frac < scale; frac++ {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, nil
}

// Rows returns an iterator over the remaining rows, for range loops. Check
// Err after the loop; the yielded *Row is reused like Row's.
func (p *Parser) Rows() iter.Seq[*Row] {
	return func(yield func(*Row) bool) {
		for p.Next() {
			if !yield(&p.row) {
				return
			}
		}
	}
}
