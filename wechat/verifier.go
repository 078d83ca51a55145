package wechat

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// PublicKeyIDPrefix starts the Wechatpay-Serial of responses signed with a
// WeChat Pay public key (as opposed to a platform certificate serial).
const PublicKeyIDPrefix = "PUB_KEY_ID_"

// Verifier checks a WeChat Pay SHA256withRSA signature over message made with
// the key named by serial (the Wechatpay-Serial header). It returns an error
// wrapping ErrUnknownSerial when it holds no such key, and one wrapping
// ErrBadSignature when the signature does not verify.
type Verifier interface {
	Verify(ctx context.Context, serial, message, signature string) error
}

// PublicKeyVerifier verifies with the WeChat Pay public key (public-key mode).
type PublicKeyVerifier struct {
	ID  string // PUB_KEY_ID_…
	Key *rsa.PublicKey
}

// NewPublicKeyVerifier parses a PEM public key downloaded from the merchant
// console and pairs it with its id.
func NewPublicKeyVerifier(id string, pemBytes []byte) (*PublicKeyVerifier, error) {
	if !strings.HasPrefix(id, PublicKeyIDPrefix) {
		return nil, fmt.Errorf("%w: public key id %q must start with %s", ErrNotConfigured, id, PublicKeyIDPrefix)
	}
	k, err := ParsePublicKeyPEM(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("wechat pay public key: %w", err)
	}
	return &PublicKeyVerifier{ID: id, Key: k}, nil
}

// Verify implements Verifier.
func (v *PublicKeyVerifier) Verify(_ context.Context, serial, message, signature string) error {
	if serial != v.ID {
		return fmt.Errorf("%w: %q", ErrUnknownSerial, serial)
	}
	return VerifySHA256RSA(v.Key, message, signature)
}

// CertificateVerifier verifies with a fixed set of platform certificates,
// keyed by serial, rejecting certificates outside their validity period.
type CertificateVerifier struct {
	certs map[string]*x509.Certificate
	now   func() time.Time
}

// NewCertificateVerifier returns a verifier for the given platform
// certificates. now may be nil (time.Now).
func NewCertificateVerifier(now func() time.Time, certs ...*x509.Certificate) *CertificateVerifier {
	if now == nil {
		now = time.Now
	}
	m := make(map[string]*x509.Certificate, len(certs))
	for _, c := range certs {
		m[CertificateSerial(c)] = c
	}
	return &CertificateVerifier{certs: m, now: now}
}

// Verify implements Verifier.
func (v *CertificateVerifier) Verify(_ context.Context, serial, message, signature string) error {
	return verifyWithCert(v.certs[serial], serial, v.now(), message, signature)
}

func verifyWithCert(c *x509.Certificate, serial string, now time.Time, message, signature string) error {
	if c == nil {
		return fmt.Errorf("%w: %q", ErrUnknownSerial, serial)
	}
	if !certValidAt(c, now) {
		return fmt.Errorf("%w: certificate %s not valid at %s", ErrBadSignature, serial, now.Format(time.RFC3339))
	}
	pub, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: certificate %s key is not RSA", ErrBadSignature, serial)
	}
	return VerifySHA256RSA(pub, message, signature)
}

// chainVerifier asks each verifier in turn until one knows the serial.
type chainVerifier []Verifier

func (c chainVerifier) Verify(ctx context.Context, serial, message, signature string) error {
	for _, v := range c {
		err := v.Verify(ctx, serial, message, signature)
		if errors.Is(err, ErrUnknownSerial) {
			continue
		}
		return err
	}
	return fmt.Errorf("%w: %q", ErrUnknownSerial, serial)
}

// PlatformCertificate is a decrypted entry of /v3/certificates.
type PlatformCertificate struct {
	SerialNo      string
	EffectiveTime time.Time
	ExpireTime    time.Time
	Certificate   *x509.Certificate
}

// certFetcher downloads the current platform certificates.
type certFetcher func(ctx context.Context) ([]PlatformCertificate, error)

// Platform-certificate cache policy.
const (
	certRefreshEvery  = 12 * time.Hour
	certRefreshBefore = 24 * time.Hour // refresh when a certificate expires this soon
	certMissCooldown  = 30 * time.Second
)

// certStore is the auto-refreshing platform-certificate Verifier.
type certStore struct {
	fetch certFetcher
	now   func() time.Time

	mu        sync.Mutex
	certs     map[string]*x509.Certificate
	fetchedAt time.Time
	missAt    time.Time
	failedAt  time.Time // last failed refresh: no retry within certMissCooldown
}

func (s *certStore) stale(now time.Time) bool {
	if s.certs == nil || now.Sub(s.fetchedAt) > certRefreshEvery {
		return true
	}
	for _, c := range s.certs {
		if c.NotAfter.Sub(now) < certRefreshBefore {
			return true
		}
	}
	return false
}

func (s *certStore) refresh(ctx context.Context, now time.Time) error {
	list, err := s.fetch(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]*x509.Certificate, len(list))
	for _, pc := range list {
		m[pc.SerialNo] = pc.Certificate
	}
	s.certs, s.fetchedAt = m, now
	return nil
}

// Verify implements Verifier: refreshes the cache when it is old or a
// certificate is close to expiry, and refetches once when the serial is
// unknown (at most once per certMissCooldown).
func (s *certStore) Verify(ctx context.Context, serial, message, signature string) error {
	if strings.HasPrefix(serial, PublicKeyIDPrefix) {
		return fmt.Errorf("%w: %q is a public key id", ErrUnknownSerial, serial)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.stale(now) && (s.certs == nil || now.Sub(s.failedAt) > certMissCooldown) {
		if err := s.refresh(ctx, now); err != nil {
			s.failedAt = now
			if s.certs == nil {
				return fmt.Errorf("platform certificates: %w", err)
			}
			// Keep verifying with the cached certificates until they expire.
		}
	}
	c := s.certs[serial]
	if c == nil && now.Sub(s.missAt) > certMissCooldown {
		s.missAt = now
		if err := s.refresh(ctx, now); err != nil {
			return fmt.Errorf("%w: %q (refetch failed: %v)", ErrUnknownSerial, serial, err)
		}
		c = s.certs[serial]
	}
	return verifyWithCert(c, serial, now, message, signature)
}
