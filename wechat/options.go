package wechat

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/pkcs12"
)

// Default hosts and limits.
const (
	DefaultBaseURL   = "https://api.mch.weixin.qq.com"
	DefaultBackupURL = "https://api2.mch.weixin.qq.com"
	// DefaultTimeout bounds a call whose context has no deadline.
	DefaultTimeout = 30 * time.Second
	// MaxClockSkew is the largest accepted difference between a response's
	// Wechatpay-Timestamp and the local clock.
	MaxClockSkew = 5 * time.Minute
	// DefaultMaxBillSize caps a downloaded (uncompressed) bill.
	DefaultMaxBillSize = 256 << 20
	maxResponseSize    = 8 << 20
)

// Option configures a client built by New or NewV2. An option that cannot
// apply (bad URL, unparsable key) makes the constructor fail.
type Option interface {
	apply(*settings) error
}

type optionFunc func(*settings) error

func (f optionFunc) apply(s *settings) error { return f(s) }

type settings struct {
	httpClient  *http.Client
	baseURL     string
	backupURL   string
	verifiers   []Verifier
	platform    bool
	publicKeyID string
	clock       func() time.Time
	logger      *slog.Logger
	mchID       string
	appID       string
	subMchID    string // service-provider mode: the store (特约商户)
	subAppID    string
	v3Key       string
	mchSerial   string
	mchKey      *rsa.PrivateKey
	v2Key       string
	signType    SignType
	clientCert  *tls.Certificate
	timeout     time.Duration
	userAgent   string
	maxBillSize int64
}

func newSettings(opts []Option) (*settings, error) {
	s := &settings{
		baseURL:     DefaultBaseURL,
		clock:       time.Now,
		timeout:     DefaultTimeout,
		signType:    SignMD5,
		userAgent:   "wxpos-wechat/1 (+https://github.com/wxpos/wxpos)",
		maxBillSize: DefaultMaxBillSize,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(s); err != nil {
			return nil, err
		}
	}
	if s.httpClient == nil {
		s.httpClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if s.mchID == "" || s.appID == "" {
		return nil, fmt.Errorf("%w: WithMerchant(mchid, appid) is required", ErrNotConfigured)
	}
	return s, nil
}

func cleanURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return "", fmt.Errorf("%w: bad URL %q (want scheme://host[/prefix])", ErrNotConfigured, raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// WithHTTPClient sets the HTTP client (its Transport, proxy and root CAs). A
// client certificate option clones its *http.Transport for /secapi calls.
func WithHTTPClient(c *http.Client) Option {
	return optionFunc(func(s *settings) error {
		if c == nil {
			return fmt.Errorf("%w: nil http.Client", ErrNotConfigured)
		}
		s.httpClient = c
		return nil
	})
}

// WithBaseURL sets the primary host, e.g. a sandbox's URL. Default
// DefaultBaseURL.
func WithBaseURL(u string) Option {
	return optionFunc(func(s *settings) (err error) {
		s.baseURL, err = cleanURL(u)
		return err
	})
}

// WithBackupURL sets the host tried with the same request when the primary
// cannot be connected to (DefaultBackupURL for production). Empty disables
// failover, which is the default.
func WithBackupURL(u string) Option {
	return optionFunc(func(s *settings) (err error) {
		if u == "" {
			s.backupURL = ""
			return nil
		}
		s.backupURL, err = cleanURL(u)
		return err
	})
}

// WithVerifier adds a v3 response verifier. Verifiers are asked in the order
// given; one that does not know the serial passes to the next.
func WithVerifier(v Verifier) Option {
	return optionFunc(func(s *settings) error {
		if v == nil {
			return fmt.Errorf("%w: nil Verifier", ErrNotConfigured)
		}
		if pk, ok := v.(*PublicKeyVerifier); ok && s.publicKeyID == "" {
			s.publicKeyID = pk.ID
		}
		s.verifiers = append(s.verifiers, v)
		return nil
	})
}

// WithWechatPayPublicKey adds a WeChat Pay public-key verifier (the key from
// the merchant console and its PUB_KEY_ID_… id). Requests then carry
// Wechatpay-Serial: id so WeChat signs responses with that key.
func WithWechatPayPublicKey(id string, pemBytes []byte) Option {
	return optionFunc(func(s *settings) error {
		v, err := NewPublicKeyVerifier(id, pemBytes)
		if err != nil {
			return err
		}
		return WithVerifier(v).apply(s)
	})
}

// WithPlatformCertificates makes the client download, decrypt, cache and
// refresh the platform certificates from /v3/certificates and verify with
// them (after any verifier given with WithVerifier). Needs WithV3Key.
func WithPlatformCertificates() Option {
	return optionFunc(func(s *settings) error {
		s.platform = true
		return nil
	})
}

// WithClock sets the time source for request timestamps and the response
// skew check (tests, or a clock corrected against the server's Date).
func WithClock(now func() time.Time) Option {
	return optionFunc(func(s *settings) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrNotConfigured)
		}
		s.clock = now
		return nil
	})
}

