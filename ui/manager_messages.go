package ui

// Message keys of the manager screens. Their texts are in managerMessages;
// Terminal.mt looks them up and falls back to the shared catalogue.
const (
	msgMgrTitle        msg = "mgr.title"
	msgMgrTileKey      msg = "mgr.tileKey"
	msgMgrRefunds      msg = "mgr.refunds"
	msgMgrUnknown      msg = "mgr.unknown"
	msgMgrDay          msg = "mgr.day"
	msgMgrZHistory     msg = "mgr.zHistory"
	msgMgrSettings     msg = "mgr.settings"
	msgMgrAudit        msg = "mgr.audit"
	msgMgrRecon        msg = "mgr.recon"
	msgMgrDrawer       msg = "mgr.drawer"
	msgMgrDrawerOpened msg = "mgr.drawerOpened"
	msgMgrActDrawer    msg = "mgr.act.drawer"
	msgMgrActAbnormal  msg = "mgr.act.abnormal"
	msgMgrNoDrawer     msg = "mgr.noDrawer"
	msgMgrReconOff     msg = "mgr.reconOff"
	msgMgrLoading      msg = "mgr.loading"
	msgMgrChecking     msg = "mgr.checking"
	msgMgrName         msg = "mgr.name"
	msgMgrPIN          msg = "mgr.pin"
	msgMgrPINAgain     msg = "mgr.pinAgain"
	msgMgrPINsDiffer   msg = "mgr.pinsDiffer"
	msgMgrSetupTitle   msg = "mgr.setupTitle"
	msgMgrSetupHint    msg = "mgr.setupHint"
	msgMgrSetupCreate  msg = "mgr.setupCreate"
	msgMgrSetupDone    msg = "mgr.setupDone"
	msgMgrPINTitle     msg = "mgr.pinTitle"
	msgMgrPINFor       msg = "mgr.pinFor"
	msgMgrApprove      msg = "mgr.approve"
	msgMgrLocked       msg = "mgr.locked"
	msgMgrBadPIN       msg = "mgr.badPIN"
	msgMgrNotManager   msg = "mgr.notManager"
	msgMgrWeakPIN      msg = "mgr.weakPIN"
	msgMgrRefundLimit  msg = "mgr.refundLimit"
	msgMgrBusy         msg = "mgr.busy"

	msgMgrActRefund    msg = "mgr.act.refund"
	msgMgrActForcePaid msg = "mgr.act.forcePaid"
	msgMgrActForceVoid msg = "mgr.act.forceVoid"
	msgMgrActDayClose  msg = "mgr.act.dayClose"
	msgMgrActCashOut   msg = "mgr.act.cashOut"
	msgMgrActSettings  msg = "mgr.act.settings"
	msgMgrActOther     msg = "mgr.act.other"
	msgMgrActQuit      msg = "mgr.act.quit"

	msgRefTitle           msg = "ref.title"
	msgRefSearch          msg = "ref.search"
	msgRefFind            msg = "ref.find"
	msgRefScannedPayCode  msg = "ref.scannedPayCode"
	msgRefResults         msg = "ref.results"
	msgRefNone            msg = "ref.none"
	msgRefRefundedShort   msg = "ref.refundedShort"
	msgRefSale            msg = "ref.sale"
	msgRefPaid            msg = "ref.paid"
	msgRefRefunded        msg = "ref.refunded"
	msgRefLeft            msg = "ref.left"
	msgRefHowMuch         msg = "ref.howMuch"
	msgRefFull            msg = "ref.full"
	msgRefPartial         msg = "ref.partial"
	msgRefAmount          msg = "ref.amount"
	msgRefAmountHint      msg = "ref.amountHint"
	msgRefReason          msg = "ref.reason"
	msgRefReasonReturn    msg = "ref.reasonReturn"
	msgRefReasonWrong     msg = "ref.reasonWrong"
	msgRefReasonQuality   msg = "ref.reasonQuality"
	msgRefReasonTwice     msg = "ref.reasonTwice"
	msgRefSubmit          msg = "ref.submit"
	msgRefBadAmount       msg = "ref.badAmount"
	msgRefTooMuch         msg = "ref.tooMuch"
	msgRefNeedReason      msg = "ref.needReason"
	msgRefNothingLeft     msg = "ref.nothingLeft"
	msgRefState           msg = "ref.state"
	msgRefStSubmitted     msg = "ref.st.submitted"
	msgRefStProcessing    msg = "ref.st.processing"
	msgRefStSuccess       msg = "ref.st.success"
	msgRefStClosed        msg = "ref.st.closed"
	msgRefStAbnormal      msg = "ref.st.abnormal"
	msgRefWaitExplain     msg = "ref.waitExplain"
	msgRefDone            msg = "ref.done"
	msgRefClosedExplain   msg = "ref.closedExplain"
	msgRefAbnormalExplain msg = "ref.abnormalExplain"
	msgRefPrinted         msg = "ref.printed"

	msgForceTitle         msg = "force.title"
	msgForceExplain       msg = "force.explain"
	msgForceNone          msg = "force.none"
	msgForceReasonSeen    msg = "force.reasonSeen"
	msgForceReasonNotPaid msg = "force.reasonNotPaid"
	msgForceReasonCash    msg = "force.reasonCash"
	msgForceDone          msg = "force.done"
	msgForceConflict      msg = "force.conflict"

	msgDayTitle          msg = "day.title"
	msgDayBadDay         msg = "day.badDay"
	msgDayOpenCard       msg = "day.openCard"
	msgDayFloat          msg = "day.float"
	msgDayOpen           msg = "day.open"
	msgDayOpened         msg = "day.opened"
	msgDayCashCard       msg = "day.cashCard"
	msgDayCashIn         msg = "day.cashIn"
	msgDayCashOut        msg = "day.cashOut"
	msgDayMoved          msg = "day.moved"
	msgDayCloseCard      msg = "day.closeCard"
	msgDayX              msg = "day.x"
	msgDayZ              msg = "day.z"
	msgDayZAsk           msg = "day.zAsk"
	msgDayZConfirm       msg = "day.zConfirm"
	msgDayClosing        msg = "day.closing"
	msgDayCounted        msg = "day.counted"
	msgDayCountedHint    msg = "day.countedHint"
	msgDayClosed         msg = "day.closed"
	msgDayStateOpen      msg = "day.stateOpen"
	msgDayStateClosed    msg = "day.stateClosed"
	msgDayStateNone      msg = "day.stateNone"
	msgDayXTitle         msg = "day.xTitle"
	msgDayZTitle         msg = "day.zTitle"
	msgDaySummary        msg = "day.summary"
	msgDayDiff           msg = "day.diff"
	msgDayPending        msg = "day.pending"
	msgDayLive           msg = "day.live"
	msgDayChart          msg = "day.chart"
	msgDayExport         msg = "day.export"
	msgDayExported       msg = "day.exported"
	msgDayLate           msg = "day.late"
	msgDayErrClosed      msg = "day.errClosed"
	msgDayErrNotOpen     msg = "day.errNotOpen"
	msgDayErrAlreadyOpen msg = "day.errAlreadyOpen"
	msgDayBusinessDay    msg = "day.businessDay"
	msgRptSales          msg = "rpt.sales"
	msgRptRefunds        msg = "rpt.refunds"
	msgRptNet            msg = "rpt.net"
	msgRptCount          msg = "rpt.count"
	msgRptCounts         msg = "rpt.counts"
	msgRptTotal          msg = "rpt.total"
	msgRptFloat          msg = "rpt.float"
	msgRptCashIn         msg = "rpt.cashIn"
	msgRptCashOut        msg = "rpt.cashOut"
	msgRptExpected       msg = "rpt.expected"
	msgRptCounted        msg = "rpt.counted"
	msgRptDiff           msg = "rpt.diff"
	msgRptNotCounted     msg = "rpt.notCounted"
	msgRptMoves          msg = "rpt.moves"
	msgRptPending        msg = "rpt.pending"
	msgZRow              msg = "z.row"
	msgZNone             msg = "z.none"

	msgSetMerchant     msg = "set.merchant"
	msgSetModeTraining msg = "set.modeTraining"
	msgSetModeV3       msg = "set.modeV3"
	msgSetModeV2       msg = "set.modeV2"
	msgSetStoreID      msg = "set.storeID"
	msgSetStoreName    msg = "set.storeName"
	msgSetTerminal     msg = "set.terminal"
	msgSetMchID        msg = "set.mchID"
	msgSetSerial       msg = "set.serial"
	msgSetKeyFile      msg = "set.keyFile"
	msgSetV3Key        msg = "set.v3Key"
	msgSetPubID        msg = "set.pubID"
	msgSetPubFile      msg = "set.pubFile"
	msgSetAPIKey       msg = "set.apiKey"
	msgSetCertFile     msg = "set.certFile"
	msgSetClientKey    msg = "set.clientKey"
	msgSetCheckKeys    msg = "set.checkKeys"
	msgSetNoChecks     msg = "set.noChecks"
	msgSetDevices      msg = "set.devices"
	msgSetPort         msg = "set.port"
	msgSetBaud         msg = "set.baud"
	msgSetScanTest     msg = "set.scanTest"
	msgSetScanTestHint msg = "set.scanTestHint"
	msgSetScanOK       msg = "set.scanOK"
	msgSetScanBad      msg = "set.scanBad"
	msgSetPrinter      msg = "set.printer"
	msgSetWidth        msg = "set.width"
	msgSetTestPrint    msg = "set.testPrint"
	msgSetSave         msg = "set.save"
	msgSetSaved        msg = "set.saved"

	msgAudAll       msg = "aud.all"
	msgAudLogins    msg = "aud.logins"
	msgAudOverrides msg = "aud.overrides"
	msgAudRefunds   msg = "aud.refunds"
	msgAudForce     msg = "aud.force"
	msgAudDay       msg = "aud.day"
	msgAudSettings  msg = "aud.settings"
	msgAudPayments  msg = "aud.payments"
	msgAudWho       msg = "aud.who"
	msgAudText      msg = "aud.text"
	msgAudApply     msg = "aud.apply"
	msgAudCount     msg = "aud.count"
)

