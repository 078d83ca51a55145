package interop_test

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// thirdParty is a client written from the public protocol description
// with the standard library only: it reads the profile JSON, signs v3
// requests with SHA256-RSA, verifies every v3 answer with the WeChat Pay
// public key or platform certificate, and speaks v2 XML with MD5 /
// HMAC-SHA256. It shares no code with package wechat.
type thirdParty struct {
	t    *testing.T
	p    rawProfile
	key  *rsa.PrivateKey
	pub  *rsa.PublicKey
	cert *x509.Certificate
	http *http.Client
}

type rawProfile struct {
	BaseURL string `json:"base_url"`
	AppID   string `json:"appid"`
	MchID   string `json:"mchid"`
	V2      struct {
		APIKey        string `json:"api_key"`
		ClientCertPEM string `json:"client_cert_pem"`
		ClientKeyPEM  string `json:"client_key_pem"`
	} `json:"v2"`
	V3 struct {
		APIV3Key              string `json:"api_v3_key"`
		MerchantSerialNo      string `json:"merchant_serial_no"`
		MerchantPrivateKeyPEM string `json:"merchant_private_key_pem"`
		PlatformPublicKeyID   string `json:"platform_public_key_id"`
		PlatformPublicKeyPEM  string `json:"platform_public_key_pem"`
		PlatformCertSerialNo  string `json:"platform_cert_serial_no"`
		PlatformCertPEM       string `json:"platform_cert_pem"`
	} `json:"v3"`
	CACertPEM     string            `json:"ca_cert_pem"`
	ScenarioCodes map[string]string `json:"scenario_codes"`
	Prefixes      map[string]string `json:"scenario_prefixes"`
}

func newThirdParty(t *testing.T) *thirdParty {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := rig.sb.Profile(rig.srv.URL).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &thirdParty{t: t}
	if err := json.Unmarshal(raw, &c.p); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(c.p.V3.MerchantPrivateKeyPEM))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	c.key = k.(*rsa.PrivateKey)
	block, _ = pem.Decode([]byte(c.p.V3.PlatformPublicKeyPEM))
	pk, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	c.pub = pk.(*rsa.PublicKey)
	block, _ = pem.Decode([]byte(c.p.V3.PlatformCertPEM))
	if c.cert, err = x509.ParseCertificate(block.Bytes); err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(c.p.CACertPEM)) {
		t.Fatal("profile has no CA certificate")
	}
	clientCert, err := tls.X509KeyPair([]byte(c.p.V2.ClientCertPEM), []byte(c.p.V2.ClientKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	c.http = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{clientCert}},
	}}
	return c
}

type rawResp struct {
	status int
	body   []byte
	serial string
}

func (r rawResp) field(t *testing.T, k string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	switch v := m[k].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// v3 signs and sends a request; unless it is a bill file, the answer's
// Wechatpay-* signature must verify and be fresh.
func (c *thirdParty) v3(method, pathQuery string, body any, hdr ...string) rawResp {
	c.t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	nonce := hex.EncodeToString(randomBytes(16))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	msg := method + "\n" + pathQuery + "\n" + ts + "\n" + nonce + "\n" + string(raw) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		c.t.Fatal(err)
	}
	req, _ := http.NewRequest(method, c.p.BaseURL+pathQuery, bytes.NewReader(raw))
	req.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		c.p.MchID, nonce, ts, c.p.V3.MerchantSerialNo, base64.StdEncoding.EncodeToString(sig)))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "third-party-test/1.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := rawResp{status: resp.StatusCode, body: b, serial: resp.Header.Get("Wechatpay-Serial")}
	if strings.HasPrefix(pathQuery, "/v3/billdownload/") {
		return r
	}
	var pub *rsa.PublicKey
	switch {
	case strings.HasPrefix(r.serial, "PUB_KEY_ID_") && r.serial == c.p.V3.PlatformPublicKeyID:
		pub = c.pub
	case r.serial == c.p.V3.PlatformCertSerialNo:
		pub = c.cert.PublicKey.(*rsa.PublicKey)
	default:
		c.t.Fatalf("unknown serial %q", r.serial)
	}
	rts := resp.Header.Get("Wechatpay-Timestamp")
	sec, _ := strconv.ParseInt(rts, 10, 64)
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		c.t.Fatalf("stale response timestamp %s", rts)
	}
	vsum := sha256.Sum256([]byte(rts + "\n" + resp.Header.Get("Wechatpay-Nonce") + "\n" + string(b) + "\n"))
	vsig, _ := base64.StdEncoding.DecodeString(resp.Header.Get("Wechatpay-Signature"))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, vsum[:], vsig); err != nil {
		c.t.Fatalf("%s %s: response signature: %v", method, pathQuery, err)
	}
	return r
}