// WithLogger sets a structured logger. Keys, signatures and their inputs are
// never logged; payment codes appear as their last 4 digits.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(s *settings) error {
		s.logger = l
		return nil
	})
}

// WithMerchant sets the merchant number (mchid / mch_id) and the app id bound
// to it. Required.
func WithMerchant(mchID, appID string) Option {
	return optionFunc(func(s *settings) error {
		if mchID == "" || appID == "" {
			return fmt.Errorf("%w: empty mchid or appid", ErrNotConfigured)
		}
		s.mchID, s.appID = mchID, appID
		return nil
	})
}

// WithV3Key sets the 32-byte APIv3 key (decrypts certificates and
// notifications).
func WithV3Key(key string) Option {
	return optionFunc(func(s *settings) error {
		if len(key) != 32 {
			return fmt.Errorf("%w: APIv3 key must be 32 bytes, got %d", ErrNotConfigured, len(key))
		}
		s.v3Key = key
		return nil
	})
}

// WithMerchantKey sets the merchant API certificate's serial number and its
// private key (apiclient_key.pem), used to sign v3 requests.
func WithMerchantKey(serialNo string, keyPEM []byte) Option {
	return optionFunc(func(s *settings) error {
		k, err := ParsePrivateKeyPEM(keyPEM)
		if err != nil {
			return fmt.Errorf("merchant key: %w", err)
		}
		return WithMerchantSigner(serialNo, k).apply(s)
	})
}

// WithMerchantSigner is WithMerchantKey with an already parsed key.
func WithMerchantSigner(serialNo string, key *rsa.PrivateKey) Option {
	return optionFunc(func(s *settings) error {
		if serialNo == "" || key == nil {
			return fmt.Errorf("%w: merchant serial and key required", ErrNotConfigured)
		}
		s.mchSerial, s.mchKey = serialNo, key
		return nil
	})
}

// WithV2Key sets the v2 API key and the signature type for v2 requests.
func WithV2Key(key string, t SignType) Option {
	return optionFunc(func(s *settings) error {
		if key == "" {
			return fmt.Errorf("%w: empty v2 key", ErrNotConfigured)
		}
		if !t.Valid() {
			return fmt.Errorf("%w: sign type %q", ErrNotConfigured, t)
		}
		s.v2Key, s.signType = key, t
		return nil
	})
}

// WithClientCertificate sets the merchant API certificate and key (PEM) for
// mutual TLS on v2 /secapi calls.
func WithClientCertificate(certPEM, keyPEM []byte) Option {
	return optionFunc(func(s *settings) error {
		c, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return fmt.Errorf("%w: client certificate: %v", ErrBadKey, err)
		}
		s.clientCert = &c
		return nil
	})
}

// WithClientPKCS12 sets the client certificate from apiclient_cert.p12 (its
// password is the merchant number).
func WithClientPKCS12(p12 []byte, password string) Option {
	return optionFunc(func(s *settings) error {
		key, cert, err := pkcs12.Decode(p12, password)
		if err != nil {
			return fmt.Errorf("%w: PKCS#12: %v", ErrBadKey, err)
		}
		if _, ok := key.(*rsa.PrivateKey); !ok {
			return fmt.Errorf("%w: PKCS#12 key is not RSA", ErrBadKey)
		}
		s.clientCert = &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
		return nil
	})
}

// WithTimeout sets the deadline applied to a call whose context has none.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("%w: timeout must be positive", ErrNotConfigured)
		}
		s.timeout = d
		return nil
	})
}

// WithMaxBillSize caps the size of a downloaded bill (uncompressed).
func WithMaxBillSize(n int64) Option {
	return optionFunc(func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("%w: bill size limit must be positive", ErrNotConfigured)
		}
		s.maxBillSize = n
		return nil
	})
}

// mtlsClient returns an HTTP client presenting the client certificate, built
// from the configured client's transport.
func (s *settings) mtlsClient() (*http.Client, error) {
	if s.clientCert == nil {
		return nil, nil
	}
	var base *http.Transport
	switch t := s.httpClient.Transport.(type) {
	case nil:
		base = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		base = t.Clone()
	default:
		return nil, errors.Join(ErrNotConfigured, fmt.Errorf("client certificate needs an *http.Transport, got %T", t))
	}
	if base.TLSClientConfig == nil {
		base.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	base.TLSClientConfig.Certificates = []tls.Certificate{*s.clientCert}
	hc := *s.httpClient
	hc.Transport = base
	return &hc, nil
}

// certValidAt reports whether c is within its validity period at t.
func certValidAt(c *x509.Certificate, t time.Time) bool {
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}
