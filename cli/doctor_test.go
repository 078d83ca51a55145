package cli_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/tz"
)

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// merchantFiles writes apiclient_key.pem and apiclient_cert.pem (serial
// 0x5157F09E, valid from notBefore to notAfter) and a 32-byte APIv3 key.
func merchantFiles(t *testing.T, dir string, notBefore, notAfter time.Time, otherKey bool) config.WeChat {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x5157F09E), Subject: pkix.Name{CommonName: "1900000001"},
		NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "apiclient_cert.pem"), "CERTIFICATE", der)
	if otherKey {
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	writePEM(t, filepath.Join(dir, "apiclient_key.pem"), "PRIVATE KEY", p8)
	os.WriteFile(filepath.Join(dir, "apiv3.key"), []byte("0123456789abcdef0123456789ABCDEF\n"), 0o600)
	return config.WeChat{Mode: config.ModeV3, MchID: "1900000001", MerchantSerialNo: "5157F09E",
		MerchantPrivateKeyFile: filepath.Join(dir, "apiclient_key.pem"), APIv3KeyFile: filepath.Join(dir, "apiv3.key")}
}

func levels(fs []cli.Finding) map[string]cli.Level {
	m := map[string]cli.Level{}
	for _, f := range fs {
		if m[f.Topic] != cli.LevelFail { // keep the worst per topic
			m[f.Topic] = f.Level
		}
	}
	return m
}

func TestCheckKeyFiles(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		edit   func(w *config.WeChat, dir string)
		from   time.Time
		to     time.Time
		other  bool
		topic  string
		want   cli.Level
		detail string
	}{
		{"all good", nil, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), false, "key matches serial", cli.LevelOK, "5157F09E"},
		{"serial mismatch", func(w *config.WeChat, _ string) { w.MerchantSerialNo = "ABCDEF" }, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), false, "key matches serial", cli.LevelFail, "5157F09E"},
		{"key of another certificate", nil, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), true, "merchant certificate", cli.LevelFail, "does not belong"},
		{"expired", nil, now.AddDate(-5, 0, 0), now.AddDate(0, 0, -1), false, "merchant certificate", cli.LevelFail, "expired"},
		{"expires soon", nil, now.AddDate(-5, 0, 0), now.AddDate(0, 0, 10), false, "merchant certificate", cli.LevelWarn, "expires in"},
		{"not yet valid", nil, now.AddDate(0, 0, 1), now.AddDate(5, 0, 0), false, "merchant certificate", cli.LevelFail, "not valid before"},
		{"APIv3 key too short", func(w *config.WeChat, dir string) {
			os.WriteFile(w.APIv3KeyFile, []byte("0123456789abcdef0123456789ABCDE"), 0o600)
		}, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), false, "APIv3 key", cli.LevelFail, "31 characters"},
		{"no certificate beside the key", func(w *config.WeChat, dir string) {
			os.Remove(filepath.Join(dir, "apiclient_cert.pem"))
		}, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), false, "key matches serial", cli.LevelWarn, "cannot confirm"},
		{"certificate given as the key", func(w *config.WeChat, dir string) {
			w.MerchantPrivateKeyFile = filepath.Join(dir, "apiclient_cert.pem")
		}, now.AddDate(-1, 0, 0), now.AddDate(4, 0, 0), false, "merchant private key", cli.LevelFail, "apiclient_cert.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			w := merchantFiles(t, dir, tt.from, tt.to, tt.other)
			if tt.edit != nil {
				tt.edit(&w, dir)
			}
			fs := cli.CheckKeyFiles(w, now)
			if got := levels(fs)[tt.topic]; got != tt.want {
				t.Fatalf("%s: %s, want %s\n%+v", tt.topic, got, tt.want, fs)
			}
			found := false
			for _, f := range fs {
				if f.Topic == tt.topic && strings.Contains(f.Detail, tt.detail) {
					found = true
				}
				if strings.Contains(f.Detail, "0123456789abcdef") {
					t.Errorf("a finding shows the key: %q", f.Detail)
				}
			}
			if !found {
				t.Errorf("no %s finding mentions %q: %+v", tt.topic, tt.detail, fs)
			}
		})
	}
}

