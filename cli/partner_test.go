package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// partnerConfig writes the configuration of a store that is a
// sub-merchant (sub) of the sandbox p's service provider, as the store's
// service provider would hand it over: the provider's key files,
// sp_mchid/sp_appid, the store's sub_mchid/sub_appid, no appid or mchid.
func partnerConfig(t *testing.T, p *sandbox.Profile, mode, sub string) string {
	t.Helper()
	sp := p.Partner
	dir := t.TempDir()
	for name, content := range map[string]string{
		"apiclient_key.pem": sp.MerchantPrivateKeyPEM, "apiclient_cert.pem": sp.ClientCertPEM,
		"apiv3.key": sp.APIV3Key, "api.key": sp.APIKey, "pub_key.pem": sp.PlatformPublicKeyPEM, "ca.pem": p.CACertPEM,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keys := fmt.Sprintf(`merchant_serial_no = %q
merchant_private_key_file = "apiclient_key.pem"
apiv3_key_file = "apiv3.key"
platform_public_key_id = %q
platform_public_key_file = "pub_key.pem"`, sp.MerchantSerialNo, sp.PlatformPublicKeyID)
	if mode == "v2" {
		keys = `api_key_file = "api.key"
sign_type = "HMAC-SHA256"
client_cert_file = "apiclient_cert.pem"
client_key_file = "apiclient_key.pem"`
	}
	cfg := fmt.Sprintf(`[store]
id = "S7"
terminal_id = "T1"

[ui]
locale = "en"

[notify]
url = "https://pos.example.com/wxpos/notify"

[wechat]
mode = %q
sp_mchid = %q
sp_appid = %q
sub_mchid = %q
sub_appid = %q
base_url = %q
backup_url = %q
ca_file = "ca.pem"
%s
`, mode, sp.SpMchID, sp.SpAppID, sub, sp.SubAppID, p.BaseURL, p.BaseURL, keys)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSubMerchantCycle runs a sub-merchant's day from the command line
// against `wxpos sandbox --tls` acting as WeChat Pay, for each API
// generation: doctor proves the provider's keys and the sp/sub binding,
// then a scan payment, a QR payment the customer pays, a refund, the
// sub-merchant's bill and a reconciliation with no difference, and in v3
// the sub-merchant's fund flow checked against it. The sandbox's direct
// merchant sells the same day and appears nowhere.
func TestSubMerchantCycle(t *testing.T) {
	for _, mode := range []string{"v3", "v2"} {
		t.Run(mode, func(t *testing.T) { subMerchantCycle(t, mode) })
	}
}

func subMerchantCycle(t *testing.T, mode string) {
	setConfigHome(t, t.TempDir())
	profile, p := tlsSandbox(t)
	cfg := partnerConfig(t, p, mode, p.Partner.SubMchID)
	data := filepath.Join(t.TempDir(), "data")
	wx := func(args ...string) []string { return append([]string{"--config", cfg, "--data", data}, args...) }
	sim := func(args ...string) {
		t.Helper()
		if code, out, errOut := run(t, append([]string{"--sandbox-profile", profile}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}

	code, out, errOut := run(t, wx("doctor")...)
	if code != 0 || !strings.Contains(out, "sub_mchid "+p.Partner.SubMchID) || strings.Contains(out, "FAIL") {
		t.Fatalf("doctor: exit %d\n%s%s", code, out, errOut)
	}

	scan := payOut{}
	code, out, errOut = run(t, wx("pay", "--fen", "1288", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")...)
	if code != 0 || json.Unmarshal([]byte(out), &scan) != nil || scan.State != "PAID" {
		t.Fatalf("scan pay: exit %d %q %s", code, out, errOut)
	}

	type result struct {
		code        int
		out, errOut string
	}
	qr := make(chan result, 1)
	go func() {
		code, out, errOut := run(t, wx("pay", "--fen", "500", "--qr", "--json")...)
		qr <- result{code, out, errOut}
	}()
	sim("training", "pay-qr", "--wait", "20s")
	r := <-qr
	var shown payOut
	if r.code != 0 || json.Unmarshal([]byte(r.out), &shown) != nil || shown.State != "PAID" {
		t.Fatalf("QR pay: exit %d %q %s", r.code, r.out, r.errOut)
	}

	// The sandbox's direct merchant sells the same day: not this store's.
	direct := filepath.Join(t.TempDir(), "direct")
	if code, out, errOut := run(t, "--sandbox-profile", profile, "--data", direct, "pay", "--fen", "777", "--code", sandbox.NewCode(sandbox.ScenarioSuccess)); code != 0 {
		t.Fatalf("direct merchant's sale: exit %d %s %s", code, out, errOut)
	}

	if code, out, errOut := runIn(t, "2468\n2468\n", wx("staff", "setup", "boss")...); code != 0 {
		t.Fatalf("staff setup: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runIn(t, "2468\n", wx("shift", "open", "--cashier", "boss")...); code != 0 {
		t.Fatalf("shift open: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = runIn(t, "2468\n", wx("refund", scan.OutTradeNo, "--fen", "288", "--reason", "退货", "--manager", "boss", "--wait", "0", "--json")...)
	if code != cli.ExitUnknown || !strings.Contains(out, "PROCESSING") {
		t.Fatalf("refund: exit %d %q %s", code, out, errOut)
	}
	sim("training", "clock", "advance", "2m")
	if code, out, errOut := run(t, wx("recover")...); code != 0 {
		t.Fatalf("recover: exit %d %s %s", code, out, errOut)
	}

	day := time.Now().In(tz.Shanghai).Format(time.DateOnly)
	sim("training", "clock", "advance", "36h")
	code, out, errOut = run(t, wx("bill", "fetch", "--day", day)...)
	if code != 0 || !strings.Contains(out, "bill stored") {
		t.Fatalf("bill fetch: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, wx("reconcile", "--day", day, "--no-fetch")...)
	if code != 0 || !strings.Contains(out, "matched 3") || !strings.Contains(out, "other_terminal 0") ||
		!strings.Contains(out, "differences: none") {
		t.Fatalf("reconcile: exit %d\n%s%s", code, out, errOut)
	}
	// The fetch checked the sub-merchant's own fund flow in v3
	// (/v3/bill/sub-merchant-fundflowbill, decrypted with the provider's
	// key): 12.88 + 5.00 − 2.88 less the fees 0.08 + 0.03 − 0.02, and
	// none of the direct merchant's 7.77. v2 has no sub-merchant fund flow:
	// nothing is checked, nothing fails.
	flow := "fund flow " + day + " (basic account, the whole merchant): BALANCED"
	sums := "trade bill ¥14.91 net of fees ¥0.09; basic account ¥14.91 net of fees ¥0.09"
	if mode == "v3" && (!strings.Contains(out, flow) || !strings.Contains(out, sums)) || mode == "v2" && strings.Contains(out, "fund flow") {
		t.Fatalf("reconcile's fund-flow check (%s):\n%s", mode, out)
	}
}

// TestSubMerchantDoctorBinding: doctor says what to fix when the store's
// sub_mchid is not one the provider serves.
func TestSubMerchantDoctorBinding(t *testing.T) {
	setConfigHome(t, t.TempDir())
	_, p := tlsSandbox(t)
	for _, mode := range []string{"v3", "v2"} {
		t.Run(mode, func(t *testing.T) {
			code, out, _ := run(t, "--config", partnerConfig(t, p, mode, "1799999999"), "--data", t.TempDir(), "doctor")
			if code != cli.ExitFailure || !strings.Contains(out, "sub_mchid 1799999999 is not a sub-merchant of service provider "+p.Partner.SpMchID) {
				t.Fatalf("doctor: exit %d\n%s", code, out)
			}
		})
	}
}
