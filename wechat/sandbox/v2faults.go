package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wxpos/wxpos/wechat"
)

// The v2 service answers every request it handles with HTTP 200 and XML,
// failures included; an injected error status on a v2 path is answered
// the way the service itself reports that failure (PROTOCOL A.6.1, A.11):
//
//	500, 503  the service failed: result_code=FAIL err_code=SYSTEMERROR,
//	          signed with the request's sign_type (return_code=FAIL
//	          error_code=SYSTEMERROR for the bill downloads, whose failures
//	          have that shape); unsigned return_code=FAIL 系统繁忙 when the
//	          request was not the merchant's (no key to sign for)
//	429       the rate limit: result_code=FAIL err_code=FREQUENCY_LIMITED
//	          (the v2 spelling of the limit, PROTOCOL "Rate limits")
//	other     not WeChat's answer but a proxy's between the two (502 Bad
//	          Gateway and 504 Gateway Timeout are by definition a gateway's,
//	          RFC 9110 §15.6.3/§15.6.5): an HTML page with that status
const v2SystemBusy = "系统繁忙,请稍后再试"

// v2FaultAnswer is what v2 returns for an injected status: XML with HTTP
// 200, or ok=false when the status is a proxy's (HTML).
func (s *Server) v2FaultAnswer(r *http.Request, status int) (p map[string]string, ok bool) {
	var e *apiError
	switch status {
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
		e = errSystem
	case http.StatusTooManyRequests:
		e = errFrequencyLimited
	default:
		return nil, false
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes))
	req, err := wechat.DecodeXML(bytes.NewReader(data))
	signType := wechat.SignType(req["sign_type"])
	if signType == "" {
		signType = wechat.SignMD5
	}
	if err != nil || req["mch_id"] != s.creds.MchID || !signType.Valid() || !wechat.VerifyV2(req, s.creds.APIKey) {
		return map[string]string{"return_code": "FAIL", "return_msg": v2SystemBusy}, true
	}
	if strings.HasPrefix(r.URL.Path, "/pay/download") {
		return map[string]string{"return_code": "FAIL", "return_msg": e.msg, "error_code": e.v2}, true
	}
	p = map[string]string{
		"return_code":  "SUCCESS",
		"return_msg":   "OK",
		"appid":        s.creds.AppID,
		"mch_id":       s.creds.MchID,
		"nonce_str":    nonce(),
		"result_code":  "FAIL",
		"err_code":     e.v2,
		"err_code_des": e.msg,
	}
	p["sign"] = wechat.SignV2(p, s.creds.APIKey, signType)
	return p, true
}

// writeV2GatewayError answers an injected status on a v2 path.
func (s *Server) writeV2GatewayError(w http.ResponseWriter, r *http.Request, status int) {
	if p, ok := s.v2FaultAnswer(r, status); ok {
		writeXML(w, p)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
}