func TestCheckClock(t *testing.T) {
	tests := []struct {
		name string
		skew time.Duration // server minus local
		want cli.Level
	}{
		{"in step", 0, cli.LevelOK},
		{"a minute behind", time.Minute, cli.LevelWarn},
		{"ten minutes ahead", -10 * time.Minute, cli.LevelFail},
		{"six minutes behind", 6 * time.Minute, cli.LevelFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", time.Now().Add(tt.skew).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusNotFound) // any status carries a Date
			}))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			f := cli.CheckClock(ctx, srv.Client(), srv.URL, time.Now)
			if f.Level != tt.want {
				t.Fatalf("%+v, want %s", f, tt.want)
			}
		})
	}
	t.Run("unreachable server within the deadline", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if f := cli.CheckClock(ctx, srv.Client(), srv.URL, time.Now); f.Level != cli.LevelWarn {
			t.Fatalf("%+v", f)
		}
	})
}

func TestReportAndStaffCommands(t *testing.T) {
	dir := t.TempDir()
	setConfigHome(t, filepath.Join(dir, "xdg"))
	data := filepath.Join(dir, "data")
	runIn := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		root := cli.NewRoot(func(context.Context, *cli.Env) error { t.Fatal("UI started"); return nil })
		var out, errb strings.Builder
		root.SetOut(&out)
		root.SetErr(&errb)
		root.SetIn(strings.NewReader(stdin))
		root.SetArgs(append([]string{"--data", data}, args...))
		return cli.Execute(context.Background(), root), out.String(), errb.String()
	}
	today := time.Now().In(tz.Shanghai).Format("2006-01-02")
	yesterday := time.Now().In(tz.Shanghai).AddDate(0, 0, -1).Format("2006-01-02")
	steps := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"setup", "2468\n2468\n", []string{"staff", "setup", "Wang"}, 0, "manager Wang created"},
		{"setup twice", "2468\n2468\n", []string{"staff", "setup", "Zhao"}, 1, ""},
		{"x report", "", []string{"report", "x", "--format", "csv"}, 0, "total,net"},
		{"z before close", "", []string{"report", "z"}, 1, ""},
		{"close, wrong PIN", "1111\n", []string{"report", "z", "--close", "--manager", "Wang", "--counted", "0"}, 1, ""},
		{"close", "2468\n", []string{"report", "z", "--close", "--manager", "Wang", "--counted", "0"}, 0, "Z 报表"},
		{"reprint", "", []string{"report", "z", "--no", "1"}, 0, "重印"},
		{"bad day", "", []string{"report", "x", "--day", "26/11/2026"}, 2, ""},
		{"audit", "", []string{"staff", "audit", "--kind", "day.,override"}, 0, "day.close"},
		{"add without --manager", "2468\n1357\n", []string{"staff", "add", "Li"}, 2, ""},
		{"add", "2468\n1357\n", []string{"staff", "add", "Li", "--manager", "Wang"}, 0, "cashier Li added"},
		{"list", "", []string{"staff", "list"}, 0, "Li    cashier"},
		{"list --json", "", []string{"staff", "list", "--json"}, 0, `{"name":"Li","role":"cashier","disabled":false,"failed_pins":0}`},
		{"unlock", "2468\n", []string{"staff", "unlock", "Li", "--manager", "Wang"}, 0, "Li unlocked"},
		{"audit of today", "", []string{"staff", "audit", "--kind", "user.", "--from", today, "--to", today}, 0, "Li"},
		{"audit, bad day", "", []string{"staff", "audit", "--from", "26/11/2026"}, 2, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := runIn(s.stdin, s.args...)
			if code != s.code || !strings.Contains(out, s.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, s.code, out, errOut)
			}
		})
	}
	t.Run("list --json is one object", func(t *testing.T) {
		code, out, _ := runIn("", "staff", "list", "--json")
		var l struct {
			Users []struct{ Name, Role string } `json:"users"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &l) != nil || len(l.Users) != 2 || strings.Contains(out, "2468") {
			t.Fatalf("exit %d, %q: want Wang and Li, no PIN", code, out)
		}
	})
	t.Run("audit before today", func(t *testing.T) {
		code, out, errOut := runIn("", "staff", "audit", "--kind", "user.", "--to", yesterday)
		if code != 0 || !strings.Contains(out, "SEQ") || strings.Contains(out, "Li") {
			t.Fatalf("exit %d, want 0 and no event of today\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
}