// v2 sends a flat XML request signed with signType and checks the answer's
// signature with the same algorithm.
func (c *thirdParty) v2(path, signType string, p map[string]string) map[string]string {
	c.t.Helper()
	p["appid"], p["mch_id"], p["nonce_str"] = c.p.AppID, c.p.MchID, hex.EncodeToString(randomBytes(8))
	if signType != "MD5" {
		p["sign_type"] = signType
	}
	p["sign"] = c.sign2(p, signType)
	var b strings.Builder
	b.WriteString("<xml>")
	for k, v := range p {
		b.WriteString("<" + k + "><![CDATA[" + v + "]]></" + k + ">")
	}
	b.WriteString("</xml>")
	resp, err := c.http.Post(c.p.BaseURL+path, "text/xml", strings.NewReader(b.String()))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]string{}
	dec := xml.NewDecoder(resp.Body)
	var cur string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.t.Fatal(err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			cur = x.Name.Local
		case xml.CharData:
			if cur != "" && cur != "xml" {
				m[cur] += string(x)
			}
		case xml.EndElement:
			cur = ""
		}
	}
	if m["return_code"] == "SUCCESS" && c.sign2(m, signType) != m["sign"] {
		c.t.Fatalf("%s: response signature does not verify", path)
	}
	return m
}

