package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// ErrUnknownPrepayID is returned (wrapped) by PayPrepay for a prepay_id
// the sandbox never issued.
var ErrUnknownPrepayID = errors.New("sandbox: unknown prepay_id")

// ErrClientParams is returned (wrapped) by PayPrepay when the client-side
// parameters are missing, malformed or belong to another order: the
// WeChat client would not open the payment sheet.
var ErrClientParams = errors.New("sandbox: bad client-side payment parameters")

// ErrClientSign is returned (wrapped) by PayPrepay when the client-side
// signature does not verify: the WeChat client answers "支付验证签名失败".
var ErrClientSign = errors.New("sandbox: 支付验证签名失败 (client-side signature does not verify)")

// PrepayID returns the current prepay_id of the JSAPI, App or H5 order
// outTradeNo; an order the sandbox does not have as one of those is
// ErrUnknownPrepayID.
func (s *Server) PrepayID(outTradeNo string) (string, error) {
	var id string
	for _, led := range []*ledger{nil, s.sp.led} { // the direct merchant's first
		s.updateIn(led, func(time.Time) bool {
			if o := s.led.order(outTradeNo); o != nil && prepayKind(o.TradeType) && id == "" {
				id = o.PrepayID
			}
			return false
		})
	}
	if id == "" {
		return "", fmt.Errorf("%w: no JSAPI, App or H5 order %s", ErrUnknownPrepayID, outTradeNo)
	}
	return id, nil
}

// PrepayPaid is what PayPrepay reports of the order it paid.
type PrepayPaid struct {
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	TradeType     string `json:"trade_type"`
	TradeState    string `json:"trade_state"`
	OpenID        string `json:"openid"`
}

// PayPrepay is the simulated customer paying a prepay_id in the WeChat
// client. params are what the merchant's page or app hands the client, and
// "prepay_id" (or, for H5, "h5_url"):
//
//   - JSAPI / mini-program (wx.requestPayment, WeixinJSBridge): appId,
//     timeStamp, nonceStr, package ("prepay_id=…"), signType and paySign —
//     for a v3 order signType RSA and paySign the SHA256withRSA of
//     "appId\ntimeStamp\nnonceStr\npackage\n" with the merchant key; for a
//     v2 order the v2 signature (MD5 or HMAC-SHA256, as the order was
//     created) over those five fields with the API key.
//   - App SDK: appid, partnerid, prepayid, package ("Sign=WXPay"), noncestr,
//     timestamp and sign — v3: SHA256withRSA of
//     "appid\ntimestamp\nnoncestr\nprepayid\n"; v2: the v2 signature over
//     the six fields. Key names are matched without regard to case (the
//     Android PayReq spells them partnerId, prepayId, nonceStr, timeStamp).
//   - H5: nothing but the prepay_id or h5_url; the page opens within 5
//     minutes of being issued.
//
// The client checks what the WeChat client checks — the app id is the
// order's, the package names this prepay_id, the signature verifies — and
// the prepay_id must be within its 2 hours. Then the order is paid and its
// notification queued, as for a Native order.
func (s *Server) PayPrepay(params map[string]string) (PrepayPaid, error) {
	id := params["prepay_id"]
	if id == "" && params["h5_url"] != "" {
		if u, err := url.Parse(params["h5_url"]); err == nil {
			id = u.Query().Get("prepay_id")
		}
	}
	if id == "" {
		return PrepayPaid{}, fmt.Errorf("%w: prepay_id (or h5_url) required", ErrClientParams)
	}
	out, err := s.payPrepayIn(nil, id, params)
	if errors.Is(err, ErrUnknownPrepayID) {
		out, err = s.payPrepayIn(s.sp.led, id, params)
	}
	return out, err
}

// payPrepayIn is PayPrepay on ledger led (nil: the direct merchant's).
func (s *Server) payPrepayIn(led *ledger, id string, params map[string]string) (PrepayPaid, error) {
	var out PrepayPaid
	var err error
	s.updateIn(led, func(now time.Time) bool {
		o := s.led.orderByPrepayID(id)
		if o == nil {
			err = fmt.Errorf("%w: %s", ErrUnknownPrepayID, id)
			return false
		}
		if err = s.payable(now, o); err != nil {
			return false
		}
		if err = s.checkClientParams(o, params); err != nil {
			return false
		}
		if o.OpenID == "" {
			o.OpenID = openIDFor("prepay:" + o.OutTradeNo)
		}
		s.led.markPaid(o, now)
		s.led.queuePayNotify(o, now)
		out = PrepayPaid{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, TradeType: o.TradeType, TradeState: o.State, OpenID: o.OpenID}
		return true
	})
	return out, err
}

