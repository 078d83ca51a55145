// Package gatetest starts the WeChat Pay sandbox behind an httptest server
// and connects a real wechat.Client and a paygate.Gateway to it over HTTP,
// for tests of the payment core and its users.
package gatetest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// Generating RSA keys is slow: every sandbox in a test binary shares one
// merchant identity.
var (
	credsOnce sync.Once
	creds     *sandbox.Credentials
	credsErr  error
)

// Credentials returns a copy of the shared sandbox credentials.
func Credentials(tb testing.TB) *sandbox.Credentials {
	tb.Helper()
	credsOnce.Do(func() { creds, credsErr = sandbox.GenerateCredentials("", "") })
	if credsErr != nil {
		tb.Fatal(credsErr)
	}
	c := *creds
	return &c
}

// NotifyURL is the notify_url the test gateways send: a public https
// address, as WeChat requires for Native orders, that no test delivers to
// (a test that receives notifications builds its own gateway).
const NotifyURL = "https://pos.example.com/wxpos/notify/v3"

// Env is a running sandbox and a gateway to it.
type Env struct {
	Sandbox *sandbox.Server
	HTTP    *httptest.Server
	Client  *wechat.Client
	V2      *wechat.V2Client // set by StartV2
	Gateway *paygate.Gateway
}

// Start runs a sandbox whose business clock is now (the test's fake clock)
// and returns a v3 gateway to it through the real client. mod may adjust
// the sandbox options.
func Start(tb testing.TB, now func() time.Time, mod func(*sandbox.Options)) *Env {
	return start(tb, now, mod, false)
}

// StartV2 is Start with the gateway speaking API v2 (XML, micropay, …)
// through the real v2 client. Env.Client is still a v3 client to the same
// sandbox.
func StartV2(tb testing.TB, now func() time.Time, mod func(*sandbox.Options)) *Env {
	tb.Helper()
	e := start(tb, now, mod, false)
	p := e.Sandbox.Profile(e.HTTP.URL)
	c, err := wechat.NewV2(
		wechat.WithBaseURL(p.BaseURL),
		wechat.WithHTTPClient(e.HTTP.Client()),
		wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithV2Key(p.V2.APIKey, wechat.SignHMACSHA256),
		wechat.WithClientCertificate([]byte(p.V2.ClientCertPEM), []byte(p.V2.ClientKeyPEM)),
	)
	if err != nil {
		tb.Fatal(err)
	}
	e.V2 = c
	e.Gateway = paygate.NewV2(c, paygate.Options{NotifyURL: NotifyURL})
	return e
}

// StartGen starts the sandbox with a gateway of generation gen ("v3" or "v2").
func StartGen(tb testing.TB, gen string, now func() time.Time, mod func(*sandbox.Options)) *Env {
	if gen == "v2" {
		return StartV2(tb, now, mod)
	}
	return Start(tb, now, mod)
}

// StartInProcess is Start without a socket: the client's transport calls
// the sandbox handler directly, so benchmarks measure signing,
// verification and the payment core, not the loopback network.
func StartInProcess(tb testing.TB, now func() time.Time, mod func(*sandbox.Options)) *Env {
	return start(tb, now, mod, true)
}

// handlerTransport serves requests with an http.Handler in process.
type handlerTransport struct{ h http.Handler }

// RoundTrip serves r with the handler and returns its recorded answer.
func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func start(tb testing.TB, now func() time.Time, mod func(*sandbox.Options), inProcess bool) *Env {
	tb.Helper()
	opts := sandbox.Options{Credentials: Credentials(tb), Now: now}
	if mod != nil {
		mod(&opts)
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	// Release requests a Late fault still holds, or Close waits for them.
	tb.Cleanup(func() { sb.ClearFaults(); srv.Close() })
	p := sb.Profile(srv.URL)
	hc := srv.Client()
	if inProcess {
		hc = &http.Client{Transport: handlerTransport{sb}}
	}
	copts := []wechat.Option{
		wechat.WithBaseURL(p.BaseURL),
		wechat.WithHTTPClient(hc),
		wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)),
		wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)),
		wechat.WithV3Key(p.V3.APIV3Key),
		wechat.WithV2Key(p.V2.APIKey, wechat.SignHMACSHA256),
	}
	if !inProcess { // the v2 client certificate needs a real *http.Transport
		copts = append(copts, wechat.WithClientCertificate([]byte(p.V2.ClientCertPEM), []byte(p.V2.ClientKeyPEM)))
	}
	c, err := wechat.New(copts...)
	if err != nil {
		tb.Fatal(err)
	}
	return &Env{Sandbox: sb, HTTP: srv, Client: c, Gateway: paygate.NewV3(c, paygate.Options{NotifyURL: NotifyURL})}
}

// Code returns a fresh payment code of scenario sc.
func Code(sc sandbox.Scenario) string { return sandbox.NewCode(sc) }
