package ui

// Message keys of the sign-in, lock and shift (交班) screens.
const (
	msgTillSignInTitle  msg = "till.signInTitle"
	msgTillSignInHint   msg = "till.signInHint"
	msgTillName         msg = "till.name"
	msgTillPIN          msg = "till.pin"
	msgTillFloat        msg = "till.float"
	msgTillSignIn       msg = "till.signIn"
	msgTillNeedName     msg = "till.needName"
	msgTillNoShift      msg = "till.noShift"
	msgTillShiftOpen    msg = "till.shiftOpen"
	msgTillNotCard      msg = "till.notCard"
	msgTillUnknownCard  msg = "till.unknownCard"
	msgTillLockedTitle  msg = "till.lockedTitle"
	msgTillLockedHint   msg = "till.lockedHint"
	msgTillLockedBy     msg = "till.lockedBy"
	msgTillUnlock       msg = "till.unlock"
	msgTillSwitch       msg = "till.switch"
	msgTillLock         msg = "till.lock"
	msgTillWrongCashier msg = "till.wrongCashier"
	msgTillCashier      msg = "till.cashier"
	msgTillShiftKey     msg = "till.shiftKey"
	msgTillErrSignIn    msg = "till.err.signIn"
	msgTillErrLocked    msg = "till.err.locked"
	msgTillErrNoShift   msg = "till.err.noShift"
	msgTillErrShiftOpen msg = "till.err.shiftOpen"
	msgTillErrWrong     msg = "till.err.wrongCashier"

	msgShiftTitle        msg = "shift.title"
	msgShiftInfo         msg = "shift.info"
	msgShiftX            msg = "shift.x"
	msgShiftSalesRefunds msg = "shift.salesRefunds"
	msgShiftTotal        msg = "shift.total"
	msgShiftNet          msg = "shift.net"
	msgShiftByCashier    msg = "shift.byCashier"
	msgShiftFloat        msg = "shift.float"
	msgShiftCashIn       msg = "shift.cashIn"
	msgShiftCashOut      msg = "shift.cashOut"
	msgShiftExpected     msg = "shift.expected"
	msgShiftCounted      msg = "shift.counted"
	msgShiftVariance     msg = "shift.variance"
	msgShiftBalanced     msg = "shift.balanced"
	msgShiftShort        msg = "shift.short"
	msgShiftOver         msg = "shift.over"
	msgShiftCountTitle   msg = "shift.countTitle"
	msgShiftCount        msg = "shift.count"
	msgShiftBy           msg = "shift.by"
	msgShiftHandover     msg = "shift.handover"
	msgShiftNextHint     msg = "shift.nextHint"
	msgShiftFloatLeft    msg = "shift.floatLeft"
	msgShiftClose        msg = "shift.close"
	msgShiftNeedCount    msg = "shift.needCount"
	msgShiftDone         msg = "shift.done"
	msgShiftClosedInfo   msg = "shift.closedInfo"
	msgShiftClosedNoNext msg = "shift.closedNoNext"
	msgShiftHandedTo     msg = "shift.handedTo"
)

