package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrNotify is returned (wrapped) for a notification that is malformed,
// unauthentic or undecryptable. Answer such a request with a 4xx/5xx (v3) or
// FAIL (v2) so WeChat Pay retries, and never act on it.
var ErrNotify = errors.New("wechat: bad notification")

// MaxNotifySize bounds a notification body.
const MaxNotifySize = 1 << 20

// Notification is a verified and decrypted API v3 notification (PROTOCOL B.13).
type Notification struct {
	ID             string
	CreateTime     time.Time
	EventType      string // TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED
	ResourceType   string
	Summary        string
	OriginalType   string // transaction / refund
	AssociatedData string
	Plaintext      []byte // decrypted resource JSON
}

// Transaction decodes the resource of a TRANSACTION.* notification.
func (n *Notification) Transaction() (*Transaction, error) {
	var w v3Transaction
	if err := json.Unmarshal(n.Plaintext, &w); err != nil {
		return nil, fmt.Errorf("%w: resource: %v", ErrNotify, err)
	}
	t, err := w.toTransaction()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotify, err)
	}
	return t, nil
}

// Refund decodes the resource of a REFUND.* notification.
func (n *Notification) Refund() (*Refund, error) {
	var w struct {
		v3Refund
		RefundStatus string `json:"refund_status"`
	}
	if err := json.Unmarshal(n.Plaintext, &w); err != nil {
		return nil, fmt.Errorf("%w: resource: %v", ErrNotify, err)
	}
	if w.Status == "" {
		w.Status = w.RefundStatus
	}
	r, err := w.toRefund()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotify, err)
	}
	if r.UserReceivedAccount == "" {
		var acct struct {
			Account string `json:"user_received_account"`
		}
		_ = json.Unmarshal(n.Plaintext, &acct)
		r.UserReceivedAccount = acct.Account
	}
	return r, nil
}

// NotifyParser verifies and decrypts API v3 notifications. It needs no
// network: give it the verifier the client uses (or the client's own
// ParseNotify).
type NotifyParser struct {
	Verifier Verifier
	APIv3Key string
	Now      func() time.Time // nil: time.Now
}

// Parse checks the Wechatpay-* headers (signature, serial, ±5 min) over body
// and decrypts the resource.
func (p *NotifyParser) Parse(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if p.Verifier == nil || p.APIv3Key == "" {
		return nil, fmt.Errorf("%w: notify parser needs a verifier and the APIv3 key", ErrNotConfigured)
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	serial, sig := header.Get("Wechatpay-Serial"), header.Get("Wechatpay-Signature")
	ts, nonce := header.Get("Wechatpay-Timestamp"), header.Get("Wechatpay-Nonce")
	if serial == "" || sig == "" || ts == "" || nonce == "" {
		return nil, fmt.Errorf("%w: Wechatpay-* headers missing", ErrNotify)
	}
	if err := checkSkew(ts, now()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotify, err)
	}
	if strings.HasPrefix(sig, "WECHATPAY/SIGNTEST/") {
		return nil, fmt.Errorf("%w: probe signature", ErrNotify)
	}
	if err := p.Verifier.Verify(ctx, serial, V3ResponseMessage(ts, nonce, string(body)), sig); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotify, err)
	}
	var env struct {
		ID           string `json:"id"`
		CreateTime   string `json:"create_time"`
		EventType    string `json:"event_type"`
		ResourceType string `json:"resource_type"`
		Summary      string `json:"summary"`
		Resource     struct {
			OriginalType   string `json:"original_type"`
			Algorithm      string `json:"algorithm"`
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotify, err)
	}
	if env.Resource.Algorithm != "AEAD_AES_256_GCM" {
		return nil, fmt.Errorf("%w: algorithm %q", ErrNotify, env.Resource.Algorithm)
	}
	ct, err := parseRFC3339("create_time", env.CreateTime)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotify, err)
	}
	pt, err := DecryptAEADAES256GCM(p.APIv3Key, env.Resource.Nonce, env.Resource.AssociatedData, env.Resource.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotify, err)
	}
	return &Notification{ID: env.ID, CreateTime: ct, EventType: env.EventType, ResourceType: env.ResourceType,
		Summary: env.Summary, OriginalType: env.Resource.OriginalType, AssociatedData: env.Resource.AssociatedData,
		Plaintext: pt}, nil
}

