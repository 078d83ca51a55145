package ui

// Message keys of the sale lines: items, quantities, discounts, line
// deletion, the item picker and the day report's gross and discounts.
const (
	msgRptGross     msg = "rpt.gross"
	msgRptReturned  msg = "rpt.returned"
	msgRptDiscounts msg = "rpt.discounts"

	msgSaleMinus          msg = "sale.minus"
	msgSalePlus           msg = "sale.plus"
	msgSaleDelete         msg = "sale.delete"
	msgSaleDiscount       msg = "sale.discount"
	msgSaleItems          msg = "sale.items"
	msgSaleSaved          msg = "sale.saved"
	msgSaleOnlyWeChat     msg = "sale.onlyWeChat"
	msgSaleNoItem         msg = "sale.noItem"
	msgSaleOpenPrice      msg = "sale.openPrice"
	msgSaleNeedsScale     msg = "sale.needsScale"
	msgSaleQtyHow         msg = "sale.qtyHow"
	msgSaleNoLine         msg = "sale.noLine"
	msgSaleNoManager      msg = "sale.noManager"
	msgSaleDiscountTooBig msg = "sale.discountTooBig"

	msgLineOverride  msg = "line.override"
	msgLinePercent   msg = "line.percent"
	msgLineAmountOff msg = "line.amountOff"

	msgDiscTitleLine     msg = "disc.titleLine"
	msgDiscTitleWhole    msg = "disc.titleWhole"
	msgDiscLine          msg = "disc.line"
	msgDiscWhole         msg = "disc.whole"
	msgDiscPercent       msg = "disc.percent"
	msgDiscAmount        msg = "disc.amount"
	msgDiscPrice         msg = "disc.price"
	msgDiscValue         msg = "disc.value"
	msgDiscReason        msg = "disc.reason"
	msgDiscApply         msg = "disc.apply"
	msgDiscLimits        msg = "disc.limits"
	msgDiscBadPercent    msg = "disc.badPercent"
	msgDiscBadAmount     msg = "disc.badAmount"
	msgDiscNoReason      msg = "disc.noReason"
	msgDiscPriceLineOnly msg = "disc.priceLineOnly"

	msgItemsSearch    msg = "items.search"
	msgItemsDone      msg = "items.done"
	msgItemsNone      msg = "items.none"
	msgItemsOpenPrice msg = "items.openPrice"
	msgItemsAdded     msg = "items.added"

	msgReceiptSaleDiscount msg = "receipt.saleDiscount"

	msgMgrActDiscount   msg = "mgr.actDiscount"
	msgMgrActDeleteLine msg = "mgr.actDeleteLine"
)

// saleMessages holds the sale lines' texts in Chinese and English.
var saleMessages = map[msg]translation{
	msgRptGross:     {"原价合计", "Gross"},
	msgRptReturned:  {"退货 %s ×%s", "Back: %s ×%s"},
	msgRptDiscounts: {"折扣优惠", "Discounts"},

	msgSaleMinus:          {"减一 -", "Less -"},
	msgSalePlus:           {"加一 +", "More +"},
	msgSaleDelete:         {"删除 Del", "Delete Del"},
	msgSaleDiscount:       {"折扣/改价 F4", "Discount F4"},
	msgSaleItems:          {"商品 F6", "Items F6"},
	msgSaleSaved:          {"已优惠 %s", "%s off"},
	msgSaleOnlyWeChat:     {"本收银台只收微信支付：这是支付宝或云闪付的付款码，没有收款", "This till takes WeChat Pay only: that is an Alipay or UnionPay code; nothing was charged"},
	msgSaleNoItem:         {"扫到的“%s”不在商品目录里（或已停售），没有加入", "Scanned “%s”: not in the catalogue (or not on sale); nothing added"},
	msgSaleOpenPrice:      {"“%s”需要输入价格：先输入金额，再选这个商品", "“%s” has no fixed price: key the price, then pick the item"},
	msgSaleNeedsScale:     {"“%s”按重量销售：请扫电子秤打印的条码", "“%s” is sold by weight: scan the scale's label"},
	msgSaleQtyHow:         {"改数量：选中一行，输入数量，再按 *", "To change a quantity: select a line, key the number, then *"},
	msgSaleNoLine:         {"请先选中一行商品", "Select a line first"},
	msgSaleNoManager:      {"这需要经理授权，但本机没有经理账号", "This needs a manager, but this till has no manager account"},
	msgSaleDiscountTooBig: {"优惠不能超过商品金额", "A discount cannot take more than the price"},

	msgLineOverride:  {"改价(原 %s)", "price changed (was %s)"},
	msgLinePercent:   {"-%d%% -%s", "-%d%% -%s"},
	msgLineAmountOff: {"优惠 -%s", "-%s off"},

	msgDiscTitleLine:     {"折扣：%s", "Discount: %s"},
	msgDiscTitleWhole:    {"整单折扣", "Discount on the whole sale"},
	msgDiscLine:          {"本行", "This line"},
	msgDiscWhole:         {"整单", "Whole sale"},
	msgDiscPercent:       {"打折 %", "Percent off"},
	msgDiscAmount:        {"减金额", "Amount off"},
	msgDiscPrice:         {"改单价", "New unit price"},
	msgDiscValue:         {"数值（如 10 或 5.00）", "Value (e.g. 10 or 5.00)"},
	msgDiscReason:        {"原因（必填）", "Reason (required)"},
	msgDiscApply:         {"确定", "Apply"},
	msgDiscLimits:        {"收银员可直接给 %d%% 以内、每次不超过 %s 的优惠；超过需经理输入 PIN", "A cashier may give up to %d%%, at most %s, alone; more needs a manager's PIN"},
	msgDiscBadPercent:    {"折扣请输入 1 到 100 的整数", "Key a whole percentage from 1 to 100"},
	msgDiscBadAmount:     {"请输入金额，如 5.00", "Key an amount, e.g. 5.00"},
	msgDiscNoReason:      {"请写明原因", "A reason is required"},
	msgDiscPriceLineOnly: {"改价只能针对一行商品", "A price is changed on one line only"},

	msgItemsSearch:    {"搜索：名称、拼音首字母或条码", "Search: name, pinyin initials or barcode"},
	msgItemsDone:      {"完成 Esc", "Done Esc"},
	msgItemsNone:      {"没有找到商品", "No item found"},
	msgItemsOpenPrice: {"现场定价", "Price at sale"},
	msgItemsAdded:     {"已加入 %s · 合计 %s", "Added %s · total %s"},

	msgReceiptSaleDiscount: {"整单优惠（%s）", "Discount on the sale (%s)"},

	msgMgrActDiscount:   {"超额折扣", "an over-limit discount"},
	msgMgrActDeleteLine: {"删除商品行", "deleting a line"},
}
