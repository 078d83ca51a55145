package wechat_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat"
)

// Public test vectors, see docs/wechatpay/VECTORS.md.

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte("TESTING KEY"), []byte("PRIVATE KEY"))
}

func testWechatPayKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := wechat.ParsePrivateKeyPEM(readTestdata(t, "wechatpay_key_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testMerchantKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := wechat.ParsePrivateKeyPEM(readTestdata(t, "merchant_key_BE6DCDA7A5931FA0.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// V1.
func TestSignV2Vector(t *testing.T) {
	params := map[string]string{
		"appid": "wxd930ea5d5a258f4f", "body": "test", "device_info": "1000",
		"mch_id": "10000100", "nonce_str": "ibuaiVcKdpRxkhJA",
	}
	const key = "192006250b4c09247ec02edce69f6a2d"
	tests := []struct {
		name string
		typ  wechat.SignType
		want string
	}{
		{"MD5", wechat.SignMD5, "9A0A8659F005D6984697E2CA0A9CF3B7"},
		{"HMAC-SHA256", wechat.SignHMACSHA256, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wechat.SignV2(params, key, tt.typ); got != tt.want {
				t.Fatalf("SignV2 = %s, want %s", got, tt.want)
			}
			// Empty values and an existing sign must not change the result.
			p := map[string]string{"sign": "X", "attach": ""}
			for k, v := range params {
				p[k] = v
			}
			if got := wechat.SignV2(p, key, tt.typ); got != tt.want {
				t.Fatalf("SignV2 with sign/empty = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVerifyV2(t *testing.T) {
	const key = "192006250b4c09247ec02edce69f6a2d"
	base := map[string]string{
		"appid": "wxd930ea5d5a258f4f", "body": "test", "device_info": "1000",
		"mch_id": "10000100", "nonce_str": "ibuaiVcKdpRxkhJA",
	}
	with := func(mod func(map[string]string)) map[string]string {
		p := map[string]string{}
		for k, v := range base {
			p[k] = v
		}
		mod(p)
		return p
	}
	tests := []struct {
		name   string
		params map[string]string
		key    string
		want   bool
	}{
		{"md5 default", with(func(p map[string]string) { p["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B7" }), key, true},
		{"md5 lowercase rejected", with(func(p map[string]string) { p["sign"] = "9a0a8659f005d6984697e2ca0a9cf3b7" }), key, false},
		{"wrong key", with(func(p map[string]string) { p["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B7" }), "x" + key[1:], false},
		{"tampered field", with(func(p map[string]string) { p["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B7"; p["body"] = "tesT" }), key, false},
		{"missing sign", with(func(p map[string]string) {}), key, false},
		{"unknown sign type", with(func(p map[string]string) { p["sign_type"] = "SHA1"; p["sign"] = "X" }), key, false},
		{"hmac via sign_type", with(func(p map[string]string) {
			p["sign_type"] = "HMAC-SHA256"
			p["sign"] = wechat.SignV2(p, key, wechat.SignHMACSHA256)
		}), key, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wechat.VerifyV2(tt.params, tt.key); got != tt.want {
				t.Fatalf("VerifyV2 = %v, want %v", got, tt.want)
			}
		})
	}
}

// V2.
func TestDecryptAEADVector(t *testing.T) {
	const nonce, ad = "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8"
	tests := []struct {
		name, key, ct string
		want          string
		wantErr       bool
	}{
		{"ok", "testAPIv3Key0000", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC", "Hello World", false},
		{"bad base64", "testAPIv3Key0000", "invalid cipher", "", true},
		{"auth fail", "testAPIv3Key0000", "SGVsbG8gV29ybGQK", "", true},
		{"bad key", "not a aes key", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wechat.DecryptAEADAES256GCM(tt.key, nonce, ad, tt.ct)
			if tt.wantErr {
				if !errors.Is(err, wechat.ErrDecrypt) {
					t.Fatalf("err = %v, want ErrDecrypt", err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestAEADRoundTrip(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	ct, err := wechat.EncryptAEADAES256GCM(key, "abcdefghijkl", "transaction", []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := wechat.DecryptAEADAES256GCM(key, "abcdefghijkl", "transaction", ct)
	if err != nil || string(pt) != `{"a":1}` {
		t.Fatalf("round trip: %q %v", pt, err)
	}
	if _, err := wechat.DecryptAEADAES256GCM(key, "abcdefghijkl", "refund", ct); !errors.Is(err, wechat.ErrDecrypt) {
		t.Fatalf("other AD: err = %v", err)
	}
}

// V4.
func TestAuthorizationVector(t *testing.T) {
	msg := wechat.V3SignMessage("GET", "/v3/certificates", 1624523846, "A1B2C3D4E5F6G7", "")
	if want := "GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n"; msg != want {
		t.Fatalf("message = %q, want %q", msg, want)
	}
	h := wechat.BuildAuthorization("1234567890", "A1B2C3D4E5F6G7", 1624523846, "0123456789ABC", "Sign:"+msg)
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1234567890",nonce_str="A1B2C3D4E5F6G7",timestamp="1624523846",serial_no="0123456789ABC",signature="Sign:GET` +
		"\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n" + `"`
	if h != want {
		t.Fatalf("header = %q\nwant     %q", h, want)
	}
	a, err := wechat.ParseAuthorization(h)
	if err != nil {
		t.Fatal(err)
	}
	if a.MchID != "1234567890" || a.NonceStr != "A1B2C3D4E5F6G7" || a.Timestamp != 1624523846 ||
		a.SerialNo != "0123456789ABC" || a.Signature != "Sign:"+msg {
		t.Fatalf("parsed %+v", a)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	tests := []struct{ name, h string }{
		{"other scheme", `WECHATPAY2-SM2 mchid="1",nonce_str="n",timestamp="1",serial_no="s",signature="x"`},
		{"missing signature", `WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1",serial_no="s"`},
		{"unquoted", `WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="n",timestamp="1",serial_no="s",signature="x"`},
		{"bad timestamp", `WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="x",serial_no="s",signature="x"`},
		{"repeated", `WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",timestamp="1",serial_no="s",signature="x"`},
		{"unterminated", `WECHATPAY2-SHA256-RSA2048 mchid="1`},
		{"empty", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wechat.ParseAuthorization(tt.h); !errors.Is(err, wechat.ErrBadAuthorization) {
				t.Fatalf("err = %v, want ErrBadAuthorization", err)
			}
		})
	}
}

// V5.
func TestSignSHA256RSAVector(t *testing.T) {
	const want = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoV" +
		"z+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLl" +
		"i/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj" +
		"1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg=="
	key := testWechatPayKey(t)
	got, err := wechat.SignSHA256RSA(key, "source")
	if err != nil || got != want {
		t.Fatalf("SignSHA256RSA = %s, %v", got, err)
	}
	cert, err := wechat.ParseCertificatePEM(readTestdata(t, "wechatpay_cert_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if s := wechat.CertificateSerial(cert); s != "D7CE59D1F522D701" {
		t.Fatalf("serial = %s", s)
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	tests := []struct {
		name, msg, sig string
		ok             bool
	}{
		{"good", "source", want, true},
		{"wrong source", "sourcE", want, false},
		{"not base64", "source", "!!", false},
		{"other key", "source", mustSign(t, testMerchantKey(t), "source"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wechat.VerifySHA256RSA(pub, tt.msg, tt.sig)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, wechat.ErrBadSignature) {
				t.Fatalf("err = %v, want ErrBadSignature", err)
			}
		})
	}
	_, err = wechat.SignSHA256RSA(nil, "x")
	if err == nil {
		t.Fatal("nil key signed")
	}
}

func mustSign(t testing.TB, k *rsa.PrivateKey, msg string) string {
	t.Helper()
	s, err := wechat.SignSHA256RSA(k, msg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// V6.
func TestCertificateDecryptVector(t *testing.T) {
	const ct = "QHBP2NGCmcEhGWa1f+t5AeImEdkS+XyUx1nB50LLGTgfDdb+EELcl9/GRJR0m9SFcTSlsS67QKemf2DuvPGTFEn" +
		"EIhZ/I26zym7Ift1YJt7ftiVqoU4lv9aopCWD7IrzQBLT7XeYKh0CFHj0fUeqnNrGC+3EMj+NHbDY6zGfW4SfhvzLxO6tvpQ3xbFyT2C" +
		"gxHmiKiVTxkewiSDuaimy3X/SN/Nq901lhEtqBVMFyFOyT1MvTL0RUWpU+l4Wdyz9xGTrrv0pd7regqfXwklx+Y94ULUd7lhSyb77h9j" +
		"8golVvxYUwrUrxWj5ri6APPd8qedWuxkBjOPUAho/q1ETpjYJqK0eXuVWf5EPBS63jvqEE4IfopXOwltPLEME++6u7H4qjhAfzdUvfLQ" +
		"awUe/zPPwWS5GOWRxov7qnuK3aV0+ybZM33hmPwP5LsPNQlDdaQxcNgqbnmpVWjxCPdiiZ52z19AxcB4Ry9LN5IBAEbTnm9WnCp4cOqN" +
		"OXBr2/l+FRLSqZnNTIFbOzXWKw5AngHbciLEvTYEsFNpT/u1SBCU2xQ3Y+Q8OHIn6kmE3AO/gUmXjciLv05ZGo+DCAnqGOVdr2yCLv2j" +
		"maBSIcrComs1WzliuNfFJ5+On7i+rOAbKMaZLdTcB//Lpa4mfkhULhslQYUT5H4XbQqsi5IPGplYvvNh2+ktahI6lYWnCprFeFthyEfy" +
		"LNc9MGtsO1rdsZqoI6ed+KLzMJDOGAhgEQqSJIOzz546/pyn5DnINlxjMSpq6+Zdan+iuiz3Un2idaLf6iPSx1FtdNPi94EjlI+bQSEi" +
		"hKKm4Em2xVgauajO3mK6+JTPNQMVrbtEV9wIGHvPLVm6Uw3OAuLWL0UCn3P6wuxF7+4X+S8s1EKN/3q/w++U93NKdfnpOKe7Vxg7Pg3f" +
		"96WQzJTvRJ7C1Xm4W7GvS09hGjCNGCvbcGXla14X/Y35o6Uf37NlnmnDe2rdcnmYsXE5qooS0ThLdOKdKNybg+ih9iFPcxdTJ67WfvVP" +
		"vaOhLrRm8cDgTYjfVYAj7lxztRYnZE65PTeWUE/mLZTd52g3WEE8ty79KLcqnzARGq7sjdptcZQ4Vw11hHA3PbrxQdyvuyXbONZzjrMR" +
		"0RsOmJPfyQTYPQuh6xdbcLP8bQiibREl+iOop0PLYRu9GtQ+r2uEI4VIuuNW1DwFzJRkWdxPm8kjC+g7XLDWqBYImFfep9Dfxj6Jam/w" +
		"ILKWVg3JjfuZe6nTwK7xqwDsY4Ylj8rnjnf+Cw3XQh94IU2E3uq3wqhoR1NCM7Qky+a6JIMGCALiqlj2DMnUgPKWEwFJ7bigRCdC+0s+" +
		"QQaeIEQ04Rm8jeuHaNvEsfloqLNrWx0D3ZHeIKB6hEegNnpSllfPJ/lF1U3ZnhMYd6oUef5HuV4wcu4oPf0nCEBi/CGlyRhmRKaondms" +
		"puRv5C4/zqQrqaVfJrkL0XO6EnhaxI0Yh6t5piA6vw73LtNH5fI55d1S2KWu0zUVbfyijzFohSfVZ5Zryo8uSggAgE96O+jiYzXfuS0d" +
		"vCVhXW/lw0ekQnKMx0Xh6U7XIckIvLgb4QQ6Oqv4/GZBo4dV7s78pNj/KvcCI6ya6qfrWgy1+pWmOLO+wcTmfzYOae4IyZnmuDXwyPng="
	pt, err := wechat.DecryptAEADAES256GCM("mockAPIv3Key1234", "3a584b49ed9b", "certificate", ct)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := wechat.ParseCertificatePEM(pt)
	if err != nil {
		t.Fatal(err)
	}
	if s := wechat.CertificateSerial(cert); s != "D7CE59D1F522D701" {
		t.Fatalf("serial = %s", s)
	}
}

// V7.
func TestRefundReqInfoVector(t *testing.T) {
	const key = "ziR0QKsTUfMOuochC9RfCdmfHECorQAP"
	const info = "YYwp8C48th0wnQzTqeI+41pflB26v+smFj9z6h9RPBgxTyZyxc+4YNEz7QEgZNWj/6rIb2MfyWMZmCc41CfjKSssoSZPXxOhUayb6KvNSZ1p6frOX1PDWzhyruXK7ouNND+gDsG4yZ0XXzsL4/pYNwLLba/71QrnkJ/BHcByk4EXnglju5DLup9pJQSnTxjomI9Rxu57m9jg5lLQFxMWXyeASZJNvof0ulnHlWJswS4OxKOkmW7VEyKyLGV6npoOm03Qsx2wkRxLsSa9gPpg4hdaReeUqh1FMbm7aWjyrVYT/MEZWg98p4GomEIYvz34XfDncTezX4bf/ZiSLXt79aE1/YTZrYfymXeCrGjlbe0rg/T2ezJHAC870u2vsVbY1/KcE2A443N+DEnAziXlBQ1AeWq3Rqk/O6/TMM0lomzgctAOiAMg+bh5+Gu1ubA9O3E+vehULydD5qx2o6i3+qA9ORbH415NyRrQdeFq5vmCiRikp5xYptWiGZA0tkoaLKMPQ4ndE5gWHqiBbGPfULZWokI+QjjhhBmwgbd6J0VqpRorwOuzC/BHdkP72DCdNcm7IDUpggnzBIy0+seWIkcHEryKjge3YDHpJeQCqrAH0CgxXHDt1xtbQbST1VqFyuhPhUjDXMXrknrGPN/oE1t0rLRq+78cI+k8xe5E6seeUXQsEe8r3358mpcDYSmXWSXVZxK6er9EF98APqHwcndyEJD2YyCh/mMVhERuX+7kjlRXSiNUWa/Cv/XAKFQuvUYA5ea2eYWtPRHa4DpyuF1SNsaqVKfgqKXZrJHfAgslVpSVqUpX4zkKszHF4kwMZO3M7J1P94Mxa7Tm9mTOJePOoHPXeEB+m9rX6pSfoi3mJDQ5inJ+Vc4gOkg/Wd/lqiy6TTyP/dHDN6/v+AuJx5AXBo/2NDD3fWhHjkqEKIuARr2ClZt9ZRQO4HkXdZo7CN06sGCHk48Tg8PmxnxKcMZm7Aoquv5yMIM2gWSWIRJhwJ8cUpafIHc+GesDlbF6Zbt+/KXkafJAQq2RklEN+WvZ/zFz113EPgWPjp16TwBoziq96MMekvWKY/vdhjol8VFtGH9F61Oy1Xwf6DJtPw=="
	pt, err := wechat.DecryptRefundReqInfo(key, info)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wechat.DecodeXML(bytes.NewReader(pt))
	if err != nil {
		t.Fatalf("decode %q: %v", pt, err)
	}
	for k, want := range map[string]string{
		"out_refund_no":  "50fd012ed1b311e7af7800163e32c503",
		"refund_fee":     "6",
		"refund_account": "REFUND_SOURCE_RECHARGE_FUNDS",
	} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q", k, m[k], want)
		}
	}
	if _, err := wechat.DecryptRefundReqInfo("wrong"+key[5:], info); !errors.Is(err, wechat.ErrDecrypt) {
		t.Errorf("wrong key: err = %v", err)
	}
	// Round trip through the encrypt side.
	enc, err := wechat.EncryptRefundReqInfo(key, pt)
	if err != nil || enc != info {
		t.Errorf("EncryptRefundReqInfo does not reproduce the vector (err %v)", err)
	}
}

func TestXMLRoundTrip(t *testing.T) {
	in := map[string]string{"a": "1", "body": "咖啡 <&> ]]> end", "empty": ""}
	got, err := wechat.DecodeXML(bytes.NewReader(wechat.EncodeXML(in)))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(in) {
		t.Errorf("got %d fields, want %d", len(got), len(in))
	}
	if !bytes.Equal(wechat.EncodeXML(in), wechat.EncodeXML(got)) {
		t.Error("EncodeXML is not deterministic")
	}
}

func TestDecodeXMLRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"nested", `<xml><a><b>1</b></a></xml>`},
		{"garbage", `not xml`},
		{"empty", ``},
		{"unclosed", `<xml><a>1</a>`},
		{"two roots", `<xml></xml><xml></xml>`},
		{"trailing text", `<xml></xml>junk`},
		{"root text", `<xml>junk<a>1</a></xml>`},
		{"doctype", `<!DOCTYPE x [<!ENTITY e "x">]><xml><a>&e;</a></xml>`},
		{"repeated field", `<xml><a>1</a><a>2</a></xml>`},
		{"attribute", `<xml><a x="1">1</a></xml>`},
		{"too big", `<xml><a>` + strings.Repeat("x", wechat.MaxXMLSize) + `</a></xml>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wechat.DecodeXML(strings.NewReader(tt.in)); !errors.Is(err, wechat.ErrXMLFormat) {
				t.Fatalf("err = %v, want ErrXMLFormat", err)
			}
		})
	}
}

func TestDecodeXMLAccepts(t *testing.T) {
	in := `<?xml version="1.0" encoding="UTF-8"?>
<xml>
  <return_code><![CDATA[SUCCESS]]></return_code>
  <total_fee>1</total_fee>
  <!-- comment -->
  <err_code_des>需要用户输入支付密码</err_code_des>
</xml>
`
	m, err := wechat.DecodeXML(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if m["return_code"] != "SUCCESS" || m["total_fee"] != "1" || m["err_code_des"] != "需要用户输入支付密码" {
		t.Fatalf("got %v", m)
	}
}

func TestNonceString(t *testing.T) {
	a, b := wechat.NonceString(), wechat.NonceString()
	if len(a) != 32 || a == b {
		t.Fatalf("nonces %q %q", a, b)
	}
	for _, c := range a {
		if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", c) {
			t.Fatalf("nonce char %q", c)
		}
	}
}

func FuzzDecodeXML(f *testing.F) {
	for _, s := range []string{
		`<xml><a><![CDATA[1]]></a></xml>`, `<xml><a><b/></a></xml>`, `<root><x>1</x></root>`, `<xml>`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := wechat.DecodeXML(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, wechat.ErrXMLFormat) {
				t.Fatalf("error does not wrap ErrXMLFormat: %v", err)
			}
			return
		}
		// Whatever decodes must survive an encode/decode round trip when the
		// names are plain field names.
		for k := range m {
			if k == "" || strings.ContainsAny(k, "<>&\"' ") {
				return
			}
		}
		m2, err := wechat.DecodeXML(bytes.NewReader(wechat.EncodeXML(m)))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		for k, v := range m {
			if m2[k] != v {
				t.Fatalf("field %s: %q != %q", k, m2[k], v)
			}
		}
	})
}

func wechatPayPublicKeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&testWechatPayKey(t).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
