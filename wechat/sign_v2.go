package wechat

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sort"
	"strings"
)

// SignType names a v2 signature algorithm, as carried in the sign_type field.
type SignType string

// The v2 signature algorithms (PROTOCOL A.3).
const (
	// SignMD5 is the default v2 signature: uppercase hex MD5.
	SignMD5 SignType = "MD5"
	// SignHMACSHA256 is HMAC-SHA256 keyed with the API key, uppercase hex.
	SignHMACSHA256 SignType = "HMAC-SHA256"
)

// Valid reports whether t is a signature type this package implements.
func (t SignType) Valid() bool { return t == SignMD5 || t == SignHMACSHA256 }

// v2StringToSign builds "k1=v1&k2=v2&...&key=<apiKey>" from params, skipping
// empty values and the sign field, with names in byte order.
func v2StringToSign(params map[string]string, apiKey string) string {
	keys := make([]string, 0, len(params))
	n := 0
	for k, v := range params {
		if v == "" || k == "sign" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len(v) + 2
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(n + len(apiKey) + 5)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
		b.WriteByte('&')
	}
	b.WriteString("key=")
	b.WriteString(apiKey)
	return b.String()
}

// SignV2 returns the v2 signature of params under apiKey with algorithm t
// (PROTOCOL A.3): empty values and "sign" are skipped, names sorted, "&key="
// appended, digest hex-encoded in upper case. An unknown t signs with MD5's
// rules but returns "" so that it can never match a real signature.
func SignV2(params map[string]string, apiKey string, t SignType) string {
	var h hash.Hash
	switch t {
	case SignMD5, "":
		h = md5.New()
	case SignHMACSHA256:
		h = hmac.New(sha256.New, []byte(apiKey))
	default:
		return ""
	}
	h.Write([]byte(v2StringToSign(params, apiKey)))
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}

// VerifyV2 reports whether params["sign"] is the valid v2 signature of params
// under apiKey. The algorithm comes from params["sign_type"] (MD5 when absent).
// The comparison is constant-time.
func VerifyV2(params map[string]string, apiKey string) bool {
	t := SignType(params["sign_type"])
	if t == "" {
		t = SignMD5
	}
	return VerifyV2Type(params, apiKey, t)
}

// VerifyV2Type is VerifyV2 with the algorithm given by the caller, as when a
// response is checked with the algorithm of its request. A sign_type field in
// params that names another algorithm makes the check fail.
func VerifyV2Type(params map[string]string, apiKey string, t SignType) bool {
	if !t.Valid() {
		return false
	}
	if st, ok := params["sign_type"]; ok && st != "" && SignType(st) != t {
		return false
	}
	got := params["sign"]
	if got == "" {
		return false
	}
	want := SignV2(params, apiKey, t)
	return hmac.Equal([]byte(got), []byte(want))
}
