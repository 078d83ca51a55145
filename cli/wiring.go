package cli

// This file is where the terminal is put together: every part (the
// database, the WeChat connection, the payment core, the scanner, the
// printer, replication, the bill worker, the window's back end) is built
// here as a method of Env, once per process, and closed with it. Commands
// ask Env for the parts they need; the window asks for Window. A new device
// is one more method here (and, if the window shows it, one more field of
// counter.Window and one Option in main's window.go).

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/poledisplay"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/scanner"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/ui/view"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// WeChat is the terminal's connection to WeChat Pay for the configured mode.
// Exactly one of V3 and V2 is set. In training mode Profile describes the
// sandbox in use, and Sandbox is set when it runs inside this process.
type WeChat struct {
	Mode    config.Mode
	V3      *wechat.Client
	V2      *wechat.V2Client
	Gateway pos.Gateway
	Profile *sandbox.Profile
	Sandbox *sandbox.Server
}

// WeChat connects to WeChat Pay once per environment: the real service (v3
// or v2, keys from the files the config names), an external sandbox (a
// profile file), or — training mode without a profile — a sandbox started
// here on loopback, its keys and ledger kept in <data>/sandbox so that
// `wxpos pay` then `wxpos query` agree across runs. The terminal always talks
// to it through the real client over HTTP.
func (e *Env) WeChat(ctx context.Context) (*WeChat, error) {
	if e.window != nil {
		return e.window.WeChat(ctx)
	}
	e.mu.Lock()
	if e.wechat != nil {
		defer e.mu.Unlock()
		return e.wechat, nil
	}
	e.mu.Unlock()
	w, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.wechat = w
	return w, nil
}

func (e *Env) connect(ctx context.Context) (*WeChat, error) {
	c := e.Config.WeChat
	common := []wechat.Option{wechat.WithLogger(e.Logger), wechat.WithTimeout(c.Timeout.Duration)}
	if mb := e.Config.Bill.MaxSizeMB; mb > 0 {
		common = append(common, wechat.WithMaxBillSize(int64(mb)<<20))
	}
	switch c.Mode {
	case config.ModeSandbox:
		var (
			p   *sandbox.Profile
			srv *sandbox.Server
			err error
		)
		if c.SandboxProfile != "" {
			if p, err = sandbox.LoadProfile(c.SandboxProfile); err != nil {
				return nil, fmt.Errorf("sandbox profile: %w", err)
			}
		} else if srv, p, err = e.startSandbox(ctx); err != nil {
			return nil, err
		}
		v3, err := clientFromProfile(p, common)
		if err != nil {
			return nil, fmt.Errorf("sandbox client: %w", err)
		}
		return &WeChat{Mode: c.Mode, V3: v3, Gateway: paygate.NewV3(v3, paygate.Options{NotifyURL: e.trainingNotifyURL()}), Profile: p, Sandbox: srv}, nil
	case config.ModeV3:
		v3, err := v3FromConfig(c, common)
		if err != nil {
			return nil, err
		}
		return &WeChat{Mode: c.Mode, V3: v3, Gateway: paygate.NewV3(v3, paygate.Options{NotifyURL: e.Config.Notify.URL})}, nil
	case config.ModeV2:
		v2, err := v2FromConfig(c, common)
		if err != nil {
			return nil, err
		}
		return &WeChat{Mode: c.Mode, V2: v2, Gateway: paygate.NewV2(v2, paygate.Options{NotifyURL: e.Config.Notify.URL})}, nil
	}
	return nil, fmt.Errorf("wechat.mode %q is not supported", c.Mode)
}

