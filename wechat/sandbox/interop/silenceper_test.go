package interop_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/pay/config"
	"github.com/silenceper/wechat/v2/pay/order"
	"github.com/silenceper/wechat/v2/pay/refund"
	sdkutil "github.com/silenceper/wechat/v2/util"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// The SDK hard-codes https://api.mch.weixin.qq.com and keeps its HTTP
// client in a package variable; its /secapi/ calls clone that client's
// *http.Transport and add the .p12 client certificate. So the redirect is
// done where a hosts-file entry would do it: the transport's dialer sends
// api.mch.weixin.qq.com:443 to the sandbox, and the sandbox's TLS
// certificate (for api.mch.weixin.qq.com, issued by the sandbox CA) is
// trusted through SSL_CERT_FILE, set before anything loads the system
// roots. URLs, TLS server name and certificate checks stay the SDK's own.

const apiHost = "api.mch.weixin.qq.com:443"

var rig struct {
	sb      *sandbox.Server
	srv     *httptest.Server
	creds   sandbox.Credentials
	p12Path string
	mu      sync.Mutex
	bodies  map[string][]byte // last response body per path, as sent
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "wxpos-interop")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := setup(dir); err != nil {
		fmt.Fprintln(os.Stderr, "interop setup:", err)
		return 1
	}
	defer rig.srv.Close()
	return m.Run()
}

func setup(dir string) error {
	creds, err := sandbox.GenerateCredentials("", "")
	if err != nil {
		return err
	}
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte(creds.CACertPEM), 0o600); err != nil {
		return err
	}
	if err := os.Setenv("SSL_CERT_FILE", ca); err != nil {
		return err
	}
	// Notifications may only go to receivers on this machine.
	loopback := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
				return nil, fmt.Errorf("interop: no network for notifications to %s", addr)
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	sb, err := sandbox.New(sandbox.Options{Credentials: creds, RefundDelay: -1, NotifyClient: loopback, NotifyLoopback: true})
	if err != nil {
		return err
	}
	rig.sb, rig.creds, rig.bodies = sb, *creds, map[string][]byte{}
	rig.srv = httptest.NewUnstartedServer(capture(sb))
	if rig.srv.TLS, err = sb.TLSConfig("api.mch.weixin.qq.com", "127.0.0.1"); err != nil {
		return err
	}
	rig.srv.StartTLS()

	// The merchant certificate as the SDK wants it: a .p12 file whose
	// password is the mchid (what WeChat's console hands out).
	if rig.p12Path, err = writeP12(dir, creds); err != nil {
		return err
	}
	target := rig.srv.Listener.Addr().String()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	sdkutil.DefaultHTTPClient = &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if addr != apiHost {
					return nil, fmt.Errorf("interop: unexpected host %s", addr)
				}
				return dialer.DialContext(ctx, network, target)
			},
		},
	}
	return nil
}

func writeP12(dir string, c *sandbox.Credentials) (string, error) {
	kb, _ := pem.Decode([]byte(c.MerchantKeyPEM))
	cb, _ := pem.Decode([]byte(c.MerchantCertPEM))
	if kb == nil || cb == nil {
		return "", errors.New("merchant PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return "", err
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return "", err
	}
	// LegacyDES: the encoding golang.org/x/crypto/pkcs12 (used by the SDK)
	// can read, as WeChat's own apiclient_cert.p12 files are.
	p12, err := pkcs12.LegacyDES.Encode(key, cert, nil, c.MchID)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "apiclient_cert.p12")
	return path, os.WriteFile(path, p12, 0o600)
}

// capture records every response body the sandbox sends, so the test can
// check each signature with the SDK's own signing code.
func capture(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		rig.mu.Lock()
		rig.bodies[r.URL.Path] = tw.buf.Bytes()
		rig.mu.Unlock()
	})
}

type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	return t.ResponseWriter.Write(p)
}

