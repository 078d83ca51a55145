package sandbox

import "net/http"

// apiError is a business refusal, spelled for both API generations: the v2
// err_code and the v3 code with its HTTP status.
type apiError struct {
	v2     string
	v3     string
	status int
	msg    string
}

func (e *apiError) Error() string { return e.v3 + ": " + e.msg }

// with returns a copy of e carrying another description.
func (e *apiError) with(msg string) *apiError {
	c := *e
	c.msg = msg
	return &c
}

// The refusals the simulator can give. Spellings follow PROTOCOL A.6.1 (v2)
// and the first spelling of B.7 (v3).
var (
	errSystem          = &apiError{"SYSTEMERROR", "SYSTEM_ERROR", http.StatusInternalServerError, "系统超时，请立即调用被扫订单结果查询API，查询当前订单状态"}
	errUserPaying      = &apiError{"USERPAYING", "USERPAYING", http.StatusAccepted, "需要用户输入支付密码"}
	errAuthCodeInvalid = &apiError{"AUTH_CODE_INVALID", "AUTH_CODE_INVALID", http.StatusBadRequest, "请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)"}
	errAuthCodeUsed    = &apiError{"AUTH_CODE_ERROR", "AUTH_CODE_ERROR", http.StatusBadRequest, "每个二维码仅限使用一次，请刷新再试"}
	errAuthCodeExpire  = &apiError{"AUTHCODEEXPIRE", "AUTHCODEEXPIRE", http.StatusBadRequest, "二维码已过期，请用户在微信上刷新后再试"}
	errNotEnough       = &apiError{"NOTENOUGH", "NOT_ENOUGH", http.StatusForbidden, "用户的零钱余额不足，请用户换卡支付"}
	errOrderPaid       = &apiError{"ORDERPAID", "ORDERPAID", http.StatusBadRequest, "该订单已支付"}
	errOrderClosed     = &apiError{"ORDERCLOSED", "ORDER_CLOSED", http.StatusBadRequest, "订单已关闭"}
	errOrderReversed   = &apiError{"ORDERREVERSED", "ORDER_CLOSED", http.StatusBadRequest, "订单已撤销"}
	errOutTradeNoUsed  = &apiError{"OUT_TRADE_NO_USED", "OUT_TRADE_NO_USED", http.StatusForbidden, "商户订单号重复"}
	errOrderNotExist   = &apiError{"ORDERNOTEXIST", "ORDER_NOT_EXIST", http.StatusNotFound, "订单不存在"}
	errRefundOrderNone = &apiError{"ORDERNOTEXIST", "RESOURCE_NOT_EXISTS", http.StatusNotFound, "订单不存在"}
	errRefundNotExist  = &apiError{"REFUNDNOTEXIST", "RESOURCE_NOT_EXISTS", http.StatusNotFound, "退款单不存在"}
	errParam           = &apiError{"PARAM_ERROR", "PARAM_ERROR", http.StatusBadRequest, "参数错误"}
	errInvalidRequest  = &apiError{"INVALID_REQUEST", "INVALID_REQUEST", http.StatusBadRequest, "请求不合法"}
	errTradeError      = &apiError{"TRADE_ERROR", "TRADE_ERROR", http.StatusForbidden, "交易错误"}
	errReverseExpire   = &apiError{"REVERSE_EXPIRE", "REVERSE_EXPIRE", http.StatusBadRequest, "订单已超过撤销期限，请使用退款"}
	errTradeOverdue    = &apiError{"TRADE_OVERDUE", "INVALID_REQUEST", http.StatusBadRequest, "订单已经超过退款期限"}
	errNoAuth          = &apiError{"NOAUTH", "NO_AUTH", http.StatusForbidden, "商户无此接口权限"}
	errAppIDMismatch   = &apiError{"APPID_MCHID_NOT_MATCH", "APPID_MCHID_NOT_MATCH", http.StatusBadRequest, "appid和mch_id不匹配"}
	errMchNotExists    = &apiError{"MCHID_NOT_EXIST", "MCH_NOT_EXISTS", http.StatusBadRequest, "商户号不存在"}
	errNoStatement     = &apiError{"20002", "NO_STATEMENT_EXIST", http.StatusBadRequest, "No Bill Exist"}
	errStatementNotYet = &apiError{"20001", "STATEMENT_CREATING", http.StatusBadRequest, "No Bill Exist"}
	errBillDate        = &apiError{"20001", "INVALID_REQUEST", http.StatusBadRequest, "invalid bill_date"}
	errBillType        = &apiError{"20102", "PARAM_ERROR", http.StatusBadRequest, "invalid bill_type"}
	errTarType         = &apiError{"20003", "PARAM_ERROR", http.StatusBadRequest, "invalid tar_type"}
	// errFrequencyLimited is a second refund of one order within a minute
	// of the last (PROTOCOL A.11 "Spacing", B.10: 429 FREQUENCY_LIMITED;
	// the text as seen in the wild).
	errFrequencyLimited = &apiError{"FREQUENCY_LIMITED", "FREQUENCY_LIMITED", http.StatusTooManyRequests, "单笔订单请求频率过高,请于1分钟后重试"}
)

// Refund refusals as captured from the real v2 service (see the package
// doc): a refund above what remains is INVALID_REQUEST, one of a fully
// refunded order ERROR, a repeated out_refund_no with other amounts
// REFUND_FEE_MISMATCH. The v3 codes are assumptions.
var (
	errRefundExceeds  = errInvalidRequest.with("refund_fee大于可退金额")
	errRefundFull     = &apiError{"ERROR", "INVALID_REQUEST", http.StatusBadRequest, "订单已全额退款"}
	errRefundMismatch = &apiError{"REFUND_FEE_MISMATCH", "INVALID_REQUEST", http.StatusBadRequest, "订单金额或退款金额与之前请求不一致,请核实后再试"}
)