// startSandbox serves the simulator on a loopback port for as long as the
// environment lives.
// The training sandbox takes loopback notify_urls (NotifyLoopback), which
// the real service would never reach: it runs on this machine, and so does
// the receiver it delivers to.
func (e *Env) startSandbox(ctx context.Context) (*sandbox.Server, *sandbox.Profile, error) {
	dir := e.trainingSandboxDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("sandbox data: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox listener: %w", err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := sandbox.New(sandbox.Options{DataDir: dir, BaseURL: base, Logger: e.Logger, NotifyLoopback: true})
	if err != nil {
		ln.Close()
		return nil, nil, fmt.Errorf("sandbox: %w", err)
	}
	hs, capped := sandbox.Listen(ln, srv, sandbox.DefaultLimits())
	go hs.Serve(capped)
	// `wxpos training` in another shell finds this simulator here.
	listening := filepath.Join(dir, listeningFile)
	if err := os.WriteFile(listening, []byte(base+"\n"), 0o600); err != nil {
		e.Logger.Warn("training sandbox: cannot tell other commands where it listens", "err", err)
	}
	e.OnClose(func() error {
		if b, err := os.ReadFile(listening); err == nil && strings.TrimSpace(string(b)) == base {
			os.Remove(listening)
		}
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err := hs.Shutdown(sctx)
		// The ledger's file lock goes with it, so the next command (or
		// a restore) can open the directory.
		if cerr := srv.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if e.Config.Notify.Listen != "" {
		// A receiver runs here ([notify] listen): the simulator delivers to
		// it on WeChat's schedule, as the real service would.
		nctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { _ = srv.Run(nctx); close(done) }()
		e.OnClose(func() error { stop(); <-done; return nil })
	}
	p := srv.Profile(base)
	e.Logger.Info("training sandbox listening", "base_url", base, "data", dir)
	return srv, &p, nil
}

// trainingNoReceiverURL is the notify_url of training without a receiver
// of its own: a loopback address only the training sandbox accepts, where
// nothing listens and to which nothing is delivered (the training sandbox
// delivers only when [notify] listen is set). Payments are confirmed by
// polling, as they always are.
const trainingNoReceiverURL = "http://127.0.0.1/wxpos/notify/v3"

// trainingNotifyURL is the notify_url in training: [notify] url when set,
// else this terminal's own receiver at [notify] listen on loopback, else
// trainingNoReceiverURL. A live terminal sends only [notify] url, and
// without it makes no QR order (paygate.ErrNoNotifyURL).
func (e *Env) trainingNotifyURL() string {
	n := e.Config.Notify
	if n.URL != "" {
		return n.URL
	}
	host, port, err := net.SplitHostPort(n.Listen)
	if n.Listen == "" || err != nil {
		return trainingNoReceiverURL
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/notify/v3"
}

// clientFromProfile builds the v3 client a third party would build from a
// sandbox profile: public-key verification, the sandbox CA trusted when TLS.
func clientFromProfile(p *sandbox.Profile, common []wechat.Option) (*wechat.Client, error) {
	opts := append([]wechat.Option{
		wechat.WithBaseURL(p.BaseURL),
		wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)),
		wechat.WithV3Key(p.V3.APIV3Key),
		wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)),
	}, common...)
	if p.CACertPEM != "" {
		hc, err := trustingClient([]byte(p.CACertPEM))
		if err != nil {
			return nil, fmt.Errorf("profile ca_cert_pem: %w", err)
		}
		opts = append(opts, wechat.WithHTTPClient(hc))
	}
	return wechat.New(opts...)
}

// trustingClient is an HTTP client that trusts only the certificates in
// bundle (PEM) for the servers it reaches. Verification stays on: the
// bundle replaces the system roots, it never switches checking off.
func trustingClient(bundle []byte) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(bundle) {
		return nil, errors.New("no PEM certificate in it")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

// caClient is the HTTP client [wechat] ca_file asks for; nil when it is
// not set (the system roots are trusted).
func caClient(c config.WeChat) (*http.Client, error) {
	if c.CAFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, fmt.Errorf("wechat.ca_file: %w", err)
	}
	hc, err := trustingClient(b)
	if err != nil {
		return nil, fmt.Errorf("wechat.ca_file %s: %w", c.CAFile, err)
	}
	return hc, nil
}

