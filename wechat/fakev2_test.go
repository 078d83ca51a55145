package wechat_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wxpos/wxpos/wechat"
)

const testV2Key = "192006250b4c09247ec02edce69f6a2d"

// fakeV2 is a minimal API v2 server: TLS, client certificate required on
// /secapi, request signature checked, answers signed with the request's type.
type fakeV2 struct {
	t      testing.TB
	routes map[string]func(p map[string]string) map[string]string
	raw    map[string][]byte // raw bodies (downloadbill)
	tamper func(m map[string]string)
	hits   atomic.Int32
}

func newFakeV2(t testing.TB) *fakeV2 {
	return &fakeV2{t: t, routes: map[string]func(map[string]string) map[string]string{}, raw: map[string][]byte{}}
}

func (f *fakeV2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	if strings.HasPrefix(r.URL.Path, "/secapi/") && (r.TLS == nil || len(r.TLS.PeerCertificates) == 0) {
		panic(http.ErrAbortHandler) // the real service resets the connection
	}
	p, err := wechat.DecodeXML(r.Body)
	if err != nil {
		w.Write(wechat.EncodeXML(map[string]string{"return_code": "FAIL", "return_msg": "XML_FORMAT_ERROR"}))
		return
	}
	if !wechat.VerifyV2(p, testV2Key) || p["mch_id"] != testMchID {
		w.Write([]byte(`<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>`))
		return
	}
	if b, ok := f.raw[r.URL.Path]; ok {
		w.Write(b)
		return
	}
	h := f.routes[r.URL.Path]
	if h == nil {
		http.NotFound(w, r)
		return
	}
	out := h(p)
	out["return_code"], out["return_msg"] = "SUCCESS", "OK"
	out["appid"], out["mch_id"], out["nonce_str"] = testAppID, testMchID, wechat.NonceString()
	if out["result_code"] == "" {
		out["result_code"] = "SUCCESS"
	}
	st := wechat.SignType(p["sign_type"])
	if st == "" {
		st = wechat.SignMD5
	}
	out["sign"] = wechat.SignV2(out, testV2Key, st)
	if f.tamper != nil {
		f.tamper(out)
	}
	w.Write(wechat.EncodeXML(out))
}

// start serves f over TLS and returns a v2 client with a client certificate.
func (f *fakeV2) start(t testing.TB, st wechat.SignType, extra ...wechat.Option) *wechat.V2Client {
	srv := httptest.NewUnstartedServer(f)
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	p12, err := os.ReadFile("testdata/client_1900000001.p12")
	if err != nil {
		t.Fatal(err)
	}
	opts := []wechat.Option{
		wechat.WithHTTPClient(srv.Client()),
		wechat.WithBaseURL(srv.URL),
		wechat.WithMerchant(testMchID, testAppID),
		wechat.WithV2Key(testV2Key, st),
		wechat.WithClientPKCS12(p12, testMchID),
	}
	c, err := wechat.NewV2(append(opts, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