// payable refuses an order that can no longer be paid from its prepay_id.
func (s *Server) payable(now time.Time, o *order) error {
	switch {
	case o.State != stateNotPay:
		return fmt.Errorf("%w: order %s is %s", ErrNotPayable, o.OutTradeNo, o.State)
	case !now.Before(o.PrepayExpiry):
		return fmt.Errorf("%w: prepay_id of %s expired at %s (valid 2 h)", ErrNotPayable, o.OutTradeNo, fmtV3Time(o.PrepayExpiry))
	case o.TradeType == tradeMWEB && !now.Before(o.PrepayExpiry.Add(-prepayLifetime+h5URLLifetime)):
		return fmt.Errorf("%w: h5_url of %s expired (valid 5 min)", ErrNotPayable, o.OutTradeNo)
	}
	return nil
}

// checkClientParams checks the client-side parameters of o's kind.
func (s *Server) checkClientParams(o *order, p map[string]string) error {
	switch o.TradeType {
	case tradeJSAPI:
		return s.checkJSAPIParams(o, p)
	case tradeApp:
		return s.checkAppParams(o, lowerKeys(p))
	}
	return nil // H5: the cashier page needs no signature from the merchant
}

func (s *Server) checkJSAPIParams(o *order, p map[string]string) error {
	for _, k := range []string{"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"} {
		if p[k] == "" {
			return fmt.Errorf("%w: %s required (wx.requestPayment / WeixinJSBridge spell it so)", ErrClientParams, k)
		}
	}
	if err := s.commonClientParams(o, p["appId"], p["timeStamp"], p["nonceStr"]); err != nil {
		return err
	}
	if want := "prepay_id=" + o.PrepayID; p["package"] != want {
		return fmt.Errorf("%w: package is %q, want %q", ErrClientParams, p["package"], want)
	}
	if o.Gen == "v2" {
		return s.checkV2ClientSign(o, map[string]string{"appId": p["appId"], "timeStamp": p["timeStamp"],
			"nonceStr": p["nonceStr"], "package": p["package"], "signType": p["signType"]}, p["signType"], p["paySign"])
	}
	if p["signType"] != "RSA" {
		return fmt.Errorf("%w: signType %q, an APIv3 order is paid with signType RSA", ErrClientParams, p["signType"])
	}
	msg := p["appId"] + "\n" + p["timeStamp"] + "\n" + p["nonceStr"] + "\n" + p["package"] + "\n"
	return s.checkRSAClientSign(msg, p["paySign"])
}

func (s *Server) checkAppParams(o *order, p map[string]string) error {
	for _, k := range []string{"appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign"} {
		if p[k] == "" {
			return fmt.Errorf("%w: %s required (the App SDK's PayReq)", ErrClientParams, k)
		}
	}
	if err := s.commonClientParams(o, p["appid"], p["timestamp"], p["noncestr"]); err != nil {
		return err
	}
	mchIDs := []string{s.creds.MchID}
	if s.inSub() {
		// The partner App page names the sub-merchant (子商户号); gopay's
		// PaySignOfApp sends the provider's: both are taken (assumed).
		mchIDs = []string{s.sp.c.SubMchID, s.sp.c.SpMchID}
	}
	switch {
	case !slices.Contains(mchIDs, p["partnerid"]):
		return fmt.Errorf("%w: partnerid %q is not the merchant %s", ErrClientParams, p["partnerid"], mchIDs[0])
	case p["prepayid"] != o.PrepayID:
		return fmt.Errorf("%w: prepayid %q is not this order's %s", ErrClientParams, p["prepayid"], o.PrepayID)
	case p["package"] != "Sign=WXPay":
		return fmt.Errorf("%w: package is %q, want \"Sign=WXPay\"", ErrClientParams, p["package"])
	}
	if o.Gen == "v2" {
		signed := map[string]string{"appid": p["appid"], "partnerid": p["partnerid"], "prepayid": p["prepayid"],
			"package": p["package"], "noncestr": p["noncestr"], "timestamp": p["timestamp"]}
		st := o.SignType
		if st == "" {
			st = string(wechat.SignMD5)
		}
		return s.checkV2ClientSign(o, signed, st, p["sign"])
	}
	msg := p["appid"] + "\n" + p["timestamp"] + "\n" + p["noncestr"] + "\n" + p["prepayid"] + "\n"
	return s.checkRSAClientSign(msg, p["sign"])
}

