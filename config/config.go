// Package config loads the terminal's TOML configuration. A missing file
// means training mode on the embedded sandbox; a file with mistakes is
// refused as a whole, with every problem naming its field, so the terminal
// never starts half-configured. Secrets are never inline: the file names the
// files that hold them.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/internal/notifyurl"
	"github.com/wxpos/wxpos/internal/pgdsn"
	"github.com/wxpos/wxpos/poledisplay"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// Mode selects which WeChat Pay the terminal talks to.
type Mode string

// Modes.
const (
	ModeSandbox Mode = "sandbox" // training: the simulator, no real money
	ModeV3      Mode = "v3"      // API v3 (JSON, RSA): the default for new merchants
	ModeV2      Mode = "v2"      // API v2 (XML, MD5/HMAC): existing merchants
)

// Config is the whole configuration file.
type Config struct {
	Store   Store   `toml:"store"`
	WeChat  WeChat  `toml:"wechat"`
	Payment Payment `toml:"payment"`
	Scanner Scanner `toml:"scanner"`
	Printer Printer `toml:"printer"`
	Display Display `toml:"display"`
	UI      UI      `toml:"ui"`
	Staff   Staff   `toml:"staff"`
	Bill    Bill    `toml:"bill"`
	Replica Replica `toml:"replica"`
	Backup  Backup  `toml:"backup"`
	Notify  Notify  `toml:"notify"`
	Catalog Catalog `toml:"catalog"`
	// DataDir holds the database, logs and sandbox state. Empty means
	// <user config dir>/wxpos/data, or <user config dir>/wxpos/training in
	// training mode (training and live books never share a database).
	DataDir string `toml:"data_dir"`

	// Path is the file this was loaded from ("" when defaults were used).
	Path string `toml:"-"`
}

// Catalog is what the store's scanner reads besides standard barcodes and
// payment codes (catalog.Rules): its scales' label layouts, by preset name
// (scale_layouts = ["price13"]) or spelled out ([[catalog.weighed]]), and
// its own item codes ([[catalog.store_codes]]). docs/CATALOG.md lists the
// presets.
type Catalog struct {
	ScaleLayouts []string            `toml:"scale_layouts"`
	Weighed      []catalog.Layout    `toml:"weighed"`
	StoreCodes   []catalog.StoreCode `toml:"store_codes"`
	// PullEvery is how often the cashier window pulls head office's
	// catalogue changes when [replica] is configured (default 5m; at
	// least 10s; "-1s": never, only wxpos catalog pull).
	PullEvery Duration `toml:"pull_every"`
}

// Rules are the code rules of c: the presets named, then the layouts
// spelled out, then the store codes. An unknown preset is an error.
func (c Catalog) Rules() (*catalog.Rules, error) {
	r := &catalog.Rules{StoreCodes: c.StoreCodes}
	for _, name := range c.ScaleLayouts {
		l, ok := catalog.Preset(name)
		if !ok {
			return nil, fmt.Errorf("unknown scale layout %q (price13, weight13, price13-item6 or price-weight18)", name)
		}
		r.Weighed = append(r.Weighed, l)
	}
	r.Weighed = append(r.Weighed, c.Weighed...)
	return r, r.Validate()
}

// Store identifies the shop and this terminal. Both ids go into every
// out_trade_no, so they must stay short and stable.
type Store struct {
	ID         string `toml:"id"`
	Name       string `toml:"name"`
	TerminalID string `toml:"terminal_id"`
	Address    string `toml:"address"`
}

