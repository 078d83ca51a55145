package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// The prepay kinds: an order the customer pays in the WeChat client from a
// prepay_id — JSAPI (official account and mini-program), App and H5 (MWEB).
// They share Native's life (NOTPAY until paid, closed by close or expiry,
// notified when paid); what differs is how the customer gets to pay, which
// is the control API's POST /sandbox/prepay/pay (prepaypay.go).

// prepayLifetime is how long a prepay_id stays payable (PROTOCOL C: 2 h).
const prepayLifetime = 2 * time.Hour

// h5URLLifetime is how long an H5 order's h5_url opens the cashier page:
// 5 minutes, as the H5 developer guide states.
const h5URLLifetime = 5 * time.Minute

func prepayKind(tradeType string) bool {
	return tradeType == tradeJSAPI || tradeType == tradeApp || tradeType == tradeMWEB
}

// newPrepayID mints a prepay_id in WeChat's shape ("wx" + Beijing time +
// 20 characters: 36 in all).
func newPrepayID(now time.Time) string {
	return "wx" + now.In(tz.Shanghai).Format("20060102150405") + randomToken(20)
}

// h5URL is the cashier page of an H5 order. The package number is derived
// from the prepay_id so that the same order always shows the same URL.
func h5URL(prepayID string) string {
	d := codeDigest("h5:" + prepayID)
	n, _ := strconv.ParseUint(d[:8], 16, 64)
	return "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=" + prepayID + "&package=" + strconv.FormatUint(n%1e10, 10)
}

// prepay creates (or re-enters) a JSAPI, App or H5 order. openID is the
// JSAPI payer, "" for the other kinds.
func (s *Server) prepay(now time.Time, kind string, in payInput, openID string) (*order, *apiError) {
	l := s.led
	fp := in.fingerprint(kind)
	if openID != "" {
		fp += "|openid:" + openID
	}
	if in.SubOpenID != "" {
		fp += "|sub_openid:" + in.SubOpenID
	}
	if o := l.order(in.OutTradeNo); o != nil {
		if err := existingOrder(o, fp); err != nil {
			return o, err
		}
		if !now.Before(o.PrepayExpiry) {
			// The same order asked again after its prepay_id lapsed gets
			// a fresh one, as Native gets a fresh code_url.
			o.PrepayID = newPrepayID(now)
			o.PrepayExpiry = now.Add(prepayLifetime)
		}
		return o, nil
	}
	if !in.TimeExpire.IsZero() && in.TimeExpire.Before(now.Add(5*time.Minute)) {
		return nil, errTimeExpireShort
	}
	o := &order{
		OutTradeNo:   in.OutTradeNo,
		TradeType:    kind,
		State:        stateNotPay,
		AmountFen:    in.AmountFen,
		Body:         in.Body,
		Attach:       in.Attach,
		DeviceInfo:   in.DeviceInfo,
		NotifyURL:    in.NotifyURL,
		Gen:          in.Gen,
		SignType:     in.SignType,
		Fingerprint:  fp,
		OpenID:       openID,
		SubAppID:     in.SubAppID,
		SubOpenID:    in.SubOpenID,
		CreateTime:   now,
		ExpireTime:   in.TimeExpire,
		PrepayID:     newPrepayID(now),
		PrepayExpiry: now.Add(prepayLifetime),
	}
	if o.ExpireTime.IsZero() {
		o.ExpireTime = now.Add(s.opts.NativeExpiry)
	}
	l.addOrder(o)
	return o, nil
}

// orderByPrepayID finds the JSAPI, App or H5 order that issued prepayID.
func (l *ledger) orderByPrepayID(prepayID string) *order {
	if no := l.b(bPrepay).Get([]byte(prepayID)); no != nil {
		if o := l.order(string(no)); o != nil && o.PrepayID == prepayID {
			return o
		}
	}
	return l.pendingBy(func(o *order) bool { return o.PrepayID == prepayID && prepayKind(o.TradeType) })
}

