package ui

// Message keys, grouped by screen. The texts live in messages below.
const (
	msgAppTitle msg = "app.title"

	msgSaleTotal    msg = "sale.total"
	msgSaleItem     msg = "sale.item"
	msgSaleAddLine  msg = "sale.addLine"
	msgSaleScan     msg = "sale.scan"
	msgSaleQR       msg = "sale.qr"
	msgSaleCash     msg = "sale.cash"
	msgSaleClear    msg = "sale.clear"
	msgSaleHistory  msg = "sale.history"
	msgSaleSettings msg = "sale.settings"
	msgSaleManager  msg = "sale.manager"
	msgSaleNoAmount msg = "sale.noAmount"
	msgSaleHint     msg = "sale.hint"

	msgSaleScanNoAmount msg = "sale.scanNoAmount"
	msgSaleNotCode      msg = "sale.notCode"
	msgSaleOverMax      msg = "sale.overMax"
	msgSaleConfirm      msg = "sale.confirm"

	msgOutcomePaid    msg = "outcome.paid"
	msgOutcomeNotPaid msg = "outcome.notPaid"
	msgOutcomeMore    msg = "outcome.more"
	msgOutcomeAck     msg = "outcome.ack"

	msgScanTitle      msg = "scan.title"
	msgScanPrompt     msg = "scan.prompt"
	msgScanHow        msg = "scan.how"
	msgScanSubmitting msg = "scan.submitting"
	msgScanWaiting    msg = "scan.waiting"
	msgScanChecking   msg = "scan.checking"
	msgScanReversing  msg = "scan.reversing"
	msgScanReversed   msg = "scan.reversed"
	msgScanAgain      msg = "scan.again"
	msgScanTyped      msg = "scan.typed"
	msgScanNotCode    msg = "scan.notCode"
	msgScanNotHere    msg = "scan.notHere"
	msgScanSeconds    msg = "scan.seconds"

	msgQRTitle       msg = "qr.title"
	msgQRPrompt      msg = "qr.prompt"
	msgQRCreating    msg = "qr.creating"
	msgQRExpires     msg = "qr.expires"
	msgQRExpired     msg = "qr.expired"
	msgQRClosing     msg = "qr.closing"
	msgQRNotified    msg = "qr.notified"
	msgQRClosed      msg = "qr.closed"
	msgQRNoCode      msg = "qr.noCode"
	msgQRNew         msg = "qr.new"
	msgQRExpiredHead msg = "qr.expiredHead"
	msgQRClosedHead  msg = "qr.closedHead"

	msgCashDue      msg = "cash.due"
	msgCashTendered msg = "cash.tendered"
	msgCashChange   msg = "cash.change"
	msgCashShort    msg = "cash.short"
	msgCashExact    msg = "cash.exact"
	msgCashConfirm  msg = "cash.confirm"

	msgCashScanOffer   msg = "cash.scanOffer"
	msgCashScanSwitch  msg = "cash.scanSwitch"
	msgCashScanDropped msg = "cash.scanDropped"

	msgUnknownTitle     msg = "unknown.title"
	msgUnknownChecking  msg = "unknown.checking"
	msgUnknownExplain   msg = "unknown.explain"
	msgUnknownRetry     msg = "unknown.retry"
	msgUnknownForcePaid msg = "unknown.forcePaid"
	msgUnknownForceVoid msg = "unknown.forceVoid"
	msgUnknownManager   msg = "unknown.manager"
	msgUnknownLater     msg = "unknown.later"
	msgUnknownLastHeard msg = "unknown.lastHeard"

	msgReceiptTitle    msg = "receipt.title"
	msgReceiptStore    msg = "receipt.store"
	msgReceiptAmount   msg = "receipt.amount"
	msgReceiptTender   msg = "receipt.tender"
	msgReceiptOrderNo  msg = "receipt.orderNo"
	msgOrderNoIs       msg = "receipt.orderNoIs"
	msgReceiptTxnID    msg = "receipt.txnID"
	msgReceiptTime     msg = "receipt.time"
	msgReceiptNo       msg = "receipt.no"
	msgReceiptCashier  msg = "receipt.cashier"
	msgReceiptTendered msg = "receipt.tendered"
	msgReceiptChange   msg = "receipt.change"
	msgReceiptPrint    msg = "receipt.print"
	msgReceiptReprint  msg = "receipt.reprint"
	msgReceiptPrinting msg = "receipt.printing"
	msgReceiptPrinted  msg = "receipt.printed"
	msgReceiptPrintErr msg = "receipt.printErr"
	msgReceiptNoPrint  msg = "receipt.noPrinter"
	msgReceiptTraining msg = "receipt.training"
	msgReceiptLine     msg = "receipt.line"

	msgTenderScan msg = "tender.wechat_scan"
	msgTenderQR   msg = "tender.wechat_qr"
	msgTenderCash msg = "tender.cash"
	// Short names for narrow columns (history).
	msgTenderScanShort msg = "tender.wechat_scan.short"
	msgTenderQRShort   msg = "tender.wechat_qr.short"

	msgHistoryTitle   msg = "history.title"
	msgHistoryEmpty   msg = "history.empty"
	msgHistoryReprint msg = "history.reprint"
	msgHistoryLoadErr msg = "history.loadErr"

	msgStatePaid     msg = "state.paid"
	msgStateFailed   msg = "state.failed"
	msgStateUnknown  msg = "state.unknown"
	msgStateReversed msg = "state.reversed"
	msgStateClosed   msg = "state.closed"
	msgStatePending  msg = "state.pending"
	msgStateConflict msg = "state.conflict"

	msgReasonNotEnough     msg = "reason.NOTENOUGH"
	msgReasonCodeExpired   msg = "reason.AUTHCODEEXPIRE"
	msgReasonCodeError     msg = "reason.AUTH_CODE_ERROR"
	msgReasonCodeInvalid   msg = "reason.AUTH_CODE_INVALID"
	msgReasonCardNotUsable msg = "reason.NOTSUPORTCARD"
	msgReasonNoPassword    msg = "reason.PASSWORD_TIMEOUT"
	msgReasonDeclined      msg = "reason.TRADE_ERROR"
	msgReasonOther         msg = "reason.other"
	msgReasonConflict      msg = "reason.TRADE_CONFLICT"
	msgReasonNotRecorded   msg = "reason.NOT_RECORDED"

	msgStatusNetOK           msg = "status.netOK"
	msgStatusNetFail         msg = "status.netFail"
	msgStatusScannerOK       msg = "status.scannerOK"
	msgStatusScannerNone     msg = "status.scannerNone"
	msgStatusScannerKeyboard msg = "status.scannerKeyboard"
	msgStatusReplicaDown     msg = "status.replicaDown"
	msgStatusReplicaBehind   msg = "status.replicaBehind"
	msgStatusBackupFailed    msg = "status.backupFailed"
	msgStatusCatalogStale    msg = "status.catalogStale"
	msgStatusPending         msg = "status.pending"
	msgStatusTraining        msg = "status.training"
	msgStatusBusinessDay     msg = "status.businessDay"

	msgSimPayQR     msg = "sim.payQR"
	msgSimTitlePick msg = "sim.titlePick"

	// Sandbox scenario names (wechat/sandbox), looked up by name.

	msgSettingsTitle    msg = "settings.title"
	msgSettingsLanguage msg = "settings.language"
	msgSettingsNotKept  msg = "settings.notKept"
	msgLangZH           msg = "lang.zh"
	msgLangEN           msg = "lang.en"

	msgCommonCancel  msg = "common.cancel"
	msgCommonBack    msg = "common.back"
	msgCommonNewSale msg = "common.newSale"
	msgCommonPaid    msg = "common.paid"
	msgCommonFailed  msg = "common.failed"
	msgCommonNoCore  msg = "common.noCore"
)

