package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// Credentials are the simulated merchant's identity and every key the
// sandbox needs, as PEM text so they can be stored and handed to clients.
type Credentials struct {
	AppID string `json:"appid"`
	MchID string `json:"mchid"`
	// APIKey is the v2 API key (32 characters).
	APIKey string `json:"api_key"`
	// APIV3Key is the APIv3 key (32 characters) for AES-256-GCM.
	APIV3Key string `json:"api_v3_key"`
	// MerchantKeyPEM and MerchantCertPEM are the merchant API certificate
	// (apiclient_key.pem / apiclient_cert.pem): v3 request signing and the
	// v2 /secapi/ client certificate.
	MerchantKeyPEM  string `json:"merchant_key_pem"`
	MerchantCertPEM string `json:"merchant_cert_pem"`
	// PublicKeyID and PublicKeyPrivatePEM are the WeChat Pay public key's
	// identifier and private half (which only WeChat holds in reality).
	PublicKeyID         string `json:"public_key_id"`
	PublicKeyPrivatePEM string `json:"public_key_private_pem"`
	// PlatformKeyPEM and PlatformCertPEM are the platform certificate pair.
	PlatformKeyPEM  string `json:"platform_key_pem"`
	PlatformCertPEM string `json:"platform_cert_pem"`
	// CAKeyPEM and CACertPEM are the sandbox CA that issued the merchant and
	// platform certificates and issues TLS server certificates.
	CAKeyPEM  string `json:"ca_key_pem"`
	CACertPEM string `json:"ca_cert_pem"`
	// Partner is the service provider and its sub-merchant. Credentials
	// saved before it existed get one generated when loaded.
	Partner PartnerCredentials `json:"partner,omitzero"`
}

const credentialsFile = "credentials.json"

// GenerateCredentials makes a fresh merchant: appid and mchid (generated when
// empty), v2 and v3 keys, a merchant API certificate, a WeChat Pay public
// key, a platform certificate and the CA that issued them.
func GenerateCredentials(appID, mchID string) (*Credentials, error) {
	if appID == "" {
		appID = "wx" + strings.ToLower(randomHex(8))
	}
	if mchID == "" {
		mchID = "19" + randomDigits(8)
	}
	c := &Credentials{AppID: appID, MchID: mchID, APIKey: randomToken(32), APIV3Key: randomToken(32)}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sandbox: CA key: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "wxpos sandbox CA", Organization: []string{"wxpos sandbox"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("sandbox: CA certificate: %w", err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	c.CACertPEM = pemString("CERTIFICATE", caDER)
	caKeyDER, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return nil, err
	}
	c.CAKeyPEM = pemString("PRIVATE KEY", caKeyDER)

	// Merchant API certificate: CN is the mchid, as WeChat issues it.
	c.MerchantKeyPEM, c.MerchantCertPEM, err = issueRSA(caCert, caKey, pkix.Name{
		CommonName: mchID, Organization: []string{"微信商户系统"}, OrganizationalUnit: []string{"wxpos sandbox merchant"},
	}, x509.ExtKeyUsageClientAuth, now)
	if err != nil {
		return nil, err
	}
	c.PlatformKeyPEM, c.PlatformCertPEM, err = issueRSA(caCert, caKey, pkix.Name{
		CommonName: "Tenpay.com sign", Organization: []string{"Tenpay.com"}, OrganizationalUnit: []string{"Tenpay.com CA Center"},
	}, x509.ExtKeyUsageAny, now)
	if err != nil {
		return nil, err
	}
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sandbox: public key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		return nil, err
	}
	c.PublicKeyPrivatePEM = pemString("PRIVATE KEY", der)
	c.PublicKeyID = "PUB_KEY_ID_01" + randomDigits(34)
	p, err := generatePartner(caCert, caKey, now)
	if err != nil {
		return nil, err
	}
	c.Partner = *p
	return c, nil
}

