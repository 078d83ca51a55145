package receipt_test

import (
	"time"

	"github.com/wxpos/wxpos/receipt"
)

var saleTime = time.Date(2026, 11, 26, 1, 41, 5, 0, time.UTC) // 09:41:05 Beijing time

func wechatSale() receipt.Receipt {
	return receipt.Receipt{
		No: "T01-000123", Kind: receipt.KindSale,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Cashier: "张三",
		Time: saleTime,
		Lines: []receipt.Line{
			{Name: "可口可乐 330ml", Qty: 2, UnitFen: 350, TotalFen: 700},
			{Name: "面包", Qty: 1, UnitFen: 1250, TotalFen: 1250},
			{Name: "Instant noodles (beef)", Qty: 3, UnitFen: 450, TotalFen: 1350},
		},
		TotalFen: 3300, Tender: receipt.TenderWeChatScan,
		OutTradeNo: "S001T01202611260000123", TransactionID: "4200001234202611261234567890",
	}
}

func cashSale() receipt.Receipt {
	r := wechatSale()
	r.No, r.Tender, r.OutTradeNo, r.TransactionID = "T01-000124", receipt.TenderCash, "", ""
	r.TenderedFen, r.ChangeFen = 5000, 1700
	return r
}

func refund() receipt.Receipt {
	return receipt.Receipt{
		No: "T01-000130", Kind: receipt.KindRefund,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Cashier: "李经理",
		Time:     saleTime.Add(2 * time.Hour),
		TotalFen: 3300, Tender: receipt.TenderWeChatScan,
		OutTradeNo: "S001T01202611260000123", TransactionID: "4200001234202611261234567890",
		OutRefundNo: "S001T01R0000007", RefundID: "50000000012026112612345678901",
		RefundFen: 1250, SaleReceipt: "T01-000123", Reason: "面包过期",
	}
}

func zReport() receipt.DayReport {
	return receipt.DayReport{
		Kind: receipt.ReportZ, ZNo: 42,
		StoreName: "老王便利店", StoreID: "S001", TerminalID: "T01", Operator: "李经理",
		OpenedAt: saleTime.Add(-2 * time.Hour), TakenAt: saleTime.Add(12 * time.Hour),
		Tenders: []receipt.TenderSummary{
			{Tender: receipt.TenderWeChatScan, SaleCount: 57, SaleFen: 123456, RefundCount: 1, RefundFen: 1250},
			{Tender: receipt.TenderWeChatQR, SaleCount: 3, SaleFen: 8800},
			{Tender: receipt.TenderCash, SaleCount: 20, SaleFen: 45600, RefundCount: 2, RefundFen: 900},
		},
		OpeningFloatFen: 50000, ExpectedCashFen: 94700, CashCounted: true, CountedCashFen: 94650,
		PendingCount: 1,
	}
}