// WeChat is the merchant account and its key files.
type WeChat struct {
	Mode           Mode     `toml:"mode"`
	AppID          string   `toml:"appid"`
	MchID          string   `toml:"mchid"`
	SandboxProfile string   `toml:"sandbox_profile"` // external `wxpos sandbox` profile (mode sandbox)
	BaseURL        string   `toml:"base_url"`        // default https://api.mch.weixin.qq.com
	BackupURL      string   `toml:"backup_url"`      // default https://api2.mch.weixin.qq.com
	Timeout        Duration `toml:"timeout"`         // per call; default 15s
	// CAFile is a PEM bundle trusted for base_url and backup_url instead of
	// the system roots: a TLS-inspecting proxy, or `wxpos sandbox --tls`
	// acting as the merchant's WeChat Pay. Verification is never skipped.
	CAFile string `toml:"ca_file"`

	// v3
	MerchantSerialNo       string `toml:"merchant_serial_no"`
	MerchantPrivateKeyFile string `toml:"merchant_private_key_file"`
	APIv3KeyFile           string `toml:"apiv3_key_file"`
	PlatformPublicKeyID    string `toml:"platform_public_key_id"`
	PlatformPublicKeyFile  string `toml:"platform_public_key_file"`

	// v2
	APIKeyFile     string `toml:"api_key_file"`
	SignType       string `toml:"sign_type"` // MD5 (default) or HMAC-SHA256
	ClientCertFile string `toml:"client_cert_file"`
	ClientKeyFile  string `toml:"client_key_file"`
	ClientP12File  string `toml:"client_p12_file"`

	// Service-provider (服务商) mode, v3 or v2: the store is SubMchID, a
	// sub-merchant (特约商户) of the provider SpMchID, whose keys are the
	// ones above; appid and mchid stay empty.
	SpMchID  string `toml:"sp_mchid"`
	SpAppID  string `toml:"sp_appid"`
	SubMchID string `toml:"sub_mchid"`
	SubAppID string `toml:"sub_appid"` // optional: the store's own app
}

// Partner reports whether the store is a service provider's sub-merchant.
func (w WeChat) Partner() bool { return w.SpMchID != "" }

// StoreMchID is the store's own merchant number: mchid, or sub_mchid for a
// sub-merchant (what WeChat's notifications and bills name the store by).
func (w WeChat) StoreMchID() string {
	if w.Partner() {
		return w.SubMchID
	}
	return w.MchID
}

// Payment tunes the payment flows.
type Payment struct {
	// PasswordPoll is how often a scan payment waiting for the customer's
	// password is queried; PasswordTimeout is when it is given up and reversed.
	PasswordPoll    Duration `toml:"password_poll"`
	PasswordTimeout Duration `toml:"password_timeout"`
	// QRExpiry is how long a Native QR stays payable.
	QRExpiry Duration `toml:"qr_expiry"`
	// MaxAmount is the most one sale may charge; ConfirmAbove is the
	// amount above which the cashier confirms before the customer is
	// charged. Both are yuan ("50000", "2000.00").
	MaxAmount    Yuan `toml:"max_amount"`
	ConfirmAbove Yuan `toml:"confirm_above"`
	// DiscountMaxPercent and DiscountMaxAmount are what a cashier may take
	// off one line or one sale alone (a lowered price counts as its
	// difference); above either a manager approves with their PIN.
	DiscountMaxPercent int64 `toml:"discount_max_percent"`
	DiscountMaxAmount  Yuan  `toml:"discount_max_amount"`
	// DeleteLineAbove is the line value above which deleting a line from
	// the sale needs a manager's PIN (always, once a payment started).
	DeleteLineAbove Yuan `toml:"delete_line_above"`
}

// Defaults of the discount and line-deletion limits.
const (
	DefaultDiscountMaxPercent   = 10
	DefaultDiscountMaxAmountFen = 5_000  // ¥50
	DefaultDeleteLineAboveFen   = 10_000 // ¥100
)

// Defaults of Payment.MaxAmount and Payment.ConfirmAbove, in fen.
const (
	DefaultMaxAmountFen    = 5_000_000 // ¥50,000
	DefaultConfirmAboveFen = 200_000   // ¥2,000
	maxAmountCeilingFen    = 99_999_999
)

// Yuan is an amount written in yuan in TOML ("12", "12.34") and held in fen.
type Yuan struct{ Fen int64 }

// UnmarshalText parses yuan exactly (pos.ParseYuan): no floats, at most two
// decimals.
func (y *Yuan) UnmarshalText(b []byte) error {
	fen, err := pos.ParseYuan(string(b))
	if err != nil {
		return fmt.Errorf("not an amount in yuan like \"2000.00\": %q", b)
	}
	y.Fen = fen
	return nil
}

// MarshalText writes the amount in yuan with two decimals.
func (y Yuan) MarshalText() ([]byte, error) { return []byte(receipt.Yuan(y.Fen)), nil }

// Scanner is the serial barcode scanner.
type Scanner struct {
	Port     string `toml:"port"` // empty: keyboard-wedge only
	Baud     int    `toml:"baud"`
	Parity   string `toml:"parity"`    // N, E, O
	StopBits int    `toml:"stop_bits"` // 1 or 2
	Suffix   string `toml:"suffix"`    // CR, LF, CRLF, any or none
	Prefix   string `toml:"prefix"`    // fixed prefix the scanner is programmed to send, removed
	StripAIM bool   `toml:"strip_aim"` // remove AIM identifiers such as "]Q1"
	MaxLen   int    `toml:"max_len"`   // longest accepted code; default 128
}

