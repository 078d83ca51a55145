package wechat_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// tamperer sits between the client and the sandbox and, when armed, rewrites
// the next answers (tests of response verification against the real
// simulator).
type tamperer struct {
	next http.Handler
	mu   sync.Mutex
	fn   func(h http.Header, body []byte) []byte
}

func (tp *tamperer) set(fn func(h http.Header, body []byte) []byte) {
	tp.mu.Lock()
	tp.fn = fn
	tp.mu.Unlock()
}

func (tp *tamperer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tp.mu.Lock()
	fn := tp.fn
	tp.mu.Unlock()
	if fn == nil {
		tp.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	tp.next.ServeHTTP(rec, r)
	body := fn(rec.Header(), rec.Body.Bytes())
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	w.Write(body)
}

type sandboxEnv struct {
	sb    *sandbox.Server
	url   string
	hc    *http.Client
	creds sandbox.Credentials
	tp    *tamperer
}

func newSandboxEnv(t *testing.T, opts sandbox.Options) *sandboxEnv {
	t.Helper()
	opts.RefundDelay = time.Minute
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := sb.TLSConfig("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tp := &tamperer{next: sb}
	srv := httptest.NewUnstartedServer(tp)
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	creds := sb.Credentials()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(creds.CACertPEM)) {
		t.Fatal("sandbox CA")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return &sandboxEnv{sb: sb, url: srv.URL, hc: hc, creds: creds, tp: tp}
}

func (e *sandboxEnv) publicKeyPEM(t testing.TB) []byte {
	k, err := wechat.ParsePrivateKeyPEM([]byte(e.creds.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func (e *sandboxEnv) v3(t testing.TB, platform bool) *wechat.Client {
	cert, err := wechat.ParseCertificatePEM([]byte(e.creds.MerchantCertPEM))
	if err != nil {
		t.Fatal(err)
	}
	opts := []wechat.Option{
		wechat.WithHTTPClient(e.hc), wechat.WithBaseURL(e.url), wechat.WithMerchant(e.creds.MchID, e.creds.AppID),
		wechat.WithMerchantKey(wechat.CertificateSerial(cert), []byte(e.creds.MerchantKeyPEM)),
		wechat.WithV3Key(e.creds.APIV3Key),
	}
	if platform {
		opts = append(opts, wechat.WithPlatformCertificates())
	} else {
		opts = append(opts, wechat.WithWechatPayPublicKey(e.creds.PublicKeyID, e.publicKeyPEM(t)))
	}
	c, err := wechat.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *sandboxEnv) v2(t testing.TB, st wechat.SignType) *wechat.V2Client {
	c, err := wechat.NewV2(wechat.WithHTTPClient(e.hc), wechat.WithBaseURL(e.url),
		wechat.WithMerchant(e.creds.MchID, e.creds.AppID), wechat.WithV2Key(e.creds.APIKey, st),
		wechat.WithClientCertificate([]byte(e.creds.MerchantCertPEM), []byte(e.creds.MerchantKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var outNo = func() func(p string) string {
	var mu sync.Mutex
	n := 0
	return func(p string) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return p + strconv.FormatInt(time.Now().UnixNano()%1e9, 10) + "x" + strconv.Itoa(n)
	}
}()

func scan(code string, total int64) wechat.CodepayRequest {
	return wechat.CodepayRequest{OutTradeNo: outNo("SC"), Description: "wxpos test", AuthCode: code, Total: total, DeviceIP: "127.0.0.1", DeviceID: "POS-01"}
}

// runGatewaySuite drives every neutral call of one generation against the
// sandbox.
func runGatewaySuite(t *testing.T, e *sandboxEnv, gw terminalGateway) {
	ctx := context.Background()
	var paid *wechat.Transaction
	t.Run("codepay success", func(t *testing.T) {
		req := scan(sandbox.NewCode(sandbox.ScenarioSuccess), 1234)
		txn, err := gw.Codepay(ctx, req)
		if err != nil || !txn.Paid() || txn.Total != 1234 || txn.TransactionID == "" {
			t.Fatalf("%+v %v", txn, err)
		}
		paid = txn
	})
	t.Run("codepay userpaying then query", func(t *testing.T) {
		req := scan(sandbox.NewCode(sandbox.ScenarioUserPayingSuccess), 500)
		_, err := gw.Codepay(ctx, req)
		if !wechat.IsUserPaying(err) || !wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
		txn, err := gw.QueryByOutTradeNo(ctx, req.OutTradeNo)
		if err != nil || txn.State != wechat.TradeUserPaying {
			t.Fatalf("%+v %v", txn, err)
		}
		e.sb.Advance(10 * time.Second)
		txn, err = gw.QueryByOutTradeNo(ctx, req.OutTradeNo)
		if err != nil || txn.State != wechat.TradeSuccess {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("codepay definite failures", func(t *testing.T) {
		for sc, want := range map[sandbox.Scenario]wechat.Code{
			sandbox.ScenarioNotEnough:       wechat.CodeNotEnough,
			sandbox.ScenarioAuthCodeExpired: wechat.CodeAuthCodeExpire,
		} {
			_, err := gw.Codepay(ctx, scan(sandbox.NewCode(sc), 100))
			if wechat.ErrorCode(err) != want || wechat.OutcomeUnknown(err) {
				t.Errorf("%s: err = %v (code %q)", sc, err, wechat.ErrorCode(err))
			}
		}
	})
	t.Run("codepay systemerror is unknown, query resolves", func(t *testing.T) {
		req := scan(sandbox.NewCode(sandbox.ScenarioSystemErrorThenSuccess), 300)
		_, err := gw.Codepay(ctx, req)
		if !wechat.OutcomeUnknown(err) || wechat.IsUserPaying(err) {
			t.Fatalf("err = %v", err)
		}
		txn, err := gw.QueryByOutTradeNo(ctx, req.OutTradeNo)
		if err != nil || !txn.Paid() {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("query by transaction id", func(t *testing.T) {
		txn, err := gw.QueryByTransactionID(ctx, paid.TransactionID)
		if err != nil || txn.OutTradeNo != paid.OutTradeNo {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("query unknown order", func(t *testing.T) {
		_, err := gw.QueryByOutTradeNo(ctx, outNo("NONE"))
		if !wechat.IsNotFound(err) || wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("native pay, query, close", func(t *testing.T) {
		nr := wechat.NativeRequest{OutTradeNo: outNo("QR"), Description: "wxpos QR", Total: 888,
			NotifyURL: "https://shop.example/notify", ClientIP: "127.0.0.1"}
		o, err := gw.NativePrepay(ctx, nr)
		if err != nil || o.CodeURL == "" {
			t.Fatalf("%+v %v", o, err)
		}
		txn, err := gw.QueryByOutTradeNo(ctx, nr.OutTradeNo)
		if err != nil || txn.State != wechat.TradeNotPay {
			t.Fatalf("%+v %v", txn, err)
		}
		if err := e.sb.PayNative(o.CodeURL); err != nil {
			t.Fatal(err)
		}
		txn, err = gw.QueryByOutTradeNo(ctx, nr.OutTradeNo)
		if err != nil || txn.State != wechat.TradeSuccess || txn.Total != 888 {
			t.Fatalf("%+v %v", txn, err)
		}
		if err := gw.Close(ctx, nr.OutTradeNo); wechat.ErrorCode(err) != wechat.CodeOrderPaid {
			t.Fatalf("close paid: err = %v", err)
		}
		nr2 := nr
		nr2.OutTradeNo = outNo("QR")
		if _, err := gw.NativePrepay(ctx, nr2); err != nil {
			t.Fatal(err)
		}
		if err := gw.Close(ctx, nr2.OutTradeNo); err != nil {
			t.Fatalf("close unpaid: %v", err)
		}
		txn, err = gw.QueryByOutTradeNo(ctx, nr2.OutTradeNo)
		if err != nil || txn.State != wechat.TradeClosed {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("reverse", func(t *testing.T) {
		req := scan(sandbox.NewCode(sandbox.ScenarioUserPayingTimeout), 700)
		if _, err := gw.Codepay(ctx, req); !wechat.IsUserPaying(err) {
			t.Fatalf("err = %v", err)
		}
		r, err := gw.Reverse(ctx, req.OutTradeNo)
		if err != nil || r.Recall {
			t.Fatalf("%+v %v", r, err)
		}
		txn, err := gw.QueryByOutTradeNo(ctx, req.OutTradeNo)
		if err != nil || txn.State != wechat.TradeRevoked {
			t.Fatalf("%+v %v", txn, err)
		}
	})
	t.Run("refund and refund query", func(t *testing.T) {
		rr := wechat.RefundRequest{OutTradeNo: paid.OutTradeNo, OutRefundNo: outNo("RF"), Refund: 234, Total: 1234, Reason: "退货"}
		r, err := gw.Refund(ctx, rr)
		if err != nil || r.Refund != 234 {
			t.Fatalf("%+v %v", r, err)
		}
		q, err := gw.QueryRefund(ctx, rr.OutRefundNo)
		if err != nil || q.Status != wechat.RefundProcessing || q.Refund != 234 {
			t.Fatalf("%+v %v", q, err)
		}
		e.sb.Advance(2 * time.Minute)
		q, err = gw.QueryRefund(ctx, rr.OutRefundNo)
		if err != nil || q.Status != wechat.RefundSuccess {
			t.Fatalf("%+v %v", q, err)
		}
		over := rr
		over.OutRefundNo, over.Refund = outNo("RF"), 1234
		if _, err := gw.Refund(ctx, over); err == nil || wechat.OutcomeUnknown(err) {
			t.Fatalf("over-refund: err = %v", err)
		}
		if _, err := gw.QueryRefund(ctx, outNo("RFX")); !wechat.IsNotFound(err) {
			t.Fatalf("unknown refund: err = %v", err)
		}
	})
	t.Run("trade bill parses and matches", func(t *testing.T) {
		day := e.sb.Now()
		_, err := gw.TradeBill(ctx, wechat.BillRequest{Date: day})
		if err == nil || wechat.OutcomeUnknown(err) {
			t.Fatalf("same-day bill: err = %v", err)
		}
		e.sb.Advance(36 * time.Hour)
		data, err := gw.TradeBill(ctx, wechat.BillRequest{Date: day})
		if err != nil {
			t.Fatal(err)
		}
		p := bill.NewParser(bytes.NewReader(data))
		found := false
		for p.Next() {
			if r := p.Row(); r.OutTradeNo == paid.OutTradeNo && !r.IsRefund() && r.SettlementTotal == 1234 {
				found = true
			}
		}
		if err := p.Err(); err != nil || !found || p.Type() != bill.TypeAll {
			t.Fatalf("bill: err=%v found=%v\n%s", err, found, data)
		}
		var streamed bytes.Buffer
		n, err := gw.TradeBillTo(ctx, wechat.BillRequest{Date: day}, &streamed)
		if err != nil || n != int64(len(data)) || !bytes.Equal(streamed.Bytes(), data) {
			t.Fatalf("TradeBillTo: n=%d err=%v", n, err)
		}
		_, err = gw.TradeBill(ctx, wechat.BillRequest{Date: day.AddDate(0, 0, -20)})
		if wechat.ErrorCode(err) != wechat.CodeNoStatementExist {
			t.Fatalf("empty day: err = %v", err)
		}
	})
}

func TestSandboxV3PublicKey(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	runGatewaySuite(t, e, e.v3(t, false))
}

func TestSandboxV3PlatformCertificates(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{KeyMode: sandbox.PlatformCertMode})
	c := e.v3(t, true)
	certs, err := c.Certificates(context.Background())
	if err != nil || len(certs) == 0 {
		t.Fatalf("%v %v", certs, err)
	}
	runGatewaySuite(t, e, c)
}

func TestSandboxV2(t *testing.T) {
	for _, st := range []wechat.SignType{wechat.SignMD5, wechat.SignHMACSHA256} {
		t.Run(string(st), func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			runGatewaySuite(t, e, e.v2(t, st))
		})
	}
}

func TestSandboxV3Tampered(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v3(t, false)
	wxKey, err := wechat.ParsePrivateKeyPEM([]byte(e.creds.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	other := testMerchantKey(t)
	resign := func(h http.Header, body []byte, ts string) {
		h.Set("Wechatpay-Timestamp", ts)
		s, _ := wechat.SignSHA256RSA(wxKey, wechat.V3ResponseMessage(ts, h.Get("Wechatpay-Nonce"), string(body)))
		h.Set("Wechatpay-Signature", s)
	}
	tests := []struct {
		name   string
		fn     func(h http.Header, b []byte) []byte
		reason error
	}{
		{"body changed", func(h http.Header, b []byte) []byte {
			return bytes.Replace(b, []byte(`"SUCCESS"`), []byte(`"NOTPAY"`), 1)
		}, wechat.ErrBadSignature},
		{"signature from another key", func(h http.Header, b []byte) []byte {
			s, _ := wechat.SignSHA256RSA(other, wechat.V3ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), string(b)))
			h.Set("Wechatpay-Signature", s)
			return b
		}, wechat.ErrBadSignature},
		{"stale timestamp, validly signed", func(h http.Header, b []byte) []byte {
			resign(h, b, strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10))
			return b
		}, wechat.ErrTimestampSkew},
		{"future timestamp, validly signed", func(h http.Header, b []byte) []byte {
			resign(h, b, strconv.FormatInt(time.Now().Add(10*time.Minute).Unix(), 10))
			return b
		}, wechat.ErrTimestampSkew},
		{"unknown serial", func(h http.Header, b []byte) []byte {
			h.Set("Wechatpay-Serial", "PUB_KEY_ID_0000000000000000000000000000")
			return b
		}, wechat.ErrUnknownSerial},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100)
			e.tp.set(tt.fn)
			_, err := c.Codepay(ctx, req)
			e.tp.set(nil)
			if !errors.Is(err, wechat.ErrUntrusted) || !wechat.OutcomeUnknown(err) || !errors.Is(err, tt.reason) {
				t.Fatalf("err = %v, want untrusted/%v", err, tt.reason)
			}
			// The money did move: the untampered query says so.
			txn, err := c.QueryByOutTradeNo(ctx, req.OutTradeNo)
			if err != nil || !txn.Paid() {
				t.Fatalf("%+v %v", txn, err)
			}
		})
	}
}

func TestSandboxV2Tampered(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v2(t, wechat.SignHMACSHA256)
	tests := []struct {
		name string
		fn   func(h http.Header, b []byte) []byte
	}{
		{"body changed", func(h http.Header, b []byte) []byte {
			return bytes.Replace(b, []byte("<total_fee><![CDATA[100]]>"), []byte("<total_fee><![CDATA[101]]>"), 1)
		}},
		{"signed with another key", func(h http.Header, b []byte) []byte {
			m, err := wechat.DecodeXML(bytes.NewReader(b))
			if err != nil {
				return b
			}
			m["sign"] = wechat.SignV2(m, "0123456789abcdef0123456789abcdef", wechat.SignHMACSHA256)
			return wechat.EncodeXML(m)
		}},
		{"not XML", func(h http.Header, b []byte) []byte { return []byte("<html>gateway</html>") }},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100)
			e.tp.set(tt.fn)
			_, err := c.Micropay(ctx, req)
			e.tp.set(nil)
			if !errors.Is(err, wechat.ErrUntrusted) || !wechat.OutcomeUnknown(err) {
				t.Fatalf("err = %v", err)
			}
			txn, err := c.OrderQuery(ctx, wechat.OrderQueryRequest{OutTradeNo: req.OutTradeNo})
			if err != nil || !txn.Paid() {
				t.Fatalf("%+v %v", txn, err)
			}
		})
	}
}

func TestSandboxFaults(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v3(t, false)
	ctx := context.Background()
	tests := []struct {
		name  string
		fault sandbox.Fault
	}{
		{"gateway 502", sandbox.Fault{Path: "/v3/pay/transactions/codepay", Status: 502}},
		{"dropped after commit", sandbox.Fault{Path: "/v3/pay/transactions/codepay", Drop: sandbox.DropAfter}},
		{"dropped before commit", sandbox.Fault{Path: "/v3/pay/transactions/codepay", Drop: sandbox.DropBefore}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.sb.AddFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			req := scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100)
			_, err := c.Codepay(ctx, req)
			if !wechat.OutcomeUnknown(err) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	t.Run("latency past the deadline", func(t *testing.T) {
		if err := e.sb.AddFault(sandbox.Fault{Path: "/v3/pay/transactions/codepay", Latency: sandbox.Duration(2 * time.Second)}); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		_, err := c.Codepay(cctx, scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100))
		if !wechat.OutcomeUnknown(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}
