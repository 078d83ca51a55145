package cli

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/pkcs12"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// Level grades one doctor finding.
type Level string

// Finding levels.
const (
	LevelOK   Level = "OK"
	LevelInfo Level = "INFO"
	LevelWarn Level = "WARN"
	LevelFail Level = "FAIL"
)

// Finding is one result of a check: what was looked at, what is wrong and
// how to fix it. The settings screen shows the same findings when keys are
// imported.
type Finding struct {
	Level  Level
	Topic  string
	Detail string
	Fix    string
}

// MaxSkew is the clock difference at which WeChat Pay v3 refuses signed
// requests (the timestamp must be within five minutes of its clock).
const MaxSkew = 5 * time.Minute

// warnSkew is where the doctor starts to warn.
const warnSkew = 30 * time.Second

func newDoctorCmd(g *globalFlags) *cobra.Command {
	var url string
	var timeout time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the configuration, key files, data directory and clock, and say how to fix problems",
		Long: "doctor checks what a terminal needs before it takes money: the config file, the merchant key\n" +
			"files (the private key matches the certificate serial, certificate dates, the APIv3 key is 32\n" +
			"characters), that the data directory is writable and the database opens, that a manager exists,\n" +
			"the scanner and printer devices, replication to the [replica] PostgreSQL server (how many events\n" +
			"wait and for how long), the clock against the WeChat Pay server's Date header, and — with a\n" +
			"merchant configured — one harmless signed call (a query for an order number that cannot exist,\n" +
			"answered \"order does not exist\" with a signature it verifies), which proves the key, serial,\n" +
			"mchid, WeChat Pay public key, TLS trust and network together.\n" +
			"It exits 1 when any check fails.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			scope := doctorScope{config: g.config, dataDir: g.dataDir}
			if w := g.served; w != nil {
				// The window's own configuration and database, open here.
				db, err := w.Store()
				if err != nil {
					return err
				}
				scope = doctorScope{config: w.Config.Path, dataDir: w.DataDir, db: db}
			} else if _, _, _, dir, err := g.load(); err == nil {
				if done, err := forward(cmd, dir); done {
					return err
				}
			}
			findings := runDoctor(cmd.Context(), scope, url, timeout)
			fails, err := printFindings(cmd.OutOrStdout(), asJSON, findings)
			if err != nil {
				return err
			}
			if fails > 0 {
				err := fmt.Errorf("doctor: %d problem(s) to fix", fails)
				if asJSON {
					err = nil // the object says it; stdout stays one object
				}
				return &ExitError{Code: ExitFailure, Err: err}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: every finding, and the counts")
	cmd.Flags().StringVar(&url, "url", "", "server `URL` for the clock check (default: the configured WeChat base URL)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "deadline of the clock check and of the replica probe")
	return cmd
}

// doctorJSON is what doctor --json prints.
type doctorJSON struct {
	OK       bool          `json:"ok"` // no failure (warnings allowed)
	Fails    int           `json:"fails"`
	Warnings int           `json:"warnings"`
	Findings []findingJSON `json:"findings"`
}

type findingJSON struct {
	Level  string `json:"level"` // ok, info, warn, fail
	Topic  string `json:"topic"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// printFindings prints the doctor's findings, each with its fix, and the
// verdict, or one JSON object; it returns how many failed.
func printFindings(w io.Writer, asJSON bool, findings []Finding) (int, error) {
	j := doctorJSON{Findings: []findingJSON{}}
	for _, f := range findings {
		switch f.Level {
		case LevelFail:
			j.Fails++
		case LevelWarn:
			j.Warnings++
		}
		j.Findings = append(j.Findings, findingJSON{Level: strings.ToLower(string(f.Level)),
			Topic: f.Topic, Detail: f.Detail, Fix: f.Fix})
	}
	j.OK = j.Fails == 0
	if asJSON {
		return j.Fails, writeJSON(w, j)
	}
	for _, f := range findings {
		fmt.Fprintf(w, "%-4s  %-22s %s\n", f.Level, f.Topic, f.Detail)
		if f.Fix != "" && f.Level != LevelOK {
			fmt.Fprintf(w, "      %-22s fix: %s\n", "", f.Fix)
		}
	}
	if j.Fails > 0 {
		return j.Fails, nil
	}
	msg := "all checks passed"
	if j.Warnings > 0 {
		msg = fmt.Sprintf("no failures, %d warning(s)", j.Warnings)
	}
	_, err := fmt.Fprintln(w, msg)
	return 0, err
}

// doctorScope is what the doctor looks at: the config file and data
// directory named on the command line ("" for the defaults), and the
// database when this process already holds it (the window serving a CLI).
type doctorScope struct {
	config, dataDir string
	db              *storage.Store
}

func runDoctor(ctx context.Context, g doctorScope, url string, timeout time.Duration) []Finding {
	var out []Finding
	path, explicit := g.config, g.config != ""
	if !explicit {
		p, err := config.DefaultPath()
		if err != nil {
			return append(out, Finding{LevelFail, "config", err.Error(), "pass --config FILE"})
		}
		path = p
	}
	cfg, warnings, err := config.Load(path, explicit)
	if err != nil {
		out = append(out, Finding{LevelFail, "config", err.Error(), "edit " + path + " and correct the settings named above"})
		cfg = nil
	} else {
		where := path
		if cfg.Path == "" {
			where = path + " (absent: defaults, training mode)"
		}
		out = append(out, Finding{LevelOK, "config", where + ", mode " + string(cfg.WeChat.Mode), ""})
		for _, w := range warnings {
			field, fix, _ := strings.Cut(string(w), "; run: ")
			out = append(out, Finding{LevelWarn, "key file permissions", field, fix})
		}
	}
	if cfg != nil {
		out = append(out, CheckKeyFiles(cfg.WeChat, time.Now())...)
	}

	dataDir := g.dataDir
	if cfg != nil {
		if d, err := cfg.ResolveDataDir(g.dataDir); err == nil {
			dataDir = d
		}
	}
	if dataDir != "" {
		want := storage.Mode("")
		if cfg != nil {
			want = map[bool]storage.Mode{true: storage.ModeTraining, false: storage.ModeLive}[cfg.Training()]
		}
		out = append(out, checkDataDir(dataDir, want, g.db)...)
	}
	if cfg != nil {
		out = append(out, checkDevices(cfg)...)
		if url == "" {
			url = cfg.WeChat.BaseURL
		}
	}
	if cfg != nil {
		out = append(out, checkReplica(ctx, cfg, dataDir, timeout, g.db)...)
		out = append(out, checkNotify(cfg)...)
	}
	client := http.DefaultClient
	if cfg != nil {
		client = doctorHTTPClient(cfg.WeChat)
	}
	if url == "" {
		out = append(out, Finding{LevelInfo, "clock", "training mode: no WeChat server to compare with", "pass --url https://api.mch.weixin.qq.com to check anyway"})
	} else {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		out = append(out, CheckClock(cctx, client, url, time.Now))
		cancel()
	}
	if cfg != nil && !cfg.Training() {
		f := CheckSignedCall(ctx, cfg.WeChat, timeout)
		if f.Level == LevelOK {
			// WeChat Pay accepted the signature: the key belongs to the
			// serial, whatever a missing apiclient_cert.pem left open.
			for i := range out {
				if out[i].Topic == "key matches serial" && out[i].Level == LevelWarn {
					out[i] = Finding{LevelOK, out[i].Topic, "proven by the signed call", ""}
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// CheckClock compares the local clock with the Date header of a HEAD
// request to url (any status will do). ctx must carry the deadline.
func CheckClock(ctx context.Context, client *http.Client, url string, now func() time.Time) Finding {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return Finding{LevelFail, "clock", fmt.Sprintf("bad URL %q: %v", url, err), "fix wechat.base_url"}
	}
	before := now()
	resp, err := client.Do(req)
	after := now()
	if err != nil {
		// The same diagnosis as the signed call: an untrusted certificate
		// is not a network problem.
		f := networkFinding(url, err)
		return Finding{LevelWarn, "clock", "not checked: " + f.Detail, f.Fix}
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	server, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return Finding{LevelWarn, "clock", url + " sent no usable Date header", "check again against https://api.mch.weixin.qq.com"}
	}
	local := before.Add(after.Sub(before) / 2)
	skew := local.Sub(server).Round(time.Second) // Date has one-second resolution
	abs := skew.Abs()
	detail := fmt.Sprintf("local clock is %s %s the server (round trip %s)", abs, map[bool]string{true: "ahead of", false: "behind"}[skew > 0],
		after.Sub(before).Round(time.Millisecond))
	if abs <= time.Second {
		detail = "in step with the server"
	}
	fix := "turn on network time: timedatectl set-ntp true (Linux) or Settings › Time › Set automatically (Windows)"
	switch {
	case abs >= MaxSkew:
		return Finding{LevelFail, "clock", detail + ": WeChat Pay v3 refuses requests past 5 minutes", fix}
	case abs >= warnSkew:
		return Finding{LevelWarn, "clock", detail, fix}
	}
	return Finding{LevelOK, "clock", detail, ""}
}

// CheckKeyFiles checks the merchant key files named in w: that they parse,
// that the private key belongs to the certificate with the configured
// serial, the certificates' dates, and the length of the APIv3/API key.
// For v3 the merchant certificate is looked for as apiclient_cert.pem next
// to the private key (WeChat's download names it so); without it the
// key ↔ serial match cannot be confirmed.
func CheckKeyFiles(w config.WeChat, now time.Time) []Finding {
	var out []Finding
	switch w.Mode {
	case config.ModeSandbox:
		return append(out, Finding{LevelInfo, "merchant keys", "training mode: the sandbox makes its own keys", ""})
	case config.ModeV3:
		key, f := loadKey("merchant private key", w.MerchantPrivateKeyFile)
		out = append(out, f)
		certPath := filepath.Join(filepath.Dir(w.MerchantPrivateKeyFile), "apiclient_cert.pem")
		if _, err := os.Stat(certPath); err != nil {
			out = append(out, Finding{LevelWarn, "key matches serial", "no apiclient_cert.pem next to the key: cannot confirm the key belongs to serial " + w.MerchantSerialNo,
				"copy apiclient_cert.pem from the merchant platform download into " + filepath.Dir(w.MerchantPrivateKeyFile)})
		} else {
			out = append(out, checkCertFile("merchant certificate", certPath, key, w.MerchantSerialNo, now)...)
		}
		out = append(out, checkSecretLen("APIv3 key", w.APIv3KeyFile,
			"copy the 32-character APIv3 key from 商户平台 › 账户中心 › API安全 into the file, nothing else (a trailing newline is fine)")...)
		if w.PlatformPublicKeyFile != "" {
			data, err := os.ReadFile(w.PlatformPublicKeyFile)
			if err == nil {
				_, err = wechat.ParsePublicKeyPEM(data)
			}
			if err != nil {
				out = append(out, Finding{LevelFail, "WeChat Pay public key", err.Error(), "download the 微信支付公钥 (pub_key.pem) again and point platform_public_key_file at it"})
			} else {
				out = append(out, Finding{LevelOK, "WeChat Pay public key", w.PlatformPublicKeyID, ""})
			}
		} else {
			out = append(out, Finding{LevelInfo, "WeChat Pay public key", "not set: responses are verified with downloaded platform certificates", ""})
		}
	case config.ModeV2:
		out = append(out, checkSecretLen("API key", w.APIKeyFile,
			"copy the 32-character API key (v2) from 商户平台 › 账户中心 › API安全 into the file")...)
		switch {
		case w.ClientP12File != "":
			data, err := os.ReadFile(w.ClientP12File)
			if err != nil {
				out = append(out, Finding{LevelFail, "client certificate", err.Error(), "check client_p12_file"})
				break
			}
			k, cert, err := pkcs12.Decode(data, w.MchID)
			if err != nil {
				out = append(out, Finding{LevelFail, "client certificate", "apiclient_cert.p12: " + err.Error(), "the .p12 password is the mchid; download the certificate again if it still fails"})
				break
			}
			rk, _ := k.(*rsa.PrivateKey)
			out = append(out, certFindings("client certificate", cert, rk, "", now)...)
		default:
			key, f := loadKey("client key", w.ClientKeyFile)
			out = append(out, f)
			out = append(out, checkCertFile("client certificate", w.ClientCertFile, key, "", now)...)
		}
	}
	return out
}

func loadKey(topic, path string) (*rsa.PrivateKey, Finding) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Finding{LevelFail, topic, err.Error(), "point the setting at apiclient_key.pem"}
	}
	k, err := wechat.ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, Finding{LevelFail, topic, path + ": " + err.Error(), "use apiclient_key.pem from the certificate tool, not the certificate or a public key"}
	}
	if k.N.BitLen() < 2048 {
		return k, Finding{LevelWarn, topic, fmt.Sprintf("%d-bit RSA key", k.N.BitLen()), "WeChat Pay issues 2048-bit keys; apply for a new certificate"}
	}
	return k, Finding{LevelOK, topic, fmt.Sprintf("%s (RSA %d)", path, k.N.BitLen()), ""}
}

func checkCertFile(topic, path string, key *rsa.PrivateKey, serial string, now time.Time) []Finding {
	data, err := os.ReadFile(path)
	if err != nil {
		return []Finding{{LevelFail, topic, err.Error(), "point the setting at apiclient_cert.pem"}}
	}
	cert, err := wechat.ParseCertificatePEM(data)
	if err != nil {
		return []Finding{{LevelFail, topic, path + ": " + err.Error(), "use apiclient_cert.pem from the merchant platform"}}
	}
	return certFindings(topic, cert, key, serial, now)
}

// certFindings checks a certificate's serial, its key pair and its dates.
func certFindings(topic string, cert *x509.Certificate, key *rsa.PrivateKey, serial string, now time.Time) []Finding {
	var out []Finding
	got := wechat.CertificateSerial(cert)
	if serial != "" {
		if !strings.EqualFold(got, serial) {
			out = append(out, Finding{LevelFail, "key matches serial", fmt.Sprintf("merchant_serial_no is %s but the certificate's serial is %s", serial, got),
				"set merchant_serial_no = \"" + got + "\" (or use the certificate that goes with that serial)"})
		} else {
			out = append(out, Finding{LevelOK, "key matches serial", "certificate serial " + got, ""})
		}
	}
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && key != nil {
		if !pub.Equal(&key.PublicKey) {
			out = append(out, Finding{LevelFail, topic, "the private key does not belong to this certificate",
				"use the apiclient_key.pem generated together with this certificate"})
		}
	}
	switch days := int(cert.NotAfter.Sub(now).Hours() / 24); {
	case now.Before(cert.NotBefore):
		out = append(out, Finding{LevelFail, topic, "not valid before " + tz.Date(cert.NotBefore), "check the clock, or wait"})
	case now.After(cert.NotAfter):
		out = append(out, Finding{LevelFail, topic, "expired on " + tz.Date(cert.NotAfter),
			"renew the API certificate in 商户平台 › 账户中心 › API安全 and import the new files"})
	case days < 30:
		out = append(out, Finding{LevelWarn, topic, fmt.Sprintf("expires in %d days (%s)", days, tz.Date(cert.NotAfter)),
			"renew the API certificate in 商户平台 › 账户中心 › API安全 before it expires"})
	default:
		out = append(out, Finding{LevelOK, topic, "valid until " + tz.Date(cert.NotAfter), ""})
	}
	return out
}

// checkSecretLen checks that a key file holds exactly 32 bytes (ignoring a
// final newline). The key itself is never printed.
func checkSecretLen(topic, path, fix string) []Finding {
	data, err := os.ReadFile(path)
	if err != nil {
		return []Finding{{LevelFail, topic, err.Error(), fix}}
	}
	k := strings.TrimRight(string(data), "\r\n")
	if len(k) != 32 {
		return []Finding{{LevelFail, topic, fmt.Sprintf("%s holds %d characters; the key is exactly 32", path, len(k)), fix}}
	}
	if strings.TrimSpace(k) != k {
		return []Finding{{LevelFail, topic, path + " has spaces around the key", fix}}
	}
	return []Finding{{LevelOK, topic, "32 characters", ""}}
}

// checkDataDir checks that dir is writable and its database opens, holds
// the books of mode want ("" when the config is unknown) and has a manager.
// held is the database when this process holds it (nil: open it here).
func checkDataDir(dir string, want storage.Mode, held *storage.Store) []Finding {
	var out []Finding
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return append(out, Finding{LevelFail, "data directory", err.Error(), "create " + dir + " and make it writable by this user, or pass --data DIR"})
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return append(out, Finding{LevelFail, "data directory", dir + " is not writable: " + errors.Unwrap(err).Error(),
			"chown/chmod " + dir + " for the user running wxpos, or pass --data DIR"})
	}
	name := f.Name()
	_, werr := f.Write([]byte("ok"))
	serr := f.Sync()
	f.Close()
	os.Remove(name)
	if err := errors.Join(werr, serr); err != nil {
		return append(out, Finding{LevelFail, "data directory", dir + ": " + err.Error(), "check the disk (full? read-only?)"})
	}
	out = append(out, Finding{LevelOK, "data directory", dir + " is writable", ""})
	path := filepath.Join(dir, "wxpos.db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return append(out, Finding{LevelInfo, "database", "not created yet (the first start creates it)", ""})
	}
	db, err := openForDoctor(path, held)
	switch {
	case errors.Is(err, storage.ErrLocked):
		return append(out, Finding{LevelInfo, "database", "in use by a running wxpos (fine); close it to check users", ""})
	case err != nil:
		return append(out, Finding{LevelFail, "database", err.Error(), "restore the latest backup: wxpos restore FILE (the damaged file is kept aside)"})
	}
	if db != held {
		defer db.Close()
	}
	switch have, err := db.Mode(); {
	case err != nil:
		return append(out, Finding{LevelFail, "database", err.Error(), "restore the latest backup (wxpos backup) into " + path})
	case want != "" && have != "" && have != want:
		return append(out, Finding{LevelFail, "database", fmt.Sprintf("%s holds %s books; this configuration keeps %s books", path, have, want),
			"training and live books never share a database: give this configuration its own data directory (data_dir or --data)"})
	}
	out = append(out, Finding{LevelOK, "database", path, ""})
	if need, err := staffstore.New(db, nil).NeedsSetup(); err == nil && need {
		out = append(out, Finding{LevelWarn, "staff", "no manager yet: refunds and closing the day are impossible", "wxpos staff setup NAME (PIN twice on stdin), or start the app"})
	} else if err == nil {
		out = append(out, Finding{LevelOK, "staff", "a manager exists", ""})
	}
	return out
}

func checkDevices(cfg *config.Config) []Finding {
	var out []Finding
	if p := cfg.Scanner.Port; p != "" {
		if _, err := os.Stat(p); err != nil && !strings.HasPrefix(strings.ToUpper(p), "COM") {
			out = append(out, Finding{LevelWarn, "scanner", p + " not found", "plug the scanner in, or run wxpos scanner list and set scanner.port"})
		} else {
			out = append(out, Finding{LevelOK, "scanner", p, ""})
		}
	}
	if t := cfg.Printer.Target; strings.HasPrefix(t, "usb:") || strings.HasPrefix(t, "serial:") {
		dev := strings.TrimPrefix(strings.TrimPrefix(t, "usb:"), "serial:")
		dev, _, _ = strings.Cut(dev, ":")
		if _, err := os.Stat(dev); err != nil {
			out = append(out, Finding{LevelWarn, "printer", dev + " not found", "switch the printer on and check the cable, or set printer.target"})
		} else {
			out = append(out, Finding{LevelOK, "printer", t, ""})
		}
	}
	return out
}

// checkNotify says what WeChat needs for notifications: Native prepay
// requires a usable notify_url, so a live terminal without [notify] url
// refuses QR payments (paygate.ErrNoNotifyURL); training names its own
// loopback receiver, which only the training sandbox accepts.
func checkNotify(cfg *config.Config) []Finding {
	if cfg.Notify.URL != "" {
		return []Finding{{LevelOK, "notifications", "notify_url " + cfg.Notify.URL, ""}}
	}
	if cfg.WeChat.Mode == config.ModeSandbox {
		return []Finding{{LevelInfo, "notifications", "no [notify] url: QR payments are confirmed by polling", ""}}
	}
	return []Finding{{LevelWarn, "notifications", "no [notify] url: QR (Native) payments are refused — WeChat Pay requires a public https notify_url with each",
		"set [notify] url to the https address of `wxpos notify serve` (or [notify] listen) behind your reverse proxy"}}
}

// WarnLag is the replication lag at which the doctor warns: events older
// than this have not reached the store's PostgreSQL server.
const WarnLag = 5 * time.Minute

// checkReplica reports replication to the [replica] server: the terminal's
// event log against what PostgreSQL holds (replica.Probe).
func checkReplica(ctx context.Context, cfg *config.Config, dataDir string, timeout time.Duration, held *storage.Store) []Finding {
	rc := ReplicaConfig(cfg.Replica)
	if !rc.Enabled() {
		return []Finding{{LevelInfo, "replication", "no [replica] dsn: this terminal does not replicate", ""}}
	}
	tlsF, ok := ReplicaTLSFinding(rc)
	if !ok {
		return []Finding{tlsF}
	}
	return append([]Finding{tlsF}, checkReplicaLog(ctx, rc, cfg, dataDir, timeout, held)...)
}

// ReplicaTLSFinding says how the terminal reaches PostgreSQL: OK with
// verified TLS or on this machine, WARN while insecure_tls accepts less,
// FAIL (ok false) for a configuration that cannot be used.
func ReplicaTLSFinding(rc replica.Config) (Finding, bool) {
	st, err := rc.TLS()
	switch {
	case err != nil:
		return Finding{LevelFail, "replication", err.Error(), "fix the [replica] settings named above"}, false
	case st.OptIn:
		return Finding{LevelWarn, "replica TLS", st.String(),
			"anyone on the path can read or change what this terminal sends: use sslmode=verify-full (or ca_file) and remove insecure_tls"}, true
	}
	return Finding{LevelOK, "replica TLS", st.String(), ""}, true
}

func checkReplicaLog(ctx context.Context, rc replica.Config, cfg *config.Config, dataDir string, timeout time.Duration, held *storage.Store) []Finding {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pool, err := replica.Connect(ctx, rc)
	if err != nil {
		return []Finding{{LevelFail, "replication", err.Error(), "fix the [replica] settings named above"}}
	}
	defer pool.Close()
	storeID, termID := cfg.Store.ID, cfg.Store.TerminalID
	path := filepath.Join(dataDir, "wxpos.db")
	db, err := openForDoctor(path, held)
	if err != nil {
		// In use by the running terminal (its status bar shows the lag) or
		// not created yet: say what the server has.
		seq, rerr := replica.RemoteSeq(ctx, pool, storeID, termID)
		if rerr != nil {
			return []Finding{ReplicaFinding(replica.Status{StoreID: storeID, TerminalID: termID, Err: rerr}, time.Now())}
		}
		return []Finding{{LevelInfo, "replication", fmt.Sprintf("PostgreSQL holds events up to %d of %s/%s; the local log cannot be read now (%v)",
			seq, storeID, termID, err), "the running wxpos shows the lag in its status bar"}}
	}
	if db != held {
		defer db.Close()
	}
	return []Finding{ReplicaFinding(replica.Probe(ctx, db, pool, storeID, termID), time.Now())}
}

// ReplicaFinding grades a replication status at now: FAIL when
// replication stopped for a person to fix (another history under this
// terminal id), WARN when the server cannot be reached or events have
// waited WarnLag or more, OK otherwise. The detail is Status.Summary with
// the sequence numbers.
func ReplicaFinding(st replica.Status, now time.Time) Finding {
	detail := fmt.Sprintf("%s (local %d, replicated %d)", st.Summary(now), st.LocalSeq, st.PushedSeq)
	var ce *replica.ConflictError
	switch {
	case errors.As(st.Err, &ce):
		return Finding{LevelFail, "replication", fmt.Sprintf("HQ: stopped: %s (local %d, replicated %d)", ce.What, st.LocalSeq, st.PushedSeq),
			ce.Repair() + "; a second counter with this id gets its own store.terminal_id first"}
	case errors.Is(st.Err, replica.ErrConflict):
		return Finding{LevelFail, "replication", detail,
			"another database replicates as " + st.StoreID + "/" + st.TerminalID + ": give this terminal its own store.terminal_id, or restore its own database"}
	case st.Err != nil:
		return Finding{LevelWarn, "replication", detail,
			"check the network and the PostgreSQL server; events wait locally and are sent when it is back"}
	case st.Lag(now) >= WarnLag:
		return Finding{LevelWarn, "replication", detail, "is wxpos running? the worker sends waiting events while the window is open, or run wxpos replicate --once"}
	}
	return Finding{LevelOK, "replication", detail, ""}
}

// openForDoctor opens the database at path read-only, or returns held when
// this process already holds it (bbolt's lock would refuse a second open).
func openForDoctor(path string, held *storage.Store) (*storage.Store, error) {
	if held != nil {
		return held, nil
	}
	return storage.Open(path, &storage.Options{Timeout: 500 * time.Millisecond, ReadOnly: true})
}
