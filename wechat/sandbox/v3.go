package sandbox

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// maxClockSkew is the request timestamp window (wall clock).
const maxClockSkew = 5 * time.Minute

// v3Reply is what a v3 endpoint handler produces.
type v3Reply struct {
	status      int
	body        []byte
	unsigned    bool   // bill file downloads carry no Wechatpay-Signature
	contentType string // default application/json
}

// v3Detail is the optional detail of a v3 error body (PROTOCOL B.7).
type v3Detail struct {
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
	Issue    string `json:"issue,omitempty"`
	Location string `json:"location,omitempty"`
}

type v3ErrorBody struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Detail  *v3Detail `json:"detail,omitempty"`
}

func v3JSON(status int, v any) v3Reply {
	b, err := json.Marshal(v)
	if err != nil {
		return v3Reply{status: http.StatusInternalServerError, body: []byte(`{"code":"SYSTEM_ERROR","message":"系统错误"}`)}
	}
	return v3Reply{status: status, body: b}
}

func v3Err(e *apiError) v3Reply {
	return v3JSON(e.status, v3ErrorBody{Code: e.v3, Message: e.msg})
}

// v3Param is a 400 PARAM_ERROR about one body field (path like /amount/total).
func v3Param(fieldPath, issue string) v3Reply {
	return v3JSON(http.StatusBadRequest, v3ErrorBody{
		Code:    "PARAM_ERROR",
		Message: fmt.Sprintf("输入源“%s”映射到值字段“%s”%s", "/body"+fieldPath, fieldPath, issue),
		Detail:  &v3Detail{Field: fieldPath, Issue: issue, Location: "body"},
	})
}

func v3SignError(msg string) v3Reply {
	return v3JSON(http.StatusUnauthorized, v3ErrorBody{Code: "SIGN_ERROR", Message: msg})
}

// v3 adapts a v3 endpoint: body limit, Authorization check, then the
// signed answer.
func (s *Server) v3(h func(r *http.Request, body []byte) v3Reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := s.v3Serve(h, w, r)
		if rep.status >= 400 {
			s.opts.Logger.Info("sandbox: v3 refused", "path", r.URL.Path, "status", rep.status)
		}
		hdr := w.Header()
		if !rep.unsigned { // the bill file comes without Request-ID, as from the real service
			hdr.Set("Request-Id", randomHex(16))
		}
		if rep.contentType == "" {
			rep.contentType = "application/json; charset=utf-8"
		}
		if rep.status != http.StatusNoContent {
			hdr.Set("Content-Type", rep.contentType)
		}
		if !rep.unsigned {
			s.signV3(hdr, r, rep.body)
		}
		w.WriteHeader(rep.status)
		if rep.status != http.StatusNoContent {
			_, _ = w.Write(rep.body)
		}
	})
}

func (s *Server) v3Serve(h func(r *http.Request, body []byte) v3Reply, w http.ResponseWriter, r *http.Request) v3Reply {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "请求体过大"})
		}
		return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "读取请求体失败"})
	}
	if rep, ok := s.checkAuthorization(r, body); !ok {
		return rep
	}
	return h(r, body)
}

// canonicalURL is the path and query exactly as the client sent them.
func canonicalURL(r *http.Request) string {
	if r.RequestURI != "" && strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// checkAuthorization verifies the WECHATPAY2-SHA256-RSA2048 header with the
// merchant certificate's public key and a ±5 min wall-clock window.
func (s *Server) checkAuthorization(r *http.Request, body []byte) (v3Reply, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return v3SignError("Http头缺少Authorization"), false
	}
	a, err := wechat.ParseAuthorization(h)
	if err != nil {
		return v3SignError("Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》"), false
	}
	pub, serial := s.merchantPub, wechat.CertificateSerial(s.merchantCert)
	switch a.MchID {
	case s.creds.MchID:
	case s.sp.c.SpMchID:
		pub, serial = s.sp.merchantPub, s.sp.serial
	default:
		return v3SignError("商户号mchid不存在或与证书不匹配"), false
	}
	if a.SerialNo != serial {
		return v3SignError("商户证书序列号有误。请使用签名私钥匹配的证书序列号"), false
	}
	if d := time.Since(time.Unix(a.Timestamp, 0)); d > maxClockSkew || d < -maxClockSkew {
		return v3SignError("Http头Authorization中的timestamp与当前时间相差过大"), false
	}
	if a.NonceStr == "" || len(a.NonceStr) > 32 {
		return v3SignError("Http头Authorization中的nonce_str格式错误"), false
	}
	msg := wechat.V3SignMessage(r.Method, canonicalURL(r), a.Timestamp, a.NonceStr, string(body))
	if err := wechat.VerifySHA256RSA(pub, msg, a.Signature); err != nil {
		return v3SignError("签名错误，请检查签名串和签名私钥"), false
	}
	return v3Reply{}, true
}