// Printer is the receipt printer.
type Printer struct {
	Target string `toml:"target"` // none, usb:/dev/usb/lp0, serial:/dev/ttyUSB0:9600, tcp:host:9100
	Width  int    `toml:"width"`  // 58 or 80 (mm)
}

// Display is what faces the customer (docs/CUSTOMER_DISPLAY.md): a second
// window, a pole display on a serial port, or both.
type Display struct {
	CustomerWindow bool `toml:"customer_window"` // open the customer window beside the cashier's
	// Fullscreen fills the customer window's monitor.
	Fullscreen bool `toml:"fullscreen"`
	// Monitor is the customer window's monitor: its name ("HDMI-2", as
	// xrandr or `wxpos` logs it) or its number from 1, the primary first.
	// Empty: the first monitor without the cashier's window.
	Monitor Monitor `toml:"monitor"`
	Image   string  `toml:"image"`  // PNG or JPEG shown when idle; relative to the config file
	Target  string  `toml:"target"` // none, serial:/dev/ttyUSB1?baud=9600&protocol=escpos|cd5220|led8
}

// Monitor names a monitor: "HDMI-2", or a number from 1 written 2 or "2".
type Monitor string

// UnmarshalTOML takes a name or a number from 1.
func (m *Monitor) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		v = strings.TrimSpace(v)
		if n, err := strconv.Atoi(v); err == nil && n < 1 {
			return fmt.Errorf("monitors are numbered from 1, got %q", v)
		}
		*m = Monitor(v)
	case int64:
		if v < 1 {
			return fmt.Errorf("monitors are numbered from 1, got %d", v)
		}
		*m = Monitor(strconv.FormatInt(v, 10))
	default:
		return fmt.Errorf("not a monitor's name or number: %v", v)
	}
	return nil
}

// UI holds display preferences.
type UI struct {
	Locale string `toml:"locale"` // zh-CN or en
	// Kiosk runs the window full screen without decorations, and closing
	// it needs a manager's PIN: for a till that boots into wxpos.
	Kiosk bool `toml:"kiosk"`
}

// Staff is how the cashier window treats sign-in (once the terminal has
// staff, sales need a cashier signed in: docs/DESIGN.md, sign-in).
type Staff struct {
	// IdleLock locks the till after this long untouched (default 5m,
	// at least 30s); the cashier's PIN or a manager's unlocks it.
	IdleLock Duration `toml:"idle_lock"`
}

// DefaultIdleLock is staff.idle_lock when not set.
const DefaultIdleLock = 5 * time.Minute

// DefaultBillMaxSizeMB is bill.max_size_mb when not set.
const DefaultBillMaxSizeMB = 256

// Bill controls the daily bill download.
type Bill struct {
	FetchAfter string `toml:"fetch_after"` // HH:MM Asia/Shanghai, default 10:00
	// MaxSizeMB refuses a bill larger than this once decompressed
	// (download and import), default 256: a busy store's day is a few MB.
	MaxSizeMB int `toml:"max_size_mb"`
}

// Replica is the store's PostgreSQL server that terminals replicate their
// events to. Empty DSN: no replication. The password is never inline.
type Replica struct {
	DSN          string `toml:"dsn"`           // postgres://wxpos@hq.example.com/wxpos?sslmode=verify-full
	PasswordFile string `toml:"password_file"` // first line is the password; empty: PGPASSFILE / ~/.pgpass
	CAFile       string `toml:"ca_file"`       // CA of the server certificate; makes TLS required and verified
	CertFile     string `toml:"cert_file"`     // optional client certificate
	KeyFile      string `toml:"key_file"`
	ServerName   string `toml:"server_name"`
	// InsecureTLS accepts a DSN whose sslmode (disable, prefer, require…)
	// does not verify a server on another machine; without it such a DSN is
	// refused, and a remote DSN naming no sslmode gets verify-full.
	InsecureTLS bool `toml:"insecure_tls"`
}

// Notify is WeChat Pay's notifications to this store. URL is what the
// terminal sends as notify_url (Native prepay, refunds): the public HTTPS
// address of a receiver (`wxpos notify serve`, or Listen behind a reverse
// proxy). Empty on a live terminal: refunds name none and QR (Native)
// payments are refused before any order is made — WeChat requires a
// usable notify_url with every Native order — while scan and cash work.
// In training the terminal names its own receiver ([notify] listen) on
// loopback, which only the training sandbox accepts.
type Notify struct {
	URL    string `toml:"url"`    // https://pos.example.com/notify/v3
	Listen string `toml:"listen"` // host:port the receiver serves on, e.g. 127.0.0.1:8443
}

