package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Client is the API v3 client (JSON, SHA256withRSA). Build it with New; it is
// safe for concurrent use.
type Client struct {
	s        *settings
	t        *transport
	verifier Verifier
	certs    *certStore // nil unless WithPlatformCertificates
}

// ErrTimestampSkew is returned (wrapped, inside an UntrustedResponseError)
// when a response's Wechatpay-Timestamp is more than MaxClockSkew away from
// the local clock.
var ErrTimestampSkew = errors.New("wechat: response timestamp outside ±5 min")

// New builds an API v3 client. Required: WithMerchant, WithMerchantKey (or
// WithMerchantSigner) and a way to verify responses: WithWechatPayPublicKey,
// WithVerifier and/or WithPlatformCertificates (which needs WithV3Key).
func New(opts ...Option) (*Client, error) {
	s, err := newSettings(opts)
	if err != nil {
		return nil, err
	}
	if s.mchKey == nil {
		return nil, fmt.Errorf("%w: v3 needs WithMerchantKey", ErrNotConfigured)
	}
	if s.platform && s.v3Key == "" {
		return nil, fmt.Errorf("%w: WithPlatformCertificates needs WithV3Key", ErrNotConfigured)
	}
	if len(s.verifiers) == 0 && !s.platform {
		return nil, fmt.Errorf("%w: v3 needs a verifier (WithWechatPayPublicKey, WithVerifier or WithPlatformCertificates)", ErrNotConfigured)
	}
	t, err := newTransport(s)
	if err != nil {
		return nil, err
	}
	c := &Client{s: s, t: t}
	chain := chainVerifier(append([]Verifier(nil), s.verifiers...))
	if s.platform {
		c.certs = &certStore{fetch: c.Certificates, now: s.clock}
		chain = append(chain, c.certs)
	}
	c.verifier = chain
	return c, nil
}

// MchID returns the configured merchant number.
func (c *Client) MchID() string { return c.s.mchID }

// AppID returns the configured app id.
func (c *Client) AppID() string { return c.s.appID }

// v3Error is the JSON error body of API v3 (PROTOCOL B.7).
type v3Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// decodeV3Error turns an error answer into an *APIError. A body that is not
// a v3 error object still yields an APIError carrying the HTTP status.
func decodeV3Error(op string, status int, body []byte) *APIError {
	var e v3Error
	ae := &APIError{Op: op, StatusCode: status}
	if err := json.Unmarshal(body, &e); err == nil {
		ae.RawCode = truncate(e.Code, 64)
		ae.Code = NormalizeCode(ae.RawCode)
		ae.Message = truncate(e.Message, 256)
	}
	if ae.Code == "" {
		ae.Message = http.StatusText(status)
	}
	return ae
}

// verifyResponse checks the Wechatpay-* headers of r against body.
func (c *Client) verifyResponse(ctx context.Context, v Verifier, h http.Header, body []byte) error {
	serial := h.Get("Wechatpay-Serial")
	sig := h.Get("Wechatpay-Signature")
	ts := h.Get("Wechatpay-Timestamp")
	nonce := h.Get("Wechatpay-Nonce")
	if serial == "" || sig == "" || ts == "" || nonce == "" {
		return fmt.Errorf("%w: Wechatpay-* headers missing", ErrBadSignature)
	}
	if err := checkSkew(ts, c.s.clock()); err != nil {
		return err
	}
	if strings.HasPrefix(sig, "WECHATPAY/SIGNTEST/") {
		return fmt.Errorf("%w: probe signature", ErrBadSignature)
	}
	return v.Verify(ctx, serial, V3ResponseMessage(ts, nonce, string(body)), sig)
}

func checkSkew(ts string, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad Wechatpay-Timestamp", ErrBadSignature)
	}
	d := now.Sub(time.Unix(sec, 0))
	if d > MaxClockSkew || d < -MaxClockSkew {
		return fmt.Errorf("%w: off by %s", ErrTimestampSkew, d.Round(time.Second))
	}
	return nil
}