// signV3 adds the Wechatpay-* headers. The key is the one the request named
// in Wechatpay-Serial, else the configured mode's.
func (s *Server) signV3(hdr http.Header, r *http.Request, body []byte) {
	if s.spCaller(r) {
		s.signV3With(hdr, s.sp.pubKeyPriv, s.sp.c.PublicKeyID, body)
		return
	}
	mode := s.opts.KeyMode
	switch r.Header.Get("Wechatpay-Serial") {
	case s.creds.PublicKeyID:
		mode = PublicKeyMode
	case wechat.CertificateSerial(s.platformCert):
		if mode != PublicKeyOnlyMode {
			mode = PlatformCertMode
		}
	}
	var key *rsa.PrivateKey
	var serial string
	if mode == PlatformCertMode {
		key, serial = s.platformPriv, wechat.CertificateSerial(s.platformCert)
	} else {
		key, serial = s.pubKeyPriv, s.creds.PublicKeyID
	}
	s.signV3With(hdr, key, serial, body)
}

// signV3With adds the Wechatpay-* headers signed with key, named serial.
func (s *Server) signV3With(hdr http.Header, key *rsa.PrivateKey, serial string, body []byte) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	n := nonce()
	sig, err := wechat.SignSHA256RSA(key, wechat.V3ResponseMessage(ts, n, string(body)))
	if err != nil {
		s.opts.Logger.Error("sandbox: sign response", "err", err)
		return
	}
	hdr.Set("Wechatpay-Serial", serial)
	hdr.Set("Wechatpay-Signature", sig)
	hdr.Set("Wechatpay-Timestamp", ts)
	hdr.Set("Wechatpay-Nonce", n)
}

// decodeJSON parses a request body into v.
func decodeJSON(body []byte, v any) (v3Reply, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "请求体为空"}), false
	}
	if !utf8.Valid(body) {
		return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "请求体不是UTF-8编码"}), false
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			path := "/" + strings.ReplaceAll(te.Field, ".", "/")
			if te.Type.Kind() == reflect.Int64 && strings.HasPrefix(te.Value, "number") {
				// Captured (0.01 and 110.00000000000001 as amount.total):
				// a number that is no int64.
				return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR",
					Message: fmt.Sprintf("无法将 JSON 输入源“/body%s”映射到目标字段“%s”中，此字段需要一个合法的 64 位有符号整数", path, fieldTitle(path)),
					Detail:  &v3Detail{Field: path, Location: "body"}}), false
			}
			return v3Param(path, "类型错误"), false
		}
		return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "无法将JSON输入源“/body”映射到目标字段，请检查JSON格式",
			Detail: &v3Detail{Location: "body"}}), false
	}
	return v3Reply{}, true
}

// fieldTitle is the name WeChat's errors give a body field.
func fieldTitle(path string) string {
	switch path {
	case "/amount/total":
		return "总金额"
	case "/amount/refund":
		return "退款金额"
	}
	return path
}

// fenCheck refuses an amount outside 1…2147483647 fen: amounts are int32
// (PROTOCOL B.8 "int"); beyond it, the sandbox would pay what the real
// service refuses.
func fenCheck(path string, v int64, what string) (v3Reply, bool) {
	switch {
	case v <= 0:
		return v3Param(path, "取值规则校验失败，"+what+"必须大于0"), false
	case v > math.MaxInt32:
		return v3Param(path, "取值规则校验失败，"+what+"超出范围，最大为2147483647分"), false
	}
	return v3Reply{}, true
}

// check is one v3 field rule.
type check struct {
	path     string
	value    string
	present  bool
	min, max int
}

func str(path, v string, required bool, minLen, maxLen int) check {
	return check{path: path, value: v, present: v != "" || !required, min: minLen, max: maxLen}
}

// runChecks applies required/length rules in order.
func runChecks(cs ...check) (v3Reply, bool) {
	for _, c := range cs {
		if !c.present {
			return v3Param(c.path, "必填性规则校验失败，此字段为必填项"), false
		}
		n := utf8.RuneCountInString(c.value)
		if c.value != "" && (n > c.max || n < c.min) {
			return v3Param(c.path, "长度规则校验失败"), false
		}
		if hasFourByteRune(c.value) {
			return v3Param(c.path, issueFourByte), false
		}
	}
	return v3Reply{}, true
}