// Backup schedules backups inside the cashier window. Empty Dir: none
// (wxpos backup FILE still works at any time).
type Backup struct {
	Dir  string `toml:"dir"`  // where the backups go; relative to the config file
	At   string `toml:"at"`   // HH:MM, Asia/Shanghai; default 02:30
	Keep int    `toml:"keep"` // how many to keep; default 7
}

// Duration is a time.Duration written as "5s", "2m" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like \"30s\": %q", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// FieldError is one problem in the file, named by its dotted TOML key.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// ErrInvalid wraps every load failure caused by the file's content.
var ErrInvalid = errors.New("invalid configuration")

// Warning is a problem that does not stop the terminal, e.g. a key file that
// other users can read.
type Warning string

// Default returns the configuration used when there is no file: training
// mode on the embedded sandbox.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Store.ID == "" {
		c.Store.ID = "S1"
	}
	if c.Store.TerminalID == "" {
		c.Store.TerminalID = "T1"
	}
	if c.Store.Name == "" {
		c.Store.Name = "wxpos"
	}
	if c.WeChat.Mode == "" {
		c.WeChat.Mode = ModeSandbox
	}
	if c.WeChat.BaseURL == "" && c.WeChat.Mode != ModeSandbox {
		c.WeChat.BaseURL = "https://api.mch.weixin.qq.com"
	}
	if c.WeChat.BackupURL == "" && c.WeChat.Mode != ModeSandbox {
		c.WeChat.BackupURL = "https://api2.mch.weixin.qq.com"
	}
	if c.WeChat.Timeout.Duration == 0 {
		c.WeChat.Timeout.Duration = 15 * time.Second
	}
	if c.WeChat.SignType == "" {
		c.WeChat.SignType = "MD5"
	}
	if c.Payment.PasswordPoll.Duration == 0 {
		c.Payment.PasswordPoll.Duration = 5 * time.Second
	}
	if c.Payment.PasswordTimeout.Duration == 0 {
		c.Payment.PasswordTimeout.Duration = 30 * time.Second
	}
	if c.Payment.QRExpiry.Duration == 0 {
		c.Payment.QRExpiry.Duration = 5 * time.Minute
	}
	if c.Payment.MaxAmount.Fen == 0 {
		c.Payment.MaxAmount.Fen = DefaultMaxAmountFen
	}
	if c.Payment.ConfirmAbove.Fen == 0 {
		c.Payment.ConfirmAbove.Fen = DefaultConfirmAboveFen
	}
	if c.Payment.DiscountMaxPercent == 0 {
		c.Payment.DiscountMaxPercent = DefaultDiscountMaxPercent
	}
	if c.Payment.DiscountMaxAmount.Fen == 0 {
		c.Payment.DiscountMaxAmount.Fen = DefaultDiscountMaxAmountFen
	}
	if c.Payment.DeleteLineAbove.Fen == 0 {
		c.Payment.DeleteLineAbove.Fen = DefaultDeleteLineAboveFen
	}
	c.applyDeviceDefaults()
	if c.Staff.IdleLock.Duration == 0 {
		c.Staff.IdleLock.Duration = DefaultIdleLock
	}
	if c.UI.Locale == "" {
		c.UI.Locale = "zh-CN"
	}
	if c.Bill.FetchAfter == "" {
		c.Bill.FetchAfter = "10:00"
	}
	if c.Bill.MaxSizeMB == 0 {
		c.Bill.MaxSizeMB = DefaultBillMaxSizeMB
	}
	if c.Backup.At == "" {
		c.Backup.At = "02:30"
	}
	if c.Backup.Keep == 0 {
		c.Backup.Keep = 7
	}
}

// applyDeviceDefaults fills in the devices at the counter: scanner,
// printer and customer display.
func (c *Config) applyDeviceDefaults() {
	if c.Scanner.Baud == 0 {
		c.Scanner.Baud = 9600
	}
	if c.Scanner.Parity == "" {
		c.Scanner.Parity = "N"
	}
	if c.Scanner.StopBits == 0 {
		c.Scanner.StopBits = 1
	}
	if c.Scanner.Suffix == "" {
		c.Scanner.Suffix = "any"
	}
	if c.Printer.Target == "" {
		c.Printer.Target = "none"
	}
	if c.Display.Target == "" {
		c.Display.Target = "none"
	}
	if c.Printer.Width == 0 {
		c.Printer.Width = 58
	}
}

