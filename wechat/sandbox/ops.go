package sandbox

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// More refusals used only by the operations below.
var (
	errRefundState     = &apiError{"ERROR", "RESOURCE_NOT_EXISTS", 404, "订单未支付，不能退款"} // v3: 404 as the real service (issue #19)
	errRefundRevoked   = &apiError{"ERROR", "INVALID_REQUEST", 400, "订单已撤销，不能退款"}
	errRefundTooMany   = &apiError{"ERROR", "INVALID_REQUEST", 400, "该订单已超过50次退款上限"}
	errRefundTotal     = errParam.with("订单金额与实际支付金额不一致")
	errRefundNoReuse   = errInvalidRequest.with("退款单号已被使用，且请求参数与之前不一致")
	errReverseNative   = errInvalidRequest.with("非付款码支付订单不能撤销，请使用关单或退款")
	errReverseRefunded = errTradeError.with("订单已发生退款，不能撤销，请使用退款接口")
	errCloseUserPaying = errInvalidRequest.with("订单正在支付中，请使用撤销接口")
	errTimeExpireShort = errParam.with("time_expire时间过短,刷卡至少1分钟,其他5分钟")
)

// payInput is a payment request of either generation.
type payInput struct {
	OutTradeNo string
	AmountFen  int64
	Body       string
	Attach     string
	DeviceInfo string
	NotifyURL  string
	AuthCode   string
	TimeExpire time.Time
	Gen        string // "v2" or "v3": the API generation that created the order
	SignType   string // v2 sign_type of the creating request (for notifications)
	SubAppID   string // a partner order's sub_appid
	SubOpenID  string // a partner JSAPI order's payer under sub_appid
}

func (in payInput) fingerprint(tradeType string) string {
	fp := fmt.Sprintf("%s|%d|%s|%s", tradeType, in.AmountFen, in.Body, in.Attach)
	if in.AuthCode != "" {
		fp += "|" + codeDigest(in.AuthCode)
	}
	if !in.TimeExpire.IsZero() {
		fp += "|" + in.TimeExpire.UTC().Format(time.RFC3339)
	}
	return fp
}

// existingOrder answers a repeated out_trade_no: the same parameters see the
// order's current outcome, different ones are refused.
func existingOrder(o *order, fp string) *apiError {
	if o.Fingerprint != fp {
		return errOutTradeNoUsed
	}
	switch o.State {
	case stateSuccess, stateRefund:
		return errOrderPaid
	case stateClosed:
		return errOrderClosed
	case stateRevoked:
		return errOrderReversed
	case stateUserPaying:
		return errUserPaying
	case statePayError:
		return failErr(o.FailCode)
	}
	return nil
}

func failErr(code string) *apiError {
	switch code {
	case "NOTENOUGH":
		return errNotEnough
	default:
		return errTradeError.with("支付失败")
	}
}

// openIDFor derives a stable fake openid for a payer.
func openIDFor(seed string) string {
	d := codeDigest(seed)
	return "oSbx" + d[:24]
}

// micropay is a payment-code payment (v2 micropay, v3 codepay).
func (s *Server) micropay(now time.Time, in payInput) (*order, *apiError) {
	l := s.led
	fp := in.fingerprint(tradeMicropay)
	if o := l.order(in.OutTradeNo); o != nil {
		return o, existingOrder(o, fp)
	}
	if !in.TimeExpire.IsZero() && in.TimeExpire.Before(now.Add(time.Minute)) {
		return nil, errTimeExpireShort
	}
	if !ValidCode(in.AuthCode) {
		return nil, errAuthCodeInvalid
	}
	digest := codeDigest(in.AuthCode)
	if l.codeUsed(digest) {
		return nil, errAuthCodeUsed
	}
	sc := scenarioOf(in.AuthCode)
	if sc == ScenarioAuthCodeExpired {
		return nil, errAuthCodeExpire
	}
	o := &order{
		OutTradeNo:  in.OutTradeNo,
		TradeType:   tradeMicropay,
		AmountFen:   in.AmountFen,
		Body:        in.Body,
		Attach:      in.Attach,
		DeviceInfo:  in.DeviceInfo,
		Fingerprint: fp,
		AuthLast4:   last4(in.AuthCode),
		CodeDigest:  digest,
		Scenario:    sc,
		OpenID:      openIDFor(in.AuthCode[:6]),
		BankType:    "OTHERS",
		CreateTime:  now,
		ExpireTime:  in.TimeExpire,
		SubAppID:    in.SubAppID,
	}
	if sc == ScenarioSuccess && in.AmountFen > passwordAboveFen {
		sc = ScenarioUserPayingSuccess
	}
	l.addOrder(o)
	switch sc {
	case ScenarioNotEnough:
		o.State = statePayError
		o.FailCode = "NOTENOUGH"
		o.EndTime = now
		return o, errNotEnough
	case ScenarioUserPayingSuccess:
		l.useCode(digest, o.OutTradeNo)
		o.State = stateUserPaying
		o.PayAt = now.Add(s.opts.UserPayingDelay)
		return o, errUserPaying
	case ScenarioUserPayingTimeout:
		l.useCode(digest, o.OutTradeNo)
		o.State = stateUserPaying
		o.FailAt = now.Add(s.opts.UserPayingTimeout)
		return o, errUserPaying
	case ScenarioSystemErrorThenSuccess:
		l.useCode(digest, o.OutTradeNo)
		l.markPaid(o, now)
		return o, errSystem
	default:
		l.useCode(digest, o.OutTradeNo)
		if isCouponScenario(sc) {
			o.Coupon = couponFor(sc, o.AmountFen, l.next())
		}
		l.markPaid(o, now)
		return o, nil
	}
}

const codeAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomToken returns n random letters and digits.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// native creates (or re-enters) a Native QR order.
func (s *Server) native(now time.Time, in payInput) (*order, *apiError) {
	l := s.led
	fp := in.fingerprint(tradeNative)
	if o := l.order(in.OutTradeNo); o != nil {
		if err := existingOrder(o, fp); err != nil {
			return o, err
		}
		if !now.Before(o.CodeURLExpiry) {
			o.CodeURL = "weixin://wxpay/bizpayurl?pr=" + randomToken(9)
			o.CodeURLExpiry = now.Add(codeURLLifetime)
		}
		return o, nil
	}
	if !in.TimeExpire.IsZero() && in.TimeExpire.Before(now.Add(5*time.Minute)) {
		return nil, errTimeExpireShort
	}
	o := &order{
		OutTradeNo:    in.OutTradeNo,
		TradeType:     tradeNative,
		State:         stateNotPay,
		AmountFen:     in.AmountFen,
		Body:          in.Body,
		Attach:        in.Attach,
		DeviceInfo:    in.DeviceInfo,
		NotifyURL:     in.NotifyURL,
		Gen:           in.Gen,
		SignType:      in.SignType,
		Fingerprint:   fp,
		CreateTime:    now,
		ExpireTime:    in.TimeExpire,
		CodeURL:       "weixin://wxpay/bizpayurl?pr=" + randomToken(9),
		CodeURLExpiry: now.Add(codeURLLifetime),
		PrepayID:      "wx" + now.In(tz.Shanghai).Format("20060102150405") + randomToken(20),
		SubAppID:      in.SubAppID,
	}
	if o.ExpireTime.IsZero() {
		o.ExpireTime = now.Add(s.opts.NativeExpiry)
	}
	l.addOrder(o)
	return o, nil
}

// codeURLLifetime is how long a Native code_url stays scannable.
const codeURLLifetime = 2 * time.Hour

// payNative is the simulated customer scanning code_url and paying, with
// the coupon of sc when sc is a coupon scenario.
func (s *Server) payNative(now time.Time, codeURL string, sc Scenario) (*order, error) {
	o := s.led.orderByCodeURL(codeURL)
	if o == nil {
		return nil, ErrUnknownCodeURL
	}
	if o.State != stateNotPay {
		return o, fmt.Errorf("order %s is %s", o.OutTradeNo, o.State)
	}
	if !now.Before(o.CodeURLExpiry) {
		return o, fmt.Errorf("code_url of %s expired", o.OutTradeNo)
	}
	o.OpenID = openIDFor("native:" + o.OutTradeNo)
	if isCouponScenario(sc) {
		o.Coupon = couponFor(sc, o.AmountFen, s.led.next())
	}
	s.led.markPaid(o, now)
	s.led.queuePayNotify(o, now)
	return o, nil
}

// query finds an order for orderquery and the v3 query endpoints.
func (s *Server) query(transactionID, outTradeNo string) (*order, *apiError) {
	o := s.led.findOrder(transactionID, outTradeNo)
	if o == nil {
		return nil, errOrderNotExist
	}
	return o, nil
}