// issueFourByte is the refusal of a text field with a character outside
// the 1–3-byte UTF-8 range (an emoji): issue #19 names the rule; the
// wording is the sandbox's (assumed).
const issueFourByte = "格式规则校验失败，仅支持1-3字节的UTF-8字符，不支持emoji等4字节字符"

// hasFourByteRune reports whether s holds a character that UTF-8 encodes
// in four bytes (outside the Basic Multilingual Plane: emoji and the like),
// which WeChat Pay's text fields refuse.
func hasFourByteRune(s string) bool {
	for _, r := range s {
		if r > 0xFFFF {
			return true
		}
	}
	return false
}

// merchantMatches checks the body's appid/mchid against the merchant.
func (s *Server) merchantMatches(appID, mchID string) (v3Reply, bool) {
	if mchID == s.sp.c.SpMchID {
		return v3Err(errSubMchRequired), false
	}
	if mchID != s.creds.MchID {
		return v3Err(errMchNotExists), false
	}
	if appID != "" && appID != s.creds.AppID {
		return v3Err(errAppIDMismatch), false
	}
	return v3Reply{}, true
}

func fmtV3Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(tz.Shanghai).Format(time.RFC3339)
}

type v3Amount struct {
	Total    *int64 `json:"total"`
	Currency string `json:"currency,omitempty"`
}

type v3NativeReq struct {
	AppID       string    `json:"appid"`
	MchID       string    `json:"mchid"`
	Description string    `json:"description"`
	OutTradeNo  string    `json:"out_trade_no"`
	TimeExpire  string    `json:"time_expire"`
	Attach      string    `json:"attach"`
	NotifyURL   string    `json:"notify_url"`
	GoodsTag    string    `json:"goods_tag"`
	Amount      *v3Amount `json:"amount"`
	SceneInfo   *struct {
		PayerClientIP string `json:"payer_client_ip"`
		DeviceID      string `json:"device_id"`
	} `json:"scene_info"`
}

// amountChecks validates amount.total (> 0) and amount.currency.
func amountChecks(a *v3Amount, currencyRequired bool) (v3Reply, bool) {
	if a == nil {
		return v3Param("/amount", "必填性规则校验失败，此字段为必填项"), false
	}
	if a.Total == nil {
		return v3Param("/amount/total", "必填性规则校验失败，此字段为必填项"), false
	}
	if rep, ok := fenCheck("/amount/total", *a.Total, "订单金额"); !ok {
		return rep, false
	}
	if a.Currency == "" && currencyRequired {
		return v3Param("/amount/currency", "必填性规则校验失败，此字段为必填项"), false
	}
	if a.Currency != "" && a.Currency != "CNY" {
		return v3Param("/amount/currency", "取值规则校验失败，仅支持CNY"), false
	}
	return v3Reply{}, true
}

func outNoCheck(path, v string) (v3Reply, bool) {
	valid := outTradeNoOK
	if path == "/out_refund_no" {
		valid = outRefundNoOK
	}
	if v != "" && !valid(v) {
		return v3Param(path, "格式规则校验失败"), false
	}
	return v3Reply{}, true
}

func (s *Server) handleV3Native(r *http.Request, body []byte) v3Reply {
	var req v3NativeReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	in, rep, ok := nativeInput(&req)
	if !ok {
		return rep
	}
	if rep, ok := s.merchantMatches(req.AppID, req.MchID); !ok {
		return rep
	}
	return s.nativeIn(nil, in)
}

// nativeInput checks a Native request's fields (not who sends it).
func nativeInput(req *v3NativeReq) (payInput, v3Reply, bool) {
	if rep, ok := runChecks(
		str("/appid", req.AppID, true, 1, 32), str("/mchid", req.MchID, true, 1, 32),
		str("/description", req.Description, true, 1, 127), str("/out_trade_no", req.OutTradeNo, true, 6, 32),
		str("/attach", req.Attach, false, 0, 128), str("/notify_url", req.NotifyURL, true, 1, 255),
		str("/goods_tag", req.GoodsTag, false, 0, 32), str("/time_expire", req.TimeExpire, false, 0, 64),
	); !ok {
		return payInput{}, rep, false
	}
	if rep, ok := outNoCheck("/out_trade_no", req.OutTradeNo); !ok {
		return payInput{}, rep, false
	}
	if rep, ok := amountChecks(req.Amount, false); !ok {
		return payInput{}, rep, false
	}
	if issue := notifyURLIssue(req.NotifyURL); issue != "" {
		return payInput{}, v3Param("/notify_url", issue), false
	}
	in := payInput{OutTradeNo: req.OutTradeNo, AmountFen: *req.Amount.Total, Body: req.Description, Attach: req.Attach, NotifyURL: req.NotifyURL, Gen: "v3"}
	if req.SceneInfo != nil {
		in.DeviceInfo = req.SceneInfo.DeviceID
	}
	if req.TimeExpire != "" {
		t, err := time.Parse(time.RFC3339, req.TimeExpire)
		if err != nil {
			return payInput{}, v3Param("/time_expire", "格式规则校验失败，应为RFC3339格式"), false
		}
		in.TimeExpire = t
	}
	return in, v3Reply{}, true
}

