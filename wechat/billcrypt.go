package wechat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// An encrypted bill file (the sub-merchant fund-flow bill,
// /v3/bill/sub-merchant-fundflowbill) is AEAD_AES_256_GCM under a key of
// its own: the file as downloaded is ciphertext || 16-byte tag (binary,
// not base64), the IV is the bytes of the answer's nonce string, there is
// no associated data, and the key comes in encrypt_key, RSA-OAEP
// (SHA-1, MGF1) under the merchant certificate's public key, base64 — the
// decryption steps of the official pages ("使用商户证书私钥解密…加密密钥
// encrypt_key", "associated_data: 填空", "不需要进行Base64解码"). The
// padding is the one WeChat Pay documents for everything it encrypts to a
// merchant's key (敏感信息加解密); the pages do not name it for bills.

// billNonceLen is the length of the nonce string: 16 characters in the
// official answer sample (a8607ef79034c49c).
const billNonceLen = 16

// EncryptBillFile encrypts plain as WeChat Pay encrypts a bill file for the
// merchant whose certificate key is pub: it returns the file's bytes, the
// base64 encrypt_key and the nonce. For simulators and tests.
func EncryptBillFile(pub *rsa.PublicKey, plain []byte) (file []byte, encryptKey, nonce string, err error) {
	key := make([]byte, 32)
	raw := make([]byte, billNonceLen/2)
	if _, err := rand.Read(key); err != nil {
		return nil, "", "", err
	}
	if _, err := rand.Read(raw); err != nil {
		return nil, "", "", err
	}
	nonce = hex.EncodeToString(raw)
	aead, err := billGCM(key, nonce)
	if err != nil {
		return nil, "", "", err
	}
	ek, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, key, nil)
	if err != nil {
		return nil, "", "", fmt.Errorf("wechat: encrypt bill key: %w", err)
	}
	return aead.Seal(nil, []byte(nonce), plain, nil), base64.StdEncoding.EncodeToString(ek), nonce, nil
}

// DecryptBillFile decrypts an encrypted bill file with the merchant's
// private key: encryptKey and nonce are the answer's. Every failure wraps
// ErrDecrypt.
func DecryptBillFile(priv *rsa.PrivateKey, encryptKey, nonce string, file []byte) ([]byte, error) {
	ek, err := base64.StdEncoding.DecodeString(encryptKey)
	if err != nil {
		return nil, fmt.Errorf("%w: encrypt_key is not base64", ErrDecrypt)
	}
	key, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ek, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: encrypt_key does not decrypt with the merchant key", ErrDecrypt)
	}
	aead, err := billGCM(key, nonce)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, []byte(nonce), file, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: bill file authentication failed", ErrDecrypt)
	}
	return plain, nil
}

// billGCM is AES-256-GCM taking the nonce string's bytes as IV, whatever
// their number (the sample's is 16; GCM takes any length but zero).
func billGCM(key []byte, nonce string) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: bill key is %d bytes, not 32", ErrDecrypt, len(key))
	}
	if nonce == "" || len(nonce) > 64 {
		return nil, fmt.Errorf("%w: bill nonce of %d bytes", ErrDecrypt, len(nonce))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	return cipher.NewGCMWithNonceSize(block, len(nonce))
}