// closeOrder closes an unpaid order.
func (s *Server) closeOrder(now time.Time, outTradeNo string) (*order, *apiError) {
	o := s.led.order(outTradeNo)
	if o == nil {
		return nil, errOrderNotExist
	}
	switch o.State {
	case stateSuccess, stateRefund:
		return o, errOrderPaid
	case stateClosed:
		return o, errOrderClosed
	case stateRevoked:
		return o, errOrderReversed
	case stateUserPaying:
		return o, errCloseUserPaying
	}
	if now.Sub(o.CreateTime) < s.opts.CloseMinAge {
		// Observed behaviour: an early close answers SUCCESS but the order
		// stays payable (PROTOCOL A.10).
		return o, nil
	}
	o.State = stateClosed
	o.EndTime = now
	o.PayAt, o.FailAt = time.Time{}, time.Time{}
	return o, nil
}

// reverse cancels a payment-code order, refunding it if it was paid.
func (s *Server) reverse(now time.Time, transactionID, outTradeNo string) (*order, *apiError) {
	o := s.led.findOrder(transactionID, outTradeNo)
	if o == nil {
		return nil, errOrderNotExist
	}
	if o.TradeType != tradeMicropay {
		return o, errReverseNative
	}
	if o.State == stateRevoked {
		return o, nil
	}
	if now.Sub(o.CreateTime) > reverseWindow {
		return o, errReverseExpire
	}
	if o.State == stateRefund {
		return o, errReverseRefunded
	}
	o.State = stateRevoked
	o.EndTime = now
	o.PayAt, o.FailAt = time.Time{}, time.Time{}
	return o, nil
}

// refundInput is a refund request of either generation.
type refundInput struct {
	TransactionID string
	OutTradeNo    string
	OutRefundNo   string
	RefundFen     int64
	TotalFen      int64
	Reason        string
	NotifyURL     string
	Gen           string
}

// createRefund accepts a refund (PROCESSING); it completes after
// Options.RefundDelay on the sandbox clock.
func (s *Server) createRefund(now time.Time, in refundInput) (*refund, *order, *apiError) {
	l := s.led
	o := l.findOrder(in.TransactionID, in.OutTradeNo)
	if o == nil {
		return nil, nil, errRefundOrderNone
	}
	if r := l.refund(in.OutRefundNo); r != nil {
		if r.OutTradeNo != o.OutTradeNo {
			return nil, o, errRefundNoReuse
		}
		if r.AmountFen != in.RefundFen || r.TotalFen != in.TotalFen {
			return nil, o, errRefundMismatch
		}
		return r, o, nil
	}
	switch o.State {
	case stateSuccess, stateRefund:
	case stateRevoked:
		return nil, o, errRefundRevoked
	default:
		return nil, o, errRefundState
	}
	if now.Sub(o.SuccessTime) > refundWindow {
		return nil, o, errTradeOverdue
	}
	if in.TotalFen != o.AmountFen {
		return nil, o, errRefundTotal
	}
	if in.RefundFen <= 0 {
		return nil, o, errParam.with("退款金额必须大于0")
	}
	// Subtracted, never added: an amount near the int64 limit must not
	// wrap round and pass.
	switch remaining := o.AmountFen - o.RefundedFen; {
	case remaining <= 0:
		return nil, o, errRefundFull
	case in.RefundFen > remaining:
		return nil, o, errRefundExceeds
	}
	if len(o.Refunds) >= maxRefundsPerOrder {
		return nil, o, errRefundTooMany
	}
	if n := len(o.Refunds); n > 0 && s.opts.RefundSpacing > 0 {
		if last := l.refund(o.Refunds[n-1]); last != nil && now.Sub(last.CreateTime) < s.opts.RefundSpacing {
			return nil, o, errFrequencyLimited
		}
	}
	r := &refund{
		OutRefundNo:   in.OutRefundNo,
		RefundID:      "503" + now.In(tz.Shanghai).Format("20060102") + strconv.FormatInt(1e17+l.next(), 10)[1:],
		OutTradeNo:    o.OutTradeNo,
		TransactionID: o.TransactionID,
		AmountFen:     in.RefundFen,
		TotalFen:      o.AmountFen,
		Status:        refundProcessing,
		Reason:        in.Reason,
		NotifyURL:     in.NotifyURL,
		Gen:           in.Gen,
		CreateTime:    now,
		CompleteAt:    now.Add(s.opts.RefundDelay),
		Coupon:        o.Coupon,
		DiscountFen:   refundDiscount(o, in.RefundFen),
	}
	if o.Scenario == ScenarioRefundAbnormal {
		r.Outcome = refundAbnormal
	}
	l.addRefund(r)
	o.Refunds = append(o.Refunds, r.OutRefundNo)
	o.RefundedFen += r.AmountFen
	o.State = stateRefund
	if s.opts.RefundDelay <= 0 {
		l.finishRefund(r, now)
	}
	return r, o, nil
}