// nativeIn creates the Native order in on ledger led (nil: the direct
// merchant's).
func (s *Server) nativeIn(led *ledger, in payInput) v3Reply {
	var rep v3Reply
	s.updateIn(led, func(now time.Time) bool {
		o, err := s.native(now, in)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		rep = v3JSON(http.StatusOK, map[string]string{"code_url": o.CodeURL})
		return true
	})
	return rep
}

// v3Transaction is the transaction JSON of queries and codepay.
type v3Transaction struct {
	AppID          string         `json:"appid"`
	MchID          string         `json:"mchid"`
	OutTradeNo     string         `json:"out_trade_no"`
	TransactionID  string         `json:"transaction_id,omitempty"`
	TradeType      string         `json:"trade_type,omitempty"`
	TradeState     string         `json:"trade_state"`
	TradeStateDesc string         `json:"trade_state_desc"`
	BankType       string         `json:"bank_type,omitempty"`
	Attach         string         `json:"attach"`
	SuccessTime    string         `json:"success_time,omitempty"`
	Payer          *v3Payer       `json:"payer,omitempty"`
	Amount         v3TxAmount     `json:"amount"`
	SceneInfo      *v3TxSceneInfo `json:"scene_info,omitempty"`
	// Promotion is nil (omitted) or a list, empty included: an unpaid
	// order's query carries "promotion_detail": []; a paid one lists its
	// coupon.
	Promotion *[]v3Promotion `json:"promotion_detail,omitempty"`
}

type v3Payer struct {
	OpenID string `json:"openid"`
}

type v3TxAmount struct {
	Total         int64  `json:"total"`
	PayerTotal    *int64 `json:"payer_total,omitempty"`
	Currency      string `json:"currency"`
	PayerCurrency string `json:"payer_currency"`
}

type v3TxSceneInfo struct {
	DeviceID string `json:"device_id"`
}

func (s *Server) v3Tx(o *order) v3Transaction {
	t := v3Transaction{
		AppID:          s.creds.AppID,
		MchID:          s.creds.MchID,
		OutTradeNo:     o.OutTradeNo,
		TradeType:      o.TradeType,
		TradeState:     o.State,
		TradeStateDesc: stateDesc(o.State),
		Attach:         o.Attach,
		Amount:         v3TxAmount{Total: o.AmountFen, Currency: "CNY", PayerCurrency: "CNY"},
	}
	if o.DeviceInfo != "" {
		t.SceneInfo = &v3TxSceneInfo{DeviceID: o.DeviceInfo}
	}
	if !o.paid() && o.TradeType != tradeMicropay {
		// A prepay order nobody has paid, as captured (issue #19): no
		// trade_type yet, an empty promotion_detail and a scene_info.
		t.TradeType = ""
		t.Promotion = &[]v3Promotion{}
		t.SceneInfo = &v3TxSceneInfo{DeviceID: o.DeviceInfo}
	}
	if o.paid() {
		t.TransactionID = o.TransactionID
		t.BankType = o.BankType
		t.SuccessTime = fmtV3Time(o.SuccessTime)
		t.Payer = &v3Payer{OpenID: o.OpenID}
		pt := o.payerFen()
		t.Amount.PayerTotal = &pt
		if p := v3PromotionsOf(o.Coupon); p != nil {
			t.Promotion = &p
		}
	}
	return t
}

// queryMchID checks the mandatory ?mchid= of the v3 query endpoints.
func (s *Server) queryMchID(r *http.Request) (v3Reply, bool) {
	m := r.URL.Query().Get("mchid")
	if m == "" {
		return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "缺少参数mchid", Detail: &v3Detail{Field: "mchid", Location: "query"}}), false
	}
	return s.merchantMatches("", m)
}

