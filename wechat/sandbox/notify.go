package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/internal/notifyurl"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// notifyRetry is WeChat's re-send schedule after a failed notification
// (PROTOCOL A.13/B.13): 15 retries over 24 h 4 min, on the sandbox clock.
var notifyRetry = []time.Duration{
	15 * time.Second, 15 * time.Second, 30 * time.Second, 3 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, 30 * time.Minute, 30 * time.Minute, 60 * time.Minute,
	3 * time.Hour, 3 * time.Hour, 3 * time.Hour, 6 * time.Hour, 6 * time.Hour,
}

// Notification kinds.
const (
	noticePay    = "pay"
	noticeRefund = "refund"
)

// notice is one notification WeChat owes the merchant: a paid Native order
// or a finished refund whose request named a notify_url.
type notice struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Gen      string    `json:"gen"`
	URL      string    `json:"url"`
	Ref      string    `json:"ref"` // out_trade_no or out_refund_no
	Created  time.Time `json:"created"`
	Due      time.Time `json:"due"`
	Attempts int       `json:"attempts"`
	Done     bool      `json:"done"`
	GaveUp   bool      `json:"gave_up"`
	LastErr  string    `json:"last_error,omitempty"`
	// The order or refund as it was at the event: later changes (a refund
	// after the payment) do not alter what was announced.
	Order  *order  `json:"order,omitempty"`
	Refund *refund `json:"refund,omitempty"`
	N      uint64  `json:"n"` // queue number
}

func (l *ledger) queuePayNotify(o *order, now time.Time) {
	if o.NotifyURL == "" {
		return
	}
	snap := *o
	snap.Refunds = nil
	l.addNotice(&notice{ID: eventID(), Kind: noticePay, Gen: o.Gen,
		URL: o.NotifyURL, Ref: o.OutTradeNo, Created: now, Due: now, Order: &snap})
}

func (l *ledger) queueRefundNotify(r *refund, now time.Time) {
	if r.NotifyURL == "" {
		return
	}
	snap := *r
	l.addNotice(&notice{ID: eventID(), Kind: noticeRefund, Gen: r.Gen,
		URL: r.NotifyURL, Ref: r.OutRefundNo, Created: now, Due: now, Refund: &snap})
}