// DefaultPath is <user config dir>/wxpos/config.toml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory: %w", err)
	}
	return filepath.Join(dir, "wxpos", "config.toml"), nil
}

// Load reads the file at path. When explicit is false and the file does not
// exist, it returns Default() (training mode); an explicitly named file must
// exist. Relative key-file paths are resolved against the file's directory.
func Load(path string, explicit bool) (*Config, []Warning, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		c := Default()
		return c, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("config %s: %w", path, err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.Path = path
	c.resolvePaths(filepath.Dir(path))
	var warnings []Warning
	var problems []error
	for _, f := range c.keyFiles() {
		w, err := checkSecretFile(f.field, f.path)
		if err != nil {
			problems = append(problems, err)
		}
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	if len(problems) > 0 {
		return nil, warnings, fmt.Errorf("config %s: %w", path, errors.Join(append([]error{ErrInvalid}, problems...)...))
	}
	return c, warnings, nil
}

// Parse decodes and validates TOML. Unknown keys are errors: a misspelt key
// silently ignored is how a terminal ends up half-configured.
func Parse(data []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: line %d: %s", ErrInvalid, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var problems []error
	for _, k := range md.Undecoded() {
		problems = append(problems, &FieldError{Field: k.String(), Problem: "unknown setting"})
	}
	c.applyDefaults()
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return nil, errors.Join(append([]error{ErrInvalid}, problems...)...)
	}
	return &c, nil
}

// validID is 1–6 letters or digits: a store or terminal id.
func validID(s string) bool { return ident.Run(s, 1, 6, ident.Alnum) }

// validMchID is the 8–10 digit merchant number.
func validMchID(s string) bool { return ident.Run(s, 8, 10, ident.Digit) }

// validAppID is wx followed by 16 lower-case hex digits.
func validAppID(s string) bool {
	return strings.HasPrefix(s, "wx") && ident.Run(s[2:], 16, 16, ident.LowerHex)
}

// validate lists every problem of c, section by section, in file order.
func (c *Config) validate() []error {
	var p problems
	p.store(c.Store)
	p.wechat(c.WeChat)
	p.payment(c.Payment)
	p.scanner(c.Scanner)
	if t := c.Printer.Target; t != "none" && !strings.HasPrefix(t, "usb:") && !strings.HasPrefix(t, "serial:") && !strings.HasPrefix(t, "tcp:") {
		p.bad("printer.target", "must be none, usb:<device>, serial:<port>:<baud> or tcp:<host>:<port>, got %q", t)
	}
	if c.Printer.Width != 58 && c.Printer.Width != 80 {
		p.bad("printer.width", "must be 58 or 80 (mm), got %d", c.Printer.Width)
	}
	if _, _, err := poledisplay.ParseTarget(c.Display.Target); err != nil {
		p.bad("display.target", "%v", err)
	}
	if d := c.Staff.IdleLock.Duration; d != 0 && d < 30*time.Second {
		p.bad("staff.idle_lock", "must be at least 30s, got %s", c.Staff.IdleLock.Duration)
	}
	if c.UI.Locale != "zh-CN" && c.UI.Locale != "en" {
		p.bad("ui.locale", "must be zh-CN or en, got %q", c.UI.Locale)
	}
	p.replica(c.Replica)
	p.notify(c.Notify)
	if d := c.Catalog.PullEvery.Duration; d > 0 && d < 10*time.Second {
		p.bad("catalog.pull_every", "must be at least 10s (or negative: never), got %s", d)
	}
	if _, err := c.Catalog.Rules(); err != nil {
		p.bad("catalog", "%v", err)
	}
	if _, err := time.Parse("15:04", c.Bill.FetchAfter); err != nil {
		p.bad("bill.fetch_after", "must be a time of day like 10:00, got %q", c.Bill.FetchAfter)
	}
	if c.Bill.MaxSizeMB < 1 || c.Bill.MaxSizeMB > 4096 {
		p.bad("bill.max_size_mb", "must be 1 to 4096 (MB of bill text), got %d", c.Bill.MaxSizeMB)
	}
	if _, err := time.Parse("15:04", c.Backup.At); err != nil {
		p.bad("backup.at", "must be a time of day like 02:30 (Asia/Shanghai), got %q", c.Backup.At)
	}
	if c.Backup.Keep < 1 || c.Backup.Keep > 366 {
		p.bad("backup.keep", "must be between 1 and 366 backups, got %d", c.Backup.Keep)
	}
	return p
}

// notify checks what WeChat requires of a notify_url (https, absolute, no
// query string, at most 255 characters) and that it is reachable from
// WeChat at all: not loopback, private or link-local.
func (p *problems) notify(n Notify) {
	if n.Listen != "" {
		if _, port, err := net.SplitHostPort(n.Listen); err != nil || port == "" {
			p.bad("notify.listen", "must be host:port, e.g. 127.0.0.1:8443, got %q", n.Listen)
		}
	}
	if n.URL == "" {
		return
	}
	if why := NotifyURLProblem(n.URL); why != "" {
		p.bad("notify.url", "%s, got %q", why, n.URL)
	}
}

// NotifyURLProblem says what makes u unusable as WeChat's notify_url, or
// "" when it is usable (notifyurl.Problem).
func NotifyURLProblem(u string) string { return notifyurl.Problem(u) }

// problems collects the *FieldErrors of a validation.
type problems []error

func (p *problems) bad(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (p *problems) store(s Store) {
	if !validID(s.ID) {
		p.bad("store.id", "must be 1–6 letters or digits (it is part of every order number), got %q", s.ID)
	}
	if !validID(s.TerminalID) {
		p.bad("store.terminal_id", "must be 1–6 letters or digits (it is part of every order number), got %q", s.TerminalID)
	}
}

// wechat checks the merchant's identity and endpoints, then what the mode
// needs: keys and the platform's public key for v3, the key, signing and
// the API certificate for v2.
func (p *problems) wechat(w WeChat) {
	switch w.Mode {
	case ModeSandbox:
	case ModeV3, ModeV2:
		p.wechatIDs(w)
		for _, u := range []struct{ field, v string }{{"wechat.base_url", w.BaseURL}, {"wechat.backup_url", w.BackupURL}} {
			if pu, err := url.Parse(u.v); err != nil || pu.Scheme != "https" || pu.Host == "" {
				p.bad(u.field, "must be an https:// URL, got %q", u.v)
			}
		}
	default:
		p.bad("wechat.mode", "must be \"sandbox\", \"v3\" or \"v2\", got %q", w.Mode)
	}
	switch w.Mode {
	case ModeV3:
		p.wechatV3(w)
	case ModeV2:
		p.wechatV2(w)
	}
	if w.Timeout.Duration < time.Second || w.Timeout.Duration > 2*time.Minute {
		p.bad("wechat.timeout", "must be between 1s and 2m, got %s", w.Timeout.Duration)
	}
}

// wechatIDs checks who the store is: a direct merchant (appid, mchid) or a
// service provider's sub-merchant (sp_appid, sp_mchid, sub_mchid, optional
// sub_appid), never a mix.
func (p *problems) wechatIDs(w WeChat) {
	if !w.Partner() {
		if !validAppID(w.AppID) {
			p.bad("wechat.appid", "must look like wx followed by 16 hex digits, got %q", w.AppID)
		}
		if !validMchID(w.MchID) {
			p.bad("wechat.mchid", "must be the 8–10 digit merchant number, got %q", w.MchID)
		}
		for _, f := range []struct{ field, v string }{{"wechat.sp_appid", w.SpAppID}, {"wechat.sub_mchid", w.SubMchID}, {"wechat.sub_appid", w.SubAppID}} {
			if f.v != "" {
				p.bad(f.field, "is for a service provider's sub-merchant: set sp_mchid too (and leave appid and mchid empty), or remove it")
			}
		}
		return
	}
	for _, f := range []struct{ field, v string }{{"wechat.appid", w.AppID}, {"wechat.mchid", w.MchID}} {
		if f.v != "" {
			p.bad(f.field, "must be empty with sp_mchid: a sub-merchant is named by sub_mchid (and sub_appid), the provider by sp_mchid and sp_appid")
		}
	}
	if !validAppID(w.SpAppID) {
		p.bad("wechat.sp_appid", "must be the service provider's appid (wx followed by 16 hex digits), got %q", w.SpAppID)
	}
	if !validMchID(w.SpMchID) {
		p.bad("wechat.sp_mchid", "must be the service provider's 8–10 digit merchant number, got %q", w.SpMchID)
	}
	if !validMchID(w.SubMchID) {
		p.bad("wechat.sub_mchid", "must be the store's 8–10 digit sub-merchant number (特约商户号), got %q", w.SubMchID)
	}
	if w.SubAppID != "" && !validAppID(w.SubAppID) {
		p.bad("wechat.sub_appid", "must look like wx followed by 16 hex digits, or be left out, got %q", w.SubAppID)
	}
}

func (p *problems) wechatV3(w WeChat) {
	if w.MerchantSerialNo == "" {
		p.bad("wechat.merchant_serial_no", "required in mode v3 (the serial of your merchant API certificate)")
	}
	if w.MerchantPrivateKeyFile == "" {
		p.bad("wechat.merchant_private_key_file", "required in mode v3 (apiclient_key.pem)")
	}
	if w.APIv3KeyFile == "" {
		p.bad("wechat.apiv3_key_file", "required in mode v3 (a file holding the 32-character APIv3 key)")
	}
	if (w.PlatformPublicKeyID == "") != (w.PlatformPublicKeyFile == "") {
		p.bad("wechat.platform_public_key_id", "set both platform_public_key_id and platform_public_key_file, or neither (then platform certificates are used)")
	} else if w.PlatformPublicKeyID != "" && !strings.HasPrefix(w.PlatformPublicKeyID, "PUB_KEY_ID_") {
		p.bad("wechat.platform_public_key_id", "must start with PUB_KEY_ID_, got %q", w.PlatformPublicKeyID)
	}
}

func (p *problems) wechatV2(w WeChat) {
	if w.APIKeyFile == "" {
		p.bad("wechat.api_key_file", "required in mode v2 (a file holding the 32-character API key)")
	}
	if w.SignType != "MD5" && w.SignType != "HMAC-SHA256" {
		p.bad("wechat.sign_type", "must be MD5 or HMAC-SHA256, got %q", w.SignType)
	}
	if w.ClientP12File == "" && (w.ClientCertFile == "" || w.ClientKeyFile == "") {
		p.bad("wechat.client_cert_file", "mode v2 needs the merchant API certificate for refunds and reverses: client_cert_file + client_key_file, or client_p12_file")
	}
}

func (p *problems) payment(pm Payment) {
	if pm.PasswordPoll.Duration < time.Second {
		p.bad("payment.password_poll", "must be at least 1s, got %s", pm.PasswordPoll.Duration)
	}
	if pm.PasswordTimeout.Duration < 15*time.Second || pm.PasswordTimeout.Duration > 5*time.Minute {
		p.bad("payment.password_timeout", "must be between 15s (WeChat forbids an earlier reverse) and 5m, got %s", pm.PasswordTimeout.Duration)
	}
	if pm.QRExpiry.Duration < 5*time.Minute || pm.QRExpiry.Duration > 2*time.Hour {
		p.bad("payment.qr_expiry", "must be between 5m and 2h (WeChat's limits for time_expire), got %s", pm.QRExpiry.Duration)
	}
	if pm.MaxAmount.Fen > maxAmountCeilingFen {
		p.bad("payment.max_amount", "must be at most 999999.99 (the keypad's limit), got %s", receipt.Yuan(pm.MaxAmount.Fen))
	}
	if pm.ConfirmAbove.Fen > pm.MaxAmount.Fen {
		p.bad("payment.confirm_above", "must not be above payment.max_amount (%s), got %s", receipt.Yuan(pm.MaxAmount.Fen), receipt.Yuan(pm.ConfirmAbove.Fen))
	}
	if pm.DiscountMaxPercent < 1 || pm.DiscountMaxPercent > 100 {
		p.bad("payment.discount_max_percent", "must be a whole percentage from 1 to 100, got %d", pm.DiscountMaxPercent)
	}
	if pm.DiscountMaxAmount.Fen < 0 || pm.DiscountMaxAmount.Fen > pm.MaxAmount.Fen {
		p.bad("payment.discount_max_amount", "must be between 0.01 and payment.max_amount (%s), got %s", receipt.Yuan(pm.MaxAmount.Fen), receipt.Yuan(pm.DiscountMaxAmount.Fen))
	}
	if pm.DeleteLineAbove.Fen < 0 {
		p.bad("payment.delete_line_above", "must not be negative, got %s", receipt.Yuan(pm.DeleteLineAbove.Fen))
	}
}

func (p *problems) scanner(s Scanner) {
	switch s.Baud {
	case 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600:
	default:
		p.bad("scanner.baud", "must be a standard rate such as 9600 or 115200, got %d", s.Baud)
	}
	if s.MaxLen < 0 || s.MaxLen > 4096 {
		p.bad("scanner.max_len", "must be between 0 (default 128) and 4096, got %d", s.MaxLen)
	}
	if s.Parity != "N" && s.Parity != "E" && s.Parity != "O" {
		p.bad("scanner.parity", "must be N, E or O, got %q", s.Parity)
	}
	if s.StopBits != 1 && s.StopBits != 2 {
		p.bad("scanner.stop_bits", "must be 1 or 2, got %d", s.StopBits)
	}
	switch strings.ToUpper(s.Suffix) {
	case "CR", "LF", "CRLF", "ANY", "NONE":
	default:
		p.bad("scanner.suffix", "must be CR, LF, CRLF, any or none, got %q", s.Suffix)
	}
}

// replica refuses a password in the DSN (replica.password_file holds it)
// and half a client certificate.
func (p *problems) replica(r Replica) {
	if r.DSN != "" {
		// pgx's own parser: every form of password it would read is refused.
		if _, err := pgdsn.Inspect(r.DSN); errors.Is(err, pgdsn.ErrPassword) {
			p.bad("replica.dsn", "must not contain the password: put it in replica.password_file (or PGPASSFILE / ~/.pgpass)")
		} else if err != nil {
			p.bad("replica.dsn", "%v", err)
		}
	}
	if (r.CertFile == "") != (r.KeyFile == "") {
		p.bad("replica.cert_file", "set both cert_file and key_file for a client certificate, or neither")
	}
}

type keyFile struct{ field, path string }

func (c *Config) keyFiles() []keyFile {
	w := c.WeChat
	all := []keyFile{
		{"wechat.merchant_private_key_file", w.MerchantPrivateKeyFile},
		{"wechat.apiv3_key_file", w.APIv3KeyFile},
		{"wechat.api_key_file", w.APIKeyFile},
		{"wechat.client_key_file", w.ClientKeyFile},
		{"wechat.client_p12_file", w.ClientP12File},
		{"replica.password_file", c.Replica.PasswordFile},
		{"replica.key_file", c.Replica.KeyFile},
	}
	var out []keyFile
	for _, f := range all {
		if f.path != "" {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].field < out[j].field })
	return out
}

// checkSecretFile confirms a key file exists and warns when other users can
// read it. Only metadata is read here; the content is loaded by the client.
func checkSecretFile(field, path string) (Warning, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", &FieldError{Field: field, Problem: fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))}
	}
	if fi.IsDir() {
		return "", &FieldError{Field: field, Problem: path + " is a directory, not a key file"}
	}
	// On Windows the mode bits say nothing about who can read a file (every
	// writable file is 0666; ACLs decide, and %AppData% is the user's own):
	// the warning would be noise there, with a chmod that does not exist.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return Warning(fmt.Sprintf("%s: %s is readable by other users (mode %v); run: chmod 600 %s", field, path, fi.Mode().Perm(), path)), nil
	}
	return "", nil
}

