package wechat

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// The prepay kinds: orders the customer pays inside WeChat from a
// prepay_id the merchant's server obtained — JSAPI (official-account pages
// through WeixinJSBridge, and mini-programs through wx.requestPayment), App
// (the WeChat OpenSDK in the merchant's app) and H5 (a mobile browser
// outside WeChat, sent to h5_url). The terminal does not use them; the
// store's own ordering page or mini-program does, through the same client.

// H5 scene types (v3 scene_info.h5_info.type).
const (
	H5IOS     = "iOS"
	H5Android = "Android"
	H5Wap     = "Wap"
)

// PrepayRequest creates a JSAPI, App or H5 order: v3
// /v3/pay/transactions/{jsapi,app,h5} or v2 unifiedorder with trade_type
// JSAPI, APP or MWEB.
type PrepayRequest struct {
	OutTradeNo  string    // required, 6–32
	Description string    // required (v2 body), ≤127
	Total       int64     // required, fen
	NotifyURL   string    // required
	OpenID      string    // JSAPI: required, the payer's openid under the app id
	ClientIP    string    // H5 and every v2 kind: required (payer_client_ip / spbill_create_ip)
	H5Type      string    // H5: required, H5IOS, H5Android or H5Wap
	TimeExpire  time.Time // optional
	Attach      string    // optional
	DeviceID    string    // optional
}

// PrepayOrder is the answer to a prepay request.
type PrepayOrder struct {
	PrepayID string // every kind (v3 H5: taken from H5URL)
	H5URL    string // H5 only: where the customer's browser goes (v2 mweb_url)
}

// The kinds, as the v2 trade_type names them.
const (
	kindJSAPI = "JSAPI"
	kindApp   = "APP"
	kindH5    = "MWEB"
)

func (r *PrepayRequest) validate(kind string, v2 bool) error {
	errs := []error{
		idChars("out_trade_no", r.OutTradeNo, 32),
		need("description", r.Description, 127),
		need("notify_url", r.NotifyURL, 255),
		fenRange("total", r.Total),
		maxLen("attach", r.Attach, 127),
		maxLen("device_id", r.DeviceID, 32),
		maxLen("client_ip", r.ClientIP, 45),
	}
	if kind == kindJSAPI {
		errs = append(errs, need("openid", r.OpenID, 128))
	}
	if kind == kindH5 || v2 {
		errs = append(errs, need("client_ip", r.ClientIP, 45))
	}
	if kind == kindH5 {
		switch r.H5Type {
		case H5IOS, H5Android, H5Wap:
		default:
			errs = append(errs, fmt.Errorf("%w: h5 type must be iOS, Android or Wap, got %q", ErrInvalidArgument, r.H5Type))
		}
	}
	return firstErr(errs...)
}

// v3PrepayBody is the body of the three v3 prepay endpoints.
type v3PrepayBody struct {
	AppID       string   `json:"appid"`
	MchID       string   `json:"mchid"`
	Description string   `json:"description"`
	OutTradeNo  string   `json:"out_trade_no"`
	TimeExpire  string   `json:"time_expire,omitempty"`
	Attach      string   `json:"attach,omitempty"`
	NotifyURL   string   `json:"notify_url"`
	Amount      v3Amount `json:"amount"`
	Payer       *struct {
		OpenID string `json:"openid"`
	} `json:"payer,omitempty"`
	SceneInfo *v3PrepayScene `json:"scene_info,omitempty"`
}

type v3PrepayScene struct {
	PayerClientIP string `json:"payer_client_ip"`
	DeviceID      string `json:"device_id,omitempty"`
	H5Info        *struct {
		Type string `json:"type"`
	} `json:"h5_info,omitempty"`
}

// JSAPIPrepay creates a JSAPI / mini-program order (POST
// /v3/pay/transactions/jsapi). Hand the page JSAPIPayParams(prepay_id).
func (c *Client) JSAPIPrepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindJSAPI, r)
}

// AppPrepay creates an App order (POST /v3/pay/transactions/app). Hand the
// app AppPayParams(prepay_id).
func (c *Client) AppPrepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindApp, r)
}

// H5Prepay creates an H5 order (POST /v3/pay/transactions/h5) and returns
// the h5_url to send the customer's browser to.
func (c *Client) H5Prepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindH5, r)
}

