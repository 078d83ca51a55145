package ui

import (
	"strings"

	"github.com/wxpos/wxpos/internal/ident"
)

// The payment core writes why it moved an order or a refund in English
// ("refund query: SUCCESS", "password wait timed out"): words for the log
// and the CSV, which a manager in zh-CN cannot be expected to read. The
// audit detail says the reasons it knows in the catalogue's words and
// keeps the core's text as a technical line under them. A person's reason
// (a refund's, a force action's) is shown as typed.
const (
	msgAudWhyQuery           msg = "aud.why.query"
	msgAudWhyRefundQuery     msg = "aud.why.refundQuery"
	msgAudWhyRefundAccepted  msg = "aud.why.refundAccepted"
	msgAudWhyRefundRefused   msg = "aud.why.refundRefused"
	msgAudWhyUserPaying      msg = "aud.why.userPaying"
	msgAudWhyPasswordTimeout msg = "aud.why.passwordTimeout"
	msgAudWhyCancelled       msg = "aud.why.cancelled"
	msgAudWhyQRExpired       msg = "aud.why.qrExpired"
	msgAudWhyNoAnswer        msg = "aud.why.noAnswer"
	msgAudWhyResumed         msg = "aud.why.resumed"
	msgAudWhyReversed        msg = "aud.why.reversed"
	msgAudWhyReverseRefused  msg = "aud.why.reverseRefused"
	msgAudWhyNotAtWeChat     msg = "aud.why.notAtWeChat"
	msgAudWhyClosed          msg = "aud.why.closed"
	msgAudWhyClosedExpired   msg = "aud.why.closedExpired"
	msgAudWhyClosing         msg = "aud.why.closing"
	msgAudWhyCloseOrderPaid  msg = "aud.why.closeOrderPaid"
	msgAudWhyNumberUsed      msg = "aud.why.numberUsed"
	msgAudWhyUnexpected      msg = "aud.why.unexpected"
	msgAudWhyDeclined        msg = "aud.why.declined"
	msgAudFieldTechnical     msg = "aud.field.technical"
)

var auditReasonMessages = map[msg]translation{
	msgAudWhyQuery:           {"微信查询结果：%s", "WeChat's answer to a query: %s"},
	msgAudWhyRefundQuery:     {"退款查询结果：%s", "Refund query answered: %s"},
	msgAudWhyRefundAccepted:  {"微信已受理退款：%s", "WeChat accepted the refund: %s"},
	msgAudWhyRefundRefused:   {"微信拒绝退款：%s", "WeChat refused the refund: %s"},
	msgAudWhyUserPaying:      {"顾客需要输入密码", "The customer has to enter the password"},
	msgAudWhyPasswordTimeout: {"顾客没有在时限内输入密码，撤销订单", "The customer did not enter the password in time; the order is reversed"},
	msgAudWhyCancelled:       {"收银员取消了收款", "The cashier cancelled the payment"},
	msgAudWhyQRExpired:       {"二维码已过期，关闭订单", "The QR code expired; the order is closed"},
	msgAudWhyNoAnswer:        {"密码等待结束时微信仍未回答", "WeChat had not answered by the end of the password wait"},
	msgAudWhyResumed:         {"收银程序重启后继续处理", "Picked up again after the till restarted"},
	msgAudWhyReversed:        {"撤销成功", "Reversed"},
	msgAudWhyReverseRefused:  {"微信拒绝撤销，查询结果：%s", "WeChat refused the reverse; a query answered: %s"},
	msgAudWhyNotAtWeChat:     {"微信没有这笔订单", "WeChat has no such order"},
	msgAudWhyClosed:          {"订单已关闭", "The order is closed"},
	msgAudWhyClosedExpired:   {"订单已关闭（二维码已过期）", "The order is closed (the QR code expired)"},
	msgAudWhyClosing:         {"没有支付，正在关闭订单", "Not paid; closing the order"},
	msgAudWhyCloseOrderPaid:  {"关闭订单时微信回答：已支付", "Asked to close, WeChat answered: already paid"},
	msgAudWhyNumberUsed:      {"订单号在微信已被占用，正在核对是哪笔订单", "WeChat already has this order number; checking whose order it is"},
	msgAudWhyUnexpected:      {"微信回答了意外的状态：%s", "WeChat answered an unexpected state: %s"},
	msgAudWhyDeclined:        {"微信拒绝：%s", "WeChat declined: %s"},
	msgAudFieldTechnical:     {"技术详情", "Technical detail"},

	// WeChat's trade states as a query answers them.
	"aud.wx.SUCCESS":    {"已支付", "paid"},
	"aud.wx.REFUND":     {"已转入退款", "refund started"},
	"aud.wx.NOTPAY":     {"未支付", "not paid"},
	"aud.wx.CLOSED":     {"已关闭", "closed"},
	"aud.wx.REVOKED":    {"已撤销", "reversed"},
	"aud.wx.USERPAYING": {"等待输入密码", "waiting for the password"},
	"aud.wx.PAYERROR":   {"支付失败", "payment failed"},
}

