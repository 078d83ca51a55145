package wechat

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// AuthScheme is the v3 Authorization scheme for SHA256withRSA request signatures.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// ErrBadSignature is returned (wrapped) when a signature does not verify.
var ErrBadSignature = errors.New("wechat: signature does not verify")

// V3SignMessage returns the v3 request string-to-sign (PROTOCOL B.2): method,
// canonical URL (path and query as sent), Unix timestamp, nonce and body, each
// followed by a newline.
func V3SignMessage(method, canonicalURL string, timestamp int64, nonce, body string) string {
	var b strings.Builder
	b.Grow(len(method) + len(canonicalURL) + len(nonce) + len(body) + 25)
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(canonicalURL)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatInt(timestamp, 10))
	b.WriteByte('\n')
	b.WriteString(nonce)
	b.WriteByte('\n')
	b.WriteString(body)
	b.WriteByte('\n')
	return b.String()
}

// V3ResponseMessage returns the string WeChat Pay signs for a response or a
// notification (PROTOCOL B.3): the Wechatpay-Timestamp and Wechatpay-Nonce
// header values and the body, each followed by a newline.
func V3ResponseMessage(timestamp, nonce, body string) string {
	return timestamp + "\n" + nonce + "\n" + body + "\n"
}

// SignSHA256RSA signs message with RSASSA-PKCS1-v1_5 over SHA-256 and returns
// the signature in standard base64.
func SignSHA256RSA(key *rsa.PrivateKey, message string) (string, error) {
	if key == nil {
		return "", errors.New("wechat: nil RSA private key")
	}
	sum := sha256.Sum256([]byte(message))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("wechat: sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifySHA256RSA checks a base64 SHA256withRSA signature of message under
// pub. Any failure wraps ErrBadSignature.
func VerifySHA256RSA(pub *rsa.PublicKey, message, signatureB64 string) error {
	if pub == nil {
		return fmt.Errorf("%w: nil public key", ErrBadSignature)
	}
	sig, err := base64.StdEncoding.DecodeString(signatureB64)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrBadSignature)
	}
	sum := sha256.Sum256([]byte(message))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return ErrBadSignature
	}
	return nil
}

// Authorization is a parsed v3 Authorization header.
type Authorization struct {
	Scheme    string
	MchID     string
	NonceStr  string
	Timestamp int64
	SerialNo  string
	Signature string
}

// BuildAuthorization formats the v3 Authorization header value:
// WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…".
func BuildAuthorization(mchid, nonce string, timestamp int64, serialNo, signature string) string {
	return fmt.Sprintf(`%s mchid="%s",nonce_str="%s",timestamp="%d",serial_no="%s",signature="%s"`,
		AuthScheme, mchid, nonce, timestamp, serialNo, signature)
}

// ErrBadAuthorization is returned (wrapped) by ParseAuthorization.
var ErrBadAuthorization = errors.New("wechat: malformed Authorization header")

// ParseAuthorization parses a v3 Authorization header value. It requires the
// WECHATPAY2-SHA256-RSA2048 scheme and all five parameters exactly once, in
// any order, each double-quoted.
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || scheme != AuthScheme {
		return a, fmt.Errorf("%w: scheme", ErrBadAuthorization)
	}
	a.Scheme = scheme
	seen := map[string]bool{}
	rest = strings.TrimSpace(rest)
	for rest != "" {
		k, after, ok := strings.Cut(rest, "=")
		if !ok || len(after) < 2 || after[0] != '"' {
			return Authorization{}, fmt.Errorf("%w: parameter syntax", ErrBadAuthorization)
		}
		end := strings.IndexByte(after[1:], '"')
		if end < 0 {
			return Authorization{}, fmt.Errorf("%w: unterminated value", ErrBadAuthorization)
		}
		v := after[1 : 1+end]
		rest = after[2+end:]
		if rest != "" {
			if rest[0] != ',' {
				return Authorization{}, fmt.Errorf("%w: missing comma", ErrBadAuthorization)
			}
			rest = strings.TrimLeft(rest[1:], " ")
		}
		k = strings.TrimSpace(k)
		if seen[k] {
			return Authorization{}, fmt.Errorf("%w: %s repeated", ErrBadAuthorization, k)
		}
		seen[k] = true
		switch k {
		case "mchid":
			a.MchID = v
		case "nonce_str":
			a.NonceStr = v
		case "timestamp":
			ts, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Authorization{}, fmt.Errorf("%w: timestamp", ErrBadAuthorization)
			}
			a.Timestamp = ts
		case "serial_no":
			a.SerialNo = v
		case "signature":
			a.Signature = v
		default:
			return Authorization{}, fmt.Errorf("%w: unknown parameter %q", ErrBadAuthorization, k)
		}
	}
	for _, k := range []string{"mchid", "nonce_str", "timestamp", "serial_no", "signature"} {
		if !seen[k] {
			return Authorization{}, fmt.Errorf("%w: %s missing", ErrBadAuthorization, k)
		}
	}
	return a, nil
}
