package wechat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// WithSubMerchant puts a client in service-provider (服务商) mode: it acts
// for the sub-merchant (特约商户) subMchID, optionally with the
// sub-merchant's own app subAppID, while WithMerchant names the service
// provider (sp_mchid, sp_appid) whose keys sign every call. The methods
// stay the same; the client calls the partner endpoints
// (/v3/pay/partner/transactions/…, sub_mchid on refunds and bills, v2
// sub_mch_id and sub_appid) and checks that each answer is the
// sub-merchant's.
func WithSubMerchant(subMchID, subAppID string) Option {
	return optionFunc(func(s *settings) error {
		if subMchID == "" {
			return fmt.Errorf("%w: empty sub_mchid", ErrNotConfigured)
		}
		s.subMchID, s.subAppID = subMchID, subAppID
		return nil
	})
}

// SubMchID is the sub-merchant the client acts for in service-provider
// mode, "" for a direct merchant.
func (c *Client) SubMchID() string { return c.s.subMchID }

// SubMchID is the sub-merchant the v2 client acts for in service-provider
// mode, "" for a direct merchant.
func (c *V2Client) SubMchID() string { return c.s.subMchID }

// partnerRequest turns a direct merchant's v3 request into the service
// provider's: the partner payment paths, mchid → sp_mchid + sub_mchid in
// the query, appid/mchid → sp_appid/sp_mchid + sub_appid/sub_mchid in the
// body, and sub_mchid on refunds and bills (wechatpay-go v0.2.21
// services/partnerpayments, refunddomestic). The request is signed after.
func (s *settings) partnerRequest(pathQuery string, body []byte) (string, []byte, error) {
	path, rawQuery, _ := strings.Cut(pathQuery, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", nil, err
	}
	switch {
	case strings.HasPrefix(path, "/v3/pay/transactions/"):
		path = "/v3/pay/partner/transactions/" + strings.TrimPrefix(path, "/v3/pay/transactions/")
		if q.Has("mchid") {
			q.Set("sp_mchid", q.Get("mchid"))
			q.Del("mchid")
			q.Set("sub_mchid", s.subMchID)
		}
	case strings.HasSuffix(path, "/apply-abnormal-refund"):
		// sub_mchid goes in its body, as on every partner POST.
	case strings.HasPrefix(path, "/v3/refund/domestic/refunds/"), path == "/v3/bill/tradebill":
		q.Set("sub_mchid", s.subMchID)
	}
	if len(q) > 0 {
		path += "?" + partnerQuery(q)
	}
	if len(body) == 0 {
		return path, body, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "", nil, err
	}
	str := func(v string) json.RawMessage { b, _ := json.Marshal(v); return b }
	if v, ok := m["mchid"]; ok {
		m["sp_mchid"] = v
		delete(m, "mchid")
	}
	if v, ok := m["appid"]; ok {
		m["sp_appid"] = v
		delete(m, "appid")
		if s.subAppID != "" {
			m["sub_appid"] = str(s.subAppID)
		}
	}
	m["sub_mchid"] = str(s.subMchID)
	if path == "/v3/pay/partner/transactions/jsapi" {
		if m["payer"], err = s.partnerPayer(m["payer"]); err != nil {
			return "", nil, err
		}
	}
	body, err = json.Marshal(m)
	return path, body, err
}

// partnerPayer is a JSAPI payer in the partner shape: the openid is the
// payer's under the app the order is paid in — sub_openid when the client
// has the sub-merchant's app (sub_appid), else sp_openid (the official
// partner JSAPI field table: one of the two, sub_openid with sub_appid).
func (s *settings) partnerPayer(raw json.RawMessage) (json.RawMessage, error) {
	var p struct {
		OpenID string `json:"openid"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	k := "sp_openid"
	if s.subAppID != "" {
		k = "sub_openid"
	}
	return json.Marshal(map[string]string{k: p.OpenID})
}

// payAppID is the app the customer pays a prepay_id in: the
// sub-merchant's own (sub_appid) when it has one, else the merchant's or
// service provider's app id.
func (s *settings) payAppID() string {
	if s.subAppID != "" {
		return s.subAppID
	}
	return s.appID
}

// payMchID is the App SDK's partnerid: the merchant, or in
// service-provider mode the sub-merchant (the partner App page's
// 子商户号).
func (s *settings) payMchID() string {
	if s.subMchID != "" {
		return s.subMchID
	}
	return s.mchID
}

// partnerQuery encodes q with sp_mchid and sub_mchid first, the order the
// official SDK sends them in; the rest sorted.
func partnerQuery(q url.Values) string {
	var parts []string
	for _, k := range []string{"sp_mchid", "sub_mchid"} {
		if q.Has(k) {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(q.Get(k)))
			q.Del(k)
		}
	}
	if rest := q.Encode(); rest != "" {
		parts = append(parts, rest)
	}
	return strings.Join(parts, "&")
}

// partnerIDs fills t from a partner order's ids: the store is the
// sub-merchant, its app the sub_appid when there is one.
func (w *v3Transaction) partnerIDs(t *Transaction) {
	t.SpMchID, t.MchID, t.AppID = w.SpMchID, w.SubMchID, w.SpAppID
	t.OpenID = w.Payer.SpOpenID
	if w.SubAppID != "" {
		t.AppID, t.OpenID = w.SubAppID, w.Payer.SubOpenID
	}
}

// errNotOurs is an answer about another merchant's order.
var errNotOurs = errors.New("the order is another merchant's")

// ours checks that a verified transaction belongs to the merchant the
// client acts for: in service-provider mode, this provider's sub-merchant.
func (c *Client) ours(op string, t *Transaction) error {
	if c.s.subMchID == "" {
		return nil
	}
	if t.SpMchID != c.s.mchID || t.MchID != c.s.subMchID {
		return decodeFailed(op, fmt.Errorf("%w: sp_mchid %q sub_mchid %q", errNotOurs, t.SpMchID, t.MchID))
	}
	return nil
}