func (c *thirdParty) sign2(p map[string]string, signType string) string {
	keys := make([]string, 0, len(p))
	for k, v := range p {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var s strings.Builder
	for _, k := range keys {
		s.WriteString(k + "=" + p[k] + "&")
	}
	s.WriteString("key=" + c.p.V2.APIKey)
	if signType == "HMAC-SHA256" {
		h := hmac.New(sha256.New, []byte(c.p.V2.APIKey))
		h.Write([]byte(s.String()))
		return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
	}
	sum := md5.Sum([]byte(s.String()))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func (c *thirdParty) control(path, body string) {
	c.t.Helper()
	resp, err := c.http.Post(c.p.BaseURL+path, "application/json", strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		c.t.Fatalf("%s: %d", path, resp.StatusCode)
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func (c *thirdParty) code(sc string) string {
	return c.p.Prefixes[sc] + fmt.Sprintf("%012d", time.Now().UnixNano()%1e12)
}

func TestThirdPartyV3(t *testing.T) {
	c := newThirdParty(t)
	mch := "?mchid=" + c.p.MchID
	base := func(no string) map[string]any {
		return map[string]any{"appid": c.p.AppID, "mchid": c.p.MchID, "description": "门店-商品", "out_trade_no": no,
			"amount": map[string]any{"total": 1500, "currency": "CNY"}}
	}
	codepay := func(no, code string) rawResp {
		b := base(no)
		b["payer"] = map[string]string{"auth_code": code}
		b["scene_info"] = map[string]string{"device_ip": "10.0.0.8", "device_id": "POS01"}
		return c.v3("POST", "/v3/pay/transactions/codepay", b)
	}
	stamp := time.Now().UnixNano()

	t.Run("codepay_success_then_refund", func(t *testing.T) {
		no := fmt.Sprintf("TP%d", stamp)
		r := codepay(no, c.p.ScenarioCodes["success"])
		if r.status != 200 || r.field(t, "trade_state") != "SUCCESS" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		rf := c.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "R" + no,
			"amount": map[string]any{"refund": 500, "total": 1500, "currency": "CNY"}})
		if rf.status != 200 || rf.field(t, "out_refund_no") != "R"+no {
			t.Fatalf("%d %s", rf.status, rf.body)
		}
		q := c.v3("GET", "/v3/refund/domestic/refunds/R"+no, nil)
		if q.status != 200 || q.field(t, "status") != "SUCCESS" {
			t.Fatalf("%d %s", q.status, q.body)
		}
	})
	t.Run("codepay_password_then_query", func(t *testing.T) {
		no := fmt.Sprintf("TPW%d", stamp)
		r := codepay(no, c.code("userpaying_success"))
		if r.status != 202 || r.field(t, "code") != "USERPAYING" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		c.control("/sandbox/clock", `{"advance":"10s"}`)
		q := c.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+mch, nil)
		if q.field(t, "trade_state") != "SUCCESS" {
			t.Fatalf("%s", q.body)
		}
	})
	t.Run("codepay_timeout_then_reverse", func(t *testing.T) {
		no := fmt.Sprintf("TPT%d", stamp)
		if r := codepay(no, c.code("userpaying_timeout")); r.status != 202 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		c.control("/sandbox/clock", `{"advance":"30s"}`)
		rv := c.v3("POST", "/v3/pay/transactions/out-trade-no/"+no+"/reverse", map[string]string{"appid": c.p.AppID, "mchid": c.p.MchID})
		if rv.status != 200 || rv.field(t, "out_trade_no") != no {
			t.Fatalf("%d %s", rv.status, rv.body)
		}
		if q := c.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+mch, nil); q.field(t, "trade_state") != "REVOKED" {
			t.Fatalf("%s", q.body)
		}
	})
	t.Run("native_pay_query_by_id_close", func(t *testing.T) {
		no := fmt.Sprintf("TPN%d", stamp)
		b := base(no)
		b["notify_url"] = "https://example.com/notify"
		r := c.v3("POST", "/v3/pay/transactions/native", b)
		codeURL := r.field(t, "code_url")
		if r.status != 200 || codeURL == "" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		c.control("/sandbox/native/pay", `{"code_url":"`+codeURL+`"}`)
		q := c.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+mch, nil)
		id := q.field(t, "transaction_id")
		if q2 := c.v3("GET", "/v3/pay/transactions/id/"+id+mch, nil); q2.field(t, "out_trade_no") != no || q2.field(t, "trade_state") != "SUCCESS" {
			t.Fatalf("%s", q2.body)
		}
		no2 := no + "C"
		b["out_trade_no"] = no2
		c.v3("POST", "/v3/pay/transactions/native", b)
		if cl := c.v3("POST", "/v3/pay/transactions/out-trade-no/"+no2+"/close", map[string]string{"mchid": c.p.MchID}); cl.status != 204 {
			t.Fatalf("%d %s", cl.status, cl.body)
		}
	})
	t.Run("certificates_and_platform_cert_mode", func(t *testing.T) {
		r := c.v3("GET", "/v3/certificates", nil)
		var out struct {
			Data []struct {
				SerialNo string `json:"serial_no"`
				Enc      struct {
					Nonce          string `json:"nonce"`
					AssociatedData string `json:"associated_data"`
					Ciphertext     string `json:"ciphertext"`
				} `json:"encrypt_certificate"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil || len(out.Data) != 1 {
			t.Fatalf("%s", r.body)
		}
		block, _ := aes.NewCipher([]byte(c.p.V3.APIV3Key))
		gcm, _ := cipher.NewGCM(block)
		ct, _ := base64.StdEncoding.DecodeString(out.Data[0].Enc.Ciphertext)
		plain, err := gcm.Open(nil, []byte(out.Data[0].Enc.Nonce), ct, []byte(out.Data[0].Enc.AssociatedData))
		if err != nil || string(plain) != c.p.V3.PlatformCertPEM || out.Data[0].SerialNo != c.p.V3.PlatformCertSerialNo {
			t.Fatalf("decrypt: %v", err)
		}
		if r := c.v3("GET", "/v3/certificates", nil, "Wechatpay-Serial", c.p.V3.PlatformCertSerialNo); r.serial != c.p.V3.PlatformCertSerialNo {
			t.Fatalf("serial %s", r.serial)
		}
	})
	t.Run("tradebill", func(t *testing.T) {
		var clock struct {
			Now string `json:"now"`
		}
		resp, err := c.http.Get(c.p.BaseURL + "/sandbox/clock")
		if err != nil {
			t.Fatal(err)
		}
		_ = json.NewDecoder(resp.Body).Decode(&clock)
		resp.Body.Close()
		now, err := time.Parse(time.RFC3339, clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		billDate := now.Format(time.DateOnly)
		c.control("/sandbox/clock", `{"advance":"36h"}`)
		r := c.v3("GET", "/v3/bill/tradebill?bill_date="+billDate+"&tar_type=GZIP", nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		u, err := url.Parse(r.field(t, "download_url"))
		if err != nil || u.Scheme+"://"+u.Host != c.p.BaseURL {
			t.Fatalf("download_url %v", u)
		}
		f := c.v3("GET", u.RequestURI(), nil)
		zr, err := gzip.NewReader(bytes.NewReader(f.body))
		if err != nil {
			t.Fatal(err)
		}
		bill, _ := io.ReadAll(zr)
		sum := sha1.Sum(bill)
		if hex.EncodeToString(sum[:]) != r.field(t, "hash_value") || !bytes.HasPrefix(bill, []byte("交易时间,")) {
			t.Fatalf("bill hash/format mismatch")
		}
	})
}

func TestThirdPartyV2Micropay(t *testing.T) {
	c := newThirdParty(t)
	stamp := time.Now().UnixNano()
	for _, st := range []string{"MD5", "HMAC-SHA256"} {
		t.Run(st, func(t *testing.T) {
			no := fmt.Sprintf("TV%d%s", stamp, st[:3])
			p := map[string]string{"out_trade_no": no, "auth_code": c.code("success"), "total_fee": "990", "body": "门店-商品", "spbill_create_ip": "10.0.0.8"}
			r := c.v2("/pay/micropay", st, p)
			if r["result_code"] != "SUCCESS" || r["total_fee"] != "990" {
				t.Fatalf("%v", r)
			}
			if q := c.v2("/pay/orderquery", st, map[string]string{"out_trade_no": no}); q["trade_state"] != "SUCCESS" {
				t.Fatalf("%v", q)
			}
			if rv := c.v2("/secapi/pay/reverse", st, map[string]string{"out_trade_no": no}); rv["result_code"] != "SUCCESS" || rv["recall"] != "N" {
				t.Fatalf("%v", rv)
			}
			if q := c.v2("/pay/orderquery", st, map[string]string{"transaction_id": r["transaction_id"]}); q["trade_state"] != "REVOKED" {
				t.Fatalf("%v", q)
			}
		})
	}
}
