// Package receipttest holds the sample receipts and day report that the
// layout, printer and screen tests share, and their golden-file check.
package receipttest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wxpos/wxpos/receipt"
)

// SaleTime is when the sample sale was paid: 09:41:05 Beijing time.
var SaleTime = time.Date(2026, 11, 26, 1, 41, 5, 0, time.UTC)

// Sale is a WeChat scan sale with Chinese and English item lines.
func Sale() receipt.Receipt {
	return receipt.Receipt{
		No: "T01-000123", Kind: receipt.KindSale,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Cashier: "张三",
		Time: SaleTime,
		Lines: []receipt.Line{
			{Name: "可口可乐 330ml", Qty: 2, UnitFen: 350, TotalFen: 700},
			{Name: "面包", Qty: 1, UnitFen: 1250, TotalFen: 1250},
			{Name: "Instant noodles (beef)", Qty: 3, UnitFen: 450, TotalFen: 1350},
		},
		TotalFen: 3300, Tender: receipt.TenderWeChatScan,
		OutTradeNo: "S001T01202611260000123", TransactionID: "4200001234202611261234567890",
	}
}

// DiscountedSale is a sale of items with a weighed line, a changed price,
// a line discount and a discount on the whole sale.
func DiscountedSale() receipt.Receipt {
	r := Sale()
	r.No = "T01-000125"
	r.Lines = []receipt.Line{
		{Name: "可口可乐 330ml", Barcode: "6901939621233", Qty: 2, UnitFen: 350, TotalFen: 700},
		{Name: "苹果", Unit: receipt.UnitKg, Qty: 1536, UnitFen: 1280, TotalFen: 1770, // 1966 − 10 %
			Discount: &receipt.Discount{Percent: 10, AmountFen: 196, Reason: "临期", By: "张三"}},
		{Name: "面包", Qty: 1, UnitFen: 1000, TotalFen: 1000,
			Override: &receipt.Override{ListFen: 1250, Reason: "包装破损", By: "张三"}},
	}
	r.Discount = &receipt.Discount{AmountFen: 300, Reason: "会员", By: "张三", ApprovedBy: "王经理"}
	r.TotalFen = 700 + 1770 + 1000 - 300
	return r
}

// CashSale is Sale paid in cash with change.
func CashSale() receipt.Receipt {
	r := Sale()
	r.No, r.Tender, r.OutTradeNo, r.TransactionID = "T01-000124", receipt.TenderCash, "", ""
	r.TenderedFen, r.ChangeFen = 5000, 1700
	return r
}

// Refund is a partial refund of Sale.
func Refund() receipt.Receipt {
	return receipt.Receipt{
		No: "T01-000130", Kind: receipt.KindRefund,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Cashier: "李经理",
		Time:     SaleTime.Add(2 * time.Hour),
		TotalFen: 3300, Tender: receipt.TenderWeChatScan,
		OutTradeNo: "S001T01202611260000123", TransactionID: "4200001234202611261234567890",
		OutRefundNo: "S001T01R0000007", RefundID: "50000000012026112612345678901",
		RefundFen: 1250, SaleReceipt: "T01-000123", Reason: "面包过期",
	}
}

// ZReport is a closed day with all three tenders, refunds, a counted cash
// difference and one payment still pending.
func ZReport() receipt.DayReport {
	return receipt.DayReport{
		Kind: receipt.ReportZ, ZNo: 42,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Operator: "李经理",
		OpenedAt: SaleTime.Add(-2 * time.Hour), TakenAt: SaleTime.Add(12 * time.Hour),
		Tenders: []receipt.TenderSummary{
			{Tender: receipt.TenderWeChatScan, SaleCount: 57, SaleFen: 123456, RefundCount: 1, RefundFen: 1250},
			{Tender: receipt.TenderWeChatQR, SaleCount: 3, SaleFen: 8800},
			{Tender: receipt.TenderCash, SaleCount: 20, SaleFen: 45600, RefundCount: 2, RefundFen: 900},
		},
		OpeningFloatFen: 50000, ExpectedCashFen: 94700, CashCounted: true, CountedCashFen: 94650,
		PendingCount: 1,
	}
}

// Golden compares got with testdata/name, or rewrites that file when update
// is set. A mismatch is shown as text when both sides are UTF-8, else in hex
// (printer bytes are GBK and control codes).
func Golden(tb testing.TB, update bool, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	if utf8.Valid(got) && utf8.Valid(want) {
		tb.Errorf("%s differs from golden file\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	} else {
		tb.Errorf("%s differs from golden file\n got % x\nwant % x", name, got, want)
	}
}
