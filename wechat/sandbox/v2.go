package sandbox

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// field describes one v2 request parameter: its maximum length in
// characters, whether it is required and whether it must be an integer.
type field struct {
	name     string
	max      int
	required bool
	integer  bool
}

// v2Endpoint is the parameter table of one v2 endpoint (PROTOCOL A.6–A.15).
type v2Endpoint struct {
	fields []field
	oneOf  []string // at least one of these must be present
}

var v2Common = []field{
	{name: "appid", max: 32, required: true},
	{name: "mch_id", max: 32, required: true},
	{name: "nonce_str", max: 32, required: true},
	{name: "sign", max: 64, required: true},
	{name: "sign_type", max: 32},
	{name: "sub_mch_id", max: 32}, // service provider's calls
	{name: "sub_appid", max: 32},
}

var (
	v2Micropay = &v2Endpoint{fields: []field{
		{name: "device_info", max: 32}, {name: "body", max: 128, required: true}, {name: "detail", max: 6000},
		{name: "attach", max: 127}, {name: "out_trade_no", max: 32, required: true},
		{name: "total_fee", max: 10, required: true, integer: true}, {name: "fee_type", max: 16},
		{name: "spbill_create_ip", max: 64, required: true}, {name: "goods_tag", max: 32}, {name: "limit_pay", max: 32},
		{name: "time_start", max: 14}, {name: "time_expire", max: 14}, {name: "receipt", max: 8},
		{name: "auth_code", max: 128, required: true}, {name: "profit_sharing", max: 16}, {name: "scene_info", max: 256},
		{name: "version", max: 32},
	}}
	v2OrderQuery = &v2Endpoint{fields: []field{
		{name: "transaction_id", max: 32}, {name: "out_trade_no", max: 32},
	}, oneOf: []string{"transaction_id", "out_trade_no"}}
	v2Reverse      = v2OrderQuery
	v2UnifiedOrder = &v2Endpoint{fields: []field{
		{name: "device_info", max: 32}, {name: "body", max: 128, required: true}, {name: "detail", max: 6000},
		{name: "attach", max: 127}, {name: "out_trade_no", max: 32, required: true}, {name: "fee_type", max: 16},
		{name: "total_fee", max: 10, required: true, integer: true}, {name: "spbill_create_ip", max: 64, required: true},
		{name: "time_start", max: 14}, {name: "time_expire", max: 14}, {name: "goods_tag", max: 32},
		{name: "notify_url", max: 256, required: true}, {name: "trade_type", max: 16, required: true},
		{name: "product_id", max: 32}, {name: "limit_pay", max: 32}, {name: "openid", max: 128}, {name: "sub_openid", max: 128},
		{name: "receipt", max: 8}, {name: "profit_sharing", max: 16}, {name: "scene_info", max: 256},
	}}
	v2CloseOrder = &v2Endpoint{fields: []field{{name: "out_trade_no", max: 32, required: true}}}
	v2Refund     = &v2Endpoint{fields: []field{
		{name: "transaction_id", max: 32}, {name: "out_trade_no", max: 32}, {name: "out_refund_no", max: 64, required: true},
		{name: "total_fee", max: 10, required: true, integer: true}, {name: "refund_fee", max: 10, required: true, integer: true},
		{name: "refund_fee_type", max: 8}, {name: "refund_desc", max: 80}, {name: "refund_account", max: 30},
		{name: "notify_url", max: 256},
	}, oneOf: []string{"transaction_id", "out_trade_no"}}
	v2RefundQuery = &v2Endpoint{fields: []field{
		{name: "refund_id", max: 32}, {name: "out_refund_no", max: 64}, {name: "transaction_id", max: 32},
		{name: "out_trade_no", max: 32}, {name: "offset", max: 10, integer: true},
	}, oneOf: []string{"refund_id", "out_refund_no", "transaction_id", "out_trade_no"}}
	v2DownloadBill = &v2Endpoint{fields: []field{
		{name: "device_info", max: 32}, {name: "bill_date", max: 8, required: true},
		{name: "bill_type", max: 8, required: true}, {name: "tar_type", max: 8},
	}}
)

// The merchant number alphabets (PROTOCOL B.8, A.11): @ is allowed in a
// refund number only.
func outTradeNoOK(v string) bool {
	return ident.Run(v, 1, math.MaxInt, ident.Or(ident.Alnum, ident.Bytes("_-|*")))
}

