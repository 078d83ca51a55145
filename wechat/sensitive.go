package wechat

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrSensitiveDecrypt is returned (wrapped) by DecryptSensitive for a
// field that is no base64 or does not decrypt with the key.
var ErrSensitiveDecrypt = errors.New("wechat: sensitive field does not decrypt")

// EncryptSensitive encrypts a sensitive request field (a bank account, a
// name) for WeChat Pay: RSA-OAEP with SHA-1 and MGF1 under the WeChat Pay
// public key or a platform certificate's key, base64 — the
// "RSA/ECB/OAEPWithSHA-1AndMGF1Padding" of WeChat Pay's sensitive-field
// rules. The request then names that key in Wechatpay-Serial.
func EncryptSensitive(pub *rsa.PublicKey, plain string) (string, error) {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, []byte(plain), nil)
	if err != nil {
		return "", fmt.Errorf("wechat: encrypt sensitive field: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptSensitive is EncryptSensitive's inverse, as WeChat Pay (and the
// sandbox) apply it with the private half of the named key.
func DecryptSensitive(priv *rsa.PrivateKey, b64 string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("%w: not base64", ErrSensitiveDecrypt)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ct, nil)
	if err != nil {
		return "", ErrSensitiveDecrypt
	}
	return string(pt), nil
}
