package ui

// Texts of the audit trail: what each event kind is called, the names of
// the states a transition moves between, and the labels of an event's
// fields. Keys are built from the stored names ("aud.kind." + kind), so a
// kind without a text shows the generic name (TestAuditNamesEveryKind).
const (
	msgAudKindOther  msg = "aud.kindOther"
	msgAudDetail     msg = "aud.detail"
	msgAudPeriod     msg = "aud.period"
	msgAudToday      msg = "aud.today"
	msgAudYesterday  msg = "aud.yesterday"
	msgAudLast7      msg = "aud.last7"
	msgAudThisMonth  msg = "aud.thisMonth"
	msgAudFrom       msg = "aud.from"
	msgAudTo         msg = "aud.to"
	msgAudFieldTime  msg = "aud.f.time"
	msgAudFieldKind  msg = "aud.f.kind"
	msgAudFieldActor msg = "aud.f.actor"
	msgAudFieldRef   msg = "aud.f.ref"
	msgAudFieldMove  msg = "aud.f.move"
	msgAudFieldWhy   msg = "aud.f.reason"
	msgAudMove       msg = "aud.move"
	msgAudYes        msg = "aud.yes"
	msgAudNo         msg = "aud.no"
)

var auditMessages = map[msg]translation{
	msgAudKindOther:  {"其他事件", "Other event"},
	msgAudDetail:     {"事件详情 · No.%d", "Event No.%d"},
	msgAudPeriod:     {"时间范围", "Period"},
	msgAudToday:      {"今天", "Today"},
	msgAudYesterday:  {"昨天", "Yesterday"},
	msgAudLast7:      {"近 7 天", "Last 7 days"},
	msgAudThisMonth:  {"本月", "This month"},
	msgAudFrom:       {"从 2026-11-01", "From 2026-11-01"},
	msgAudTo:         {"到 2026-11-30", "To 2026-11-30"},
	msgAudFieldTime:  {"时间", "Time"},
	msgAudFieldKind:  {"事件", "Event"},
	msgAudFieldActor: {"人员", "By"},
	msgAudFieldRef:   {"对象", "Concerning"},
	msgAudFieldMove:  {"状态", "State"},
	msgAudFieldWhy:   {"原因", "Reason"},
	msgAudMove:       {"由 %s 变为 %s", "from %s to %s"},
	msgAudYes:        {"是", "yes"},
	msgAudNo:         {"否", "no"},

	"aud.kind.order.transition":  {"支付状态变化", "Payment state changed"},
	"aud.kind.refund.transition": {"退款状态变化", "Refund state changed"},

	"aud.kind.order.force":       {"经理强制处理支付", "Manager forced a payment's outcome"},
	"aud.kind.order.cancel":      {"收银员取消支付", "Cashier cancelled a payment"},
	"aud.kind.receipt.issued":    {"出具收据", "Receipt issued"},
	"aud.kind.order.adopt":       {"记入其他收银台的交易", "Another counter's sale recorded here"},
	"aud.kind.order.acknowledge": {"收银员已看到支付结果", "Cashier saw a payment's outcome"},
	"aud.kind.order.conflict":    {"订单号冲突", "Order number conflict"},
	"aud.kind.order.recorded":    {"按微信账单补记销售", "Sale recorded from WeChat's bill"},
	"aud.kind.outbox.change":     {"后台任务队列变化", "Background queue changed"},
	"aud.kind.user.setup":        {"设置第一位经理", "First manager set up"},
	"aud.kind.user.added":        {"添加人员", "Person added"},
	"aud.kind.user.changed":      {"人员信息变更", "Person changed"},
	"aud.kind.user.login":        {"登录", "Logged in"},
	"aud.kind.user.logout":       {"退出登录", "Logged out"},
	"aud.kind.user.pin_failed":   {"PIN 错误", "Wrong PIN"},
	"aud.kind.user.locked":       {"PIN 错误过多，已锁定", "Locked after wrong PINs"},
	"aud.kind.override":          {"经理授权", "Manager approval"},
	"aud.kind.override.denied":   {"授权被拒（无此权限）", "Approval refused (role)"},
	"aud.kind.user.pin_changed":  {"修改 PIN", "PIN changed"},
	"aud.kind.settings.changed":  {"修改设置", "Settings changed"},
	"aud.kind.user.unknown_name": {"用不存在的姓名试 PIN", "PIN tried for an unknown name"},
	"aud.kind.day.open":          {"开班", "Day opened"},
	"aud.kind.day.cash_in":       {"现金存入", "Cash in"},
	"aud.kind.day.cash_out":      {"现金支出", "Cash out"},
	"aud.kind.day.close":         {"日结（Z 报表）", "Day closed (Z report)"},
	"aud.kind.till.sign_in":      {"收银员登录", "Cashier signed in"},
	"aud.kind.till.sign_out":     {"收银员退出", "Cashier signed out"},
	"aud.kind.till.switch":       {"换人（不交班）", "Cashier switched (shift stays open)"},
	"aud.kind.till.lock":         {"锁屏", "Till locked"},
	"aud.kind.till.unlock":       {"解锁", "Till unlocked"},
	"aud.kind.shift.open":        {"收银员开班", "Shift opened"},
	"aud.kind.shift.close":       {"交班", "Shift closed (交班)"},
	"aud.kind.shift.variance":    {"交班现金差额", "Shift cash variance"},
	"aud.kind.bill.stored":       {"下载微信账单", "WeChat bill stored"},
	"aud.kind.recon.run":         {"对账", "Reconciliation run"},
	"aud.kind.recon.resolve":     {"处理对账差异", "Difference resolved"},
	"aud.kind.recon.query":       {"向微信查询差异", "Difference checked with WeChat"},
	"aud.kind.db.restore":        {"恢复数据库", "Database restored"},
	"aud.kind.drawer.open":       {"打开钱箱", "Cash drawer opened"},

	"aud.st.NEW":              {"新建", "new"},
	"aud.st.SUBMITTING":       {"提交中", "submitting"},
	"aud.st.WAITING_PASSWORD": {"等待顾客输密码", "waiting for the password"},
	"aud.st.UNKNOWN":          {"结果待确认", "outcome unknown"},
	"aud.st.REVERSING":        {"撤销中", "reversing"},
	"aud.st.REVERSED":         {"已撤销", "reversed"},
	"aud.st.CREATING":         {"生成二维码", "creating the QR code"},
	"aud.st.SHOWING_QR":       {"展示二维码", "showing the QR code"},
	"aud.st.CLOSING":          {"关闭中", "closing"},
	"aud.st.CLOSED":           {"已关闭", "closed"},
	"aud.st.PAID":             {"已支付", "paid"},
	"aud.st.FAILED":           {"失败", "failed"},
	"aud.st.CONFLICT":         {"单号冲突", "number conflict"},
	"aud.rst.SUBMITTED":       {"退款已提交", "refund submitted"},
	"aud.rst.PROCESSING":      {"退款处理中", "refund processing"},
	"aud.rst.SUCCESS":         {"退款成功", "refunded"},
	"aud.rst.CLOSED":          {"退款关闭", "refund closed"},
	"aud.rst.ABNORMAL":        {"退款异常", "refund abnormal"},

	"aud.field.amount_fen":            {"金额", "Amount"},
	"aud.field.transaction_id":        {"微信交易号", "WeChat transaction ID"},
	"aud.field.refund_id":             {"微信退款号", "WeChat refund ID"},
	"aud.field.error_code":            {"微信的结果", "WeChat's answer"},
	"aud.field.receipt_no":            {"收据号", "Receipt no."},
	"aud.field.out_trade_no":          {"原订单号", "Order no."},
	"aud.field.remote_amount_fen":     {"微信端金额", "Amount at WeChat"},
	"aud.field.remote_transaction_id": {"微信端交易号", "Transaction ID at WeChat"},
	"aud.field.remote_state":          {"微信端状态", "State at WeChat"},
	"aud.field.remote_trade_type":     {"微信端交易类型", "Trade type at WeChat"},
	"aud.field.action":                {"操作", "Action"},
	"aud.field.actor":                 {"收银员", "Cashier"},
	"aud.field.approver":              {"批准人", "Approved by"},
	"aud.field.approved_by":           {"批准人", "Approved by"},
	"aud.field.z_no":                  {"Z 报表号", "Z report no."},
	"aud.field.net_fen":               {"净额", "Net"},
	"aud.field.expected_cash_fen":     {"应有现金", "Expected cash"},
	"aud.field.counted":               {"已清点现金", "Cash counted"},
	"aud.field.counted_cash_fen":      {"实点现金", "Counted cash"},
	"aud.field.diff_fen":              {"差额", "Difference"},
	"aud.field.pending":               {"待确认笔数", "Pending"},
	"aud.field.day":                   {"营业日", "Business day"},
	"aud.field.ref":                   {"单号", "Reference"},
	"aud.field.source":                {"来源", "Source"},
	"aud.field.size":                  {"大小（字节）", "Size (bytes)"},
	"aud.field.sha1":                  {"校验值", "Checksum"},
	"aud.field.differences":           {"差异数", "Differences"},
	"aud.field.open":                  {"待处理差异", "Open differences"},
	"aud.field.bill_rows":             {"账单行数", "Bill rows"},
	"aud.field.no_bill":               {"当日无账单", "No bill that day"},
}