func outRefundNoOK(v string) bool {
	return ident.Run(v, 1, math.MaxInt, ident.Or(ident.Alnum, ident.Bytes("_-|*@")))
}

// v2Result is what a v2 endpoint handler produces.
type v2Result struct {
	fields map[string]string // business fields of a SUCCESS/FAIL result
	err    *apiError         // result_code=FAIL with err_code
	fail   string            // return_code=FAIL with this return_msg (unsigned)
	code   string            // error_code for a downloadbill failure
	raw    []byte            // a bill: written as is
}

func v2Fail(msg string) v2Result { return v2Result{fail: msg} }

// v2 adapts a v2 endpoint: method, size, XML, merchant, signature and
// parameter checks, then signs the answer with the request's sign_type.
func (s *Server) v2(ep *v2Endpoint, h func(p map[string]string) v2Result) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, signType, req := s.v2Serve(ep, h, w, r)
		if res.raw != nil {
			w.Header().Set("Content-Type", "text/plain;charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(res.raw)
			return
		}
		if res.fail != "" {
			s.opts.Logger.Info("sandbox: v2 refused", "path", r.URL.Path, "return_msg", res.fail)
			p := map[string]string{"return_code": "FAIL", "return_msg": res.fail}
			if res.code != "" {
				p["error_code"] = res.code
			}
			writeXML(w, p)
			return
		}
		p := map[string]string{
			"return_code": "SUCCESS",
			"return_msg":  "OK",
			"appid":       s.creds.AppID,
			"mch_id":      s.creds.MchID,
			"nonce_str":   nonce(),
			"result_code": "SUCCESS",
		}
		key := s.creds.APIKey
		if s.v2SP(req) {
			key = s.sp.c.APIKey
			p["appid"], p["mch_id"], p["sub_mch_id"], p["sub_appid"] = s.sp.c.SpAppID, s.sp.c.SpMchID, req["sub_mch_id"], req["sub_appid"]
		}
		for k, v := range res.fields {
			if v != "" {
				p[k] = v
			}
		}
		if res.err != nil {
			p["result_code"] = "FAIL"
			p["err_code"] = res.err.v2
			p["err_code_des"] = res.err.msg
		}
		for k, v := range p {
			if v == "" {
				delete(p, k)
			}
		}
		p["sign"] = wechat.SignV2(p, key, signType)
		writeXML(w, p)
	})
}

func writeXML(w http.ResponseWriter, p map[string]string) {
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(wechat.EncodeXML(p))
}

// v2Serve checks a v2 request as the real service does, in its order —
// the body, then who sent it, then each field — and hands the fields to h.
// A refusal is an unsigned return_code=FAIL with the service's message.
func (s *Server) v2Serve(ep *v2Endpoint, h func(p map[string]string) v2Result, w http.ResponseWriter, r *http.Request) (v2Result, wechat.SignType, map[string]string) {
	p, fail := s.v2Body(w, r)
	if fail != "" {
		return v2Fail(fail), "", nil
	}
	signType, fail := s.v2Caller(p)
	if fail != "" {
		return v2Fail(fail), "", nil
	}
	if fail := v2Fields(ep, p); fail != "" {
		return v2Fail(fail), "", nil
	}
	return h(p), signType, p
}

// v2Body reads the request's XML; empty elements count as absent, as for
// the signature.
func (s *Server) v2Body(w http.ResponseWriter, r *http.Request) (map[string]string, string) {
	if r.Method != http.MethodPost {
		return nil, "请使用post方法"
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "post数据过大"
		}
		return nil, "读取post数据失败"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "post数据为空"
	}
	if !utf8.Valid(data) {
		return nil, "编码格式错误，请使用UTF-8编码"
	}
	all, err := wechat.DecodeXML(bytes.NewReader(data))
	if err != nil {
		return nil, "XML格式错误"
	}
	p := make(map[string]string, len(all))
	for k, v := range all {
		if v != "" {
			p[k] = v
		}
	}
	return p, ""
}

