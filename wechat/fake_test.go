package wechat_test

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// fakeV3 is a minimal API v3 server for client tests: it checks the
// Authorization header with the merchant public key, routes with a ServeMux
// and signs every answer with the "WeChat Pay" test key.
type fakeV3 struct {
	t       testing.TB
	mux     *http.ServeMux
	mchPub  *rsa.PublicKey
	signKey *rsa.PrivateKey
	serial  string
	now     func() time.Time
	hits    atomic.Int32

	mu     sync.Mutex
	tamper func(h http.Header, body []byte) []byte // may change headers and body after signing
}

const (
	testMchID    = "1900000001"
	testAppID    = "wx1234567890abcdef"
	testMchSer   = "BE6DCDA7A5931FA0"
	testPubKeyID = "PUB_KEY_ID_0112345678901234567890123456"
	testV3Key    = "0123456789abcdef0123456789ABCDEF"
)

func newFakeV3(t testing.TB) *fakeV3 {
	return &fakeV3{
		t: t, mux: http.NewServeMux(),
		mchPub:  &testMerchantKey(t).PublicKey,
		signKey: testWechatPayKey(t),
		serial:  testPubKeyID,
		now:     time.Now,
	}
}

func (f *fakeV3) handle(pattern string, fn func(r *http.Request, body []byte) (int, any)) {
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		status, out := fn(r, body)
		var b []byte
		switch v := out.(type) {
		case nil:
		case []byte:
			b = v
		case string:
			b = []byte(v)
		default:
			b, _ = json.Marshal(v)
		}
		w.WriteHeader(status)
		w.Write(b)
	})
}

func (f *fakeV3) setTamper(fn func(h http.Header, body []byte) []byte) {
	f.mu.Lock()
	f.tamper = fn
	f.mu.Unlock()
}

func (f *fakeV3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	body, _ := io.ReadAll(r.Body)
	a, err := wechat.ParseAuthorization(r.Header.Get("Authorization"))
	if err == nil {
		msg := wechat.V3SignMessage(r.Method, r.URL.RequestURI(), a.Timestamp, a.NonceStr, string(body))
		err = wechat.VerifySHA256RSA(f.mchPub, msg, a.Signature)
	}
	if err == nil && (a.MchID != testMchID || a.SerialNo != testMchSer) {
		err = fmt.Errorf("wrong mchid/serial")
	}
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"code":"SIGN_ERROR","message":"签名错误"}`))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	h := w.Header()
	ts := strconv.FormatInt(f.now().Unix(), 10)
	nonce := wechat.NonceString()
	sig, err := wechat.SignSHA256RSA(f.signKey, wechat.V3ResponseMessage(ts, nonce, string(out)))
	if err != nil {
		f.t.Error(err)
	}
	h.Set("Wechatpay-Serial", f.serial)
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", sig)
	h.Set("Request-Id", "req-1")
	f.mu.Lock()
	tamper := f.tamper
	f.mu.Unlock()
	if tamper != nil {
		out = tamper(h, out)
	}
	w.WriteHeader(rec.Code)
	w.Write(out)
}

// start serves f and returns a v3 client pointed at it, in public-key mode.
func (f *fakeV3) start(t testing.TB, extra ...wechat.Option) *wechat.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	pub := wechatPayPublicKeyPEM(t)
	opts := []wechat.Option{
		wechat.WithBaseURL(srv.URL),
		wechat.WithMerchant(testMchID, testAppID),
		wechat.WithMerchantSigner(testMchSer, testMerchantKey(t)),
		wechat.WithWechatPayPublicKey(testPubKeyID, pub),
		wechat.WithV3Key(testV3Key),
	}
	c, err := wechat.New(append(opts, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newServer(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
