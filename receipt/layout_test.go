package receipt_test

import (
	"errors"
	"flag"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/receipt/receipttest"
	"github.com/wxpos/wxpos/tz"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0.00"}, {1, "0.01"}, {10, "0.10"}, {99, "0.99"}, {100, "1.00"},
		{123456, "1234.56"}, {-5, "-0.05"}, {-100, "-1.00"}, {-123456, "-1234.56"},
		{math.MaxInt64, "92233720368547758.07"}, {math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := receipt.Yuan(tt.fen); got != tt.want {
				t.Errorf("Yuan(%d) = %q, want %q", tt.fen, got, tt.want)
			}
		})
	}
}

func TestStringWidth(t *testing.T) {
	tests := []struct {
		name, s string
		want    int
	}{
		{"empty", "", 0},
		{"ascii", "Coke 330ml", 10},
		{"han", "可口可乐", 8},
		{"mixed", "可乐 x2", 7},
		{"fullwidth yen and comma", "￥，", 4},
		{"ambiguous em dash prints double", "—", 2},
		{"halfwidth katakana", "ｱ", 1},
		{"emoji is wide", "😀", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := receipt.StringWidth(tt.s); got != tt.want {
				t.Errorf("StringWidth(%q) = %d, want %d", tt.s, got, tt.want)
			}
		})
	}
}

func training(r receipt.Receipt) receipt.Receipt { r.Training = true; return r }