// v3PrepayReq is the body of POST /v3/pay/transactions/{jsapi,app,h5}.
type v3PrepayReq struct {
	AppID       string    `json:"appid"`
	MchID       string    `json:"mchid"`
	Description string    `json:"description"`
	OutTradeNo  string    `json:"out_trade_no"`
	TimeExpire  string    `json:"time_expire"`
	Attach      string    `json:"attach"`
	NotifyURL   string    `json:"notify_url"`
	GoodsTag    string    `json:"goods_tag"`
	Amount      *v3Amount `json:"amount"`
	Payer       *struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
	SceneInfo *v3SceneInfo `json:"scene_info"`
}

func (s *Server) handleV3JSAPI(r *http.Request, body []byte) v3Reply {
	return s.v3Prepay(tradeJSAPI, body)
}

func (s *Server) handleV3App(r *http.Request, body []byte) v3Reply {
	return s.v3Prepay(tradeApp, body)
}

func (s *Server) handleV3H5(r *http.Request, body []byte) v3Reply {
	return s.v3Prepay(tradeMWEB, body)
}

// v3Prepay is the three prepay endpoints: the fields Native checks, then
// each kind's own (payer.openid for JSAPI; scene_info.payer_client_ip and
// h5_info.type for H5), then the order.
func (s *Server) v3Prepay(kind string, body []byte) v3Reply {
	var req v3PrepayReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	var openID string
	in, rep, ok := prepayInput(kind, &req, func() (v3Reply, bool) {
		var rep v3Reply
		var ok bool
		openID, rep, ok = jsapiPayer(kind, &req)
		return rep, ok
	})
	if !ok {
		return rep
	}
	if rep, ok := s.merchantMatches(req.AppID, req.MchID); !ok {
		return rep
	}
	return s.prepayIn(nil, kind, in, openID)
}