// caOption applies [wechat] ca_file: no options when it is not set.
func caOption(c config.WeChat) ([]wechat.Option, error) {
	hc, err := caClient(c)
	if hc == nil || err != nil {
		return nil, err
	}
	return []wechat.Option{wechat.WithHTTPClient(hc)}, nil
}

// merchantOptions name who calls: the merchant, or the service provider
// acting for its sub-merchant (the store).
func merchantOptions(c config.WeChat) []wechat.Option {
	if c.Partner() {
		return []wechat.Option{wechat.WithMerchant(c.SpMchID, c.SpAppID), wechat.WithSubMerchant(c.SubMchID, c.SubAppID)}
	}
	return []wechat.Option{wechat.WithMerchant(c.MchID, c.AppID)}
}

func v3FromConfig(c config.WeChat, common []wechat.Option) (*wechat.Client, error) {
	key, err := readSecret("wechat.merchant_private_key_file", c.MerchantPrivateKeyFile)
	if err != nil {
		return nil, err
	}
	apiv3, err := readSecret("wechat.apiv3_key_file", c.APIv3KeyFile)
	if err != nil {
		return nil, err
	}
	opts := append([]wechat.Option{
		wechat.WithBaseURL(c.BaseURL),
		wechat.WithBackupURL(c.BackupURL),
		wechat.WithMerchantKey(c.MerchantSerialNo, key),
		wechat.WithV3Key(strings.TrimSpace(string(apiv3))),
	}, common...)
	opts = append(opts, merchantOptions(c)...)
	ca, err := caOption(c)
	if err != nil {
		return nil, err
	}
	opts = append(opts, ca...)
	if c.PlatformPublicKeyID != "" {
		pub, err := os.ReadFile(c.PlatformPublicKeyFile)
		if err != nil {
			return nil, fmt.Errorf("wechat.platform_public_key_file: %w", err)
		}
		opts = append(opts, wechat.WithWechatPayPublicKey(c.PlatformPublicKeyID, pub))
	} else {
		opts = append(opts, wechat.WithPlatformCertificates())
	}
	cl, err := wechat.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("wechat v3 client: %w", err)
	}
	return cl, nil
}

func v2FromConfig(c config.WeChat, common []wechat.Option) (*wechat.V2Client, error) {
	key, err := readSecret("wechat.api_key_file", c.APIKeyFile)
	if err != nil {
		return nil, err
	}
	opts := append([]wechat.Option{
		wechat.WithBaseURL(c.BaseURL),
		wechat.WithBackupURL(c.BackupURL),
		wechat.WithV2Key(strings.TrimSpace(string(key)), wechat.SignType(c.SignType)),
	}, common...)
	opts = append(opts, merchantOptions(c)...)
	ca, err := caOption(c)
	if err != nil {
		return nil, err
	}
	opts = append(opts, ca...)
	if c.ClientP12File != "" {
		p12, err := readSecret("wechat.client_p12_file", c.ClientP12File)
		if err != nil {
			return nil, err
		}
		// WeChat issues the .p12 with the merchant number as its password
		// (the service provider's, whose certificate it is).
		password := c.MchID
		if c.Partner() {
			password = c.SpMchID
		}
		opts = append(opts, wechat.WithClientPKCS12(p12, password))
	} else {
		cert, err := os.ReadFile(c.ClientCertFile)
		if err != nil {
			return nil, fmt.Errorf("wechat.client_cert_file: %w", err)
		}
		ckey, err := readSecret("wechat.client_key_file", c.ClientKeyFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, wechat.WithClientCertificate(cert, ckey))
	}
	cl, err := wechat.NewV2(opts...)
	if err != nil {
		return nil, fmt.Errorf("wechat v2 client: %w", err)
	}
	return cl, nil
}

// readSecret reads a key file; errors name the setting, never the content.
func readSecret(field, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return b, nil
}