func TestLayoutGolden(t *testing.T) {
	xReport := receipttest.ZReport()
	xReport.Kind, xReport.ZNo, xReport.CashCounted, xReport.PendingCount = receipt.ReportX, 0, false, 0
	reprint := receipt.Options{Reprint: true, ReprintTime: receipttest.SaleTime.Add(3 * time.Hour)}
	tests := []struct {
		name    string
		receipt *receipt.Receipt
		report  *receipt.DayReport
		opts    receipt.Options
	}{
		{name: "sale_wechat", receipt: ptr(receipttest.Sale())},
		{name: "sale_cash", receipt: ptr(receipttest.CashSale())},
		{name: "sale_discounted", receipt: ptr(receipttest.DiscountedSale())},
		{name: "refund_lines", receipt: ptr(refundLines())},
		{name: "sale_reprint", receipt: ptr(receipttest.Sale()), opts: reprint},
		{name: "sale_training", receipt: ptr(training(receipttest.Sale()))},
		{name: "refund", receipt: ptr(receipttest.Refund())},
		{name: "report_x", report: &xReport},
		{name: "report_z", report: ptr(receipttest.ZReport())},
	}
	for _, tt := range tests {
		for _, cols := range []int{32, 48} {
			name := tt.name + "_" + map[int]string{32: "58", 48: "80"}[cols]
			t.Run(name, func(t *testing.T) {
				o := tt.opts
				o.Cols = cols
				var d receipt.Doc
				var err error
				if tt.receipt != nil {
					d, err = receipt.Layout(*tt.receipt, o)
				} else {
					d, err = receipt.LayoutReport(*tt.report, o)
				}
				if err != nil {
					t.Fatal(err)
				}
				checkFits(t, d)
				receipttest.Golden(t, *update, name+".txt", []byte(d.Text()))
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

func refundLines() receipt.Receipt {
	r := receipttest.Refund()
	r.RefundLines = []receipt.RefundLine{{Line: 0, Name: "可口可乐 330ml", Qty: 1, AmountFen: 350}, {Line: 2, Name: "面包", Qty: 1, AmountFen: 1000},
		{Line: 3, Name: "苹果", Unit: receipt.UnitKg, Qty: 500, AmountFen: 486}}
	return r
}

// checkFits asserts the layout invariant: no line wider than the paper.
func checkFits(t *testing.T, d receipt.Doc) {
	t.Helper()
	for i, l := range d.Lines {
		w := receipt.StringWidth(l.Text)
		if l.Style.Has(receipt.Wide) {
			w *= 2
		}
		if w > d.Cols {
			t.Errorf("line %d %q is %d columns wide, paper has %d", i, l.Text, w, d.Cols)
		}
		if strings.ContainsFunc(l.Text, func(r rune) bool { return r < 0x20 || r == 0x7F }) {
			t.Errorf("line %d %q holds a control character", i, l.Text)
		}
	}
}

func TestLayoutMarks(t *testing.T) {
	tests := []struct {
		name      string
		r         receipt.Receipt
		opts      receipt.Options
		want      []string
		forbidden []string
	}{
		{"plain sale has no marks", receipttest.Sale(), receipt.Options{}, []string{"合计", "33.00", "S001T01202611260000123"}, []string{receipt.ReprintMark, receipt.TrainingMark}},
		{"reprint is marked", receipttest.Sale(), receipt.Options{Reprint: true}, []string{receipt.ReprintMark}, []string{receipt.TrainingMark}},
		{"training is marked", training(receipttest.Sale()), receipt.Options{}, []string{receipt.TrainingMark}, []string{receipt.ReprintMark}},
		{"cash shows change", receipttest.CashSale(), receipt.Options{}, []string{"找零", "17.00", "实收", "50.00", "[QR: T01-000124]"}, []string{"商户单号"}},
		{"refund shows amount and original", receipttest.Refund(), receipt.Options{}, []string{"退款金额", "12.50", "T01-000123", "面包过期"}, []string{"合计"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := receipt.Layout(tt.r, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			text := d.Text()
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("missing %q in\n%s", s, text)
				}
			}
			for _, s := range tt.forbidden {
				if strings.Contains(text, s) {
					t.Errorf("unexpected %q in\n%s", s, text)
				}
			}
		})
	}
}

func TestLayoutErrors(t *testing.T) {
	bad := receipttest.Sale()
	bad.Kind = "void"
	tests := []struct {
		name string
		run  func() error
	}{
		{"unknown receipt kind", func() error { _, err := receipt.Layout(bad, receipt.Options{}); return err }},
		{"too narrow", func() error { _, err := receipt.Layout(receipttest.Sale(), receipt.Options{Cols: 20}); return err }},
		{"unknown report kind", func() error {
			_, err := receipt.LayoutReport(receipt.DayReport{Kind: "Y"}, receipt.Options{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, receipt.ErrLayout) {
				t.Errorf("err = %v, want ErrLayout", err)
			}
		})
	}
}

func TestDayReportTotals(t *testing.T) {
	tests := []struct {
		name                string
		d                   receipt.DayReport
		sales, refunds, net int64
		diff                int64
	}{
		{"empty day", receipt.DayReport{}, 0, 0, 0, 0},
		{"z report", receipttest.ZReport(), 177856, 2150, 175706, -50},
		{"not counted has no difference", receipt.DayReport{ExpectedCashFen: 100, CountedCashFen: 0}, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, r, net := tt.d.Totals()
			if s.SaleFen != tt.sales || r.RefundFen != tt.refunds || net != tt.net {
				t.Errorf("Totals = %d, %d, %d; want %d, %d, %d", s.SaleFen, r.RefundFen, net, tt.sales, tt.refunds, tt.net)
			}
			if got := tt.d.CashDiffFen(); got != tt.diff {
				t.Errorf("CashDiffFen = %d, want %d", got, tt.diff)
			}
		})
	}
}

func FuzzLayoutFits(f *testing.F) {
	f.Add("可口可乐 330ml", "老王便利店", int64(350), int64(2), "T01-1", true)
	f.Add("a\x1bp\x00\x19\xfa\nb", "\t", int64(math.MaxInt64), int64(-1), "", false)
	f.Fuzz(func(t *testing.T, name, store string, unit, qty int64, no string, wide bool) {
		r := receipttest.Sale()
		r.StoreName, r.No, r.Cashier, r.Reason = store, no, name, name
		r.Lines = []receipt.Line{{Name: name, Qty: qty, UnitFen: unit, TotalFen: unit * qty}}
		r.TotalFen = unit
		cols := 32
		if wide {
			cols = 48
		}
		for _, k := range []receipt.Kind{receipt.KindSale, receipt.KindRefund} {
			r.Kind = k
			d, err := receipt.Layout(r, receipt.Options{Cols: cols})
			if err != nil {
				t.Fatal(err)
			}
			checkFits(t, d)
		}
	})
}

func BenchmarkLayoutSale(b *testing.B) {
	r := receipttest.Sale()
	for range 7 {
		r.Lines = append(r.Lines, r.Lines[0])
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := receipt.Layout(r, receipt.Options{Cols: 48}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		s    string
		w    int
		want []string
	}{
		{"fits", "可乐 x2", 8, []string{"可乐 x2"}},
		{"han never split", "微信支付收款成功", 5, []string{"微信", "支付", "收款", "成功"}},
		{"latin breaks at space", "The quick brown fox", 12, []string{"The quick", "brown fox"}},
		{"long word is cut", "S001T01202611260000123", 10, []string{"S001T01202", "6112600001", "23"}},
		{"space at the break is dropped", "abcd efgh", 4, []string{"abcd", "efgh"}},
		{"mixed", "中文 English words", 10, []string{"中文", "English", "words"}},
		{"controls cleaned", "a\nb", 10, []string{"a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := receipt.Wrap(tt.s, tt.w)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
			}
		})
	}
}

func TestBusinessDayPrinted(t *testing.T) {
	late := receipttest.Sale() // dated on its own calendar day
	day := late.Time.In(tz.Shanghai).Format("20060102")
	next := late.Time.In(tz.Shanghai).AddDate(0, 0, 1)
	tests := []struct {
		name        string
		businessDay string
		want        string // "" : no business-day line
	}{
		{"same day as the receipt: the date says it", day, ""},
		{"after the day's Z: the next day", next.Format("20060102"), next.Format(time.DateOnly)},
		{"older record without one", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := late
			r.BusinessDay = tc.businessDay
			d, err := receipt.Layout(r, receipt.Options{Cols: 32})
			if err != nil {
				t.Fatal(err)
			}
			text := d.Text()
			if got := strings.Contains(text, "营业日"); got != (tc.want != "") {
				t.Fatalf("business-day line printed %v, want %v:\n%s", got, tc.want != "", text)
			}
			if tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("receipt does not name %s:\n%s", tc.want, text)
			}
		})
	}
	rep := receipttest.ZReport()
	rep.BusinessDay = "20261205"
	d, err := receipt.LayoutReport(rep, receipt.Options{Cols: 32})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text(), "2026-12-05") {
		t.Errorf("report does not name its business day:\n%s", d.Text())
	}
}
