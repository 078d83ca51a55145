package bill_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/bill"
)

func readAll(t *testing.T, in []byte) ([]bill.Row, *bill.Summary, *bill.Parser, error) {
	t.Helper()
	p := bill.NewParser(bytes.NewReader(in))
	var rows []bill.Row
	for p.Next() {
		rows = append(rows, *p.Row())
	}
	return rows, p.Summary(), p, p.Err()
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sh(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, tz.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseLayouts(t *testing.T) {
	all := mustRead(t, "all.csv")
	crlf := bytes.ReplaceAll(all, []byte("\n"), []byte("\r\n"))
	bom := append([]byte("\xef\xbb\xbf"), all...)
	noTrailingNL := bytes.TrimRight(all, "\n")
	fullWidth := bytes.Replace(all, []byte("公众账号ID"), []byte("公众账号ＩＤ"), 1)
	fullWidth = bytes.Replace(fullWidth, []byte("手续费总金额"), []byte(" 手续费总金额（元）"), 1)
	tests := []struct {
		name   string
		in     []byte
		typ    bill.Type
		legacy bool
		rows   int
		check  func(t *testing.T, rows []bill.Row, s *bill.Summary)
	}{
		{"all", all, bill.TypeAll, false, 3, func(t *testing.T, rows []bill.Row, s *bill.Summary) {
			r := rows[0]
			if r.SettlementTotal != 1234 || r.Fee != 7000 || r.OrderAmount != 1234 || r.IsRefund() ||
				!r.TradeTime.Equal(sh("2026-11-25 10:00:01")) || r.Body != "咖啡，大杯" || r.DeviceID != "POS-01" ||
				r.OutTradeNo != "T1" || r.TransactionID != "4200000001202611250000000001" || r.Line != 2 {
				t.Errorf("row 1 = %+v", r)
			}
			r = rows[1]
			if !r.IsRefund() || r.Refund != 200 || r.Fee != -1000 || r.OutRefundNo != "R1" || r.RefundRequestAmount != 200 {
				t.Errorf("row 2 = %+v", r)
			}
			if rows[2].Coupon != 500 || rows[2].SettlementTotal != 100000 || rows[2].Attach != "table=7" || rows[2].TradeTime.Location() != tz.Shanghai {
				t.Errorf("row 3 = %+v", rows[2])
			}
			if s.Count != 3 || s.SettlementTotal != 101234 || s.FeeTotal != 606000 || s.RefundRequestTotal != 200 || s.Line != 6 {
				t.Errorf("summary = %+v", s)
			}
		}},
		{"all CRLF", crlf, bill.TypeAll, false, 3, nil},
		{"all BOM", bom, bill.TypeAll, false, 3, nil},
		{"all no trailing newline", noTrailingNL, bill.TypeAll, false, 3, nil},
		{"all blank lines at end", append(append([]byte{}, all...), "\n\r\n"...), bill.TypeAll, false, 3, nil},
		{"full-width header", fullWidth, bill.TypeAll, false, 3, func(t *testing.T, rows []bill.Row, s *bill.Summary) {
			if rows[0].AppID != "wx1234567890abcdef" || s.FeeTotal != 606000 {
				t.Errorf("appid %q fee %d", rows[0].AppID, s.FeeTotal)
			}
		}},
		{"success", mustRead(t, "success.csv"), bill.TypeSuccess, false, 2, func(t *testing.T, rows []bill.Row, s *bill.Summary) {
			if rows[0].SettlementTotal != 1 || rows[1].Fee != 2000 || s.OrderTotal != 305 {
				t.Errorf("rows %+v summary %+v", rows, s)
			}
		}},
		{"refund", mustRead(t, "refund.csv"), bill.TypeRefund, false, 2, func(t *testing.T, rows []bill.Row, s *bill.Summary) {
			if !rows[0].RefundApplyTime.Equal(sh("2026-11-25 09:30:00")) || !rows[0].RefundSuccessTime.Equal(sh("2026-11-25 09:30:05")) ||
				!rows[1].RefundSuccessTime.IsZero() || rows[1].RefundStatus != "PROCESSING" || s.RefundTotal != 202 {
				t.Errorf("rows %+v", rows)
			}
		}},
		{"legacy 24 columns", mustRead(t, "legacy.csv"), bill.TypeAll, true, 1, func(t *testing.T, rows []bill.Row, s *bill.Summary) {
			if rows[0].SettlementTotal != 1 || rows[0].SubMchID != "0" || s.SettlementTotal != 1 || s.HasOrderTotal {
				t.Errorf("rows %+v summary %+v", rows, s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, s, p, err := readAll(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows || p.Type() != tt.typ || p.Legacy() != tt.legacy || s == nil {
				t.Fatalf("rows=%d type=%s legacy=%v summary=%v", len(rows), p.Type(), p.Legacy(), s)
			}
			if tt.check != nil {
				tt.check(t, rows, s)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	all := string(mustRead(t, "all.csv"))
	lines := strings.Split(strings.TrimRight(all, "\n"), "\n")
	with := func(i int, s string) []byte {
		l := append([]string{}, lines...)
		l[i] = s
		return []byte(strings.Join(l, "\n"))
	}
	edit := func(i int, old, new string) []byte { return with(i, strings.Replace(lines[i], old, new, 1)) }
	tests := []struct {
		name    string
		in      []byte
		line    int
		column  int
		wantErr error
	}{
		{"empty", nil, 0, 0, nil},
		{"count mismatch", edit(5, "`3,", "`4,"), 6, 1, bill.ErrSummaryMismatch},
		{"amount mismatch", edit(5, "`1012.34", "`1012.35"), 6, 2, bill.ErrSummaryMismatch},
		{"fee mismatch", edit(5, "`6.06000", "`6.06001"), 6, 5, bill.ErrSummaryMismatch},
		{"missing backquote", edit(1, ",`T1,", ",T1,"), 2, 7, nil},
		{"comma in body", edit(1, "咖啡，大杯", "咖啡,大杯"), 2, 22, nil},
		{"too few fields", edit(1, ",`0.60%,`12.34,`0.00,`", ",`0.60%,`12.34,`0.00"), 2, 0, nil},
		{"three decimals", edit(1, "`12.34,`0.00,`0,", "`12.345,`0.00,`0,"), 2, 13, nil},
		{"float exponent", edit(1, "`12.34,`0.00,`0,", "`1.2e1,`0.00,`0,"), 2, 13, nil},
		{"bad time", edit(1, "2026-11-25 10:00:01", "2026-11-31 10:00:01"), 2, 1, nil},
		{"bad hour", edit(1, "2026-11-25 10:00:01", "2026-11-25 24:00:01"), 2, 1, nil},
		{"slash date", edit(1, "2026-11-25 10:00:01", "2026/11/25 10:00:01"), 2, 1, nil},
		{"no summary", []byte(strings.Join(lines[:4], "\n")), 4, 0, nil},
		{"no summary row", []byte(strings.Join(lines[:5], "\n")), 5, 0, nil},
		{"garbage after summary", []byte(all + "oops\n"), 7, 0, nil},
		{"blank line in rows", with(2, ""), 3, 0, nil},
		{"header missing columns", with(0, "a,b,c"), 1, 0, nil},
		{"repeated column", with(0, strings.Replace(lines[0], "设备号", "商户号", 1)), 1, 5, nil},
		{"data where header expected", []byte(strings.Join(lines[1:], "\n")), 1, 1, nil},
		{"summary header wrong", with(4, "合计,金额"), 5, 0, nil},
		{"long line", append([]byte(lines[0]+"\n`"), bytes.Repeat([]byte("x"), bill.MaxLineLength+10)...), 2, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s, _, err := readAll(t, tt.in)
			var pe *bill.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if s != nil {
				t.Fatal("summary returned with an error")
			}
			if pe.Line != tt.line || pe.Column != tt.column {
				t.Fatalf("error at line %d column %d (%v), want %d/%d", pe.Line, pe.Column, err, tt.line, tt.column)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// genBill streams a synthetic ALL bill of n rows (every 10th a refund) with
// a correct summary, without holding it in memory.
type genBill struct {
	n, i                       int
	buf                        []byte
	stage                      int
	settle, refund, fee, order int64
}

func newGenBill(n int) *genBill { return &genBill{n: n} }

const genHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n"

func appendYuan(b []byte, fen int64, extra int) []byte {
	if fen < 0 {
		b = append(b, '-')
		fen = -fen
	}
	b = appendInt(b, fen/100)
	b = append(b, '.', byte('0'+fen%100/10), byte('0'+fen%10))
	for ; extra > 0; extra-- {
		b = append(b, '0')
	}
	return b
}

func appendInt(b []byte, v int64) []byte {
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func (g *genBill) fill() {
	g.buf = g.buf[:0]
	switch {
	case g.stage == 0:
		g.buf = append(g.buf, genHeader...)
		g.stage = 1
	case g.i < g.n:
		i := g.i
		g.i++
		sec := i % 86400
		b := append(g.buf, "`2026-11-25 "...)
		b = append(b, byte('0'+sec/36000), byte('0'+sec/3600%10), ':', byte('0'+sec%3600/600), byte('0'+sec%600/60), ':', byte('0'+sec%60/10), byte('0'+sec%10))
		b = append(b, ",`wx1234567890abcdef,`1900000001,`0,`POS-01,`42000000012026112500"...)
		b = appendInt(b, int64(10000000+i))
		b = append(b, ",`T"...)
		b = appendInt(b, int64(i))
		amt := int64(100 + i%5000)
		fee := (amt*6 + 500) / 1000 * 1000
		if i%10 == 9 {
			b = append(b, ",`oUser,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`503"...)
			b = appendInt(b, int64(i))
			b = append(b, ",`R"...)
			b = appendInt(b, int64(i))
			b = append(b, ",`"...)
			b = appendYuan(b, amt, 0)
			b = append(b, ",`0.00,`ORIGINAL,`SUCCESS,`商品,`,`"...)
			b = appendYuan(b, -fee/1000, 3)
			b = append(b, ",`0.60%,`0.00,`"...)
			b = appendYuan(b, amt, 0)
			b = append(b, ",`\r\n"...)
			g.refund += amt
			g.fee -= fee
		} else {
			b = append(b, ",`oUser,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`"...)
			b = appendYuan(b, amt, 0)
			b = append(b, ",`0.00,`0,`0,`0.00,`0.00,`,`,`商品,`,`"...)
			b = appendYuan(b, fee/1000, 3)
			b = append(b, ",`0.60%,`"...)
			b = appendYuan(b, amt, 0)
			b = append(b, ",`0.00,`\r\n"...)
			g.settle += amt
			g.order += amt
			g.fee += fee
		}
		g.buf = b
	case g.stage == 1:
		b := append(g.buf, "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`"...)
		b = appendInt(b, int64(g.n))
		b = append(b, ",`"...)
		b = appendYuan(b, g.settle, 0)
		b = append(b, ",`"...)
		b = appendYuan(b, g.refund, 0)
		b = append(b, ",`0.00,`"...)
		b = appendYuan(b, g.fee/1000, 3)
		b = append(b, ",`"...)
		b = appendYuan(b, g.order, 0)
		b = append(b, ",`"...)
		b = appendYuan(b, g.refund, 0)
		g.buf = b
		g.stage = 2
	}
}

func (g *genBill) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.buf) == 0 {
			if g.stage == 2 && g.i >= g.n {
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			g.fill()
			if len(g.buf) == 0 {
				g.stage = 2
				continue
			}
		}
		c := copy(p[n:], g.buf)
		g.buf = g.buf[c:]
		n += c
	}
	return n, nil
}

func TestGeneratedBill(t *testing.T) {
	p := bill.NewParser(newGenBill(2000))
	n := 0
	for p.Next() {
		n++
	}
	if err := p.Err(); err != nil || n != 2000 || p.Summary().Count != 2000 {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"all.csv", "success.csv", "refund.csv", "legacy.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("交易时间,商户订单号,交易状态\n`2026-01-01 00:00:00,`a,`SUCCESS\n总交易单数\n`1"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := bill.NewParser(bytes.NewReader(in))
		n := int64(0)
		for p.Next() {
			n++
			if p.Row().Line <= 0 {
				t.Fatal("row without line number")
			}
		}
		err := p.Err()
		if err != nil {
			var pe *bill.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if s := p.Summary(); s == nil || s.Count != n {
			t.Fatalf("accepted bill with %d rows but summary %+v", n, s)
		}
	})
}

func TestRowsIterator(t *testing.T) {
	p := bill.NewParser(bytes.NewReader(mustRead(t, "success.csv")))
	var total int64
	for r := range p.Rows() {
		total += r.SettlementTotal
	}
	if err := p.Err(); err != nil || total != 305 || p.Summary().SettlementTotal != total {
		t.Fatalf("total %d err %v", total, err)
	}
}