func issueRSA(ca *x509.Certificate, caKey *ecdsa.PrivateKey, subj pkix.Name, usage x509.ExtKeyUsage, now time.Time) (keyPEM, certPEM string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", fmt.Errorf("sandbox: RSA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      subj,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
	if err != nil {
		return "", "", fmt.Errorf("sandbox: issue certificate: %w", err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	return pemString("PRIVATE KEY", kder), pemString("CERTIFICATE", der), nil
}

// randomSerial is a 20-byte positive serial (40 hex digits, like WeChat's).
func randomSerial() *big.Int {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	b[0] = b[0]&0x7f | 0x10
	return new(big.Int).SetBytes(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("%X", b)
}

func randomDigits(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}

func pemString(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// loadOrCreateCredentials picks Options.Credentials, else the data dir's
// file, else generates (and saves when a data dir is set).
func loadOrCreateCredentials(opts Options) (*Credentials, error) {
	if opts.Credentials != nil {
		c := *opts.Credentials
		if c.Partner.SpMchID == "" {
			if err := addPartner(&c); err != nil {
				return nil, err
			}
		}
		return &c, nil
	}
	if opts.DataDir != "" {
		data, err := os.ReadFile(filepath.Join(opts.DataDir, credentialsFile))
		switch {
		case err == nil:
			var c Credentials
			if err := json.Unmarshal(data, &c); err != nil {
				return nil, fmt.Errorf("sandbox: parse %s: %w", credentialsFile, err)
			}
			if c.Partner.SpMchID == "" {
				if err := addPartner(&c); err != nil {
					return nil, err
				}
				if err := saveCredentials(opts.DataDir, &c); err != nil {
					return nil, err
				}
			}
			return &c, nil
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("sandbox: read credentials: %w", err)
		}
	}
	c, err := GenerateCredentials("", "")
	if err != nil {
		return nil, err
	}
	if opts.DataDir != "" {
		if err := saveCredentials(opts.DataDir, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func saveCredentials(dir string, c *Credentials) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, credentialsFile), data); err != nil {
		return fmt.Errorf("sandbox: save credentials: %w", err)
	}
	return nil
}

// parseCredentials checks and parses every key once.
func (s *Server) parseCredentials() error {
	c := s.creds
	if c.AppID == "" || c.MchID == "" || len(c.APIKey) != 32 || len(c.APIV3Key) != 32 {
		return errors.New("sandbox: credentials need appid, mchid and 32-character API keys")
	}
	var err error
	if s.merchantCert, err = wechat.ParseCertificatePEM([]byte(c.MerchantCertPEM)); err != nil {
		return fmt.Errorf("sandbox: merchant certificate: %w", err)
	}
	s.merchantPub = s.merchantCert.PublicKey.(*rsa.PublicKey)
	if s.pubKeyPriv, err = wechat.ParsePrivateKeyPEM([]byte(c.PublicKeyPrivatePEM)); err != nil {
		return fmt.Errorf("sandbox: WeChat Pay public key: %w", err)
	}
	if s.platformPriv, err = wechat.ParsePrivateKeyPEM([]byte(c.PlatformKeyPEM)); err != nil {
		return fmt.Errorf("sandbox: platform key: %w", err)
	}
	if s.platformCert, err = wechat.ParseCertificatePEM([]byte(c.PlatformCertPEM)); err != nil {
		return fmt.Errorf("sandbox: platform certificate: %w", err)
	}
	if !strings.HasPrefix(c.PublicKeyID, "PUB_KEY_ID_") {
		return errors.New("sandbox: public key id must start with PUB_KEY_ID_")
	}
	block, _ := pem.Decode([]byte(c.CACertPEM))
	if block == nil {
		return errors.New("sandbox: CA certificate: no PEM block")
	}
	if s.caCert, err = x509.ParseCertificate(block.Bytes); err != nil {
		return fmt.Errorf("sandbox: CA certificate: %w", err)
	}
	block, _ = pem.Decode([]byte(c.CAKeyPEM))
	if block == nil {
		return errors.New("sandbox: CA key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("sandbox: CA key: %w", err)
	}
	var ok bool
	if s.caKey, ok = k.(*ecdsa.PrivateKey); !ok {
		return errors.New("sandbox: CA key is not ECDSA")
	}
	return nil
}

// publicKeyPEM is the WeChat Pay public key as a merchant downloads it.
func (s *Server) publicKeyPEM() string {
	der, err := x509.MarshalPKIXPublicKey(&s.pubKeyPriv.PublicKey)
	if err != nil {
		return ""
	}
	return pemString("PUBLIC KEY", der)
}

// TLSConfig returns a server TLS configuration with a certificate for hosts
// (names or IP addresses) issued by the sandbox CA. It asks for a client
// certificate, verifies one when given, and the sandbox then requires it
// on /secapi/ as WeChat does.
func (s *Server) TLSConfig(hosts ...string) (*tls.Config, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sandbox: TLS key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "wxpos sandbox"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.caCert, &k.PublicKey, s.caKey)
	if err != nil {
		return nil, fmt.Errorf("sandbox: TLS certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.caCert)
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der, s.caCert.Raw}, PrivateKey: k}},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
	}, nil
}