// commonClientParams checks the app id and the shape of the timestamp and
// nonce, which every kind carries.
func (s *Server) commonClientParams(o *order, appID, ts, nonceStr string) error {
	if apps := s.clientAppIDs(o); !slices.Contains(apps, appID) {
		return fmt.Errorf("%w: app id %q is not the one the order was made for (%s)", ErrClientParams, appID, strings.Join(apps, " or "))
	}
	if n, err := strconv.ParseInt(ts, 10, 64); err != nil || n <= 0 || len(ts) > 32 {
		return fmt.Errorf("%w: timestamp %q is not seconds since 1970", ErrClientParams, ts)
	}
	if len(nonceStr) > 32 {
		return fmt.Errorf("%w: nonce longer than 32 characters", ErrClientParams)
	}
	return nil
}

// clientAppIDs are the app ids the WeChat client opens o's payment in: the
// merchant's; for a sub-merchant's JSAPI order the app of each openid the
// order was made for (sub_appid for sub_openid, sp_appid for sp_openid),
// for its App order sub_appid when given, else sp_appid.
func (s *Server) clientAppIDs(o *order) []string {
	if !s.inSub() {
		return []string{s.creds.AppID}
	}
	c := s.sp.c
	if o.TradeType != tradeJSAPI || o.SubOpenID == "" {
		if o.SubAppID != "" && o.TradeType != tradeJSAPI {
			return []string{o.SubAppID}
		}
		return []string{c.SpAppID}
	}
	if o.OpenID == spOpenIDOf(o.SubOpenID) { // no sp_openid was given
		return []string{o.SubAppID}
	}
	return []string{o.SubAppID, c.SpAppID}
}

// checkV2ClientSign verifies a v2 client-side signature. The sign type must
// be the one the order was created with (the documents' "需与统一下单的签名
// 类型一致").
func (s *Server) checkV2ClientSign(o *order, signed map[string]string, signType, sign string) error {
	want := o.SignType
	if want == "" {
		want = string(wechat.SignMD5)
	}
	if signType != want {
		return fmt.Errorf("%w: sign type %s, the order was made with %s", ErrClientParams, signType, want)
	}
	signed["sign"] = sign
	key := s.creds.APIKey
	if s.inSub() {
		key = s.sp.c.APIKey
	}
	if !wechat.VerifyV2Type(signed, key, wechat.SignType(signType)) {
		return ErrClientSign
	}
	return nil
}

// checkRSAClientSign verifies a v3 client-side signature with the
// merchant certificate's key (the service provider's for a sub-merchant's
// order: it signs every call for it).
func (s *Server) checkRSAClientSign(msg, sig string) error {
	pub := s.merchantPub
	if s.inSub() {
		pub = s.sp.merchantPub
	}
	if err := wechat.VerifySHA256RSA(pub, msg, sig); err != nil {
		return ErrClientSign
	}
	return nil
}

// lowerKeys returns p with every key in lower case.
func lowerKeys(p map[string]string) map[string]string {
	out := make(map[string]string, len(p))
	for k, v := range p {
		out[strings.ToLower(k)] = v
	}
	return out
}

// handleControlPrepayPay is POST /sandbox/prepay/pay: a flat JSON object
// of strings, the prepay_id and the client-side parameters (PayPrepay).
func (s *Server) handleControlPrepayPay(w http.ResponseWriter, r *http.Request) {
	var raw map[string]any
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	if err := dec.Decode(&raw); err != nil {
		controlError(w, http.StatusBadRequest, fmt.Errorf("bad request body: %w", err))
		return
	}
	params := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			params[k] = v
		case float64: // a timestamp sent as a number
			params[k] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			controlError(w, http.StatusBadRequest, fmt.Errorf("bad request body: %s must be a string", k))
			return
		}
	}
	paid, err := s.PayPrepay(params)
	switch {
	case errors.Is(err, ErrUnknownPrepayID):
		controlError(w, http.StatusNotFound, err)
	case errors.Is(err, ErrNotPayable):
		controlError(w, http.StatusConflict, err)
	case errors.Is(err, ErrClientSign):
		controlError(w, http.StatusForbidden, err)
	case errors.Is(err, ErrClientParams):
		controlError(w, http.StatusBadRequest, err)
	case err != nil:
		controlError(w, http.StatusInternalServerError, err)
	default:
		writeControlJSON(w, http.StatusOK, paid)
	}
}