// v3Request is one signed API v3 exchange.
type v3Request struct {
	op        string
	method    string
	pathQuery string
	in        any      // JSON body, nil for none
	out       any      // decoded on 200, may be nil
	verifier  Verifier // nil: the client's chain
	noVerify  bool     // bill file download: unsigned, checked by SHA1
	serial    string   // Wechatpay-Serial to send: the key sensitive fields are encrypted with
	limit     int64
}

// do signs, sends and verifies req and returns the raw answer of a success
// (its body decoded into req.out).
func (c *Client) do(ctx context.Context, req v3Request) (*rawResponse, error) {
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	resp, err := c.open(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := req.limit
	if limit == 0 {
		limit = maxResponseSize
	}
	r, err := readResponse(req.op, resp, limit)
	if err != nil {
		return nil, err
	}
	return c.interpret(ctx, req, r)
}

// open signs req and sends it, returning the response with its body unread.
func (c *Client) open(ctx context.Context, req v3Request) (*http.Response, error) {
	var body []byte
	if req.in != nil {
		var err error
		if body, err = json.Marshal(req.in); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidArgument, req.op, err)
		}
	}
	if c.s.subMchID != "" {
		var err error
		if req.pathQuery, body, err = c.s.partnerRequest(req.pathQuery, body); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidArgument, req.op, err)
		}
	}
	nonce := NonceString()
	ts := c.s.clock().Unix()
	sig, err := SignSHA256RSA(c.s.mchKey, V3SignMessage(req.method, req.pathQuery, ts, nonce, string(body)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.op, err)
	}
	h := http.Header{}
	h.Set("Authorization", BuildAuthorization(c.s.mchID, nonce, ts, c.s.mchSerial, sig))
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.s.userAgent)
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	switch {
	case req.serial != "":
		h.Set("Wechatpay-Serial", req.serial)
	case c.s.publicKeyID != "":
		h.Set("Wechatpay-Serial", c.s.publicKeyID)
	}
	return c.t.open(ctx, req.op, req.method, req.pathQuery, body, h, false)
}

// interpret verifies an answer and classifies its status (PROTOCOL B.3, B.7).
func (c *Client) interpret(ctx context.Context, req v3Request, r *rawResponse) (*rawResponse, error) {
	v := req.verifier
	if v == nil {
		v = c.verifier
	}
	untrusted := func(err error) error {
		c.t.log.WarnContext(ctx, "wechat: untrusted response", "op", req.op, "status", r.status, "err", err)
		return &UntrustedResponseError{Op: req.op, StatusCode: r.status, Err: err}
	}
	switch {
	case r.status >= 200 && r.status < 300 && r.status != http.StatusAccepted:
		if !req.noVerify {
			if err := c.verifyResponse(ctx, v, r.header, r.body); err != nil {
				return nil, untrusted(err)
			}
		}
		if req.out != nil && len(r.body) > 0 {
			if err := json.Unmarshal(r.body, req.out); err != nil {
				return nil, untrusted(fmt.Errorf("decode body: %w", err))
			}
		}
		return r, nil
	case r.status == http.StatusAccepted || (r.status >= 400 && r.status < 500):
		// Business answers must be authentic: a forged "not paid" is as
		// dangerous as a forged "paid". A 401 for our own bad signature is
		// the one answer WeChat does not sign (it cannot trust us yet).
		if !(r.status == http.StatusUnauthorized && r.header.Get("Wechatpay-Signature") == "") {
			if err := c.verifyResponse(ctx, v, r.header, r.body); err != nil {
				return nil, untrusted(err)
			}
		}
		ae := decodeV3Error(req.op, r.status, r.body)
		if r.status == http.StatusAccepted && ae.Code == "" {
			ae.Code = CodeUserPaying
		}
		return nil, ae
	case r.status >= 500:
		// The outcome is unknown whatever the body says; no need to trust it.
		return nil, decodeV3Error(req.op, r.status, r.body)
	default:
		return nil, untrusted(fmt.Errorf("unexpected HTTP status %d", r.status))
	}
}