var managerMessages = map[msg]translation{
	msgMgrTitle:        {"经理功能", "Manager"},
	msgMgrTileKey:      {"%d  %s", "%d  %s"},
	msgMgrRefunds:      {"退款", "Refunds"},
	msgMgrUnknown:      {"待确认支付", "Payments in doubt"},
	msgMgrDay:          {"开班 / 日结", "Open / close the day"},
	msgMgrZHistory:     {"历史 Z 报表", "Past Z reports"},
	msgMgrSettings:     {"系统设置", "Settings"},
	msgMgrAudit:        {"操作日志", "Audit trail"},
	msgMgrRecon:        {"对账", "Reconciliation"},
	msgMgrDrawer:       {"开钱箱", "Open drawer"},
	msgMgrDrawerOpened: {"钱箱已打开（%s 批准）", "Drawer opened (approved by %s)"},
	msgMgrActDrawer:    {"打开钱箱", "open the cash drawer"},
	msgMgrActAbnormal:  {"处理异常退款", "settle an abnormal refund"},
	msgMgrNoDrawer:     {"未配置打印机，无法打开钱箱", "No printer configured, so there is no cash drawer to open"},
	msgMgrReconOff:     {"本机未接入对账", "Reconciliation is not connected on this terminal"},
	msgMgrLoading:      {"读取中…", "Loading…"},
	msgMgrChecking:     {"正在核对…", "Checking…"},
	msgMgrName:         {"经理姓名", "Manager name"},
	msgMgrPIN:          {"PIN 码", "PIN"},
	msgMgrPINAgain:     {"再输一次 PIN", "PIN again"},
	msgMgrPINsDiffer:   {"两次输入的 PIN 不一致", "The two PINs differ"},
	msgMgrSetupTitle:   {"首次使用：设置经理", "First start: set up the manager"},
	msgMgrSetupHint:    {"退款、日结和设置需要经理 PIN。PIN 为 4–12 位数字，不能是 1234 或 0000 这类。", "Refunds, closing the day and settings need a manager PIN: 4–12 digits, not 1234 or 0000."},
	msgMgrSetupCreate:  {"创建经理", "Create manager"},
	msgMgrSetupDone:    {"经理 %s 已创建", "Manager %s created"},
	msgMgrPINTitle:     {"经理授权", "Manager approval"},
	msgMgrPINFor:       {"需要经理 PIN：%s", "Manager PIN needed: %s"},
	msgMgrApprove:      {"授权", "Approve"},
	msgMgrLocked:       {"PIN 错误次数过多，已锁定到 %s", "Too many wrong PINs: locked until %s"},
	msgMgrBadPIN:       {"姓名或 PIN 不正确（错误次数已记录）", "Wrong name or PIN (the attempt is counted)"},
	msgMgrNotManager:   {"此人不是经理，不能授权此操作", "This person is not a manager and cannot approve this"},
	msgMgrWeakPIN:      {"PIN 需 4–12 位数字，且不能是重复或连续数字", "PIN must be 4–12 digits, not a repeat or a run"},
	msgMgrRefundLimit:  {"超出可退金额（或退款次数、时间限制）", "More than can be refunded (or past the count/time limits)"},
	msgMgrBusy:         {"这笔交易正在处理中，请稍后再试", "This sale is being processed; try again shortly"},

	msgMgrActRefund:    {"退款", "refund"},
	msgMgrActForcePaid: {"强制成功", "force paid"},
	msgMgrActForceVoid: {"强制撤销", "force void"},
	msgMgrActDayClose:  {"日结（Z 报表）", "close the day (Z report)"},
	msgMgrActCashOut:   {"现金支出", "cash paid out"},
	msgMgrActSettings:  {"修改设置", "change settings"},
	msgMgrActOther:     {"经理操作", "manager action"},
	msgMgrActQuit:      {"关闭收银台（自助终端模式）", "close the till (kiosk mode)"},

	msgRefTitle:           {"退款", "Refund"},
	msgRefSearch:          {"订单号、收据号、交易号后 4 位，或扫描收据条码", "Order no., receipt no., last 4 of the transaction ID, or scan the receipt"},
	msgRefFind:            {"查找", "Find"},
	msgRefScannedPayCode:  {"扫到的是顾客的付款码，不能用来查找交易：请扫收据上的条码，或输入订单号、收据号", "That is a customer's payment code, which finds no sale: scan the receipt's barcode, or type the order or receipt number"},
	msgRefResults:         {"近 30 天已支付交易", "Paid sales, last 30 days"},
	msgRefNone:            {"没有找到交易", "No sale found"},
	msgRefRefundedShort:   {"已退 %s", "refunded %s"},
	msgRefSale:            {"原交易", "Sale"},
	msgRefPaid:            {"实付金额", "Paid"},
	msgRefRefunded:        {"已退款", "Already refunded"},
	msgRefLeft:            {"可退金额", "Left to refund"},
	msgRefHowMuch:         {"退款方式", "Refund"},
	msgRefFull:            {"全额", "Full"},
	msgRefPartial:         {"部分", "Partial"},
	msgRefAmount:          {"金额（元）", "Amount (yuan)"},
	msgRefAmountHint:      {"例如 12.50", "e.g. 12.50"},
	msgRefReason:          {"原因", "Reason"},
	msgRefReasonReturn:    {"顾客退货", "Goods returned"},
	msgRefReasonWrong:     {"收错金额", "Wrong amount charged"},
	msgRefReasonQuality:   {"商品质量问题", "Faulty goods"},
	msgRefReasonTwice:     {"重复付款", "Paid twice"},
	msgRefSubmit:          {"退款（需经理 PIN）", "Refund (manager PIN)"},
	msgRefBadAmount:       {"金额格式不对：最多两位小数", "Bad amount: at most two decimals"},
	msgRefTooMuch:         {"最多可退 %s", "At most %s can be refunded"},
	msgRefNeedReason:      {"请填写原因", "A reason is required"},
	msgRefNothingLeft:     {"这笔交易已全部退款", "This sale is fully refunded"},
	msgRefState:           {"退款状态：%s", "Refund: %s"},
	msgRefStSubmitted:     {"已提交", "submitted"},
	msgRefStProcessing:    {"处理中", "processing"},
	msgRefStSuccess:       {"退款成功", "success, money returned"},
	msgRefStClosed:        {"退款关闭（未退款）", "closed (no money moved)"},
	msgRefStAbnormal:      {"退款异常", "abnormal"},
	msgRefWaitExplain:     {"微信已受理，正在等待结果。零钱通常几秒到账，银行卡 1–3 个工作日。离开此页面不影响退款，后台会继续跟进。", "WeChat accepted it; waiting for the result. Balance refunds take seconds, bank cards 1–3 working days. Leaving this screen is fine: the terminal keeps following it."},
	msgRefDone:            {"已退款 %s（退款单号 %s），退款收据已出具", "Refunded %s (refund no. %s); refund receipt issued"},
	msgRefClosedExplain:   {"微信关闭了这笔退款，钱没有退出（%s）。可以重新发起。", "WeChat closed this refund; no money moved (%s). You may try again."},
	msgRefAbnormalExplain: {"退款异常（如顾客银行卡已注销）：请在微信支付商户平台处理", "Refund abnormal (e.g. the customer's card is closed): handle it in the WeChat Pay merchant platform"},
	msgRefPrinted:         {"退款收据 %s 已打印", "Refund receipt %s printed"},

	msgForceTitle:         {"待确认支付", "Payments in doubt"},
	msgForceExplain:       {"这些支付网络异常，结果未知，系统仍在向微信查询。请先核实（顾客手机的支付记录、商户平台），再选择：强制成功＝记为已收款；强制撤销＝撤销/关闭订单，如已扣款会原路退回。", "The network failed during these payments and the outcome is unknown; the terminal keeps asking WeChat. Check first (the customer's payment record, the merchant platform), then: force paid records the money as received; force void reverses/closes the order and returns any money taken."},
	msgForceNone:          {"没有待确认的支付", "No payments in doubt"},
	msgForceReasonSeen:    {"已查看顾客支付成功记录", "Saw the customer's successful payment"},
	msgForceReasonNotPaid: {"顾客确认未付款", "Customer confirms not paid"},
	msgForceReasonCash:    {"顾客改用现金支付", "Customer paid cash instead"},
	msgForceConflict:      {"单号冲突：此订单号属于另一笔支付，本笔没有收款 — 按强制撤销确认", "Number conflict: this order number belongs to another payment and this sale is not paid — press force void to acknowledge it"},
	msgForceDone:          {"%s 已处理：%s", "%s done: %s"},

	msgDayTitle:          {"开班 / 日结", "Open / close the day"},
	msgDayBadDay:         {"日期格式：2026-11-26", "Day format: 2026-11-26"},
	msgDayBusinessDay:    {"现在的销售计入营业日 %s", "Sales now go to business day %s"},
	msgDayOpenCard:       {"开班", "Open the day"},
	msgDayFloat:          {"备用金（元）", "Opening float (yuan)"},
	msgDayOpen:           {"开班", "Open"},
	msgDayOpened:         {"已开班，备用金 %s", "Day opened with a float of %s"},
	msgDayCashCard:       {"现金存入 / 支出", "Cash in / out"},
	msgDayCashIn:         {"存入", "Cash in"},
	msgDayCashOut:        {"支出（经理）", "Cash out (manager)"},
	msgDayMoved:          {"已记录", "Recorded"},
	msgDayCloseCard:      {"报表", "Reports"},
	msgDayX:              {"X 报表（不清零）", "X report (no reset)"},
	msgDayZ:              {"日结 Z 报表（经理）", "Close day: Z report (manager)"},
	msgDayZAsk:           {"日结 %s：日结后当天的销售和现金不能再修改；实点现金 %s。请核对，再按一次日结（或 Enter）确认，Esc 取消", "Close %s: after this the day's sales and cash cannot change; counted cash %s. Check, then press close again (or Enter) to confirm; Esc to cancel"},
	msgDayZConfirm:       {"确认日结（经理）", "Confirm close (manager)"},
	msgDayClosing:        {"正在日结，生成 Z 报表…", "Closing the day, making the Z report…"},
	msgDayCounted:        {"实点现金（元）", "Counted cash (yuan)"},
	msgDayCountedHint:    {"不填＝未清点", "empty = not counted"},
	msgDayClosed:         {"日结完成：Z 报表 No.%06d", "Day closed: Z report No.%06d"},
	msgDayStateOpen:      {"营业中：%s %s 开班，备用金 %s", "Open: by %s at %s, float %s"},
	msgDayStateClosed:    {"已日结：Z No.%06d，%s %s", "Closed: Z No.%06d by %s at %s"},
	msgDayStateNone:      {"尚未开班", "Not opened"},
	msgDayXTitle:         {"X 报表 %s（截至 %s）", "X report %s (as of %s)"},
	msgDayZTitle:         {"Z 报表 No.%06d · %s", "Z report No.%06d · %s"},
	msgDaySummary:        {"销售 %d 笔 %s，退款 %d 笔 %s，净额 %s；应有现金 %s。", "Sales %d for %s, refunds %d for %s, net %s; expected cash %s."},
	msgDayDiff:           {"实点 %s，差额 %s。", "Counted %s, difference %s."},
	msgDayPending:        {"%d 笔待确认未计入。", "%d pending, not in the totals."},
	msgDayLive:           {"（已日结：此为实时数据，以 Z 报表为准）", "(day closed: live figures; the Z report stands)"},
	msgDayChart:          {"分时销售额", "Sales by hour"},
	msgDayExport:         {"导出 CSV", "Export CSV"},
	msgDayExported:       {"已导出：%s", "Exported: %s"},
	msgDayLate:           {"注意：日结后该日又有 %d 笔销售、%d 笔退款（净额 %s），未计入 Z 报表，请核对", "Note: after the Z, %d more sales and %d refunds (net %s) landed on this day; they are in no Z report: check them"},
	msgDayErrClosed:      {"该日已日结，不能再修改", "This day is closed and cannot change"},
	msgDayErrNotOpen:     {"请先开班", "Open the day first"},
	msgDayErrAlreadyOpen: {"该日已开班", "The day is already open"},
	msgRptSales:          {"销售额", "Sales"},
	msgRptRefunds:        {"退款", "Refunds"},
	msgRptNet:            {"净额", "Net"},
	msgRptCount:          {"笔数（销售/退款）", "Count (sales/refunds)"},
	msgRptCounts:         {"%d / %d", "%d / %d"},
	msgRptTotal:          {"合计", "Total"},
	msgRptFloat:          {"备用金", "Opening float"},
	msgRptCashIn:         {"现金存入", "Cash in"},
	msgRptCashOut:        {"现金支出", "Cash out"},
	msgRptExpected:       {"应有现金", "Expected cash"},
	msgRptCounted:        {"实点现金", "Counted cash"},
	msgRptDiff:           {"差额（长款+ / 短款-）", "Difference (over + / short -)"},
	msgRptNotCounted:     {"未清点", "not counted"},
	msgRptMoves:          {"现金存入 / 支出明细", "Cash movements"},
	msgRptPending:        {"待确认（未计入金额）", "Pending (not in the totals)"},
	msgZRow:              {"No.%06d  %s  净额 %s", "No.%06d  %s  net %s"},
	msgZNone:             {"还没有 Z 报表", "No Z reports yet"},

	msgSetMerchant:     {"商户", "Merchant"},
	msgSetModeTraining: {"训练模式", "Training"},
	msgSetModeV3:       {"API v3", "API v3"},
	msgSetModeV2:       {"API v2", "API v2"},
	msgSetStoreID:      {"门店编号", "Store ID"},
	msgSetStoreName:    {"门店名称", "Store name"},
	msgSetTerminal:     {"终端编号", "Terminal ID"},
	msgSetMchID:        {"商户号", "Merchant ID"},
	msgSetSerial:       {"证书序列号", "Certificate serial"},
	msgSetKeyFile:      {"商户私钥文件", "Private key file"},
	msgSetV3Key:        {"APIv3 密钥文件", "APIv3 key file"},
	msgSetPubID:        {"微信支付公钥 ID", "WeChat Pay public key ID"},
	msgSetPubFile:      {"微信支付公钥文件", "WeChat Pay public key file"},
	msgSetAPIKey:       {"API 密钥文件（v2）", "API key file (v2)"},
	msgSetCertFile:     {"API 证书文件", "API certificate file"},
	msgSetClientKey:    {"API 证书私钥", "API certificate key"},
	msgSetCheckKeys:    {"检查密钥文件", "Check key files"},
	msgSetNoChecks:     {"无需检查", "Nothing to check"},
	msgSetDevices:      {"设备", "Devices"},
	msgSetPort:         {"扫码枪串口", "Scanner port"},
	msgSetBaud:         {"波特率", "Baud"},
	msgSetScanTest:     {"扫码测试", "Test scan"},
	msgSetScanTestHint: {"在此扫描任意付款码", "Scan any payment code here"},
	msgSetScanOK:       {"收到 %s：有效的微信付款码", "Got %s: a valid WeChat payment code"},
	msgSetScanBad:      {"收到 %s（%d 位）：不是微信付款码", "Got %s (%d chars): not a WeChat payment code"},
	msgSetPrinter:      {"打印机", "Printer"},
	msgSetWidth:        {"纸宽", "Paper"},
	msgSetTestPrint:    {"打印测试页", "Test print"},
	msgSetSave:         {"保存", "Save"},
	msgSetSaved:        {"已保存；商户和设备设置重启后生效", "Saved; merchant and device settings apply after a restart"},

	msgAudAll:       {"全部", "All"},
	msgAudLogins:    {"登录与 PIN", "Logins and PINs"},
	msgAudOverrides: {"经理授权", "Overrides"},
	msgAudRefunds:   {"退款", "Refunds"},
	msgAudForce:     {"强制处理", "Force actions"},
	msgAudDay:       {"开班 / 日结", "Day open/close"},
	msgAudSettings:  {"设置变更", "Settings changes"},
	msgAudPayments:  {"支付状态", "Payments"},
	msgAudWho:       {"人员", "Who"},
	msgAudText:      {"订单号 / 内容", "Order no. / text"},
	msgAudApply:     {"筛选", "Filter"},
	msgAudCount:     {"%d 条（最新在前）", "%d events (newest first)"},
}