// messages holds every UI text in Chinese (the default) and English.
var messages = map[msg]translation{
	msgAppTitle: {"wxpos 收银台", "wxpos checkout"},

	msgSaleTotal:    {"合计", "Total"},
	msgSaleItem:     {"商品 %d", "Item %d"},
	msgSaleAddLine:  {"加入明细 +", "Add line +"},
	msgSaleScan:     {"扫码收款 F1", "Scan code F1"},
	msgSaleQR:       {"二维码收款 F2", "QR code F2"},
	msgSaleCash:     {"现金 F3", "Cash F3"},
	msgSaleClear:    {"清除 Esc", "Clear Esc"},
	msgSaleHistory:  {"今日交易 F5", "Today F5"},
	msgSaleSettings: {"设置 F9", "Settings F9"},
	msgSaleManager:  {"经理 F10", "Manager F10"},
	msgSaleNoAmount: {"请先输入金额", "Enter an amount first"},
	msgSaleHint:     {"输入金额，然后选择收款方式", "Key the amount, then choose how the customer pays"},

	msgSaleScanNoAmount: {"已扫到付款码，但还没有输入金额：请先输入金额，再扫一次付款码", "A payment code was scanned but no amount is keyed: key the amount, then scan the code again"},
	msgSaleNotCode:      {"扫到的“%s”不是微信付款码，金额没有改变", "Scanned “%s”: not a WeChat payment code; the amount is unchanged"},
	msgSaleOverMax:      {"金额 %s 超过每笔上限 %s，没有收款", "%s is over the limit of %s per sale; nothing was charged"},
	msgOutcomePaid:      {"离开期间已收款 %s · 小票 %s · 订单 %s", "While you were away: %s paid · receipt %s · order %s"},
	msgOutcomeNotPaid:   {"离开期间 %s %s，顾客未被扣款 · 订单 %s", "While you were away: %s %s, the customer was not charged · order %s"},
	msgOutcomeMore:      {"还有 %d 笔，确认上面的之后显示", "%d more, shown as you acknowledge these"},
	msgOutcomeAck:       {"知道了 F7", "Seen F7"},
	msgSaleConfirm:      {"大额收款 %s：请核对，再按一次同一收款键（或 Enter）确认，Esc 返回", "Large amount %s: check it, press the same key (or Enter) again to charge, Esc to go back"},

	msgScanTitle:      {"扫码收款", "Scan to pay"},
	msgScanPrompt:     {"请出示付款码", "Please show your payment code"},
	msgScanHow:        {"用扫码枪扫描顾客的付款码（也可键盘输入后按 Enter）", "Scan the customer's payment code (or type it and press Enter)"},
	msgScanSubmitting: {"正在提交…", "Submitting…"},
	msgScanWaiting:    {"等待顾客输入密码… 剩余 %d 秒", "Waiting for the customer's password… %d s left"},
	msgScanChecking:   {"正在向微信确认…", "Checking with WeChat…"},
	msgScanReversing:  {"正在撤销…", "Reversing…"},
	msgScanReversed:   {"已撤销 — 顾客不会被扣款（如已扣款将原路退回）", "Reversed — the customer is not charged (any charge goes back)"},
	msgScanAgain:      {"重新扫码 Enter", "Scan again Enter"},
	msgScanTyped:      {"已输入 %d 位", "%d digits typed"},
	msgScanNotHere:    {"扫到了微信付款码，但这个界面不收款：付款码没有被使用", "A WeChat payment code was scanned, but this screen takes no payment: the code was not used"},
	msgScanNotCode:    {"扫到的“%s”不是微信付款码，请扫顾客的付款码", "Scanned “%s”: not a WeChat payment code; scan the customer's payment code"},
	msgScanSeconds:    {"%d 秒", "%d s"},

	msgQRTitle:       {"二维码收款", "QR code payment"},
	msgQRPrompt:      {"请顾客用微信扫一扫", "Ask the customer to scan with WeChat"},
	msgQRCreating:    {"正在生成二维码…", "Creating the QR code…"},
	msgQRExpires:     {"%d:%02d 后过期", "Expires in %d:%02d"},
	msgQRExpired:     {"二维码已过期，顾客未付款。按 F2 生成新二维码", "The QR code expired; the customer did not pay. F2 makes a new one"},
	msgQRClosing:     {"正在关闭订单…", "Closing the order…"},
	msgQRNotified:    {"微信通知已付款\n正在确认…", "WeChat says paid\nconfirming…"},
	msgQRClosed:      {"订单已关闭，顾客未付款", "Order closed; the customer did not pay"},
	msgQRNew:         {"新二维码 F2", "New QR code F2"},
	msgQRExpiredHead: {"二维码已过期", "QR code expired"},
	msgQRClosedHead:  {"订单已关闭", "Order closed"},
	msgQRNoCode:      {"无法生成二维码（参考号 %s）— 请改用扫码或现金收款，并告知经理", "Cannot draw the QR code (reference %s) — take the payment by scan or cash and tell the manager"},

	msgCashDue:      {"应收", "Due"},
	msgCashTendered: {"实收", "Tendered"},
	msgCashChange:   {"找零", "Change"},
	msgCashShort:    {"还差 %s", "Short by %s"},
	msgCashExact:    {"刚好 F3", "Exact F3"},
	msgCashConfirm:  {"确认收款 Enter", "Confirm Enter"},

	msgCashScanOffer:   {"扫到了微信付款码，还没有收款：按 F1 改用扫码收款 %s，或按 Esc 继续收现金", "A WeChat payment code was scanned; nothing is charged yet: F1 charges %s by scan instead, Esc keeps taking cash"},
	msgCashScanSwitch:  {"改用扫码收款 F1", "Charge by scan F1"},
	msgCashScanDropped: {"付款码没有使用，继续收现金", "The payment code was not used; taking cash"},

	msgUnknownTitle:     {"支付结果待确认", "Payment result unknown"},
	msgUnknownChecking:  {"正在向微信确认…", "Checking with WeChat…"},
	msgUnknownExplain:   {"网络异常，暂时不知道是否已扣款。请勿让顾客重复付款。", "The network failed; we do not know yet whether money moved. Do not let the customer pay again."},
	msgUnknownRetry:     {"立即重试 F4", "Retry now F4"},
	msgUnknownForcePaid: {"强制成功", "Force paid"},
	msgUnknownForceVoid: {"强制撤销", "Force void"},
	msgUnknownManager:   {"经理操作", "Manager actions"},
	msgUnknownLater:     {"后台继续确认，先做下一笔 F8", "Keep checking in the background; next sale F8"},
	msgUnknownLastHeard: {"最近更新：%s", "Last update: %s"},

	msgReceiptTitle:    {"收据", "Receipt"},
	msgReceiptStore:    {"门店", "Store"},
	msgReceiptAmount:   {"金额", "Amount"},
	msgReceiptTender:   {"支付方式", "Paid by"},
	msgReceiptOrderNo:  {"订单号", "Order no."},
	msgOrderNoIs:       {"订单号 %s", "Order no. %s"},
	msgReceiptTxnID:    {"微信交易号", "Transaction ID"},
	msgReceiptTime:     {"时间", "Time"},
	msgReceiptNo:       {"收据号", "Receipt no."},
	msgReceiptCashier:  {"收银员", "Cashier"},
	msgReceiptTendered: {"实收", "Tendered"},
	msgReceiptChange:   {"找零", "Change"},
	msgReceiptPrint:    {"打印 F6", "Print F6"},
	msgReceiptReprint:  {"重打 F6", "Reprint F6"},
	msgReceiptPrinting: {"正在打印…", "Printing…"},
	msgReceiptPrinted:  {"已发送到打印机", "Sent to the printer"},
	msgReceiptPrintErr: {"打印失败（参考号 %s）— 请检查打印机的纸、电源和连接后重打", "Printing failed (reference %s) — check the printer's paper, power and cable, then reprint"},
	msgReceiptNoPrint:  {"未配置打印机", "No printer configured"},
	msgReceiptTraining: {"训练模式 — 非真实交易", "Training — not a real sale"},
	msgReceiptLine:     {"%s ×%d", "%s ×%d"},

	msgTenderScan:      {"微信付款码", "WeChat (scanned code)"},
	msgTenderQR:        {"微信二维码", "WeChat (QR code)"},
	msgTenderCash:      {"现金", "Cash"},
	msgTenderScanShort: {"微信付款码", "Pay code"},
	msgTenderQRShort:   {"微信二维码", "QR code"},

	msgHistoryTitle:   {"今日交易", "Today's sales"},
	msgHistoryEmpty:   {"没有交易", "No sales"},
	msgHistoryReprint: {"重打", "Reprint"},
	msgHistoryLoadErr: {"无法读取交易记录（参考号 %s）— 请重试；如再次出现请告知经理", "Cannot read the sales (reference %s) — try again; tell the manager if it repeats"},

	msgStatePaid:     {"已支付", "Paid"},
	msgStateFailed:   {"失败", "Failed"},
	msgStateUnknown:  {"待确认", "Unknown"},
	msgStateReversed: {"已撤销", "Reversed"},
	msgStateClosed:   {"已关闭", "Closed"},
	msgStatePending:  {"处理中", "In progress"},
	msgStateConflict: {"单号冲突", "Number conflict"},

	msgReasonNotEnough:     {"余额不足 — 请顾客换卡或换一种方式付款", "Insufficient balance — ask for another card or way to pay"},
	msgReasonCodeExpired:   {"付款码已过期 — 请顾客刷新付款码后重新扫码", "Payment code expired — ask the customer to refresh it, then scan again"},
	msgReasonCodeError:     {"付款码无效或已用过 — 请顾客刷新付款码", "Payment code invalid or already used — ask for a fresh code"},
	msgReasonCodeInvalid:   {"这不是微信付款码 — 请扫描微信付款码", "Not a WeChat Pay code — scan a WeChat payment code"},
	msgReasonCardNotUsable: {"该卡不支持此交易 — 请顾客换一张卡", "This card cannot be used — ask for another card"},
	msgReasonNoPassword:    {"顾客没有完成密码输入，已撤销", "The customer did not enter the password; reversed"},
	msgReasonDeclined:      {"交易被微信拒绝 — 请换一种方式付款", "Declined by WeChat — ask for another way to pay"},
	msgReasonOther:         {"支付未成功", "The payment did not go through"},
	msgReasonNotRecorded: {"微信已有结果，但磁盘已满、本机未能记录 — 请勿重复收款；清理磁盘空间后运行 wxpos recover",
		"WeChat has the outcome, but the disk is full and this till could not record it — do not charge again; free disk space, then run wxpos recover"},
	msgReasonConflict: {"此订单号属于另一笔支付（数据库被恢复或重装？）— 本笔未收款，请重新收款并告知经理",
		"This order number belongs to another payment (database restored or reinstalled?) — this sale is NOT paid: take the payment again and tell the manager"},

	msgStatusNetOK:           {"网络正常", "Network OK"},
	msgStatusNetFail:         {"网络故障", "Network failing"},
	msgStatusScannerOK:       {"扫码枪已连接", "Scanner connected"},
	msgStatusScannerNone:     {"扫码枪未连接", "Scanner not connected"},
	msgStatusScannerKeyboard: {"键盘扫码枪", "Keyboard scanner"},
	msgStatusReplicaDown:     {"总部同步中断（待传 %d 条）", "HQ sync offline (%d waiting)"},
	msgStatusReplicaBehind:   {"总部同步落后：%d 条，%d 分钟", "HQ sync behind: %d events, %d min"},
	msgStatusBackupFailed:    {"自动备份失败，%s 重试（见日志）", "Backup failed, retry at %s (see the log)"},
	msgStatusCatalogStale:    {"商品目录：总部连不上（%[2]s 起），按版本 %[1]d 销售", "Catalogue: HQ offline since %[2]s, selling version %[1]d"},
	msgStatusPending:         {"待处理 %d", "Pending %d"},
	msgStatusTraining:        {"训练模式 — 不会真实扣款", "Training mode — no real money moves"},
	msgStatusBusinessDay:     {"营业日 %s（今日已日结）", "Business day %s (today closed)"},

	msgSimPayQR:     {"顾客扫码并付款", "Customer scans and pays"},
	msgSimTitlePick: {"模拟顾客（训练） · 选择场景付款码", "Simulate customer (training) · pick a scenario code"},

	msgSettingsTitle:    {"设置", "Settings"},
	msgSettingsLanguage: {"语言", "Language"},
	msgSettingsNotKept:  {"语言已切换，但没有保存，下次启动会恢复原语言（参考号 %s）", "The language changed but was not saved; the next start uses the old one (reference %s)"},
	msgLangZH:           {"中文", "中文"},
	msgLangEN:           {"English", "English"},

	msgCommonCancel:  {"取消 Esc", "Cancel Esc"},
	msgCommonBack:    {"返回 Esc", "Back Esc"},
	msgCommonNewSale: {"新交易 Enter", "New sale Enter"},
	msgCommonPaid:    {"支付成功", "Paid"},
	msgCommonFailed:  {"支付失败", "Payment failed"},
	msgCommonNoCore:  {"支付核心未连接", "Payment core not connected"},
}

// scenarioMessages names the simulator's scenarios on the training panel;
// the keys are built from the scenario's name (catalog.scenario).
var scenarioMessages = map[msg]translation{
	"scenario.success":                   {"立即成功", "Pays at once"},
	"scenario.userpaying_success":        {"输入密码后成功", "Password, then pays"},
	"scenario.userpaying_timeout":        {"一直不输入密码", "Never enters PIN"},
	"scenario.notenough":                 {"余额不足", "Not enough money"},
	"scenario.authcode_expired":          {"付款码已过期", "Expired code"},
	"scenario.system_error_then_success": {"系统错误后成功", "Error, then paid"},
	"scenario.coupon":                    {"用商户券减1元", "¥1 merchant coupon"},
	"scenario.coupon_wechat":             {"用微信券减1元", "¥1 WeChat coupon"},
	"scenario.refund_abnormal":           {"退款时账户异常", "Refund abnormal"},
}