func (c *Config) resolvePaths(dir string) {
	for _, p := range []*string{
		&c.WeChat.MerchantPrivateKeyFile, &c.WeChat.APIv3KeyFile, &c.WeChat.PlatformPublicKeyFile,
		&c.WeChat.APIKeyFile, &c.WeChat.ClientCertFile, &c.WeChat.ClientKeyFile, &c.WeChat.ClientP12File,
		&c.WeChat.SandboxProfile, &c.WeChat.CAFile, &c.DataDir,
		&c.Replica.PasswordFile, &c.Replica.CAFile, &c.Replica.CertFile, &c.Replica.KeyFile,
		&c.Backup.Dir, &c.Display.Image,
	} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// ResolveDataDir returns the data directory: the override if given, else
// the configured one, else the default of the mode: <user config
// dir>/wxpos/data for live books, <user config dir>/wxpos/training for
// training, so that practice sales never share a database with live ones.
func (c *Config) ResolveDataDir(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	if c.DataDir != "" {
		return c.DataDir, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set data_dir in the config or pass --data: %w", err)
	}
	if c.Training() {
		return filepath.Join(dir, "wxpos", "training"), nil
	}
	return filepath.Join(dir, "wxpos", "data"), nil
}

// TrainingDataDirHint is the default training data directory, for messages
// ("<user config dir>/wxpos/training" when there is no user config dir).
func TrainingDataDirHint() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "<user config dir>/wxpos/training"
	}
	return filepath.Join(dir, "wxpos", "training")
}

// Training reports whether the terminal moves no real money.
func (c *Config) Training() bool { return c.WeChat.Mode == ModeSandbox }
