package ui

// Message keys of the sale lines: items, quantities, discounts, line
// deletion and refunds by line.
const (
	msgRptGross     msg = "rpt.gross"
	msgRptDiscounts msg = "rpt.discounts"
)

// saleMessages holds the sale lines' texts in Chinese and English.
var saleMessages = map[msg]translation{
	msgRptGross:     {"原价合计", "Gross"},
	msgRptDiscounts: {"折扣优惠", "Discounts"},
}