// Terminal builds the payment core on the terminal database and the
// configured WeChat connection, and starts its recovery worker (unless
// the command is that worker). It is built once per environment and closed
// with it.
func (e *Env) Terminal(ctx context.Context) (*pos.Terminal, error) {
	if e.window != nil {
		// The window's core, its recovery worker already running: a
		// served recover settles alongside it and counts the same.
		return e.window.Terminal(ctx)
	}
	e.mu.Lock()
	if e.terminal != nil {
		defer e.mu.Unlock()
		return e.terminal, nil
	}
	e.mu.Unlock()
	st, err := e.Store()
	if err != nil {
		return nil, err
	}
	w, err := e.WeChat(ctx)
	if err != nil {
		return nil, err
	}
	c := e.Config
	t, err := pos.New(posstore.New(st), w.Gateway, pos.Config{
		StoreID:       c.Store.ID,
		TerminalID:    c.Store.TerminalID,
		StoreName:     c.Store.Name,
		Training:      c.Training(),
		Logger:        e.Logger,
		Authorizer:    staffstore.PaymentAuthorizer{Dir: staffstore.New(st, nil)},
		Discounts:     pricing.Limits{MaxPercent: c.Payment.DiscountMaxPercent, MaxFen: c.Payment.DiscountMaxAmount.Fen},
		ScanPollEvery: c.Payment.PasswordPoll.Duration,
		ScanWait:      c.Payment.PasswordTimeout.Duration,
		QRTTL:         c.Payment.QRExpiry.Duration,
		CallTimeout:   c.WeChat.Timeout.Duration,
	})
	if err != nil {
		return nil, err
	}
	if !e.foreground {
		t.Start(ctx)
	}
	e.OnClose(t.Close)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.terminal = t
	return t, nil
}

// Window builds the cashier window's back end on this environment's parts:
// the payment core, the serial scanner (if configured), the receipt
// printer and its cash drawer, the manager's desk, the daily bill worker
// (started: it fetches after bill.fetch_after for as long as ctx lives),
// replication (if [replica] is configured), in training with the
// in-process simulator the simulated customer, the socket the CLI reaches
// the window by (Serve) and the scheduled backups (if [backup] is set).
func (e *Env) Window(ctx context.Context) (*counter.Window, error) {
	term, err := e.Terminal(ctx)
	if err != nil {
		return nil, err
	}
	w := &counter.Window{}
	var scan counter.ScannerStatus
	if e.Config.Scanner.Port != "" {
		sc, err := e.startScanner(ctx)
		if err != nil {
			return nil, err
		}
		scan = sc
		w.Codes = counter.ScanCodes(ctx, sc.Scans())
	}
	w.Checkout = counter.NewCheckout(term, e.Config.Training(), scan)
	cat, err := e.Catalog()
	if err != nil {
		return nil, err
	}
	w.Items = counter.NewItems(cat)

	var drawer counter.Drawer
	if p, err := e.receiptPrinter(); err != nil {
		return nil, err
	} else if p != nil {
		w.Printer = &counter.DocPrinter{Sink: p, Cols: e.paperColumns()}
		drawer = p
	}
	st, err := e.Store()
	if err != nil {
		return nil, err
	}
	dir := staffstore.New(st, nil)
	w.Till = counter.NewTill(shiftstore.New(st, dir, nil), dir)
	if w.Manager, err = e.managerDesk(ctx, term, drawer, w.Till.Cashier); err != nil {
		return nil, err
	}
	if err := e.startBill(ctx, w); err != nil {
		return nil, err
	}
	rw, err := e.startReplication(ctx)
	if err != nil {
		return nil, err
	}
	if rw != nil {
		w.ReplicaStatus = func() view.ReplicaStatus { return counter.ReplicaStatus(rw.Status()) }
	}
	cp, err := e.startCatalogPull(ctx)
	if err != nil {
		return nil, err
	}
	if cp != nil {
		w.CatalogStatus = func() view.CatalogStatus { return counter.CatalogStatus(cp.Status()) }
	}
	if err := e.startNotifications(ctx, term); err != nil {
		return nil, err
	}
	wc, err := e.WeChat(ctx)
	if err != nil {
		return nil, err
	}
	if wc.Sandbox != nil {
		w.Customer = counter.NewSandboxCustomer(wc.Sandbox, term.Order)
	}
	if w.Display, err = e.customerDisplay(ctx, term); err != nil {
		return nil, err
	}
	Serve(e) // the CLI's orders, report, backup … run here while the window holds the database
	if backups := ScheduleBackups(ctx, e); backups != nil {
		w.BackupStatus = func() view.BackupStatus { return counter.BackupStatus(backups()) }
	}
	return w, nil
}