func (s *Server) v3Query(r *http.Request, transactionID, outTradeNo string) v3Reply {
	if rep, ok := s.queryMchID(r); !ok {
		return rep
	}
	var rep v3Reply
	s.update(func(time.Time) bool {
		o, err := s.query(transactionID, outTradeNo)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		rep = v3JSON(http.StatusOK, s.v3Tx(o))
		return false
	})
	return rep
}

func (s *Server) handleV3QueryOutTradeNo(r *http.Request, _ []byte) v3Reply {
	return s.v3Query(r, "", r.PathValue("out_trade_no"))
}

func (s *Server) handleV3QueryID(r *http.Request, _ []byte) v3Reply {
	return s.v3Query(r, r.PathValue("transaction_id"), "")
}

func (s *Server) handleV3Close(r *http.Request, body []byte) v3Reply {
	var req struct {
		MchID string `json:"mchid"`
	}
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	if rep, ok := runChecks(str("/mchid", req.MchID, true, 1, 32)); !ok {
		return rep
	}
	if rep, ok := s.merchantMatches("", req.MchID); !ok {
		return rep
	}
	return s.closeIn(nil, r.PathValue("out_trade_no"))
}

// closeIn closes out_trade_no no on ledger led (nil: the direct merchant's).
func (s *Server) closeIn(led *ledger, no string) v3Reply {
	var rep v3Reply
	s.updateIn(led, func(now time.Time) bool {
		o, err := s.closeOrder(now, no)
		switch {
		case err == nil:
			rep = v3Reply{status: http.StatusNoContent}
			return true
		case err == errOrderClosed && o.TradeType != tradeMicropay:
			// Closing a closed Native, JSAPI, App or H5 order again is
			// idempotent in v3.
			rep = v3Reply{status: http.StatusNoContent}
		default:
			rep = v3Err(err)
		}
		return false
	})
	return rep
}

type v3CodepayReq struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	Attach      string `json:"attach"`
	GoodsTag    string `json:"goods_tag"`
	Payer       *struct {
		AuthCode string `json:"auth_code"`
	} `json:"payer"`
	Amount    *v3Amount `json:"amount"`
	SceneInfo *struct {
		DeviceIP string `json:"device_ip"`
		DeviceID string `json:"device_id"`
	} `json:"scene_info"`
}

func (s *Server) handleV3Codepay(r *http.Request, body []byte) v3Reply {
	var req v3CodepayReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	in, rep, ok := codepayInput(&req)
	if !ok {
		return rep
	}
	if rep, ok := s.merchantMatches(req.AppID, req.MchID); !ok {
		return rep
	}
	return s.codepayIn(nil, in, func(o *order) any { return s.v3Tx(o) })
}

// codepayInput checks a codepay request's fields (not who sends it).
func codepayInput(req *v3CodepayReq) (payInput, v3Reply, bool) {
	authCode, deviceIP, deviceID := "", "", ""
	if req.Payer != nil {
		authCode = req.Payer.AuthCode
	}
	if req.SceneInfo != nil {
		deviceIP, deviceID = req.SceneInfo.DeviceIP, req.SceneInfo.DeviceID
	}
	if rep, ok := runChecks(
		str("/appid", req.AppID, true, 1, 32), str("/mchid", req.MchID, true, 1, 32),
		str("/description", req.Description, true, 1, 127), str("/out_trade_no", req.OutTradeNo, true, 6, 32),
		str("/attach", req.Attach, false, 0, 128), str("/goods_tag", req.GoodsTag, false, 0, 32),
		str("/payer/auth_code", authCode, true, 1, 32),
	); !ok {
		return payInput{}, rep, false
	}
	if rep, ok := amountChecks(req.Amount, false); !ok {
		return payInput{}, rep, false
	}
	if req.SceneInfo == nil {
		return payInput{}, v3Param("/scene_info", "必填性规则校验失败，此字段为必填项"), false
	}
	if rep, ok := runChecks(str("/scene_info/device_ip", deviceIP, true, 1, 45), str("/scene_info/device_id", deviceID, false, 0, 32)); !ok {
		return payInput{}, rep, false
	}
	if rep, ok := outNoCheck("/out_trade_no", req.OutTradeNo); !ok {
		return payInput{}, rep, false
	}
	in := payInput{OutTradeNo: req.OutTradeNo, AmountFen: *req.Amount.Total, Body: req.Description, Attach: req.Attach, DeviceInfo: deviceID, AuthCode: authCode, Gen: "v3"}
	return in, v3Reply{}, true
}

