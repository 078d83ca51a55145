package cli_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// tlsSandbox runs `wxpos sandbox --tls` in this process until the test
// ends and returns its profile file and content.
func tlsSandbox(t *testing.T) (string, *sandbox.Profile) {
	t.Helper()
	profile := filepath.Join(t.TempDir(), "profile.json")
	ctx, cancel := context.WithCancel(context.Background())
	root := cli.NewRoot(func(context.Context, *cli.Env) error { return nil })
	pr, pw := io.Pipe()
	root.SetOut(pw)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"sandbox", "--tls", "--profile", profile})
	done := make(chan int, 1)
	go func() {
		done <- cli.Execute(ctx, root)
		pw.Close()
	}()
	t.Cleanup(func() { cancel(); <-done })
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on") {
		t.Fatalf("sandbox did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, pr)
	p, err := sandbox.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	return profile, p
}

// liveConfig writes a v3 merchant configuration for the sandbox p — its
// base_url, ca_file and key files, as a merchant would from the merchant
// platform — signing with keyPEM and trusting caPEM, and returns the
// config file.
func liveConfig(t *testing.T, p *sandbox.Profile, keyPEM, caPEM string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"apiclient_key.pem": keyPEM,
		"apiv3.key":         p.V3.APIV3Key,
		"pub_key.pem":       p.V3.PlatformPublicKeyPEM,
		"ca.pem":            caPEM,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`[wechat]
mode = "v3"
appid = %q
mchid = %q
base_url = %q
backup_url = %q
ca_file = "ca.pem"
merchant_serial_no = %q
merchant_private_key_file = "apiclient_key.pem"
apiv3_key_file = "apiv3.key"
platform_public_key_id = %q
platform_public_key_file = "pub_key.pem"
`, p.AppID, p.MchID, p.BaseURL, p.BaseURL, p.V3.MerchantSerialNo, p.V3.PlatformPublicKeyID)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// otherCAPEM is a CA certificate that issued nothing the sandbox serves.
func otherCAPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "some proxy CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func otherKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// orderNos lists the order numbers `orders --json` prints.
func orderNos(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := run(t, append(args, "orders", "--json")...)
	if code != 0 {
		t.Fatalf("orders: exit %d: %s", code, errOut)
	}
	var nos []string
	for _, p := range parseOrders(t, []byte(out)) {
		nos = append(nos, p.OutTradeNo)
	}
	return nos
}

// TestGoingLive walks the README's "Going live" against `wxpos sandbox
// --tls` acting as WeChat Pay, configured as a merchant would (base_url +
// ca_file + key files): training first, then live; the doctor proves the
// keys; training sales never reach the live books.
func TestGoingLive(t *testing.T) {
	xdg := t.TempDir()
	setConfigHome(t, xdg) // no config file: training mode
	profile, p := tlsSandbox(t)
	cfg := liveConfig(t, p, p.V3.MerchantPrivateKeyPEM, p.CACertPEM)
	pay := func(t *testing.T, args ...string) payOut {
		t.Helper()
		code, out, errOut := run(t, append(args, "pay", "--fen", "1", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")...)
		var o payOut
		if code != 0 || json.Unmarshal([]byte(out), &o) != nil || o.State != "PAID" {
			t.Fatalf("pay %v: exit %d %q %s", args, code, out, errOut)
		}
		return o
	}

	training := pay(t) // no config: the embedded simulator
	if _, err := os.Stat(filepath.Join(xdg, "wxpos", "training", "wxpos.db")); err != nil {
		t.Fatalf("training books not in their own directory: %v", err)
	}

	code, out, errOut := run(t, "--config", cfg, "doctor")
	if code != 0 || !strings.Contains(out, "signed call") || strings.Contains(out, "FAIL") {
		t.Fatalf("doctor on the right keys: exit %d\n%s%s", code, out, errOut)
	}
	live := pay(t, "--config", cfg)
	simulated := pay(t, "--config", cfg, "--sandbox-profile", profile)

	if got := orderNos(t, "--config", cfg); len(got) != 1 || got[0] != live.OutTradeNo {
		t.Fatalf("live books hold %v, want only the live sale %s", got, live.OutTradeNo)
	}
	if got := orderNos(t); len(got) != 2 || got[0] != training.OutTradeNo || got[1] != simulated.OutTradeNo {
		t.Fatalf("training books hold %v, want the two training sales", got)
	}

	t.Run("a live run refuses the training books", func(t *testing.T) {
		code, _, errOut := run(t, "--config", cfg, "--data", filepath.Join(xdg, "wxpos", "training"), "orders")
		if code != cli.ExitFailure || !strings.Contains(errOut, "holds training books") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		code, out, _ := run(t, "--config", cfg, "--data", filepath.Join(xdg, "wxpos", "training"), "doctor")
		if code != cli.ExitFailure || !strings.Contains(out, "holds training books; this configuration keeps live books") {
			t.Fatalf("doctor: exit %d\n%s", code, out)
		}
	})
	t.Run("a training run refuses the live books", func(t *testing.T) {
		code, _, errOut := run(t, "--data", filepath.Join(xdg, "wxpos", "data"), "orders")
		if code != cli.ExitFailure || !strings.Contains(errOut, "holds live books") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})

	// A wrong setup: doctor names it, pay and refund end definitely
	// (exit 3) on the live books without waiting for an answer that
	// cannot come.
	if code, out, errOut := runIn(t, "2468\n2468\n", "--config", cfg, "staff", "setup", "boss"); code != 0 {
		t.Fatalf("staff setup: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runIn(t, "2468\n", "--config", cfg, "shift", "open", "--cashier", "boss"); code != 0 {
		t.Fatalf("shift open: exit %d %s %s", code, out, errOut)
	}
	for _, tc := range []struct {
		name, key, ca string
		doctor        []string // in doctor's output
		payCode       string   // error_code of the failed payment
		refundCode    string   // error_code of the closed refund; "" skips the refund
	}{
		{"a wrong merchant key", otherKeyPEM(t), p.CACertPEM, []string{"SIGN_ERROR", "merchant_serial_no"}, "SIGNERROR", "SIGNERROR"},
		{"an untrusted server certificate", p.V3.MerchantPrivateKeyPEM, otherCAPEM(t), []string{"TLS trust", "ca_file"}, "NOT_SENT", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wrong := liveConfig(t, p, tc.key, tc.ca)
			code, out, _ := run(t, "--config", wrong, "doctor")
			for _, w := range tc.doctor {
				if code != cli.ExitFailure || !strings.Contains(out, w) {
					t.Fatalf("doctor: exit %d, %q missing\n%s", code, w, out)
				}
			}
			code, out, errOut := run(t, "--config", wrong, "pay", "--fen", "1", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")
			var o payOut
			if code != cli.ExitDeclined || json.Unmarshal([]byte(out), &o) != nil || o.State != "FAILED" || o.ErrorCode != tc.payCode {
				t.Fatalf("pay: exit %d %q %s", code, out, errOut)
			}
			if tc.refundCode == "" {
				return
			}
			code, out, errOut = runIn(t, "2468\n", "--config", wrong, "refund", live.OutTradeNo, "--full", "--reason", "test", "--manager", "boss", "--json")
			if code != cli.ExitDeclined || json.Unmarshal([]byte(out), &o) != nil || o.State != "CLOSED" || o.ErrorCode != tc.refundCode {
				t.Fatalf("refund: exit %d %q %s", code, out, errOut)
			}
		})
	}
}