func (c *Client) prepay(ctx context.Context, kind string, r PrepayRequest) (*PrepayOrder, error) {
	path := map[string]string{kindJSAPI: "jsapi", kindApp: "app", kindH5: "h5"}[kind]
	op := "v3 " + path
	if err := r.validate(kind, false); err != nil {
		return nil, err
	}
	b := v3PrepayBody{AppID: c.s.appID, MchID: c.s.mchID, Description: r.Description, OutTradeNo: r.OutTradeNo,
		Attach: r.Attach, NotifyURL: r.NotifyURL, Amount: v3Amount{Total: r.Total, Currency: "CNY"}}
	if !r.TimeExpire.IsZero() {
		b.TimeExpire = r.TimeExpire.In(tz.Shanghai).Format(time.RFC3339)
	}
	if kind == kindJSAPI {
		b.Payer = &struct {
			OpenID string `json:"openid"`
		}{r.OpenID}
	}
	if r.ClientIP != "" {
		b.SceneInfo = &v3PrepayScene{PayerClientIP: r.ClientIP, DeviceID: r.DeviceID}
	}
	if kind == kindH5 {
		b.SceneInfo.H5Info = &struct {
			Type string `json:"type"`
		}{r.H5Type}
	}
	var out struct {
		PrepayID string `json:"prepay_id"`
		H5URL    string `json:"h5_url"`
	}
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodPost, pathQuery: "/v3/pay/transactions/" + path, in: &b, out: &out}); err != nil {
		return nil, fmt.Errorf("%s prepay %s: %w", path, r.OutTradeNo, err)
	}
	o, err := prepayAnswer(kind, out.PrepayID, out.H5URL)
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	return o, nil
}

// prepayAnswer checks a prepay answer: a prepay_id, and for H5 an https
// h5_url (whose prepay_id query parameter stands in when the answer has
// none, as v3 H5's does).
func prepayAnswer(kind, prepayID, h5URL string) (*PrepayOrder, error) {
	if kind == kindH5 {
		u, err := url.Parse(h5URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, errors.New("h5_url is not an https URL")
		}
		if prepayID == "" {
			prepayID = u.Query().Get("prepay_id")
		}
	}
	if prepayID == "" && kind != kindH5 {
		return nil, errors.New("empty prepay_id")
	}
	return &PrepayOrder{PrepayID: prepayID, H5URL: h5URL}, nil
}

// JSAPIPrepay is unifiedorder with trade_type=JSAPI (official account and
// mini-program); OpenID and ClientIP are required.
func (c *V2Client) JSAPIPrepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindJSAPI, r)
}

// AppPrepay is unifiedorder with trade_type=APP; ClientIP is required.
func (c *V2Client) AppPrepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindApp, r)
}

// H5Prepay is unifiedorder with trade_type=MWEB; ClientIP and H5Type are
// required, H5URL is the answer's mweb_url.
func (c *V2Client) H5Prepay(ctx context.Context, r PrepayRequest) (*PrepayOrder, error) {
	return c.prepay(ctx, kindH5, r)
}

func (c *V2Client) prepay(ctx context.Context, kind string, r PrepayRequest) (*PrepayOrder, error) {
	op := "v2 unifiedorder " + kind
	if err := r.validate(kind, true); err != nil {
		return nil, err
	}
	p := map[string]string{
		"body": r.Description, "out_trade_no": r.OutTradeNo, "total_fee": fen(r.Total), "fee_type": "CNY",
		"spbill_create_ip": r.ClientIP, "notify_url": r.NotifyURL, "trade_type": kind,
		"attach": r.Attach, "device_info": r.DeviceID, "openid": r.OpenID,
	}
	if c.s.subAppID != "" && kind == kindJSAPI { // the payer under the sub-merchant's app
		delete(p, "openid")
		p["sub_openid"] = r.OpenID
	}
	if kind == kindH5 {
		t := r.H5Type
		if t == H5IOS {
			t = "IOS" // the v2 spelling
		}
		si, _ := json.Marshal(map[string]map[string]string{"h5_info": {"type": t}})
		p["scene_info"] = string(si)
	}
	if !r.TimeExpire.IsZero() {
		p["time_expire"] = r.TimeExpire.In(tz.Shanghai).Format(v2TimeLayout)
	}
	m, err := c.call(ctx, op, "/pay/unifiedorder", p, false)
	if err != nil {
		return nil, fmt.Errorf("unifiedorder %s %s: %w", kind, r.OutTradeNo, err)
	}
	if m["trade_type"] != "" && m["trade_type"] != kind {
		return nil, mismatch(op, "trade_type", m["trade_type"], kind)
	}
	o, err := prepayAnswer(kind, m["prepay_id"], m["mweb_url"])
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	return o, nil
}

// JSAPIPayParams are the parameters of WeixinJSBridge getBrandWCPayRequest
// and of a mini-program's wx.requestPayment (which takes all but AppID),
// with their JSON names.
type JSAPIPayParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"`
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"` // "prepay_id=…"
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
}

// AppPayParams are the parameters of the App SDK's payment request
// (PayReq), with the JSON names of the documents.
type AppPayParams struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"` // the merchant number
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"` // always "Sign=WXPay"
	NonceStr  string `json:"noncestr"`
	TimeStamp string `json:"timestamp"`
	Sign      string `json:"sign"`
}

