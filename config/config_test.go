package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/config"
)

func TestLoad_MissingFileMeansTraining(t *testing.T) {
	c, warnings, err := config.Load(filepath.Join(t.TempDir(), "none.toml"), false)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Training() || c.WeChat.Mode != config.ModeSandbox || len(warnings) != 0 {
		t.Fatalf("got mode %q, warnings %v", c.WeChat.Mode, warnings)
	}
	if c.Payment.PasswordTimeout.Duration != 30*time.Second || c.Payment.PasswordPoll.Duration != 5*time.Second {
		t.Errorf("payment defaults = %+v", c.Payment)
	}
}

func TestLoad_ExplicitMissingFileIsError(t *testing.T) {
	_, _, err := config.Load(filepath.Join(t.TempDir(), "none.toml"), true)
	if err == nil || !strings.Contains(err.Error(), "none.toml") {
		t.Fatalf("got %v", err)
	}
}

func TestParse_ErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name  string
		toml  string
		field string
		says  string
	}{
		{"unknown key", "[wechat]\nmchd = \"1\"\n", "wechat.mchd", "unknown setting"},
		{"bad mode", "[wechat]\nmode = \"v4\"\n", "wechat.mode", `"v4"`},
		{"bad store id", "[store]\nid = \"store-001\"\n", "store.id", "letters or digits"},
		{"bad terminal id", "[store]\nterminal_id = \"\"\nid=\"x!\"\n", "store.id", "letters or digits"},
		{"v3 bad appid", "[wechat]\nmode = \"v3\"\nappid = \"abc\"\n", "wechat.appid", "wx followed by 16 hex"},
		{"v3 bad mchid", "[wechat]\nmode = \"v3\"\nmchid = \"12ab\"\n", "wechat.mchid", "8–10 digit"},
		{"v3 missing key", "[wechat]\nmode = \"v3\"\n", "wechat.merchant_private_key_file", "required in mode v3"},
		{"v3 missing apiv3 key", "[wechat]\nmode = \"v3\"\n", "wechat.apiv3_key_file", "required in mode v3"},
		{"v3 public key half set", "[wechat]\nmode = \"v3\"\nplatform_public_key_id = \"PUB_KEY_ID_1\"\n", "wechat.platform_public_key_id", "both"},
		{"v3 http base url", "[wechat]\nmode = \"v3\"\nbase_url = \"http://x\"\n", "wechat.base_url", "https://"},
		{"v2 sign type", "[wechat]\nmode = \"v2\"\nsign_type = \"SHA1\"\n", "wechat.sign_type", "MD5 or HMAC-SHA256"},
		{"partner with mchid", "[wechat]\nmode = \"v3\"\nmchid = \"1900000109\"\nsp_mchid = \"1600000001\"\n", "wechat.mchid", "must be empty with sp_mchid"},
		{"partner without sub_mchid", "[wechat]\nmode = \"v3\"\nsp_mchid = \"1600000001\"\n", "wechat.sub_mchid", "sub-merchant number"},
		{"partner bad sp_appid", "[wechat]\nmode = \"v2\"\nsp_mchid = \"1600000001\"\nsp_appid = \"x\"\n", "wechat.sp_appid", "service provider's appid"},
		{"partner bad sub_appid", "[wechat]\nmode = \"v3\"\nsp_mchid = \"1600000001\"\nsub_appid = \"x\"\n", "wechat.sub_appid", "wx followed by 16 hex"},
		{"sub_mchid without sp_mchid", "[wechat]\nmode = \"v3\"\nsub_mchid = \"1700000001\"\n", "wechat.sub_mchid", "set sp_mchid too"},
		{"v2 no cert", "[wechat]\nmode = \"v2\"\n", "wechat.client_cert_file", "certificate"},
		{"bad duration", "[payment]\npassword_poll = \"soon\"\n", "", "not a duration"},
		{"timeout too short", "[payment]\npassword_timeout = \"5s\"\n", "payment.password_timeout", "15s"},
		{"qr expiry too long", "[payment]\nqr_expiry = \"3h\"\n", "payment.qr_expiry", "2h"},
		{"amount as a float", "[payment]\nmax_amount = \"500.001\"\n", "", "not an amount in yuan"},
		{"amount as a number", "[payment]\nmax_amount = 500\n", "", "max_amount"},
		{"max amount past the keypad", "[payment]\nmax_amount = \"1000000\"\n", "payment.max_amount", "999999.99"},
		{"confirm above the max", "[payment]\nmax_amount = \"100\"\nconfirm_above = \"200\"\n", "payment.confirm_above", "100.00"},
		{"discount percent past 100", "[payment]\ndiscount_max_percent = 101\n", "payment.discount_max_percent", "1 to 100"},
		{"discount amount above the max", "[payment]\nmax_amount = \"100\"\nconfirm_above = \"50\"\ndiscount_max_amount = \"200\"\n", "payment.discount_max_amount", "100.00"},
		{"baud", "[scanner]\nbaud = 1000\n", "scanner.baud", "standard rate"},
		{"notify url http", "[notify]\nurl = \"http://pos.example.com/notify/v3\"\n", "notify.url", "https"},
		{"notify url query", "[notify]\nurl = \"https://pos.example.com/notify/v3?k=1\"\n", "notify.url", "no query"},
		{"notify url loopback", "[notify]\nurl = \"https://127.0.0.1/wxpos/notify\"\n", "notify.url", "loopback or internal"},
		{"notify url private", "[notify]\nurl = \"https://192.168.1.20/notify/v3\"\n", "notify.url", "loopback or internal"},
		{"notify url localhost", "[notify]\nurl = \"https://localhost/notify/v3\"\n", "notify.url", "local name"},
		{"notify listen", "[notify]\nlisten = \"8443\"\n", "notify.listen", "host:port"},
		{"parity", "[scanner]\nparity = \"X\"\n", "scanner.parity", "N, E or O"},
		{"suffix", "[scanner]\nsuffix = \"TAB\"\n", "scanner.suffix", "CR, LF"},
		{"printer target", "[printer]\ntarget = \"lpt1\"\n", "printer.target", "usb:"},
		{"printer width", "[printer]\nwidth = 76\n", "printer.width", "58 or 80"},
		{"display target kind", "[display]\ntarget = \"usb:/dev/lp0\"\n", "display.target", "serial:PORT"},
		{"display target protocol", "[display]\ntarget = \"serial:/dev/ttyUSB1?protocol=vt100\"\n", "display.target", "escpos, cd5220 or led8"},
		{"display monitor 0", "[display]\nmonitor = 0\n", "", "numbered from 1"},
		{"display monitor \"0\"", "[display]\nmonitor = \"0\"\n", "", "numbered from 1"},
		{"display monitor list", "[display]\nmonitor = [1]\n", "", "monitor's name or number"},
		{"locale", "[ui]\nlocale = \"fr\"\n", "ui.locale", "zh-CN or en"},
		{"replica password in dsn", "[replica]\ndsn = \"postgres://wxpos:secret@hq/wxpos\"\n", "replica.dsn", "password_file"},
		{"replica password keyword", "[replica]\ndsn = \"host=hq user=wxpos password=secret\"\n", "replica.dsn", "password_file"},
		{"replica password keyword with spaces", "[replica]\ndsn = \"host=hq user=wxpos password = secret\"\n", "replica.dsn", "password_file"},
		{"replica password in the URL query", "[replica]\ndsn = \"postgres://wxpos@hq/wxpos?password=secret\"\n", "replica.dsn", "password_file"},
		{"replica half client cert", "[replica]\ndsn = \"postgres://wxpos@hq/wxpos\"\ncert_file = \"c.pem\"\n", "replica.cert_file", "key_file"},
		{"fetch time", "[bill]\nfetch_after = \"25:00\"\n", "bill.fetch_after", "10:00"},
		{"backup time", "[backup]\ndir = \"b\"\nat = \"2:30am\"\n", "backup.at", "02:30"},
		{"backup keep none", "[backup]\ndir = \"b\"\nkeep = -1\n", "backup.keep", "between 1 and 366"},
		{"backup keep too many", "[backup]\nkeep = 1000\n", "backup.keep", "between 1 and 366"},
		{"backup unknown key", "[backup]\ndirectory = \"b\"\n", "backup.directory", "unknown setting"},
		{"syntax", "[store]\nid = 1\nname = \"x\"\nbad line\n", "", "line 4"},
		{"wrong type", "[scanner]\nbaud = \"fast\"\n", "", "baud"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.toml))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, config.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if tc.field != "" {
				var fe *config.FieldError
				found := false
				for _, e := range flatten(err) {
					if errors.As(e, &fe) && fe.Field == tc.field {
						found = true
						if !strings.Contains(fe.Problem, tc.says) {
							t.Errorf("%s: problem %q does not say %q", tc.field, fe.Problem, tc.says)
						}
					}
				}
				if !found {
					t.Errorf("no error names %s in: %v", tc.field, err)
				}
			} else if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestParse_AmountLimits(t *testing.T) {
	c, err := config.Parse([]byte("[payment]\nmax_amount = \"800\"\nconfirm_above = \"199.50\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Payment.MaxAmount.Fen != 80000 || c.Payment.ConfirmAbove.Fen != 19950 {
		t.Errorf("limits %d / %d fen, want 80000 / 19950", c.Payment.MaxAmount.Fen, c.Payment.ConfirmAbove.Fen)
	}
	d := config.Default()
	if d.Payment.MaxAmount.Fen != 5_000_000 || d.Payment.ConfirmAbove.Fen != 200_000 {
		t.Errorf("default limits %d / %d fen, want ¥50,000 / ¥2,000", d.Payment.MaxAmount.Fen, d.Payment.ConfirmAbove.Fen)
	}
}

func TestLoad_ValidV3WithKeyFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("secret"), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("apiclient_key.pem", 0o600)
	write("apiv3.key", 0o644) // readable by others: a warning, not an error
	write("pub_key.pem", 0o644)
	cfg := `
[store]
id = "S01"
name = "测试门店"
terminal_id = "T02"

[wechat]
mode = "v3"
appid = "wx0123456789abcdef"
mchid = "1900000109"
merchant_serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
merchant_private_key_file = "apiclient_key.pem"
apiv3_key_file = "apiv3.key"
platform_public_key_id = "PUB_KEY_ID_0119000001092025"
platform_public_key_file = "pub_key.pem"

[payment]
password_timeout = "45s"
password_poll = "10s"

[backup]
dir = "backups"
`
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, warnings, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Training() || c.Store.Name != "测试门店" || c.Payment.PasswordTimeout.Duration != 45*time.Second {
		t.Errorf("loaded %+v", c)
	}
	if c.WeChat.MerchantPrivateKeyFile != filepath.Join(dir, "apiclient_key.pem") {
		t.Errorf("key path not resolved against the config dir: %s", c.WeChat.MerchantPrivateKeyFile)
	}
	if b := c.Backup; b.Dir != filepath.Join(dir, "backups") || b.At != "02:30" || b.Keep != 7 {
		t.Errorf("backup = %+v, want dir resolved against the config dir, at 02:30, keep 7", b)
	}
	if c.WeChat.BaseURL != "https://api.mch.weixin.qq.com" || c.WeChat.BackupURL != "https://api2.mch.weixin.qq.com" {
		t.Errorf("hosts = %s, %s", c.WeChat.BaseURL, c.WeChat.BackupURL)
	}
	switch {
	case runtime.GOOS == "windows": // mode bits mean nothing there: no warning
		if len(warnings) != 0 {
			t.Errorf("warnings = %v, want none on Windows", warnings)
		}
	case len(warnings) != 1 || !strings.Contains(string(warnings[0]), "wechat.apiv3_key_file") || !strings.Contains(string(warnings[0]), "chmod 600"):
		t.Errorf("warnings = %v, want one about apiv3_key_file", warnings)
	}
	for _, w := range warnings {
		if strings.Contains(string(w), "secret") {
			t.Error("a warning leaked key material")
		}
	}
}

