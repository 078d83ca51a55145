package sandbox_test

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// Generating RSA keys is slow; every test shares one merchant.
var (
	credsOnce sync.Once
	creds     *sandbox.Credentials
	credsErr  error
)

func testCredentials(t testing.TB) *sandbox.Credentials {
	t.Helper()
	credsOnce.Do(func() { creds, credsErr = sandbox.GenerateCredentials("", "") })
	if credsErr != nil {
		t.Fatal(credsErr)
	}
	c := *creds
	return &c
}

// start is the business time every test begins at: 11:00 Beijing.
var start = time.Date(2026, 3, 10, 11, 0, 0, 0, time.FixedZone("CST", 8*3600))

// env is a sandbox behind an httptest server plus a client for both APIs.
type env struct {
	t     testing.TB
	sb    *sandbox.Server
	srv   *httptest.Server
	creds *sandbox.Credentials
	key   *rsa.PrivateKey
	prof  sandbox.Profile
	pub   *rsa.PublicKey
	plat  *rsa.PublicKey
}

func newEnv(t testing.TB, mod func(*sandbox.Options)) *env {
	t.Helper()
	opts := sandbox.Options{Credentials: testCredentials(t), Now: func() time.Time { return start }, NotifyLoopback: true}
	if mod != nil {
		mod(&opts)
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return envFor(t, sb, srv)
}

func envFor(t testing.TB, sb *sandbox.Server, srv *httptest.Server) *env {
	t.Helper()
	c := sb.Credentials()
	e := &env{t: t, sb: sb, srv: srv, creds: &c, prof: sb.Profile(srv.URL)}
	var err error
	if e.key, err = wechat.ParsePrivateKeyPEM([]byte(e.prof.V3.MerchantPrivateKeyPEM)); err != nil {
		t.Fatal(err)
	}
	if e.pub, err = wechat.ParsePublicKeyPEM([]byte(e.prof.V3.PlatformPublicKeyPEM)); err != nil {
		t.Fatal(err)
	}
	if e.prof.V3.PlatformCertPEM == "" {
		return e // a merchant with only the public key
	}
	cert, err := wechat.ParseCertificatePEM([]byte(e.prof.V3.PlatformCertPEM))
	if err != nil {
		t.Fatal(err)
	}
	e.plat = cert.PublicKey.(*rsa.PublicKey)
	return e
}

// v2 sends a signed v2 request (adding appid, mch_id, nonce_str, sign) and
// returns the decoded answer after checking its signature.
func (e *env) v2(path string, p map[string]string) map[string]string {
	e.t.Helper()
	q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": wechat.NonceString()}
	for k, v := range p {
		q[k] = v
	}
	st := wechat.SignType(q["sign_type"])
	if st == "" {
		st = wechat.SignMD5
	}
	q["sign"] = wechat.SignV2(q, e.creds.APIKey, st)
	return e.v2Raw(path, wechat.EncodeXML(q), st)
}

// v2Raw posts body and decodes the XML answer; a SUCCESS return_code must
// carry a valid signature of type st.
func (e *env) v2Raw(path string, body []byte, st wechat.SignType) map[string]string {
	e.t.Helper()
	resp, err := e.srv.Client().Post(e.srv.URL+path, "text/xml", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d", path, resp.StatusCode)
	}
	m, err := wechat.DecodeXML(resp.Body)
	if err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	if m["return_code"] == "SUCCESS" {
		if !wechat.VerifyV2Type(m, e.creds.APIKey, st) {
			e.t.Fatalf("%s: response signature does not verify: %v", path, m)
		}
	} else if _, signed := m["sign"]; signed {
		e.t.Fatalf("%s: FAIL answer is signed: %v", path, m)
	}
	return m
}

// v3Resp is a checked v3 answer.
type v3Resp struct {
	status int
	header http.Header
	body   []byte
}

func (r v3Resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r v3Resp) code(t testing.TB) string {
	t.Helper()
	var b struct{ Code string }
	r.decode(t, &b)
	return b.Code
}

// v3 sends a signed v3 request and verifies the response signature (unless
// the answer is a bill file).
func (e *env) v3(method, pathQuery string, body any) v3Resp {
	e.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.v3Raw(method, pathQuery, raw, e.authorization(method, pathQuery, raw, time.Now()), nil)
}

func (e *env) authorization(method, pathQuery string, body []byte, at time.Time) string {
	e.t.Helper()
	n := wechat.NonceString()
	ts := at.Unix()
	sig, err := wechat.SignSHA256RSA(e.key, wechat.V3SignMessage(method, pathQuery, ts, n, string(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	return wechat.BuildAuthorization(e.creds.MchID, n, ts, e.prof.V3.MerchantSerialNo, sig)
}

func (e *env) v3Raw(method, pathQuery string, body []byte, auth string, hdr map[string]string) v3Resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+pathQuery, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := v3Resp{status: resp.StatusCode, header: resp.Header, body: b}
	if !strings.HasPrefix(pathQuery, "/v3/billdownload/") {
		e.verifyV3(r)
	}
	return r
}

// verifyV3 checks a response signature the way a client must.
func (e *env) verifyV3(r v3Resp) {
	e.t.Helper()
	serial := r.header.Get("Wechatpay-Serial")
	var pub *rsa.PublicKey
	switch serial {
	case e.prof.V3.PlatformPublicKeyID:
		pub = e.pub
	case e.prof.V3.PlatformCertSerialNo:
		pub = e.plat
	default:
		e.t.Fatalf("unknown Wechatpay-Serial %q (status %d, body %s)", serial, r.status, r.body)
	}
	ts := r.header.Get("Wechatpay-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		e.t.Fatalf("bad Wechatpay-Timestamp %q", ts)
	}
	msg := wechat.V3ResponseMessage(ts, r.header.Get("Wechatpay-Nonce"), string(r.body))
	if err := wechat.VerifySHA256RSA(pub, msg, r.header.Get("Wechatpay-Signature")); err != nil {
		e.t.Fatalf("response signature: %v", err)
	}
}

// control calls the control API.
func (e *env) control(method, path string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("%s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// order returns the ledger entry of out_trade_no.
func (e *env) order(no string) sandbox.LedgerOrder {
	e.t.Helper()
	for _, o := range e.sb.Ledger().Orders {
		if o.OutTradeNo == no {
			return o
		}
	}
	e.t.Fatalf("order %s not in ledger", no)
	return sandbox.LedgerOrder{}
}

var seq atomic.Int64

// newNo returns a fresh out_trade_no / out_refund_no.
func newNo(prefix string) string {

	return fmt.Sprintf("%s%s%06d", prefix, time.Now().Format("150405"), seq.Add(1))
}

func micropayParams(no, code string, fen int64) map[string]string {
	return map[string]string{
		"out_trade_no": no, "auth_code": code, "total_fee": strconv.FormatInt(fen, 10),
		"body": "门店-商品", "spbill_create_ip": "10.0.0.8", "device_info": "POS01",
	}
}

func nativeParams(no string, fen int64) map[string]string {
	return map[string]string{
		"out_trade_no": no, "total_fee": strconv.FormatInt(fen, 10), "body": "门店-扫码",
		"spbill_create_ip": "10.0.0.8", "notify_url": "https://example.com/notify", "trade_type": "NATIVE", "product_id": "P1",
	}
}

func (e *env) downloadBillV2(t testing.TB, date, billType, tar string) []byte {
	t.Helper()
	q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": wechat.NonceString(), "bill_date": date, "bill_type": billType, "tar_type": tar}
	q["sign"] = wechat.SignV2(q, e.creds.APIKey, wechat.SignMD5)
	resp, err := e.srv.Client().Post(e.srv.URL+"/pay/downloadbill", "text/xml", bytes.NewReader(wechat.EncodeXML(q)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) decodeXML(t testing.TB, b []byte) map[string]string {
	t.Helper()
	m, err := wechat.DecodeXML(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func jsonField(t testing.TB, body []byte, k string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	s, _ := m[k].(string)
	return s
}

func newEnvWith(t testing.TB, sb *sandbox.Server) *env {
	t.Helper()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return envFor(t, sb, srv)
}