// verifyLast checks the last answer on path with the SDK's signing code
// (util.OrderParam + util.CalculateSign) and the merchant key.
func verifyLast(t *testing.T, path, signType string) map[string]string {
	t.Helper()
	rig.mu.Lock()
	body := rig.bodies[path]
	rig.mu.Unlock()
	m, err := wechat.DecodeXML(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want, err := sdkutil.CalculateSign(sdkutil.OrderParam(m, "&key="+rig.creds.APIKey), signType, rig.creds.APIKey)
	if err != nil || want != m["sign"] {
		t.Fatalf("%s: response signature %q does not verify with the SDK (want %q, %v)", path, m["sign"], want, err)
	}
	return m
}

func sdkConfig() *config.Config {
	return &config.Config{AppID: rig.creds.AppID, MchID: rig.creds.MchID, Key: rig.creds.APIKey, NotifyURL: "https://example.com/wxpay/notify"}
}

func nativeParams(no string, fen int, signType string) *order.Params {
	return &order.Params{TotalFee: fmt.Sprint(fen), CreateIP: "10.0.0.8", Body: "门店-扫码", OutTradeNo: no, TradeType: "NATIVE", SignType: signType}
}

// customerPays is the simulated customer scanning code_url (control API).
func customerPays(t *testing.T, codeURL string) {
	t.Helper()
	body := strings.NewReader(`{"code_url":"` + codeURL + `"}`)
	resp, err := http.Post(rig.srv.URL+"/sandbox/native/pay", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("pay: %d %s", resp.StatusCode, b)
	}
}

func TestSilenceperNativeQueryRefundClose(t *testing.T) {
	for _, st := range []string{sdkutil.SignTypeMD5, sdkutil.SignTypeHMACSHA256} {
		t.Run(st, func(t *testing.T) {
			o := order.NewOrder(sdkConfig())
			no := fmt.Sprintf("SDK%d", time.Now().UnixNano())

			pre, err := o.PrePayOrder(nativeParams(no, 1288, st))
			if err != nil {
				t.Fatalf("unifiedorder: %v", err)
			}
			verifyLast(t, "/pay/unifiedorder", st)
			if pre.TradeType != "NATIVE" || !strings.HasPrefix(pre.CodeURL, "weixin://wxpay/bizpayurl?pr=") || pre.PrePayID == "" {
				t.Fatalf("prepay: %+v", pre)
			}

			res, err := o.QueryOrder(&order.QueryParams{OutTradeNo: no, SignType: st})
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			verifyLast(t, "/pay/orderquery", st)
			if *res.TradeState != "NOTPAY" {
				t.Fatalf("before paying: %s", *res.TradeState)
			}

			customerPays(t, pre.CodeURL)
			res, err = o.QueryOrder(&order.QueryParams{OutTradeNo: no, SignType: st})
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			verifyLast(t, "/pay/orderquery", st)
			if *res.TradeState != "SUCCESS" || *res.TotalFee != 1288 || res.TransactionID == nil || *res.TradeType != "NATIVE" {
				t.Fatalf("after paying: %s", *res.TradeState)
			}
			txID := *res.TransactionID

			// The SDK's refund signs sign_type=MD5 only when none is given.
			rf, err := refund.NewRefund(sdkConfig()).Refund(&refund.Params{
				OutTradeNo: no, OutRefundNo: "R" + no, TotalFee: "1288", RefundFee: "288", RefundDesc: "退货", RootCa: rig.p12Path,
			})
			if err != nil {
				t.Fatalf("refund: %v", err)
			}
			verifyLast(t, "/secapi/pay/refund", sdkutil.SignTypeMD5)
			if rf.RefundFee != "288" || rf.TransactionID != txID || rf.RefundID == "" {
				t.Fatalf("refund: %+v", rf)
			}
			res, err = o.QueryOrder(&order.QueryParams{TransactionID: txID, SignType: st})
			if err != nil || *res.TradeState != "REFUND" {
				t.Fatalf("after refund: %v", err)
			}

			// Closing the paid order is refused with ORDERPAID.
			if _, err := o.CloseOrder(&order.CloseParams{OutTradeNo: no, SignType: st}); err == nil || !strings.Contains(err.Error(), "ORDERPAID") {
				t.Fatalf("close paid: %v", err)
			}
			verifyLast(t, "/pay/closeorder", st)

			// A second order is closed before anyone pays.
			no2 := no + "C"
			if _, err := o.PrePayOrder(nativeParams(no2, 500, st)); err != nil {
				t.Fatal(err)
			}
			cl, err := o.CloseOrder(&order.CloseParams{OutTradeNo: no2, SignType: st})
			if err != nil || *cl.ResultCode != "SUCCESS" {
				t.Fatalf("close: %v", err)
			}
			verifyLast(t, "/pay/closeorder", st)
			res, err = o.QueryOrder(&order.QueryParams{OutTradeNo: no2, SignType: st})
			if err != nil || *res.TradeState != "CLOSED" {
				t.Fatalf("closed order: %v", err)
			}
		})
	}
}

func TestSilenceperRefusals(t *testing.T) {
	o := order.NewOrder(sdkConfig())
	no := fmt.Sprintf("SDKR%d", time.Now().UnixNano())
	if _, err := o.PrePayOrder(nativeParams(no, 100, "")); err != nil {
		t.Fatal(err)
	}
	t.Run("same_out_trade_no_other_amount", func(t *testing.T) {
		_, err := o.PrePayOrder(nativeParams(no, 101, ""))
		if err == nil || !strings.Contains(err.Error(), "OUT_TRADE_NO_USED") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("wrong_key_is_signature_error", func(t *testing.T) {
		c := sdkConfig()
		c.Key = strings.Repeat("0", 32)
		_, err := order.NewOrder(c).QueryOrder(&order.QueryParams{OutTradeNo: no})
		if err == nil || !strings.Contains(err.Error(), "签名错误") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("refund_without_client_certificate", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "not.p12")
		if err := os.WriteFile(bad, []byte("not a p12"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := refund.NewRefund(sdkConfig()).Refund(&refund.Params{OutTradeNo: no, OutRefundNo: "RX" + no, TotalFee: "100", RefundFee: "1", RootCa: bad})
		if err == nil {
			t.Fatal("refund without a client certificate succeeded")
		}
		for _, r := range rig.sb.Ledger().Refunds {
			if r.OutRefundNo == "RX"+no {
				t.Fatal("the refund reached the ledger")
			}
		}
	})
	t.Run("unknown_order", func(t *testing.T) {
		_, err := o.QueryOrder(&order.QueryParams{OutTradeNo: "NOPE" + no})
		if err == nil || !strings.Contains(err.Error(), "ORDERNOTEXIST") {
			t.Fatalf("%v", err)
		}
	})
}