// managerDesk is the manager screens' back end: staff, the day book, the
// audit trail, exports under <data>/exports, the doctor's key checks and,
// for refunds of other counters' sales, the [replica] server.
func (e *Env) managerDesk(ctx context.Context, term *pos.Terminal, drawer counter.Drawer, actor func() string) (*counter.Manager, error) {
	st, err := e.Store()
	if err != nil {
		return nil, err
	}
	exports := filepath.Join(e.DataDir, "exports")
	if err := os.MkdirAll(exports, 0o700); err != nil {
		return nil, fmt.Errorf("exports directory: %w", err)
	}
	finder, err := SaleFinder(ctx, e)
	if err != nil {
		return nil, err
	}
	c := e.Config
	return counter.NewManager(counter.ManagerConfig{
		Core:  term,
		Staff: staffstore.New(st, nil),
		Book: reportstore.New(st, report.Info{
			StoreName: c.Store.Name, StoreID: c.Store.ID, TerminalID: c.Store.TerminalID, Training: c.Training(),
		}, nil),
		DB:        st,
		Config:    e.Saved,
		ExportDir: exports,
		CheckKeys: checkKeys,
		Finder:    finder,
		Drawer:    drawer,
		Actor:     actor,
	}), nil
}

// checkKeys runs the doctor's key-file checks for the settings screen.
func checkKeys(w config.WeChat) []view.KeyFinding {
	var out []view.KeyFinding
	for _, f := range CheckKeyFiles(w, time.Now()) {
		out = append(out, view.KeyFinding{Level: string(f.Level), Topic: f.Topic, Detail: f.Detail, Fix: f.Fix})
	}
	return out
}

// startBill starts the daily bill worker: it fetches the bill after
// bill.fetch_after and reconciles it in the background for as long as ctx
// lives; the window gets its reconciliation screen and status.
func (e *Env) startBill(ctx context.Context, w *counter.Window) error {
	desk, err := e.ReconDesk(ctx)
	if err != nil {
		return err
	}
	fetcher, err := e.BillFetcher(ctx, desk, nil)
	if err != nil {
		return err
	}
	go fetcher.Run(ctx)
	w.Reconciler = counter.NewReconciler(desk, fetcher, "terminal "+e.Config.Store.TerminalID)
	w.BillStatus = fetcher.Status
	return nil
}

// startScanner opens the serial scanner; it keeps reconnecting in the
// background, so an unplugged scanner at start-up is not an error.
func (e *Env) startScanner(ctx context.Context) (*scanner.Scanner, error) {
	c := e.Config.Scanner
	cfg, err := ScannerConfig(c)
	if err != nil {
		return nil, fmt.Errorf("scanner: %w", err)
	}
	sc, err := scanner.Start(ctx, cfg, scanner.WithLogger(e.Logger))
	if err != nil {
		return nil, fmt.Errorf("scanner %s: %w", c.Port, err)
	}
	e.OnClose(sc.Close)
	return sc, nil
}

