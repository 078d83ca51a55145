package replica

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCA writes a self-signed CA certificate (PEM) and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wxpos test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigPoolConfig(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("s3cret\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		cfg      Config
		wantErr  error
		password string
	}{
		{"no dsn", Config{}, ErrBadConfig, ""},
		{"password in url", Config{DSN: "postgres://u:pw@h/db"}, ErrInlinePassword, ""},
		{"password in url query", Config{DSN: "postgres://u@h/db?password=pw"}, ErrInlinePassword, ""},
		{"password keyword", Config{DSN: "host=h user=u password=pw dbname=db"}, ErrInlinePassword, ""},
		{"password file", Config{DSN: "postgres://u@h/db", PasswordFile: pw}, nil, "s3cret"},
		{"missing password file", Config{DSN: "postgres://u@h/db", PasswordFile: filepath.Join(dir, "nope")}, ErrBadConfig, ""},
		{"empty password file", Config{DSN: "postgres://u@h/db", PasswordFile: empty}, ErrBadConfig, ""},
		{"CA file without a certificate", Config{DSN: "postgres://u@h/db", CAFile: notPEM}, ErrBadConfig, ""},
		{"client cert without key", Config{DSN: "postgres://u@h/db", CAFile: "", CertFile: notPEM}, ErrBadConfig, ""},
		{"password keyword with spaces", Config{DSN: "host=h user=u password = pw dbname=db"}, ErrInlinePassword, ""},
		{"keyword form, local", Config{DSN: "host=127.0.0.1 user=u dbname=db sslmode=disable"}, nil, ""},
		{"plain text to a remote host", Config{DSN: "host=h user=u dbname=db sslmode=disable"}, ErrInsecureTLS, ""},
		{"prefer to a remote host", Config{DSN: "postgres://u@h/db?sslmode=prefer"}, ErrInsecureTLS, ""},
		{"require to a remote host", Config{DSN: "postgres://u@h/db?sslmode=require"}, ErrInsecureTLS, ""},
		{"plain text to a remote host, accepted", Config{DSN: "host=h user=u dbname=db sslmode=disable", InsecureTLS: true}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc, err := tt.cfg.PoolConfig()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("PoolConfig() error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if pc.ConnConfig.Password != tt.password && tt.password != "" {
				t.Errorf("password not taken from the file")
			}
			if pc.MinConns != 0 {
				t.Errorf("MinConns = %d: the pool must connect lazily", pc.MinConns)
			}
			if pc.ConnConfig.ConnectTimeout <= 0 {
				t.Error("no connect timeout")
			}
		})
	}
}

func TestConfigTLSRequiredWithCA(t *testing.T) {
	ca := writeCA(t)
	pc, err := Config{DSN: "postgres://u@db.example.com/db?sslmode=prefer", CAFile: ca}.PoolConfig()
	if err != nil {
		t.Fatal(err)
	}
	tc := pc.ConnConfig.TLSConfig
	if tc == nil || tc.RootCAs == nil || tc.InsecureSkipVerify || tc.ServerName != "db.example.com" {
		t.Errorf("TLS config %+v: want verified against the CA for db.example.com", tc)
	}
	if len(pc.ConnConfig.Fallbacks) != 0 {
		t.Error("a plain-text fallback is left")
	}
}

// TestConfigRemoteDefaultsToVerifiedTLS: a remote DSN naming no sslmode
// gets verify-full (pgx alone would take prefer: plain text allowed); a
// local one keeps pgx's default; doctor's TLS state says which.
func TestConfigRemoteDefaultsToVerifiedTLS(t *testing.T) {
	for _, dsn := range []string{"postgres://u@db.example.com/db", "host=db.example.com user=u dbname=db"} {
		c := Config{DSN: dsn}
		pc, err := c.PoolConfig()
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		tc := pc.ConnConfig.TLSConfig
		if tc == nil || tc.InsecureSkipVerify || tc.ServerName != "db.example.com" || len(pc.ConnConfig.Fallbacks) != 0 {
			t.Errorf("%s: TLS %+v, %d fallbacks: want verify-full for db.example.com and no plain-text fallback", dsn, tc, len(pc.ConnConfig.Fallbacks))
		}
		st, err := c.TLS()
		if err != nil || !st.Verified || st.Local || st.OptIn || st.Mode != "verified TLS" {
			t.Errorf("%s: TLS state %+v, %v", dsn, st, err)
		}
	}
	st, err := Config{DSN: "postgres://u@127.0.0.1/db"}.TLS()
	if err != nil || !st.Local || st.Mode != "plain text possible" {
		t.Errorf("local with pgx's default prefer: %+v, %v", st, err)
	}
	st, err = Config{DSN: "postgres://u@db.example.com/db?sslmode=require", InsecureTLS: true}.TLS()
	if err != nil || !st.OptIn || st.Verified || !strings.Contains(st.String(), "INSECURE") {
		t.Errorf("require with insecure_tls: %+v (%s), %v", st, st, err)
	}
}
