package replica

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/replica/pgtest"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// server issues a certificate for 127.0.0.1 and returns it and its key (PEM).
func (ca *testCA) server(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func TestTLSToTheServer(t *testing.T) {
	if adminDSN == "" {
		t.Skip(noPG)
	}
	ca := newTestCA(t, "wxpos test CA")
	other := newTestCA(t, "someone else's CA")
	certPEM, keyPEM := ca.server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := pgtest.StartWith(ctx, &pgtest.Options{TLSCert: certPEM, TLSKey: keyPEM})
	if err != nil {
		t.Skipf("cannot start a TLS cluster: %v", err)
	}
	defer cl.Close()
	dir := t.TempDir()
	caFile, otherFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	if err := os.WriteFile(caFile, ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherFile, other.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", cl.Port())

	tests := []struct {
		name    string
		cfg     Config
		wantSSL bool
		wantErr bool
	}{
		{"verified against the CA", Config{DSN: base + "?sslmode=prefer", CAFile: caFile}, true, false},
		{"CA set although the DSN says disable", Config{DSN: base + "?sslmode=disable", CAFile: caFile}, true, false},
		{"server certificate from another CA", Config{DSN: base + "?sslmode=prefer", CAFile: otherFile}, false, true},
		{"plain when asked and no CA", Config{DSN: base + "?sslmode=disable"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.ConnectTimeout = 5 * time.Second
			pool, err := Connect(ctx, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			var ssl bool
			err = pool.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl)
			if tt.wantErr {
				var verr *tls.CertificateVerificationError
				if err == nil || !errors.As(err, &verr) {
					t.Fatalf("query = %v, want a certificate verification error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ssl != tt.wantSSL {
				t.Errorf("connection ssl = %v, want %v", ssl, tt.wantSSL)
			}
		})
	}
}