// codepayIn charges in on ledger led (nil: the direct merchant's); shape
// is the paid transaction's JSON.
func (s *Server) codepayIn(led *ledger, in payInput, shape func(*order) any) v3Reply {
	var rep v3Reply
	s.updateIn(led, func(now time.Time) bool {
		o, err := s.micropay(now, in)
		if err != nil {
			rep = v3Err(err)
		} else {
			rep = v3JSON(http.StatusOK, shape(o))
		}
		return o != nil
	})
	return rep
}

func (s *Server) handleV3Reverse(r *http.Request, body []byte) v3Reply {
	var req struct {
		AppID string `json:"appid"`
		MchID string `json:"mchid"`
	}
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	if rep, ok := runChecks(str("/appid", req.AppID, true, 1, 32), str("/mchid", req.MchID, true, 1, 32)); !ok {
		return rep
	}
	if rep, ok := s.merchantMatches(req.AppID, req.MchID); !ok {
		return rep
	}
	no := r.PathValue("out_trade_no")
	var rep v3Reply
	s.update(func(now time.Time) bool {
		o, err := s.reverse(now, "", no)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		rep = v3JSON(http.StatusOK, map[string]string{"appid": s.creds.AppID, "mchid": s.creds.MchID, "out_trade_no": o.OutTradeNo})
		return true
	})
	return rep
}

