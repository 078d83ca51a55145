package ui

import "github.com/wxpos/wxpos/custdisplay"

// Message keys of the customer window. It shows Chinese and English at
// once (the customer picks no language), so each is looked up in both.
const (
	msgCustTitle    msg = "cust.title"
	msgCustWelcome  msg = "cust.welcome"
	msgCustItems    msg = "cust.items"
	msgCustItem     msg = "cust.item"
	msgCustTotal    msg = "cust.total"
	msgCustAskCode  msg = "cust.askCode"
	msgCustPaying   msg = "cust.paying"
	msgCustPassword msg = "cust.password"
	msgCustScanQR   msg = "cust.scanQR"
	msgCustLeft     msg = "cust.left"
	msgCustPaid     msg = "cust.paid"
	msgCustThanks   msg = "cust.thanks"
	msgCustFailed   msg = "cust.failed"
	msgCustCash     msg = "cust.cash"
	msgCustChange   msg = "cust.change"

	msgCustWhyBalance     msg = "cust.why.balance"
	msgCustWhyCodeExpired msg = "cust.why.codeExpired"
	msgCustWhyCodeInvalid msg = "cust.why.codeInvalid"
	msgCustWhyCard        msg = "cust.why.card"
	msgCustWhyNoPassword  msg = "cust.why.noPassword"
	msgCustWhyQRExpired   msg = "cust.why.qrExpired"
	msgCustWhyCancelled   msg = "cust.why.cancelled"
	msgCustWhyDeclined    msg = "cust.why.declined"
	msgCustWhyOther       msg = "cust.why.other"
)

// customerMessages are the customer window's texts: said to the customer,
// not the cashier (the cashier's screen says "ask for another card", the
// customer's "insufficient balance").
var customerMessages = map[msg]translation{
	msgCustTitle:    {"wxpos 顾客显示", "wxpos customer display"},
	msgCustWelcome:  {"欢迎光临", "Welcome"},
	msgCustItems:    {"您的商品", "Your items"},
	msgCustItem:     {"商品 %d", "Item %d"},
	msgCustTotal:    {"合计", "Total"},
	msgCustAskCode:  {"请出示付款码", "Please show your payment code"},
	msgCustPaying:   {"正在支付，请稍候", "Paying, please wait"},
	msgCustPassword: {"请在手机上输入支付密码", "Please enter your password on your phone"},
	msgCustScanQR:   {"请用微信扫码付款", "Scan with WeChat to pay"},
	msgCustLeft:     {"剩余 %d:%02d", "%d:%02d left"},
	msgCustPaid:     {"支付成功", "Payment successful"},
	msgCustThanks:   {"谢谢惠顾", "Thank you"},
	msgCustFailed:   {"支付失败", "Payment failed"},
	msgCustCash:     {"收您现金 %s", "Cash received %s"},
	msgCustChange:   {"找零", "Your change"},

	msgCustWhyBalance:     {"余额不足，请换一张卡或换一种方式付款", "Insufficient balance — please use another card or way to pay"},
	msgCustWhyCodeExpired: {"付款码已过期，请刷新后再出示", "Your payment code expired — please refresh it"},
	msgCustWhyCodeInvalid: {"付款码无效，请刷新后再出示", "The payment code is not valid — please refresh it"},
	msgCustWhyCard:        {"此卡不能用于本次付款，请换一张卡", "This card cannot be used — please choose another"},
	msgCustWhyNoPassword:  {"未输入支付密码，本次支付已撤销", "No password entered — the payment was cancelled"},
	msgCustWhyQRExpired:   {"二维码已过期", "The QR code expired"},
	msgCustWhyCancelled:   {"本次支付已取消", "The payment was cancelled"},
	msgCustWhyDeclined:    {"交易被拒绝，请换一种方式付款", "Declined — please use another way to pay"},
	msgCustWhyOther:       {"支付未成功，请咨询收银员", "The payment did not go through — please ask the cashier"},
}

// whyMessages says each custdisplay.Why to the customer.
var whyMessages = map[custdisplay.Why]msg{
	custdisplay.WhyBalance:     msgCustWhyBalance,
	custdisplay.WhyCodeExpired: msgCustWhyCodeExpired,
	custdisplay.WhyCodeInvalid: msgCustWhyCodeInvalid,
	custdisplay.WhyCard:        msgCustWhyCard,
	custdisplay.WhyNoPassword:  msgCustWhyNoPassword,
	custdisplay.WhyQRExpired:   msgCustWhyQRExpired,
	custdisplay.WhyCancelled:   msgCustWhyCancelled,
	custdisplay.WhyDeclined:    msgCustWhyDeclined,
	custdisplay.WhyOther:       msgCustWhyOther,
}