// v2Caller checks the merchant, the signature and the appid's binding, and
// returns the sign type the answer is signed with.
func (s *Server) v2Caller(p map[string]string) (wechat.SignType, string) {
	if p["mch_id"] == "" {
		return "", "缺少参数mch_id"
	}
	if s.v2SP(p) {
		return s.v2SPCaller(p)
	}
	if p["mch_id"] != s.creds.MchID {
		return "", "mch_id参数错误，商户号不存在"
	}
	if p["sub_mch_id"] != "" {
		return "", errSubMchNotAllowed.msg
	}
	if p["appid"] == "" {
		return "", "缺少参数appid"
	}
	signType := wechat.SignType(p["sign_type"])
	if signType == "" {
		signType = wechat.SignMD5
	}
	if !signType.Valid() {
		return "", "sign_type参数格式错误"
	}
	if p["sign"] == "" {
		return "", "缺少参数sign"
	}
	if !wechat.VerifyV2(p, s.creds.APIKey) {
		return "", "签名错误"
	}
	if p["appid"] != s.creds.AppID {
		// The real v2 service answers an appid not bound to the merchant
		// with an unsigned return_code=FAIL (issue #19), not a business FAIL.
		return "", "appid和mch_id不匹配"
	}
	return signType, ""
}

// v2Fields checks every field of the endpoint: presence, length, 4-byte
// runes, integers, one-of groups, number alphabets and notify_url.
func v2Fields(ep *v2Endpoint, p map[string]string) string {
	fields := append(append([]field{}, v2Common...), ep.fields...)
	for _, f := range fields {
		v, ok := p[f.name]
		switch {
		case !ok && f.required:
			return "缺少参数" + f.name
		case !ok:
		case utf8.RuneCountInString(v) > f.max:
			return f.name + "参数长度有误"
		case hasFourByteRune(v):
			return f.name + "参数格式错误，不支持emoji等4字节字符"
		case f.integer && !isInt(v) && strings.HasSuffix(f.name, "_fee"):
			// Captured: total_fee "0.12" → return_msg "invalid total_fee".
			return "invalid " + f.name
		case f.integer && !isInt(v):
			return f.name + "参数格式错误"
		}
	}
	if len(ep.oneOf) > 0 {
		found := false
		for _, k := range ep.oneOf {
			if p[k] != "" {
				found = true
			}
		}
		if !found {
			return "缺少参数" + ep.oneOf[len(ep.oneOf)-1]
		}
	}
	for _, c := range []struct {
		k  string
		ok func(string) bool
	}{{"out_trade_no", outTradeNoOK}, {"out_refund_no", outRefundNoOK}} {
		if v, ok := p[c.k]; ok && !c.ok(v) {
			return c.k + "参数格式错误"
		}
	}
	if v, ok := p["notify_url"]; ok && notifyURLIssue(v) != "" {
		return "notify_url参数格式错误"
	}
	return ""
}

// isInt reports whether v is an Int of the v2 documents: amounts are int32
// fen, so 2147483648 and above are no Int.
func isInt(v string) bool {
	if v == "" || len(v) > 10 {
		return false
	}
	_, err := strconv.ParseInt(v, 10, 32)
	return err == nil && v[0] != '+'
}

func atoi(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

const v2Time = "20060102150405"

func fmtV2Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(tz.Shanghai).Format(v2Time)
}

// parseV2Expire parses an optional time_expire; ok is false for a bad value.
func parseV2Expire(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(v2Time, v, tz.Shanghai)
	return t, err == nil
}

func (s *Server) payInputV2(p map[string]string) (payInput, *v2Result) {
	in := payInput{
		OutTradeNo: p["out_trade_no"],
		AmountFen:  atoi(p["total_fee"]),
		Body:       p["body"],
		Attach:     p["attach"],
		DeviceInfo: p["device_info"],
		NotifyURL:  p["notify_url"],
		AuthCode:   p["auth_code"],
		Gen:        "v2",
		SignType:   p["sign_type"],
		SubAppID:   p["sub_appid"],
	}
	if ft := p["fee_type"]; ft != "" && ft != "CNY" {
		return in, &v2Result{err: errParam.with("fee_type参数错误，仅支持CNY")}
	}
	if in.AmountFen <= 0 {
		return in, &v2Result{err: errParam.with("total_fee必须大于0")}
	}
	t, ok := parseV2Expire(p["time_expire"])
	if !ok {
		r := v2Fail("time_expire参数格式错误")
		return in, &r
	}
	in.TimeExpire = t
	return in, nil
}