// Notification is a notification as GET /sandbox/notifications lists it.
type Notification struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // "pay" or "refund"
	API       string `json:"api"`  // "v2" or "v3"
	URL       string `json:"url"`
	Ref       string `json:"ref"` // out_trade_no or out_refund_no
	Attempts  int    `json:"attempts"`
	Delivered bool   `json:"delivered"`
	GaveUp    bool   `json:"gave_up"`
	NextTry   string `json:"next_try,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

// Notifications lists every notification and its delivery state.
// The direct merchant's come first, then the sub-merchant's.
func (s *Server) Notifications() []Notification {
	var out []Notification
	for _, led := range []*ledger{nil, s.sp.led} {
		s.updateIn(led, func(time.Time) bool {
			s.led.eachNotice(func(n *notice) {
				v := Notification{ID: n.ID, Kind: n.Kind, API: n.Gen, URL: n.URL, Ref: n.Ref, Attempts: n.Attempts,
					Delivered: n.Done && !n.GaveUp, GaveUp: n.GaveUp, LastError: n.LastErr}
				if !n.Done {
					v.NextTry = fmtV3Time(n.Due)
				}
				out = append(out, v)
			})
			return false
		})
	}
	return out
}

// outgoing is one prepared notification request.
type outgoing struct {
	n      *notice
	body   []byte
	header http.Header
}

// DeliverNotifications sends every notification due on the sandbox clock
// (with Options.NotifyClient) and reschedules failures on WeChat's retry
// schedule. It returns how many were delivered. Nothing is sent unless it
// (or Run) is called, so tests stay off the network.
func (s *Server) DeliverNotifications(ctx context.Context) (int, error) {
	delivered := 0
	for _, led := range []*ledger{nil, s.sp.led} {
		n, err := s.deliverFrom(ctx, led)
		delivered += n
		if err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

// deliverFrom is DeliverNotifications for the notices of ledger led (nil:
// the direct merchant's).
func (s *Server) deliverFrom(ctx context.Context, led *ledger) (int, error) {
	var due []outgoing
	s.updateIn(led, func(now time.Time) bool {
		for _, n := range s.led.dueNotices(now) {
			body, hdr, err := s.noticeRequest(n)
			if err != nil {
				n.LastErr = err.Error()
				n.Done, n.GaveUp = true, true
				continue
			}
			due = append(due, outgoing{n: n, body: body, header: hdr})
		}
		return true
	})
	delivered := 0
	for _, o := range due {
		err := s.send(ctx, o)
		if ctx.Err() != nil {
			return delivered, ctx.Err()
		}
		s.updateIn(led, func(now time.Time) bool {
			n := s.led.notice(o.n.N)
			if n == nil {
				return false
			}
			n.Attempts++
			if err == nil {
				n.Done, n.LastErr = true, ""
				delivered++
				return true
			}
			n.LastErr = err.Error()
			if n.Attempts > len(notifyRetry) {
				n.Done, n.GaveUp = true, true
			} else {
				n.Due = now.Add(notifyRetry[n.Attempts-1])
			}
			return true
		})
	}
	return delivered, nil
}

// Run delivers notifications once a second until ctx ends. The caller owns
// the goroutine it runs in.
func (s *Server) Run(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if _, err := s.DeliverNotifications(ctx); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("sandbox: notifications", "err", err)
			}
		}
	}
}

// send posts one notification; only the merchant's success answer counts
// (v2: HTTP 200 with return_code SUCCESS; v3: HTTP 200 or 204).
func (s *Server) send(ctx context.Context, o outgoing) error {
	if !s.opts.NotifyLoopback {
		if why := notifyurl.Problem(o.n.URL); why != "" {
			return fmt.Errorf("notify %s: WeChat Pay cannot reach notify_url %s: it %s", o.n.ID, o.n.URL, why)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.n.URL, bytes.NewReader(o.body))
	if err != nil {
		return err
	}
	for k, v := range o.header {
		req.Header[k] = v
	}
	resp, err := s.opts.NotifyClient.Do(req)
	if err != nil {
		return fmt.Errorf("notify %s: %w", o.n.ID, err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if o.n.Gen == "v3" {
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
			return fmt.Errorf("notify %s: merchant answered HTTP %d", o.n.ID, resp.StatusCode)
		}
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("notify %s: merchant answered HTTP %d", o.n.ID, resp.StatusCode)
	}
	m, err := wechat.DecodeXML(bytes.NewReader(reply))
	if err != nil || m["return_code"] != "SUCCESS" {
		return fmt.Errorf("notify %s: merchant did not answer return_code SUCCESS", o.n.ID)
	}
	return nil
}

// noticeRequest builds the body and headers of n from the ledger (s.mu held).
func (s *Server) noticeRequest(n *notice) ([]byte, http.Header, error) {
	if n.Kind == noticePay && n.Order == nil {
		return nil, nil, fmt.Errorf("notice %s has no order", n.ID)
	}
	if n.Kind != noticePay && n.Refund == nil {
		return nil, nil, fmt.Errorf("notice %s has no refund", n.ID)
	}
	switch {
	case n.Kind == noticePay && n.Gen == "v2":
		return s.v2PayNotice(n.Order), xmlHeader(), nil
	case n.Kind == noticeRefund && n.Gen == "v2":
		body, err := s.v2RefundNotice(n.Refund)
		if err != nil {
			return nil, nil, err
		}
		return body, xmlHeader(), nil
	}
	return s.v3Notice(n)
}

func xmlHeader() http.Header { return http.Header{"Content-Type": {"text/xml"}} }

// v2PayNotice is API v2's payment notice: the order's fields in signed
// XML, empty ones left out, signed the way the order was requested.
func (s *Server) v2PayNotice(o *order) []byte {
	appID, mchID, key := s.creds.AppID, s.creds.MchID, s.creds.APIKey
	sub := ""
	if s.inSub() {
		appID, mchID, key, sub = s.sp.c.SpAppID, s.sp.c.SpMchID, s.sp.c.APIKey, s.sp.c.SubMchID
	}
	p := map[string]string{
		"return_code": "SUCCESS", "return_msg": "OK", "appid": appID, "mch_id": mchID, "sub_mch_id": sub, "sub_appid": o.SubAppID,
		"nonce_str": nonce(), "result_code": "SUCCESS", "openid": o.OpenID, "is_subscribe": "N",
		"trade_type": o.TradeType, "bank_type": o.BankType, "total_fee": strconv.FormatInt(o.AmountFen, 10),
		"fee_type": "CNY", "transaction_id": o.TransactionID,
		"out_trade_no": o.OutTradeNo, "attach": o.Attach, "time_end": fmtV2Time(o.SuccessTime), "device_info": o.DeviceInfo,
	}
	p["sub_openid"] = o.subOpenID()
	v2OrderCouponFields(p, o, true)
	st := wechat.SignType(o.SignType)
	if st == wechat.SignHMACSHA256 {
		p["sign_type"] = string(st)
	} else {
		st = wechat.SignMD5
	}
	for k, v := range p {
		if v == "" {
			delete(p, k)
		}
	}
	p["sign"] = wechat.SignV2(p, key, st)
	return wechat.EncodeXML(p)
}

// v2RefundNotice is API v2's refund notice: the refund's fields as a
// <root> document, encrypted with the API key into req_info.
func (s *Server) v2RefundNotice(r *refund) ([]byte, error) {
	inner := wechat.EncodeXML(map[string]string{
		"transaction_id": r.TransactionID, "out_trade_no": r.OutTradeNo, "refund_id": r.RefundID,
		"out_refund_no": r.OutRefundNo, "total_fee": strconv.FormatInt(r.TotalFen, 10),
		"settlement_total_fee": strconv.FormatInt(r.settlementTotalFen(), 10), "refund_fee": strconv.FormatInt(r.AmountFen, 10),
		"settlement_refund_fee": strconv.FormatInt(r.settlementRefundFen(), 10), "refund_status": refundStatusV2(r.Status),
		"success_time": fmtRefundTime(r.SuccessTime), "refund_recv_accout": "支付用户的零钱",
		"refund_account": "REFUND_SOURCE_UNSETTLED_FUNDS", "refund_request_source": "API",
	})
	root := "<root>" + strings.TrimSuffix(strings.TrimPrefix(string(inner), "<xml>"), "</xml>") + "</root>"
	outer := map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "appid": s.creds.AppID,
		"mch_id": s.creds.MchID, "nonce_str": nonce()}
	key := s.creds.APIKey
	if s.inSub() {
		key = s.sp.c.APIKey
		outer["appid"], outer["mch_id"], outer["sub_mch_id"] = s.sp.c.SpAppID, s.sp.c.SpMchID, s.sp.c.SubMchID
	}
	enc, err := wechat.EncryptRefundReqInfo(key, []byte(root))
	if err != nil {
		return nil, err
	}
	outer["req_info"] = enc
	return wechat.EncodeXML(outer), nil
}

// v3Notice is API v3's notice of either kind: the resource encrypted with
// the APIv3 key, the whole signed like a response.
func (s *Server) v3Notice(n *notice) ([]byte, http.Header, error) {
	event, summary, original, plain := s.v3NoticeResource(n)
	pt, err := json.Marshal(plain)
	if err != nil {
		return nil, nil, err
	}
	rn := randomToken(12)
	v3Key := s.creds.APIV3Key
	if s.inSub() {
		v3Key = s.sp.c.APIV3Key
	}
	ct, err := wechat.EncryptAEADAES256GCM(v3Key, rn, original, pt)
	if err != nil {
		return nil, nil, err
	}
	body, err := json.Marshal(map[string]any{
		"id": n.ID, "create_time": fmtV3Time(n.Created), "resource_type": "encrypt-resource",
		"event_type": event, "summary": summary,
		"resource": map[string]string{"original_type": original, "algorithm": "AEAD_AES_256_GCM",
			"ciphertext": ct, "associated_data": original, "nonce": rn},
	})
	if err != nil {
		return nil, nil, err
	}
	hdr := http.Header{}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	if s.inSub() {
		s.signV3With(hdr, s.sp.pubKeyPriv, s.sp.c.PublicKeyID, body)
	} else {
		s.signV3(hdr, &http.Request{Header: http.Header{}}, body)
	}
	return body, hdr, nil
}

// v3NoticeResource is what a v3 notice of n announces: its event type,
// summary and original type, and the resource before encryption.
func (s *Server) v3NoticeResource(n *notice) (event, summary, original string, plain any) {
	if n.Kind == noticePay {
		if s.inSub() {
			return "TRANSACTION.SUCCESS", "支付成功", "transaction", s.partnerTx(n.Order)
		}
		return "TRANSACTION.SUCCESS", "支付成功", "transaction", s.v3Tx(n.Order)
	}
	r := n.Refund
	switch r.Status {
	case refundClosed:
		event, summary = "REFUND.CLOSED", "退款关闭"
	case refundAbnormal:
		event, summary = "REFUND.ABNORMAL", "退款异常"
	default:
		event, summary = "REFUND.SUCCESS", "退款成功"
	}
	if s.inSub() {
		return event, summary, "refund", s.partnerRefundResource(r)
	}
	return event, summary, "refund", map[string]any{
		"mchid": s.creds.MchID, "out_trade_no": r.OutTradeNo, "transaction_id": r.TransactionID,
		"out_refund_no": r.OutRefundNo, "refund_id": r.RefundID, "refund_status": r.Status,
		"success_time": fmtV3Time(r.SuccessTime), "user_received_account": "支付用户零钱",
		"amount": map[string]int64{"total": r.TotalFen, "refund": r.AmountFen, "payer_total": r.payerTotalFen(), "payer_refund": r.payerRefundFen()},
	}
}

func fmtRefundTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(tz.Shanghai).Format(time.DateTime)
}

func (s *Server) handleControlNotifications(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		if _, err := s.DeliverNotifications(r.Context()); err != nil {
			controlError(w, http.StatusServiceUnavailable, err)
			return
		}
	}
	list := s.Notifications()
	if list == nil {
		list = []Notification{}
	}
	writeControlJSON(w, http.StatusOK, map[string][]Notification{"notifications": list})
}

// eventID is a notification id as real ones look: a 36-character UUID.
func eventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