func TestLoad_MissingKeyFileNamesField(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	cfg := "[wechat]\nmode = \"v2\"\nappid = \"wx0123456789abcdef\"\nmchid = \"1900000109\"\napi_key_file = \"nope.key\"\nclient_p12_file = \"apiclient_cert.p12\"\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := config.Load(path, true)
	if err == nil || !strings.Contains(err.Error(), "wechat.api_key_file: cannot read") || !strings.Contains(err.Error(), "wechat.client_p12_file") {
		t.Fatalf("got %v", err)
	}
}

// A public https notify_url without a query is accepted as it is.
// TestParse_DisplayMonitor: the customer window's monitor by name, or by
// number written either way; saved and read back the same.
func TestParse_DisplayMonitor(t *testing.T) {
	for in, want := range map[string]config.Monitor{`"HDMI-2"`: "HDMI-2", `" HDMI-2 "`: "HDMI-2", "2": "2", `"2"`: "2", `'\\.\DISPLAY2'`: `\\.\DISPLAY2`} {
		c, err := config.Parse([]byte("[display]\nmonitor = " + in + "\n"))
		if err != nil {
			t.Fatalf("monitor = %s: %v", in, err)
		}
		if c.Display.Monitor != want {
			t.Errorf("monitor = %s: got %q, want %q", in, c.Display.Monitor, want)
		}
	}
	c, err := config.Parse([]byte(""))
	if err != nil || c.Display.Monitor != "" {
		t.Fatalf("no monitor key: %q, %v; want empty (the default monitor)", c.Display.Monitor, err)
	}
}