// v2OrderFields are the order fields of micropay and orderquery answers.
func v2OrderFields(o *order) map[string]string {
	// An order that never paid shows only these (observed, PROTOCOL A.7).
	f := map[string]string{
		"out_trade_no":     o.OutTradeNo,
		"total_fee":        strconv.FormatInt(o.AmountFen, 10),
		"trade_state":      o.State,
		"trade_state_desc": stateDesc(o.State),
	}
	if o.paid() {
		f["trade_type"] = o.TradeType
		f["device_info"] = o.DeviceInfo
		f["attach"] = o.Attach
		f["transaction_id"] = o.TransactionID
		f["openid"] = o.OpenID
		f["is_subscribe"] = "N"
		if sub := o.subOpenID(); sub != "" {
			f["sub_openid"] = sub
		}
		f["bank_type"] = o.BankType
		f["fee_type"] = "CNY"
		f["cash_fee_type"] = "CNY"
		f["time_end"] = fmtV2Time(o.SuccessTime)
		v2OrderCouponFields(f, o, true)
	}
	return f
}

func (s *Server) handleMicropay(p map[string]string) v2Result {
	in, bad := s.payInputV2(p)
	if bad != nil {
		return *bad
	}
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		o, err := s.micropay(now, in)
		res.err = err
		if err == nil && o != nil {
			f := v2OrderFields(o)
			delete(f, "trade_state")
			delete(f, "trade_state_desc")
			// micropay's answer has coupon_fee but no coupon list.
			for _, k := range []string{"coupon_count", "coupon_type_0", "coupon_id_0", "coupon_fee_0"} {
				delete(f, k)
			}
			res.fields = f
		}
		return o != nil
	})
	return res
}

func (s *Server) handleOrderQuery(p map[string]string) v2Result {
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(time.Time) bool {
		o, err := s.query(p["transaction_id"], p["out_trade_no"])
		if err != nil {
			res.err = err
			return false
		}
		res.fields = v2OrderFields(o)
		return false
	})
	return res
}

func (s *Server) handleReverse(p map[string]string) v2Result {
	res := v2Result{fields: map[string]string{"recall": "N"}}
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		o, err := s.reverse(now, p["transaction_id"], p["out_trade_no"])
		res.err = err
		return o != nil && err == nil
	})
	return res
}

func (s *Server) handleUnifiedOrder(p map[string]string) v2Result {
	switch p["trade_type"] {
	case tradeNative:
	case tradeJSAPI, tradeApp, tradeMWEB:
		return s.handleUnifiedOrderPrepay(p)
	default:
		return v2Fail("trade_type参数格式错误")
	}
	in, bad := s.payInputV2(p)
	if bad != nil {
		return *bad
	}
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		o, err := s.native(now, in)
		res.err = err
		if err == nil {
			res.fields = map[string]string{
				"device_info": o.DeviceInfo,
				"trade_type":  tradeNative,
				"prepay_id":   o.PrepayID,
				"code_url":    o.CodeURL,
			}
		}
		return err == nil
	})
	return res
}

func (s *Server) handleCloseOrder(p map[string]string) v2Result {
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		o, err := s.closeOrder(now, p["out_trade_no"])
		res.err = err
		if err == nil {
			res.fields = map[string]string{"result_msg": "OK"}
		}
		return o != nil && err == nil
	})
	return res
}

func (s *Server) handleRefund(p map[string]string) v2Result {
	if ft := p["refund_fee_type"]; ft != "" && ft != "CNY" {
		return v2Result{err: errParam.with("refund_fee_type参数错误")}
	}
	if atoi(p["refund_fee"]) > atoi(p["total_fee"]) {
		// Captured: refund_fee above total_fee is refused before any
		// lookup, unsigned.
		return v2Fail("invalid refund_fee")
	}
	in := refundInput{
		TransactionID: p["transaction_id"],
		OutTradeNo:    p["out_trade_no"],
		OutRefundNo:   p["out_refund_no"],
		RefundFen:     atoi(p["refund_fee"]),
		TotalFen:      atoi(p["total_fee"]),
		Reason:        p["refund_desc"],
		NotifyURL:     p["notify_url"],
		Gen:           "v2",
	}
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		r, o, err := s.createRefund(now, in)
		res.err = err
		if err != nil {
			return false
		}
		amt := strconv.FormatInt(r.AmountFen, 10)
		res.fields = map[string]string{
			"transaction_id":  o.TransactionID,
			"out_trade_no":    o.OutTradeNo,
			"out_refund_no":   r.OutRefundNo,
			"refund_id":       r.RefundID,
			"refund_fee":      amt,
			"total_fee":       strconv.FormatInt(o.AmountFen, 10),
			"fee_type":        "CNY",
			"cash_fee":        strconv.FormatInt(o.payerFen(), 10),
			"cash_refund_fee": strconv.FormatInt(r.payerRefundFen(), 10),
		}
		if o.Coupon != nil && o.Coupon.Type == couponNoCash {
			res.fields["settlement_total_fee"] = strconv.FormatInt(o.settlementFen(), 10)
		}
		v2RefundCouponFields(res.fields, r, "")
		return true
	})
	return res
}