// auditReasons are the core's fixed reasons, by their text.
var auditReasons = map[string]msg{
	"USERPAYING":              msgAudWhyUserPaying,
	"query: USERPAYING":       msgAudWhyUserPaying,
	"password wait timed out": msgAudWhyPasswordTimeout,
	"cashier cancelled":       msgAudWhyCancelled,
	"QR expired":              msgAudWhyQRExpired,
	"no answer by the end of the password wait": msgAudWhyNoAnswer,
	"reverse succeeded":                         msgAudWhyReversed,
	"reverse: order does not exist at WeChat":   msgAudWhyNotAtWeChat,
	"close: order does not exist at WeChat":     msgAudWhyNotAtWeChat,
	"closed":                                    msgAudWhyClosed,
	"closed and past time_expire":               msgAudWhyClosedExpired,
	"not paid: closing":                         msgAudWhyClosing,
	"close answered ORDERPAID":                  msgAudWhyCloseOrderPaid,
}

// auditReasonPrefixes are the core's reasons that end in a WeChat word:
// the message, and how that word is said.
var auditReasonPrefixes = []struct {
	prefix string
	m      msg
	word   func(t *Terminal, w string) string
}{
	{"resumed after restart", msgAudWhyResumed, nil},
	{"OUT_TRADE_NO_USED", msgAudWhyNumberUsed, nil},
	{"refund query: ", msgAudWhyRefundQuery, (*Terminal).refundWord},
	{"refund accepted: ", msgAudWhyRefundAccepted, (*Terminal).refundWord},
	{"refund refused: ", msgAudWhyRefundRefused, (*Terminal).codeWord},
	{"reverse refused, query: ", msgAudWhyReverseRefused, (*Terminal).tradeWord},
	{"query: ", msgAudWhyQuery, (*Terminal).tradeWord},
	{"unexpected pay status ", msgAudWhyUnexpected, (*Terminal).tradeWord},
}

// isWeChatCode reports a bare WeChat error code (ORDERPAID, USERPAYING…),
// the reason of a declined payment: an upper-case letter, then upper-case
// letters and underscores.
func isWeChatCode(s string) bool {
	return len(s) >= 2 && 'A' <= s[0] && s[0] <= 'Z' && ident.Run(s, 2, len(s), upperOrUnderscore)
}

var upperOrUnderscore = ident.Bytes("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")

// systemReason says a reason the payment core wrote in the catalogue's
// words; false for a person's reason or one it does not know.
func (t *Terminal) systemReason(e AuditEvent) (string, bool) {
	if e.Actor != "system" || e.Reason == "" {
		return "", false
	}
	if m, ok := auditReasons[e.Reason]; ok {
		return t.cat.T(m), true
	}
	for _, p := range auditReasonPrefixes {
		rest, ok := strings.CutPrefix(e.Reason, p.prefix)
		if !ok {
			continue
		}
		if p.word == nil {
			return t.cat.T(p.m), true
		}
		return t.cat.T(p.m, p.word(t, rest)), true
	}
	if isWeChatCode(e.Reason) {
		return t.cat.T(msgAudWhyDeclined, t.codeWord(e.Reason)), true
	}
	return "", false
}

// tradeWord says a WeChat trade state; one it does not know as it came.
func (t *Terminal) tradeWord(w string) string {
	if m := msg("aud.wx." + w); hasText(m) {
		return t.cat.T(m)
	}
	return w
}

// refundWord says a WeChat refund state.
func (t *Terminal) refundWord(w string) string {
	if m := msg("aud.rst." + w); hasText(m) {
		return t.cat.T(m)
	}
	return w
}

// codeWord says a WeChat error code as the payment screens do.
func (t *Terminal) codeWord(code string) string {
	if m := reasonMsg(Reason(code)); m != msgReasonOther {
		return t.cat.T(m)
	}
	return code
}