func TestParse_NotifyURL(t *testing.T) {
	c, err := config.Parse([]byte("[notify]\nurl = \"https://pos.example.com/notify/v3\"\nlisten = \"127.0.0.1:8443\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Notify.URL != "https://pos.example.com/notify/v3" || c.Notify.Listen != "127.0.0.1:8443" {
		t.Errorf("notify %+v", c.Notify)
	}
}

func TestParse_CatalogRules(t *testing.T) {
	c, err := config.Parse([]byte(`[catalog]
scale_layouts = ["price13"]

[[catalog.weighed]]
name = "ours"
prefixes = ["28"]
length = 18
item_digits = 5
fields = [{what = "weight", digits = 5, decimals = 3}, {what = "price", digits = 5, decimals = 2}]

[[catalog.store_codes]]
prefix = "8"
length = 6
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Catalog.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Weighed) != 2 || r.Weighed[0].Name != "price13" || r.Weighed[1].Name != "ours" || len(r.StoreCodes) != 1 {
		t.Fatalf("rules %+v", r)
	}
	if got := r.Classify("812345"); got.Kind != catalog.KindStore {
		t.Errorf("store code classified %s", got.Kind)
	}
	for _, bad := range []string{
		"[catalog]\nscale_layouts = [\"price14\"]\n",
		"[[catalog.store_codes]]\nprefix = \"13\"\nlength = 18\n",
		"[[catalog.weighed]]\nname = \"x\"\nprefixes = [\"2\"]\nlength = 13\nitem_digits = 5\n",
		"[catalog]\nscale_layout = [\"price13\"]\n",
	} {
		_, err := config.Parse([]byte(bad))
		var fe *config.FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "catalog") {
			t.Errorf("%q: %v, want a catalog field error", bad, err)
		}
	}
}