// prepayInput checks what every prepay kind shares with Native, then the
// payer (payer, which the partner kinds check their way), then the
// kind's scene_info, and returns the order's input.
func prepayInput(kind string, req *v3PrepayReq, payer func() (v3Reply, bool)) (payInput, v3Reply, bool) {
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
	if rep, ok := payer(); !ok {
		return payInput{}, rep, false
	}
	if rep, ok := sceneChecks(kind, req.SceneInfo); !ok {
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

// prepayIn creates (or re-enters) the order in ledger led (nil: the direct
// merchant's) and answers its prepay_id, or for H5 its h5_url.
func (s *Server) prepayIn(led *ledger, kind string, in payInput, openID string) v3Reply {
	var rep v3Reply
	s.updateIn(led, func(now time.Time) bool {
		o, err := s.prepay(now, kind, in, openID)
		switch {
		case err != nil:
			rep = v3Err(err)
			return false
		case kind == tradeMWEB:
			rep = v3JSON(http.StatusOK, map[string]string{"h5_url": h5URL(o.PrepayID)})
		default:
			rep = v3JSON(http.StatusOK, map[string]string{"prepay_id": o.PrepayID})
		}
		return true
	})
	return rep
}

// h5Types are the values of scene_info.h5_info.type.
var h5Types = map[string]bool{"iOS": true, "Android": true, "Wap": true}

// jsapiPayer checks the payer of a direct JSAPI order and returns its
// openid ("" for the other kinds).
func jsapiPayer(kind string, req *v3PrepayReq) (string, v3Reply, bool) {
	if kind != tradeJSAPI {
		return "", v3Reply{}, true
	}
	if req.Payer == nil {
		return "", v3Param("/payer", "必填性规则校验失败，此字段为必填项"), false
	}
	if rep, ok := runChecks(str("/payer/openid", req.Payer.OpenID, true, 1, 128)); !ok {
		return "", rep, false
	}
	return req.Payer.OpenID, v3Reply{}, true
}

// v3SceneInfo is a prepay order's scene_info.
type v3SceneInfo struct {
	PayerClientIP string `json:"payer_client_ip"`
	DeviceID      string `json:"device_id"`
	H5Info        *struct {
		Type        string `json:"type"`
		AppName     string `json:"app_name"`
		AppURL      string `json:"app_url"`
		BundleID    string `json:"bundle_id"`
		PackageName string `json:"package_name"`
	} `json:"h5_info"`
}

// sceneChecks checks the scene_info of a prepay kind: required for H5
// with its h5_info, optional for the others.
func sceneChecks(kind string, si *v3SceneInfo) (v3Reply, bool) {
	if si == nil {
		if kind == tradeMWEB {
			return v3Param("/scene_info", "必填性规则校验失败，此字段为必填项"), false
		}
		return v3Reply{}, true
	}
	// scene_info is optional for JSAPI and App, but once given its
	// payer_client_ip is required.
	if rep, ok := runChecks(str("/scene_info/payer_client_ip", si.PayerClientIP, true, 1, 45),
		str("/scene_info/device_id", si.DeviceID, false, 0, 32)); !ok {
		return rep, false
	}
	if kind != tradeMWEB {
		return v3Reply{}, true
	}
	h5 := si.H5Info
	if h5 == nil {
		return v3Param("/scene_info/h5_info", "必填性规则校验失败，此字段为必填项"), false
	}
	if rep, ok := runChecks(str("/scene_info/h5_info/type", h5.Type, true, 1, 32),
		str("/scene_info/h5_info/app_name", h5.AppName, false, 0, 64), str("/scene_info/h5_info/app_url", h5.AppURL, false, 0, 128),
		str("/scene_info/h5_info/bundle_id", h5.BundleID, false, 0, 128), str("/scene_info/h5_info/package_name", h5.PackageName, false, 0, 128),
	); !ok {
		return rep, false
	}
	if !h5Types[h5.Type] {
		return v3Param("/scene_info/h5_info/type", "取值规则校验失败，应为iOS、Android或Wap"), false
	}
	return v3Reply{}, true
}

// handleUnifiedOrderPrepay is v2 unifiedorder with trade_type JSAPI, APP
// or MWEB: openid is required for JSAPI, scene_info (the h5_info JSON) for
// MWEB; the answer carries prepay_id, and mweb_url for MWEB.
func (s *Server) handleUnifiedOrderPrepay(p map[string]string) v2Result {
	kind := p["trade_type"]
	openID := ""
	switch kind {
	case tradeJSAPI:
		if p["openid"] == "" && (!s.v2SP(p) || p["sub_openid"] == "") {
			// As merchants report it: an unsigned return_code=FAIL. A
			// service provider may name the payer by sub_openid instead.
			return v2Fail("JSAPI支付必须传openid")
		}
		openID = p["openid"]
	case tradeMWEB:
		if fail := v2H5SceneInfo(p["scene_info"]); fail != "" {
			return v2Fail(fail)
		}
	}
	in, bad := s.payInputV2(p)
	if bad != nil {
		return *bad
	}
	if s.v2SP(p) && kind == tradeJSAPI && p["sub_openid"] != "" {
		in.SubOpenID = p["sub_openid"]
		if openID == "" {
			openID = spOpenIDOf(in.SubOpenID)
		}
	}
	var res v2Result
	s.updateIn(s.v2Ledger(p), func(now time.Time) bool {
		o, err := s.prepay(now, kind, in, openID)
		res.err = err
		if err == nil {
			res.fields = map[string]string{"device_info": o.DeviceInfo, "trade_type": kind, "prepay_id": o.PrepayID}
			if kind == tradeMWEB {
				res.fields["mweb_url"] = h5URL(o.PrepayID)
			}
		}
		return err == nil
	})
	return res
}

// v2H5SceneInfo checks the scene_info of a v2 H5 order: JSON with an
// h5_info whose type is IOS, Android or Wap (the v2 spellings).
func v2H5SceneInfo(raw string) string {
	if raw == "" {
		return "缺少参数scene_info"
	}
	var si struct {
		H5Info *struct {
			Type string `json:"type"`
		} `json:"h5_info"`
	}
	if err := json.Unmarshal([]byte(raw), &si); err != nil || si.H5Info == nil {
		return "scene_info参数格式错误"
	}
	switch si.H5Info.Type {
	case "IOS", "iOS", "Android", "Wap":
		return ""
	}
	return "scene_info参数格式错误，h5_info.type应为IOS、Android或Wap"
}
