package wechat

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// AbnormalRefundType is where the money of an ABNORMAL refund goes
// instead of the closed or frozen account it was refunded to.
type AbnormalRefundType string

// The two ways to settle an ABNORMAL refund.
const (
	// AbnormalToUserBankCard pays the customer on another debit card
	// (BankType, BankAccount and RealName required).
	AbnormalToUserBankCard AbnormalRefundType = "USER_BANK_CARD"
	// AbnormalToMerchantBankCard returns the money to the merchant's bank
	// account; the merchant then repays the customer another way.
	AbnormalToMerchantBankCard AbnormalRefundType = "MERCHANT_BANK_CARD"
)

// AbnormalBankTypes are the debit cards an abnormal refund can be paid to
// (招行, 交通, 农行, 建行, 工商, 中行, 平安, 浦发, 中信, 光大, 民生, 兴业,
// 广发, 邮储, 宁波银行), as bank_type values.
var AbnormalBankTypes = []string{"CMB_DEBIT", "COMM_DEBIT", "ABC_DEBIT", "CCB_DEBIT", "ICBC_DEBIT", "BOC_DEBIT",
	"PAB_DEBIT", "SPDB_DEBIT", "CITIC_DEBIT", "CEB_DEBIT", "CMBC_DEBIT", "CIB_DEBIT", "GDB_DEBIT", "PSBC_DEBIT", "NBCB_DEBIT"}

// AbnormalRefundRequest asks WeChat Pay to settle an ABNORMAL refund
// (POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund).
type AbnormalRefundRequest struct {
	RefundID    string             // required: WeChat's refund_id
	OutRefundNo string             // required: the merchant's number of the same refund
	Type        AbnormalRefundType // required
	BankType    string             // USER_BANK_CARD: one of AbnormalBankTypes
	BankAccount string             // USER_BANK_CARD: the card number; sent encrypted, never logged whole
	RealName    string             // USER_BANK_CARD: the card holder; sent encrypted, never logged
}

func (r *AbnormalRefundRequest) validate() error {
	errs := []error{idChars("refund_id", r.RefundID, 32), idChars("out_refund_no", r.OutRefundNo, 64)}
	switch r.Type {
	case AbnormalToMerchantBankCard:
	case AbnormalToUserBankCard:
		errs = append(errs, need("real_name", r.RealName, 64), bankAccount(r.BankAccount), bankType(r.BankType))
	default:
		errs = append(errs, fmt.Errorf("%w: abnormal refund type must be USER_BANK_CARD or MERCHANT_BANK_CARD, got %q", ErrInvalidArgument, r.Type))
	}
	return firstErr(errs...)
}

func bankAccount(v string) error {
	if len(v) < 10 || len(v) > 30 {
		return fmt.Errorf("%w: bank account must be 10–30 digits, got %d characters", ErrInvalidArgument, len(v))
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: bank account must be digits only", ErrInvalidArgument)
		}
	}
	return nil
}

func bankType(v string) error {
	for _, b := range AbnormalBankTypes {
		if v == b {
			return nil
		}
	}
	return fmt.Errorf("%w: bank type %q is not a debit card WeChat Pay refunds to (%v)", ErrInvalidArgument, v, AbnormalBankTypes)
}

// ApplyAbnormalRefund settles an ABNORMAL refund: to the customer's other
// debit card (the account and name encrypted with the WeChat Pay public
// key, or the newest platform certificate, which Wechatpay-Serial names) or
// back to the merchant's bank account. The answer is the refund, normally
// PROCESSING again: poll QueryRefund until it is final.
func (c *Client) ApplyAbnormalRefund(ctx context.Context, r AbnormalRefundRequest) (*Refund, error) {
	const op = "v3 apply abnormal refund"
	if err := r.validate(); err != nil {
		return nil, err
	}
	body := struct {
		OutRefundNo string `json:"out_refund_no"`
		Type        string `json:"type"`
		BankType    string `json:"bank_type,omitempty"`
		BankAccount string `json:"bank_account,omitempty"`
		RealName    string `json:"real_name,omitempty"`
	}{OutRefundNo: r.OutRefundNo, Type: string(r.Type)}
	var serial string
	if r.Type == AbnormalToUserBankCard {
		id, pub, err := c.sensitiveKey(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, r.OutRefundNo, err)
		}
		if body.BankAccount, err = EncryptSensitive(pub, r.BankAccount); err != nil {
			return nil, err
		}
		if body.RealName, err = EncryptSensitive(pub, r.RealName); err != nil {
			return nil, err
		}
		body.BankType, serial = r.BankType, id
	}
	c.t.log.InfoContext(ctx, "wechat: apply abnormal refund", "out_refund_no", r.OutRefundNo, "type", string(r.Type),
		"bank_type", r.BankType, "account_last4", last4(r.BankAccount))
	var w v3Refund
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodPost, serial: serial,
		pathQuery: "/v3/refund/domestic/refunds/" + url.PathEscape(r.RefundID) + "/apply-abnormal-refund", in: &body, out: &w}); err != nil {
		return nil, fmt.Errorf("apply abnormal refund %s: %w", r.OutRefundNo, err)
	}
	f, err := w.toRefund()
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if f.OutRefundNo != r.OutRefundNo || f.RefundID != r.RefundID {
		return nil, mismatch(op, "refund", f.OutRefundNo+"/"+f.RefundID, r.OutRefundNo+"/"+r.RefundID)
	}
	return f, nil
}

func last4(v string) string {
	if len(v) <= 4 {
		return ""
	}
	return v[len(v)-4:]
}

// sensitiveKey is the key sensitive fields are encrypted with: the WeChat
// Pay public key when configured, else the platform certificate that
// expires last.
func (c *Client) sensitiveKey(ctx context.Context) (string, *rsa.PublicKey, error) {
	for _, v := range c.s.verifiers {
		if pk, ok := v.(*PublicKeyVerifier); ok {
			return pk.ID, pk.Key, nil
		}
	}
	if c.certs != nil {
		return c.certs.newest(ctx)
	}
	return "", nil, fmt.Errorf("%w: encrypting needs WithWechatPayPublicKey or WithPlatformCertificates", ErrNotConfigured)
}

// newest returns the platform certificate valid now that expires last,
// fetching the certificates when none are cached or they are stale.
func (s *certStore) newest(ctx context.Context) (string, *rsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.stale(now) {
		if err := s.refresh(ctx, now); err != nil && s.certs == nil {
			return "", nil, fmt.Errorf("platform certificates: %w", err)
		}
	}
	var serial string
	var best time.Time
	var key *rsa.PublicKey
	for sn, cert := range s.certs {
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok || now.Before(cert.NotBefore) || now.After(cert.NotAfter) || !cert.NotAfter.After(best) {
			continue
		}
		serial, best, key = sn, cert.NotAfter, pub
	}
	if key == nil {
		return "", nil, fmt.Errorf("%w: no valid platform certificate to encrypt with", ErrUnknownSerial)
	}
	return serial, key, nil
}