// SignJSAPIPayParams builds the client-side parameters of a v3 JSAPI or
// mini-program prepay_id: signType RSA, paySign the SHA256withRSA of
// "appId\ntimeStamp\nnonceStr\npackage\n" with the merchant key.
func SignJSAPIPayParams(key *rsa.PrivateKey, appID, prepayID string, timestamp int64, nonce string) (JSAPIPayParams, error) {
	p := JSAPIPayParams{AppID: appID, TimeStamp: strconv.FormatInt(timestamp, 10), NonceStr: nonce,
		Package: "prepay_id=" + prepayID, SignType: "RSA"}
	sig, err := SignSHA256RSA(key, p.AppID+"\n"+p.TimeStamp+"\n"+p.NonceStr+"\n"+p.Package+"\n")
	if err != nil {
		return JSAPIPayParams{}, err
	}
	p.PaySign = sig
	return p, nil
}

// SignAppPayParams builds the client-side parameters of a v3 App
// prepay_id: sign is the SHA256withRSA of
// "appid\ntimestamp\nnoncestr\nprepayid\n" with the merchant key.
func SignAppPayParams(key *rsa.PrivateKey, appID, mchID, prepayID string, timestamp int64, nonce string) (AppPayParams, error) {
	p := AppPayParams{AppID: appID, PartnerID: mchID, PrepayID: prepayID, Package: "Sign=WXPay",
		NonceStr: nonce, TimeStamp: strconv.FormatInt(timestamp, 10)}
	sig, err := SignSHA256RSA(key, p.AppID+"\n"+p.TimeStamp+"\n"+p.NonceStr+"\n"+p.PrepayID+"\n")
	if err != nil {
		return AppPayParams{}, err
	}
	p.Sign = sig
	return p, nil
}

// SignJSAPIPayParamsV2 builds the client-side parameters of a v2 JSAPI or
// mini-program prepay_id: the v2 signature over appId, timeStamp, nonceStr,
// package and signType with the API key. t must be the sign type of the
// unifiedorder call.
func SignJSAPIPayParamsV2(apiKey string, t SignType, appID, prepayID string, timestamp int64, nonce string) JSAPIPayParams {
	p := JSAPIPayParams{AppID: appID, TimeStamp: strconv.FormatInt(timestamp, 10), NonceStr: nonce,
		Package: "prepay_id=" + prepayID, SignType: string(t)}
	p.PaySign = SignV2(map[string]string{"appId": p.AppID, "timeStamp": p.TimeStamp, "nonceStr": p.NonceStr,
		"package": p.Package, "signType": p.SignType}, apiKey, t)
	return p
}

// SignAppPayParamsV2 builds the client-side parameters of a v2 App
// prepay_id: the v2 signature (of the unifiedorder's sign type t) over
// appid, partnerid, prepayid, package, noncestr and timestamp.
func SignAppPayParamsV2(apiKey string, t SignType, appID, mchID, prepayID string, timestamp int64, nonce string) AppPayParams {
	p := AppPayParams{AppID: appID, PartnerID: mchID, PrepayID: prepayID, Package: "Sign=WXPay",
		NonceStr: nonce, TimeStamp: strconv.FormatInt(timestamp, 10)}
	p.Sign = SignV2(map[string]string{"appid": p.AppID, "partnerid": p.PartnerID, "prepayid": p.PrepayID,
		"package": p.Package, "noncestr": p.NonceStr, "timestamp": p.TimeStamp}, apiKey, t)
	return p
}

// JSAPIPayParams signs the client-side parameters of prepayID for the
// configured app id (in service-provider mode the sub-merchant's app when
// it has one, else the provider's), now (WithClock) and a fresh nonce.
func (c *Client) JSAPIPayParams(prepayID string) (JSAPIPayParams, error) {
	if err := need("prepay_id", prepayID, 64); err != nil {
		return JSAPIPayParams{}, err
	}
	return SignJSAPIPayParams(c.s.mchKey, c.s.payAppID(), prepayID, c.s.clock().Unix(), NonceString())
}

// AppPayParams signs the App SDK parameters of prepayID.
func (c *Client) AppPayParams(prepayID string) (AppPayParams, error) {
	if err := need("prepay_id", prepayID, 64); err != nil {
		return AppPayParams{}, err
	}
	return SignAppPayParams(c.s.mchKey, c.s.payAppID(), c.s.payMchID(), prepayID, c.s.clock().Unix(), NonceString())
}

// JSAPIPayParams signs the client-side parameters of a v2 prepayID with
// the configured sign type.
func (c *V2Client) JSAPIPayParams(prepayID string) (JSAPIPayParams, error) {
	if err := need("prepay_id", prepayID, 64); err != nil {
		return JSAPIPayParams{}, err
	}
	return SignJSAPIPayParamsV2(c.s.v2Key, c.s.signType, c.s.payAppID(), prepayID, c.s.clock().Unix(), NonceString()), nil
}

// AppPayParams signs the App SDK parameters of a v2 prepayID.
func (c *V2Client) AppPayParams(prepayID string) (AppPayParams, error) {
	if err := need("prepay_id", prepayID, 64); err != nil {
		return AppPayParams{}, err
	}
	return SignAppPayParamsV2(c.s.v2Key, c.s.signType, c.s.payAppID(), c.s.payMchID(), prepayID, c.s.clock().Unix(), NonceString()), nil
}
