package wechat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrDecrypt is returned (wrapped) when a ciphertext cannot be decrypted or
// fails authentication.
var ErrDecrypt = errors.New("wechat: decrypt failed")

func newGCM(key string) (cipher.AEAD, error) {
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("%w: key must be 16, 24 or 32 bytes (APIv3 keys are 32)", ErrDecrypt)
	}
	return cipher.NewGCM(block)
}

// EncryptAEADAES256GCM encrypts plaintext the way WeChat Pay protects
// notification resources and certificates (PROTOCOL B.6): AES-GCM with the
// APIv3 key, the 12-byte nonce string as IV and associatedData as AAD. It
// returns base64(ciphertext || tag).
func EncryptAEADAES256GCM(apiV3Key, nonce, associatedData string, plaintext []byte) (string, error) {
	aead, err := newGCM(apiV3Key)
	if err != nil {
		return "", err
	}
	if len(nonce) != aead.NonceSize() {
		return "", fmt.Errorf("wechat: encrypt: nonce must be %d bytes", aead.NonceSize())
	}
	ct := aead.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptAEADAES256GCM reverses EncryptAEADAES256GCM. Every failure (bad
// base64, wrong key size, wrong nonce size, authentication) wraps ErrDecrypt.
func DecryptAEADAES256GCM(apiV3Key, nonce, associatedData, ciphertextB64 string) ([]byte, error) {
	aead, err := newGCM(apiV3Key)
	if err != nil {
		return nil, err
	}
	if len(nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("%w: nonce must be %d bytes", ErrDecrypt, aead.NonceSize())
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertextB64)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not base64", ErrDecrypt)
	}
	pt, err := aead.Open(nil, []byte(nonce), ct, []byte(associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrDecrypt)
	}
	return pt, nil
}

// reqInfoKey derives the v2 refund-notify key: the lowercase hex MD5 of the
// v2 API key, used as 32 raw bytes (PROTOCOL A.14).
func reqInfoKey(apiKey string) []byte {
	sum := md5.Sum([]byte(apiKey))
	k := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(k, sum[:])
	return k
}

// DecryptRefundReqInfo decrypts the req_info field of a v2 refund
// notification: base64, AES-256-ECB under the lowercase hex MD5 of the v2 API
// key, PKCS#7 padding. The result is a <root> XML document (see DecodeXML).
func DecryptRefundReqInfo(apiKey, reqInfoB64 string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(reqInfoB64)
	if err != nil {
		return nil, fmt.Errorf("%w: req_info is not base64", ErrDecrypt)
	}
	block, err := aes.NewCipher(reqInfoKey(apiKey))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	bs := block.BlockSize()
	if len(ct) == 0 || len(ct)%bs != 0 {
		return nil, fmt.Errorf("%w: req_info length %d is not a multiple of %d", ErrDecrypt, len(ct), bs)
	}
	pt := make([]byte, len(ct))
	for i := 0; i < len(ct); i += bs {
		block.Decrypt(pt[i:i+bs], ct[i:i+bs])
	}
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > bs {
		return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
		}
	}
	return pt[:len(pt)-pad], nil
}

// EncryptRefundReqInfo is the inverse of DecryptRefundReqInfo, for simulators
// and tests that must produce a v2 refund notification.
func EncryptRefundReqInfo(apiKey string, plaintext []byte) (string, error) {
	block, err := aes.NewCipher(reqInfoKey(apiKey))
	if err != nil {
		return "", fmt.Errorf("wechat: encrypt req_info: %w", err)
	}
	bs := block.BlockSize()
	pad := bs - len(plaintext)%bs
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += bs {
		block.Encrypt(buf[i:i+bs], buf[i:i+bs])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}