var tillMessages = map[msg]translation{
	msgTillSignInTitle:  {"收银员登录", "Cashier sign-in"},
	msgTillSignInHint:   {"输入姓名和密码，或扫员工卡后输入密码", "Type your name and PIN, or scan your staff card and type your PIN"},
	msgTillName:         {"姓名", "Name"},
	msgTillPIN:          {"密码 (PIN)", "PIN"},
	msgTillFloat:        {"备用金（开班放入钱箱的现金，元）", "Float (cash put in the drawer to start, yuan)"},
	msgTillSignIn:       {"登录 Enter", "Sign in Enter"},
	msgTillNeedName:     {"请输入姓名或扫员工卡", "Type a name or scan a staff card"},
	msgTillNoShift:      {"没有当班的班次：登录即开班，请清点钱箱里的备用金。", "No shift is open: signing in opens one — count the float in the drawer."},
	msgTillShiftOpen:    {"当前班次：第 %d 班（%s，%s 开班，备用金 %s）。登录即接着这一班收款（换人不交班）。", "Shift %d is open (%s, since %s, float %s). Signing in sells in it (a switch, the shift stays open)."},
	msgTillNotCard:      {"这不是员工卡", "That is not a staff card"},
	msgTillUnknownCard:  {"员工卡无效：没有这名员工，或已停用", "Staff card not recognised: no such user, or disabled"},
	msgTillLockedTitle:  {"已锁屏", "Till locked"},
	msgTillLockedHint:   {"本人输入密码解锁，或店长输入自己的姓名和密码", "The cashier's PIN unlocks it, or a manager's name and PIN"},
	msgTillLockedBy:     {"收银员 %s 已锁屏", "Locked — cashier %s"},
	msgTillUnlock:       {"解锁 Enter", "Unlock Enter"},
	msgTillSwitch:       {"换人 F2", "Switch F2"},
	msgTillLock:         {"锁屏 F8", "Lock F8"},
	msgTillWrongCashier: {"只有 %s 本人或店长可以解锁；换人请按 F2", "Only %s or a manager can unlock; press F2 to switch cashier"},
	msgTillCashier:      {"收银员 %s · 第 %d 班", "Cashier %s · shift %d"},
	msgTillShiftKey:     {"交班 F11", "Shift F11"},
	msgTillErrSignIn:    {"请先登录收银员，再收款或退款", "Sign a cashier in before selling or refunding"},
	msgTillErrLocked:    {"收银台已锁屏：请先解锁", "The till is locked: unlock it first"},
	msgTillErrNoShift:   {"没有当班的班次", "No shift is open"},
	msgTillErrShiftOpen: {"还有班次没有交班：请先交班", "A shift is still open: close it first (交班)"},
	msgTillErrWrong:     {"只有当班收银员本人或店长可以这样做", "Only the cashier signed in or a manager may do this"},

	msgShiftTitle:        {"班次 · 交班", "Shift · close (交班)"},
	msgShiftInfo:         {"第 %d 班 · %s · %s 开班 · 备用金 %s", "Shift %d · %s · opened %s · float %s"},
	msgShiftX:            {"当班报表 (X)", "Shift report (X)"},
	msgShiftSalesRefunds: {"收 %d 笔 %s · 退 %d 笔 %s", "%d sales %s · %d refunds %s"},
	msgShiftTotal:        {"合计", "Total"},
	msgShiftNet:          {"净额 %s", "net %s"},
	msgShiftByCashier:    {"按收银员", "By cashier"},
	msgShiftFloat:        {"备用金", "Float"},
	msgShiftCashIn:       {"存入现金", "Cash in"},
	msgShiftCashOut:      {"取出现金", "Cash out"},
	msgShiftExpected:     {"应有现金", "Expected cash"},
	msgShiftCounted:      {"清点现金", "Counted cash"},
	msgShiftVariance:     {"差额", "Variance"},
	msgShiftBalanced:     {"相符", "balanced"},
	msgShiftShort:        {"短款 %s", "short %s"},
	msgShiftOver:         {"长款 %s", "over %s"},
	msgShiftCountTitle:   {"盲点钱箱", "Blind count"},
	msgShiftCount:        {"钱箱里的现金（元）：先点钞，再看应有金额", "Cash in the drawer (yuan): count it first, the expected amount comes after"},
	msgShiftBy:           {"交班人姓名和密码（本人或店长）", "Closed by: name and PIN (the cashier or a manager)"},
	msgShiftHandover:     {"交接给下一位（可不填）", "Hand over to (optional)"},
	msgShiftNextHint:     {"下一位收银员", "Next cashier"},
	msgShiftFloatLeft:    {"留在钱箱的备用金（元）", "Float left in the drawer (yuan)"},
	msgShiftClose:        {"交班 Enter", "Close shift Enter"},
	msgShiftNeedCount:    {"请输入点钞金额", "Type the counted cash"},
	msgShiftDone:         {"完成 Enter", "Done Enter"},
	msgShiftClosedInfo:   {"第 %d 班（%s）已交班。", "Shift %d (%s) is closed."},
	msgShiftClosedNoNext: {"请下一位收银员登录。", "The next cashier signs in."},
	msgShiftHandedTo:     {"已交接给 %s，新班次已开。", "Handed over to %s: their shift is open."},
}