type v3RefundReq struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	OutRefundNo   string `json:"out_refund_no"`
	Reason        string `json:"reason"`
	NotifyURL     string `json:"notify_url"`
	FundsAccount  string `json:"funds_account"`
	Amount        *struct {
		Refund   *int64 `json:"refund"`
		Total    *int64 `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

// v3Refund is the Refund object of the v3 refund endpoints.
type v3Refund struct {
	RefundID            string              `json:"refund_id"`
	OutRefundNo         string              `json:"out_refund_no"`
	TransactionID       string              `json:"transaction_id"`
	OutTradeNo          string              `json:"out_trade_no"`
	Channel             string              `json:"channel"`
	UserReceivedAccount string              `json:"user_received_account"`
	SuccessTime         string              `json:"success_time,omitempty"`
	CreateTime          string              `json:"create_time"`
	Status              string              `json:"status"`
	FundsAccount        string              `json:"funds_account"`
	Amount              v3RefundAmount      `json:"amount"`
	PromotionDetail     []v3RefundPromotion `json:"promotion_detail"`
}

type v3RefundAmount struct {
	Total            int64      `json:"total"`
	Refund           int64      `json:"refund"`
	From             []struct{} `json:"from"`
	PayerTotal       int64      `json:"payer_total"`
	PayerRefund      int64      `json:"payer_refund"`
	SettlementRefund int64      `json:"settlement_refund"`
	SettlementTotal  int64      `json:"settlement_total"`
	DiscountRefund   int64      `json:"discount_refund"`
	Currency         string     `json:"currency"`
	RefundFee        int64      `json:"refund_fee"`
}

func v3RefundOf(r *refund) v3Refund {
	channel, account := "ORIGINAL", "支付用户零钱"
	if r.Channel != "" {
		channel, account = r.Channel, r.ReceivedAccount
	}
	return v3Refund{
		RefundID:            r.RefundID,
		OutRefundNo:         r.OutRefundNo,
		TransactionID:       r.TransactionID,
		OutTradeNo:          r.OutTradeNo,
		Channel:             channel,
		UserReceivedAccount: account,
		SuccessTime:         fmtV3Time(r.SuccessTime),
		CreateTime:          fmtV3Time(r.CreateTime),
		Status:              r.Status,
		FundsAccount:        "UNSETTLED",
		Amount: v3RefundAmount{
			Total: r.TotalFen, Refund: r.AmountFen, From: []struct{}{}, PayerTotal: r.payerTotalFen(), PayerRefund: r.payerRefundFen(),
			SettlementRefund: r.settlementRefundFen(), SettlementTotal: r.settlementTotalFen(), DiscountRefund: r.DiscountFen, Currency: "CNY",
		},
		PromotionDetail: v3RefundPromotionsOf(r),
	}
}

func (s *Server) handleV3Refund(r *http.Request, body []byte) v3Reply {
	led, rep, ok := s.refundLedger(r, subMchIDIn(body))
	if !ok {
		return rep
	}
	return s.v3RefundIn(led, body)
}

// v3RefundIn is a refund on ledger led (nil: the direct merchant's).
func (s *Server) v3RefundIn(led *ledger, body []byte) v3Reply {
	var req v3RefundReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	if req.TransactionID == "" && req.OutTradeNo == "" {
		return v3Param("/out_trade_no", "必填性规则校验失败，transaction_id和out_trade_no必须二选一")
	}
	if rep, ok := runChecks(
		str("/transaction_id", req.TransactionID, false, 0, 32), str("/out_trade_no", req.OutTradeNo, false, 0, 32),
		str("/out_refund_no", req.OutRefundNo, true, 1, 64), str("/reason", req.Reason, false, 0, 80),
		str("/notify_url", req.NotifyURL, false, 0, 256),
	); !ok {
		return rep
	}
	if rep, ok := outNoCheck("/out_refund_no", req.OutRefundNo); !ok {
		return rep
	}
	if issue := notifyURLIssue(req.NotifyURL); req.NotifyURL != "" && issue != "" {
		return v3Param("/notify_url", issue)
	}
	switch {
	case req.Amount == nil:
		return v3Param("/amount", "必填性规则校验失败，此字段为必填项")
	case req.Amount.Refund == nil:
		return v3Param("/amount/refund", "必填性规则校验失败，此字段为必填项")
	case req.Amount.Total == nil:
		return v3Param("/amount/total", "必填性规则校验失败，此字段为必填项")
	case req.Amount.Currency == "":
		return v3Param("/amount/currency", "必填性规则校验失败，此字段为必填项")
	case req.Amount.Currency != "CNY":
		return v3Param("/amount/currency", "取值规则校验失败，仅支持CNY")
	}
	if rep, ok := fenCheck("/amount/refund", *req.Amount.Refund, "退款金额"); !ok {
		return rep
	}
	if rep, ok := fenCheck("/amount/total", *req.Amount.Total, "原订单金额"); !ok {
		return rep
	}
	if *req.Amount.Refund > *req.Amount.Total {
		return v3Param("/amount/refund", "取值规则校验失败，退款金额不能大于原订单金额")
	}
	in := refundInput{
		TransactionID: req.TransactionID, OutTradeNo: req.OutTradeNo, OutRefundNo: req.OutRefundNo,
		RefundFen: *req.Amount.Refund, TotalFen: *req.Amount.Total, Reason: req.Reason,
		NotifyURL: req.NotifyURL, Gen: "v3",
	}
	var rep v3Reply
	s.updateIn(led, func(now time.Time) bool {
		rf, _, err := s.createRefund(now, in)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		rep = v3JSON(http.StatusOK, v3RefundOf(rf))
		return true
	})
	return rep
}

func (s *Server) handleV3RefundQuery(r *http.Request, _ []byte) v3Reply {
	led, rep, ok := s.refundLedger(r, r.URL.Query().Get("sub_mchid"))
	if !ok {
		return rep
	}
	no := r.PathValue("out_refund_no")
	s.updateIn(led, func(time.Time) bool {
		rf := s.led.refund(no)
		if rf == nil {
			rep = v3Err(errRefundNotExist)
			return false
		}
		rep = v3JSON(http.StatusOK, v3RefundOf(rf))
		return false
	})
	return rep
}

// baseURL is where clients reach this sandbox.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleV3TradeBill(r *http.Request, _ []byte) v3Reply {
	q := r.URL.Query()
	led, rep, ok := s.billLedger(r, q.Get("sub_mchid"))
	if !ok {
		return rep
	}
	day, rep, ok := v3BillDate(q.Get("bill_date"))
	if !ok {
		return rep
	}
	billType := q.Get("bill_type")
	if billType == "" {
		billType = "ALL"
	}
	tar := q.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return v3Err(errTarType)
	}
	s.updateIn(led, func(now time.Time) bool {
		data, aerr := s.bill(now, day, billType, "")
		if aerr != nil {
			rep = v3BillRefusal(aerr)
			return false
		}
		rep = s.offerBill(r, now, data, tar)
		return false
	})
	return rep
}

// v3BillDate reads a bill request's bill_date (YYYY-MM-DD, Beijing).
func v3BillDate(date string) (time.Time, v3Reply, bool) {
	if date == "" {
		return time.Time{}, v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "缺少参数bill_date", Detail: &v3Detail{Field: "bill_date", Location: "query"}}), false
	}
	day, err := time.ParseInLocation(time.DateOnly, date, tz.Shanghai)
	if err != nil {
		return time.Time{}, v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "bill_date格式错误，应为YYYY-MM-DD", Detail: &v3Detail{Field: "bill_date", Location: "query"}}), false
	}
	return day, v3Reply{}, true
}

// v3BillRefusal is the v3 answer to a bill the ledger refuses.
func v3BillRefusal(aerr *apiError) v3Reply {
	switch aerr {
	case errStatementNotYet:
		return v3Err(aerr.with("账单生成中，请于次日10点后再下载"))
	case errNoStatement:
		return v3Err(aerr.with("该日期无交易或退款，不生成账单"))
	case errBillDate:
		return v3Err(aerr.with("账单日期不合法，只能下载三个月内、今天之前的账单"))
	}
	return v3Err(aerr)
}

// offerBill keeps data for download (gzipped with tar GZIP) behind a
// fresh token valid for DownloadURLTTL, and answers with its SHA1 (of the
// plain text) and download_url. Called inside an update.
func (s *Server) offerBill(r *http.Request, now time.Time, data []byte, tar string) v3Reply {
	sum := sha1.Sum(data)
	suffix := ""
	if tar == "GZIP" {
		data = gzipBytes(data)
		suffix = "&tartype=gzip"
	}
	u := s.keepDownload(r, now, data) + suffix
	return v3JSON(http.StatusOK, map[string]string{"hash_type": "SHA1", "hash_value": hex.EncodeToString(sum[:]), "download_url": u})
}

// keepDownload keeps file for download behind a fresh token until
// DownloadURLTTL has passed, forgetting the expired ones, and returns its
// download_url.
func (s *Server) keepDownload(r *http.Request, now time.Time, file []byte) string {
	for t, d := range s.downloads {
		if !now.Before(d.expires) {
			delete(s.downloads, t)
		}
	}
	token := randomToken(48)
	s.downloads[token] = download{data: file, expires: now.Add(s.opts.DownloadURLTTL)}
	return s.baseURL(r) + "/v3/billdownload/file?token=" + token
}

func (s *Server) handleV3BillFile(r *http.Request, _ []byte) v3Reply {
	token := r.URL.Query().Get("token")
	var rep v3Reply
	s.update(func(now time.Time) bool {
		d, ok := s.downloads[token]
		switch {
		case !ok:
			rep = v3Err(errInvalidRequest.with("下载链接无效,请重新请求文件下载"))
		case !now.Before(d.expires):
			delete(s.downloads, token)
			rep = v3Err(errInvalidRequest.with("下载链接过期,请重新请求文件下载"))
		default:
			rep = v3Reply{status: http.StatusOK, body: d.data, unsigned: true, contentType: "application/octet-stream"}
		}
		return false
	})
	return rep
}

// notifyURLIssue is what the request check finds wrong with a notify_url,
// or "": an absolute http(s) URL without a query string ("不能携带参数",
// PROTOCOL A.5, B.8, B.10). Whether WeChat can reach it (https, a public
// host) is found at delivery (wechat.NotifyURLProblem, unless
// NotifyLoopback): a training terminal names a loopback receiver that only
// a NotifyLoopback sandbox delivers to, and must still be able to sell.
func notifyURLIssue(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return "格式规则校验失败，应为http(s)地址"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "格式规则校验失败，不能携带参数"
	}
	return ""
}

// errNoPlatformCert is /v3/certificates for a merchant with only the
// public key (issue #19: 404; the text is the one WeChat Pay's key-mode
// announcement quotes, recalled, not captured).
var errNoPlatformCert = v3ErrorBody{Code: "NOT_FOUND", Message: "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥"}

func (s *Server) handleV3Certificates(r *http.Request, _ []byte) v3Reply {
	if s.opts.KeyMode == PublicKeyOnlyMode || s.spCaller(r) {
		return v3JSON(http.StatusNotFound, errNoPlatformCert)
	}
	n := randomToken(12)
	ct, err := wechat.EncryptAEADAES256GCM(s.creds.APIV3Key, n, "certificate", []byte(s.creds.PlatformCertPEM))
	if err != nil {
		return v3Err(errSystem.with("系统错误"))
	}
	type enc struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo           string `json:"serial_no"`
		EffectiveTime      string `json:"effective_time"`
		ExpireTime         string `json:"expire_time"`
		EncryptCertificate enc    `json:"encrypt_certificate"`
	}
	return v3JSON(http.StatusOK, map[string][]item{"data": {{
		SerialNo:           wechat.CertificateSerial(s.platformCert),
		EffectiveTime:      fmtV3Time(s.platformCert.NotBefore),
		ExpireTime:         fmtV3Time(s.platformCert.NotAfter),
		EncryptCertificate: enc{Algorithm: "AEAD_AES_256_GCM", Nonce: n, AssociatedData: "certificate", Ciphertext: ct},
	}}})
}

func (s *Server) handleV3NotFound(r *http.Request, _ []byte) v3Reply {
	return v3JSON(http.StatusNotFound, v3ErrorBody{Code: "NOT_FOUND", Message: "请求的资源不存在"})
}
