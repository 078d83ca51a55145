package wechat

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ErrBadKey is returned (wrapped) when key or certificate material cannot be
// parsed or is not RSA.
var ErrBadKey = errors.New("wechat: bad key material")

// ParsePrivateKeyPEM parses an RSA private key in PEM, PKCS#8 ("PRIVATE KEY",
// as in apiclient_key.pem) or PKCS#1 ("RSA PRIVATE KEY").
func ParsePrivateKeyPEM(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrBadKey)
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: private key is not RSA", ErrBadKey)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: private key is neither PKCS#8 nor PKCS#1", ErrBadKey)
	}
	return k, nil
}

// ParsePublicKeyPEM parses an RSA public key in PEM: PKIX ("PUBLIC KEY", the
// WeChat Pay public key download) or PKCS#1 ("RSA PUBLIC KEY").
func ParsePublicKeyPEM(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrBadKey)
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: public key is not RSA", ErrBadKey)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: public key is neither PKIX nor PKCS#1", ErrBadKey)
	}
	return k, nil
}

// ParseCertificatePEM parses the first certificate of a PEM document and
// requires an RSA public key.
func ParseCertificatePEM(pemBytes []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%w: no CERTIFICATE block", ErrBadKey)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if _, ok := c.PublicKey.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("%w: certificate key is not RSA", ErrBadKey)
	}
	return c, nil
}

// CertificateSerial returns a certificate's serial number the way WeChat Pay
// writes it: upper-case hex of the serial's big-endian bytes.
func CertificateSerial(c *x509.Certificate) string {
	return strings.ToUpper(fmt.Sprintf("%x", c.SerialNumber.Bytes()))
}

const nonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NonceString returns 32 random letters and digits from crypto/rand, usable
// as a v2 nonce_str or a v3 nonce.
func NonceString() string {
	return randomString(32)
}

func randomString(n int) string {
	var buf [64]byte
	b := make([]byte, n)
	for i := 0; i < n; {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("wechat: crypto/rand failed: " + err.Error()) // never happens on supported platforms
		}
		for _, c := range buf {
			// 62*4 = 248: reject bytes ≥ 248 to stay uniform.
			if c >= 248 {
				continue
			}
			b[i] = nonceAlphabet[int(c)%62]
			i++
			if i == n {
				break
			}
		}
	}
	return string(b)
}
