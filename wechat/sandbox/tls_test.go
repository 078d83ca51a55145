package sandbox_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// otherCert issues a client certificate with common name cn from the
// sandbox CA (a certificate of another merchant).
func otherCert(t *testing.T, c *sandbox.Credentials, cn string) tls.Certificate {
	t.Helper()
	kb, _ := pem.Decode([]byte(c.CAKeyPEM))
	cb, _ := pem.Decode([]byte(c.CACertPEM))
	caKey, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

func TestTLSClientCertificateOnSecapi(t *testing.T) {
	c := testCredentials(t)
	sb, err := sandbox.New(sandbox.Options{Credentials: c, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(sb)
	if srv.TLS, err = sb.TLSConfig("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	prof := sb.Profile(srv.URL)
	if prof.CACertPEM == "" {
		t.Fatal("https profile lacks the CA")
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(prof.CACertPEM))
	merchant, err := tls.X509KeyPair([]byte(prof.V2.ClientCertPEM), []byte(prof.V2.ClientKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	client := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}}}
	}
	no := newNo("TLS")
	pay := func(hc *http.Client, path string, p map[string]string) (map[string]string, error) {
		q := map[string]string{"appid": c.AppID, "mch_id": c.MchID, "nonce_str": wechat.NonceString()}
		for k, v := range p {
			q[k] = v
		}
		q["sign"] = wechat.SignV2(q, c.APIKey, wechat.SignMD5)
		resp, err := hc.Post(srv.URL+path, "text/xml", bytes.NewReader(wechat.EncodeXML(q)))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return wechat.DecodeXML(resp.Body)
	}
	if r, err := pay(client(), "/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)); err != nil || r["result_code"] != "SUCCESS" {
		t.Fatalf("micropay without certificate (no /secapi/): %v %v", r, err)
	}
	tests := []struct {
		name  string
		certs []tls.Certificate
		ok    bool
	}{
		{"no_certificate", nil, false},
		{"other_merchant", []tls.Certificate{otherCert(t, c, "1900000009")}, false},
		{"merchant_certificate", []tls.Certificate{merchant}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := pay(client(tc.certs...), "/secapi/pay/reverse", map[string]string{"out_trade_no": no})
			if tc.ok {
				if err != nil || r["result_code"] != "SUCCESS" {
					t.Fatalf("%v %v", r, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("answered without the merchant certificate: %v", r)
			}
			if o := sb.Ledger().Orders[0]; o.TradeState != "SUCCESS" {
				t.Fatalf("order changed: %s", o.TradeState)
			}
		})
	}
}
