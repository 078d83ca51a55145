package ui

// Message keys of the history screen beyond the shared ones.
const (
	msgHistSearchHint  msg = "history.searchHint"
	msgHistSearchTitle msg = "history.searchTitle"
	msgHistTruncated   msg = "history.truncated"
	msgHistTotals      msg = "history.totals"
	msgHistRefund      msg = "history.refund"
	msgHistColTime     msg = "history.col.time"
	msgHistColNo       msg = "history.col.no"
	msgHistColTender   msg = "history.col.tender"
	msgHistColAmount   msg = "history.col.amount"
	msgHistColState    msg = "history.col.state"
	msgHistColReason   msg = "history.col.reason"
	msgHistColRefunded msg = "history.col.refunded"
	msgHistColActions  msg = "history.col.actions"
)

var historyMessages = map[msg]translation{
	msgHistSearchHint:  {"搜索近 30 天：金额、交易号或付款码后 4 位、单号", "Search 30 days: amount, last 4 of transaction or code, order no."},
	msgHistSearchTitle: {"近 %d 天的搜索结果", "Search results, last %d days"},
	msgHistTruncated:   {"只显示最新的 %d 笔 — 请输入更多内容缩小范围", "Showing the newest %d only — type more to narrow the search"},
	msgHistTotals:      {"共 %d 笔；已收款 %d 笔 %s；已退款 %s；净额 %s", "%d rows; %d paid %s; refunded %s; net %s"},
	msgHistRefund:      {"退款", "Refund"},
	msgHistColTime:     {"时间", "Time"},
	msgHistColNo:       {"单号", "Order no."},
	msgHistColTender:   {"方式", "Tender"},
	msgHistColAmount:   {"金额", "Amount"},
	msgHistColState:    {"状态", "State"},
	msgHistColReason:   {"原因", "Reason"},
	msgHistColRefunded: {"已退款", "Refunded"},
	msgHistColActions:  {"操作", "Actions"},
}