// ParseNotify reads, verifies and decrypts a v3 notification request with
// the client's verifiers, APIv3 key and clock.
func (c *Client) ParseNotify(ctx context.Context, r *http.Request) (*Notification, error) {
	body, err := readLimited(r.Body, MaxNotifySize)
	if err != nil {
		return nil, err
	}
	p := NotifyParser{Verifier: c.verifier, APIv3Key: c.s.v3Key, Now: c.s.clock}
	return p.Parse(ctx, r.Header, body)
}

func readLimited(r io.Reader, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %v", ErrNotify, err)
	}
	if int64(len(b)) > n {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrNotify, n)
	}
	return b, nil
}

// NotifyV2Reply is the body that acknowledges a v2 notification.
func NotifyV2Reply() []byte {
	return EncodeXML(map[string]string{"return_code": "SUCCESS", "return_msg": "OK"})
}

// ParseNotifyV2 verifies a v2 payment notification (PROTOCOL A.13): flat XML,
// return_code SUCCESS, sign valid under apiKey (type from sign_type). It
// returns the paid transaction; compare its Total with your order.
func ParseNotifyV2(r io.Reader, apiKey string) (*Transaction, error) {
	m, err := DecodeXML(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotify, err)
	}
	if m["return_code"] != "SUCCESS" {
		return nil, fmt.Errorf("%w: return_code %q", ErrNotify, m["return_code"])
	}
	if !VerifyV2(m, apiKey) {
		return nil, fmt.Errorf("%w: %w", ErrNotify, ErrBadSignature)
	}
	if m["result_code"] != "SUCCESS" {
		return nil, fmt.Errorf("%w: result_code %q (%s)", ErrNotify, m["result_code"], m["err_code"])
	}
	t, err := v2Transaction(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotify, err)
	}
	if t.State == "" {
		t.State = TradeSuccess
	}
	return t, nil
}

// ParseRefundNotifyV2 decrypts a v2 refund notification (PROTOCOL A.14): it
// carries no sign; req_info is AES-256-ECB under MD5(apiKey), which is what
// authenticates it. The mch_id of the envelope (the sub_mch_id of a service
// provider's notice: the store) is returned for the caller to check.
func ParseRefundNotifyV2(r io.Reader, apiKey string) (refund *Refund, mchID string, err error) {
	m, err := DecodeXML(r)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrNotify, err)
	}
	if m["return_code"] != "SUCCESS" {
		return nil, "", fmt.Errorf("%w: return_code %q", ErrNotify, m["return_code"])
	}
	pt, err := DecryptRefundReqInfo(apiKey, m["req_info"])
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrNotify, err)
	}
	info, err := DecodeXML(bytes.NewReader(pt))
	if err != nil {
		return nil, "", fmt.Errorf("%w: req_info: %w", ErrNotify, err)
	}
	total, err1 := v2Int(info, "total_fee")
	amt, err2 := v2Int(info, "refund_fee")
	st, err4 := v2Time(v2RefundLayout, "success_time", info["success_time"])
	if err := firstErr(err1, err2, err4); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrNotify, err)
	}
	if info["out_refund_no"] == "" {
		return nil, "", fmt.Errorf("%w: req_info without out_refund_no", ErrNotify)
	}
	// The notice has no cash part (settlement_refund_fee is the refund
	// less its NOCASH coupon part, not what the customer got): PayerRefund
	// stays 0, unknown.
	f := &Refund{RefundID: info["refund_id"], OutRefundNo: info["out_refund_no"], TransactionID: info["transaction_id"],
		OutTradeNo: info["out_trade_no"], UserReceivedAccount: info["refund_recv_accout"],
		Status: normalizeRefundStatus(info["refund_status"]), SuccessTime: st, Refund: amt, Total: total}
	if err := v2RefundCoupons(info, f, ""); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrNotify, err)
	}
	if sub := m["sub_mch_id"]; sub != "" {
		return f, sub, nil // a service provider's notice: the store is the sub-merchant
	}
	return f, m["mch_id"], nil
}

// NotifyParser returns a parser with the client's verifier, APIv3 key and
// clock, for a receiver that serves notifications apart from requests.
func (c *Client) NotifyParser() *NotifyParser {
	return &NotifyParser{Verifier: c.verifier, APIv3Key: c.s.v3Key, Now: c.s.clock}
}

// NotifyKey is the API v2 key that verifies v2 payment notifications and
// decrypts v2 refund notifications (ParseNotifyV2, ParseRefundNotifyV2).
func (c *V2Client) NotifyKey() string { return c.s.v2Key }