// v2RefundPage is the number of refunds one refundquery answer lists when
// an offset is given (unconfirmed; PROTOCOL A.12).
const v2RefundPage = 10

func (s *Server) handleRefundQuery(p map[string]string) v2Result {
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(time.Time) bool {
		l := s.led
		var o *order
		var list []*refund
		switch {
		case p["refund_id"] != "" || p["out_refund_no"] != "":
			r := l.refundByID(p["refund_id"])
			if p["refund_id"] == "" {
				r = l.refund(p["out_refund_no"])
			}
			if r != nil {
				list = append(list, r)
				o = l.order(r.OutTradeNo)
			}
		default:
			o = l.findOrder(p["transaction_id"], p["out_trade_no"])
			if o != nil {
				for _, no := range o.Refunds {
					list = append(list, l.refund(no))
				}
			}
		}
		if o == nil || len(list) == 0 {
			res.err = errRefundNotExist
			return false
		}
		f := map[string]string{
			"transaction_id": o.TransactionID,
			"out_trade_no":   o.OutTradeNo,
			"total_fee":      strconv.FormatInt(o.AmountFen, 10),
			"cash_fee":       strconv.FormatInt(o.payerFen(), 10),
			"fee_type":       "CNY",
			"refund_fee":     strconv.FormatInt(o.RefundedFen, 10),
		}
		if o.Coupon != nil && o.Coupon.Type == couponNoCash {
			f["settlement_total_fee"] = strconv.FormatInt(o.settlementFen(), 10)
		}
		if off, ok := p["offset"]; ok {
			start := int(atoi(off))
			f["total_refund_count"] = strconv.Itoa(len(list))
			if start >= len(list) {
				res.err = errRefundNotExist
				return false
			}
			end := min(start+v2RefundPage, len(list))
			list = list[start:end]
		}
		f["refund_count"] = strconv.Itoa(len(list))
		for i, r := range list {
			n := strconv.Itoa(i)
			amt := strconv.FormatInt(r.AmountFen, 10)
			f["out_refund_no_"+n] = r.OutRefundNo
			f["refund_id_"+n] = r.RefundID
			f["refund_channel_"+n] = "ORIGINAL"
			f["refund_fee_"+n] = amt
			v2RefundCouponFields(f, r, "_"+n)
			f["refund_status_"+n] = refundStatusV2(r.Status)
			f["refund_account_"+n] = "REFUND_SOURCE_UNSETTLED_FUNDS"
			f["refund_recv_accout_"+n] = "支付用户的零钱"
			if !r.SuccessTime.IsZero() {
				f["refund_success_time_"+n] = r.SuccessTime.In(tz.Shanghai).Format(time.DateTime)
			}
		}
		res.fields = f
		return false
	})
	return res
}

func (s *Server) handleDownloadBill(p map[string]string) v2Result {
	day, err := time.ParseInLocation("20060102", p["bill_date"], tz.Shanghai)
	if err != nil {
		return v2Result{fail: errBillDate.msg, code: errBillDate.v2}
	}
	billType := p["bill_type"]
	var data []byte
	var aerr *apiError
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		data, aerr = s.bill(now, day, billType, p["device_info"])
		return false
	})
	if aerr != nil {
		return v2Result{fail: aerr.msg, code: aerr.v2}
	}
	switch p["tar_type"] {
	case "":
		return v2Result{raw: data}
	case "GZIP":
		return v2Result{raw: gzipBytes(data)}
	default:
		return v2Result{fail: errTarType.msg, code: errTarType.v2}
	}
}
