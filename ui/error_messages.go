package ui

// Message keys of errors, chosen by Terminal.errorText from the error's type
// or sentinel. Each says what happened and what to do.
const (
	msgErrUnexpected   msg = "err.unexpected"
	msgErrCodeUsed     msg = "err.codeUsed"
	msgErrNumberUsed   msg = "err.numberUsed"
	msgErrDiskFull     msg = "err.diskFull"
	msgErrNotRecorded  msg = "err.notRecorded"
	msgErrNotPaid      msg = "err.notPaid"
	msgErrBadAmount    msg = "err.badAmount"
	msgErrBadRequest   msg = "err.badRequest"
	msgErrNotFound     msg = "err.notFound"
	msgErrChanged      msg = "err.changed"
	msgErrClosed       msg = "err.closed"
	msgErrNetwork      msg = "err.network"
	msgErrUserDisabled msg = "err.userDisabled"
	msgErrSetupDone    msg = "err.setupDone"
	msgErrNoUsers      msg = "err.noUsers"
	msgErrBadName      msg = "err.badName"
	msgErrUserExists   msg = "err.userExists"
	msgErrLastManager  msg = "err.lastManager"
	msgErrNoZ          msg = "err.noZ"
	msgErrBillNotReady msg = "err.billNotReady"
	msgErrBillNoTrades msg = "err.billNoTrades"
	msgErrBadBill      msg = "err.badBill"
	msgErrNoBill       msg = "err.noBill"
	msgErrResolved     msg = "err.resolved"
	msgErrReconOff     msg = "err.reconOff"
	msgErrQRNoNotify   msg = "err.qrNoNotify"
)

var errorMessages = map[msg]translation{
	msgErrQRNoNotify: {"二维码收款需要本店的支付通知地址：请经理在 config.toml 的 [notify] url 填写公网 https 地址 — 付款码和现金收款不受影响",
		"QR payments need this store's notification address: a manager sets [notify] url (public https) in config.toml — scan and cash payments still work"},
	msgErrUnexpected: {"操作没有完成（参考号 %s）— 请重试；如果再次出现，请把参考号告诉经理",
		"That did not work (reference %s) — try again; if it happens again, give the manager this reference"},
	msgErrCodeUsed: {"这个付款码已经用过 — 请顾客刷新付款码后重新扫码",
		"This payment code was already used — ask the customer to refresh it, then scan again"},
	msgErrNumberUsed: {"订单号在微信已被占用，本笔没有扣款 — 请重新收款；如再次出现请告知经理",
		"WeChat already has this order number; nothing was charged — take the payment again; tell the manager if it repeats"},
	msgErrDiskFull: {"磁盘空间不足，本机无法记录支付，没有扣款 — 请先收现金或清理磁盘空间",
		"The disk is full, so this till cannot record payments; nothing was charged — take cash or free disk space first"},
	msgErrNotRecorded: {"微信的结果未能记录到本机 — 请勿重复收款；清理磁盘空间后运行 wxpos recover",
		"WeChat's answer could not be recorded on this till — do not charge again; free disk space, then run wxpos recover"},
	msgErrNotPaid:      {"这笔交易没有支付成功，不能退款", "This sale was not paid, so it cannot be refunded"},
	msgErrBadAmount:    {"金额不对：请输入大于 0、最多两位小数的金额", "Bad amount: enter more than 0, with at most two decimals"},
	msgErrBadRequest:   {"这笔交易无法提交：请检查金额和付款码后重试", "This sale cannot be sent: check the amount and the payment code, then try again"},
	msgErrNotFound:     {"没有找到 — 请核对单号后重试", "Not found — check the number and try again"},
	msgErrChanged:      {"这笔交易刚刚有了变化 — 请返回后重新打开查看", "This sale changed a moment ago — go back and open it again"},
	msgErrClosed:       {"收银程序正在关闭 — 请重新启动后再试", "The till is shutting down — restart it, then try again"},
	msgErrNetwork:      {"网络不通或微信没有及时回应 — 请检查网络后重试", "No network or WeChat did not answer in time — check the network, then try again"},
	msgErrUserDisabled: {"此人员已停用，不能授权", "This person is disabled and cannot approve"},
	msgErrSetupDone:    {"经理已经设置过 — 请用经理 PIN 登录", "The manager is already set up — use the manager PIN"},
	msgErrNoUsers:      {"还没有经理 — 请先在经理功能中设置第一位经理", "No manager yet — set up the first manager in the manager menu"},
	msgErrBadName:      {"姓名需 1–32 个可见字符", "A name is 1–32 printable characters"},
	msgErrUserExists:   {"已有同名人员 — 请换一个姓名", "Someone already has this name — choose another"},
	msgErrLastManager:  {"这是最后一位经理，不能删除或降级", "This is the last manager and cannot be removed or demoted"},
	msgErrNoZ:          {"没有这张 Z 报表", "No such Z report"},
	msgErrBillNotReady: {"微信还没有生成这一天的账单（通常次日 10 点后）— 请稍后再试", "WeChat has not made this day's bill yet (usually after 10:00 the next day) — try later"},
	msgErrBillNoTrades: {"微信没有这一天的交易，没有账单", "WeChat has no trades on this day, so there is no bill"},
	msgErrBadBill:      {"微信的账单无法读取 — 请稍后重新下载；如再次出现请告知经理", "WeChat's bill does not read — download it again later; tell the manager if it repeats"},
	msgErrNoBill:       {"这一天还没有对账 — 请先下载账单", "This day is not reconciled yet — download the bill first"},
	msgErrResolved:     {"这条差异已经处理过", "This difference is already resolved"},
	msgErrReconOff:     {"本机未接入对账（没有连接微信）", "Reconciliation is not connected on this till (no WeChat connection)"},
}