// receiptPrinter is the configured ESC/POS printer, which also drives the
// cash drawer; nil for printer "none".
func (e *Env) receiptPrinter() (*escpos.Printer, error) {
	c := e.Config.Printer
	if c.Target == "none" {
		return nil, nil
	}
	target, err := escpos.ParseTarget(c.Target)
	if err != nil {
		return nil, fmt.Errorf("printer.target: %w", err)
	}
	if _, err := escpos.ParsePaper(strconv.Itoa(c.Width)); err != nil {
		return nil, fmt.Errorf("printer.width: %w", err)
	}
	return &escpos.Printer{Target: target, Screen: io.Discard}, nil
}

// customerDisplay follows the core's events for what faces the customer
// ([display]): the customer window, which the window attaches, and the
// pole display, attached here. Nil when neither is configured.
func (e *Env) customerDisplay(ctx context.Context, term *pos.Terminal) (*custdisplay.Hub, error) {
	c := e.Config.Display
	target, pole, err := poledisplay.ParseTarget(c.Target)
	if err != nil {
		return nil, fmt.Errorf("display.target: %w", err)
	}
	if !pole && !c.CustomerWindow {
		return nil, nil
	}
	hub := custdisplay.NewHub(0, e.Logger)
	hub.Run(ctx, term.Subscribe(ctx))
	if pole {
		d := poledisplay.New(target)
		context.AfterFunc(ctx, func() { _ = d.Close() })
		hub.Attach(ctx, d)
	}
	return hub, nil
}

// paperColumns is the characters per line of the configured paper
// (checked by receiptPrinter).
func (e *Env) paperColumns() int {
	paper, _ := escpos.ParsePaper(strconv.Itoa(e.Config.Printer.Width))
	return paper.Columns()
}

// startCatalogPull pulls head office's catalogue changes into the
// terminal's catalogue every catalog.pull_every (default 5 min) when
// [replica] is configured, on a connection of its own that closes when
// idle; the till sells from its last copy while head office is down.
func (e *Env) startCatalogPull(ctx context.Context) (*replica.CatalogPuller, error) {
	rc := ReplicaConfig(e.Config.Replica)
	every := e.Config.Catalog.PullEvery.Duration
	if !rc.Enabled() || every < 0 {
		return nil, nil
	}
	cat, err := e.Catalog()
	if err != nil {
		return nil, err
	}
	pool, err := replica.ConnectWorker(ctx, rc)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	e.OnClose(func() error { pool.Close(); return nil })
	p := replica.NewCatalogPuller(pool, cat, replica.CatalogPullerOptions{Every: every, Logger: e.Logger})
	go p.Run(ctx)
	return p, nil
}

// startReplication pushes the terminal's events to the store's PostgreSQL
// when [replica] is configured. The pool (one connection, closed when
// idle) connects lazily and the worker retries with backoff, so a server
// that is down never delays a payment.
func (e *Env) startReplication(ctx context.Context) (*replica.Worker, error) {
	rc := ReplicaConfig(e.Config.Replica)
	if !rc.Enabled() {
		return nil, nil
	}
	st, err := e.Store()
	if err != nil {
		return nil, err
	}
	term, err := e.Terminal(ctx)
	if err != nil {
		return nil, err
	}
	pool, err := replica.ConnectWorker(ctx, rc)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	e.OnClose(func() error { pool.Close(); return nil })
	w, err := replica.NewWorker(st, pool, replica.Options{
		StoreID: e.Config.Store.ID, TerminalID: e.Config.Store.TerminalID, Logger: e.Logger,
		// Notifications the store's receiver recorded about this
		// terminal's orders and refunds: the terminal shows a payment
		// WeChat reported, then queries and settles.
		Hint: term.Notified,
	})
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	go func() {
		// The admin migrates (wxpos hq migrate); a terminal's login cannot.
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := replica.RequireSchema(mctx, pool); err != nil {
			e.Logger.Warn("replica schema not ready; the worker keeps retrying", "err", err)
		}
	}()
	go w.Run(ctx)
	go func() {
		for range term.Subscribe(ctx) {
			w.Kick()
		}
	}()
	return w, nil
}
