package sandbox

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// KeyMode selects how v3 responses are signed.
type KeyMode string

// The two WeChat Pay verification modes (PROTOCOL B.4).
const (
	// PublicKeyMode signs with the WeChat Pay public key's private half;
	// Wechatpay-Serial is the PUB_KEY_ID_… identifier. The default.
	PublicKeyMode KeyMode = "public_key"
	// PlatformCertMode signs with the platform certificate key;
	// Wechatpay-Serial is the certificate serial.
	PlatformCertMode KeyMode = "platform_cert"
	// PublicKeyOnlyMode is a merchant that was never issued a platform
	// certificate (new merchants get only the public key): everything is
	// signed with the public key whatever Wechatpay-Serial names, and
	// /v3/certificates answers 404 (issue #19).
	PublicKeyOnlyMode KeyMode = "public_key_only"
)

// Options configures a Server. The zero value is usable: identities and keys
// are generated, nothing is persisted, the sandbox clock follows time.Now.
type Options struct {
	// Credentials are the merchant identity and every key. Nil: loaded from
	// DataDir when it holds them, else generated (and saved to DataDir).
	Credentials *Credentials
	// DataDir, when set, keeps credentials.json and ledger.db so keys,
	// orders, refunds and the clock offset survive a restart. One Server
	// at a time uses a directory (Close releases it); a ledger.json of an
	// older release found there is converted once.
	DataDir string
	// BaseURL is the externally visible base URL, used for the v3 bill
	// download_url. Empty: derived from each request's Host.
	BaseURL string
	// ControlToken, when set, guards the control API: a request under
	// /sandbox/ must carry "Authorization: Bearer <token>" or it is refused
	// with 401. Set it whenever the listener is reachable from another
	// machine: the control API moves the clock, injects faults and pays.
	ControlToken string
	// Now is the base of the sandbox clock (business time only). Default
	// time.Now. Advance moves the sandbox clock ahead of it.
	Now func() time.Time
	// KeyMode selects how v3 responses are signed by default: PublicKeyMode
	// (default) or PlatformCertMode. A request carrying Wechatpay-Serial
	// naming one of the two keys gets that key. PublicKeyOnlyMode has no
	// platform certificate at all.
	KeyMode KeyMode
	// UserPayingDelay is how long the userpaying_success customer takes to
	// enter the password. Default 5 s.
	UserPayingDelay time.Duration
	// UserPayingTimeout is when an order still waiting for the password
	// fails (PAYERROR). Default 2 min.
	UserPayingTimeout time.Duration
	// NativeExpiry is the lifetime of a Native order sent without
	// time_expire. Default 2 h.
	NativeExpiry time.Duration
	// RefundDelay is how long a refund stays PROCESSING. Default 1 min;
	// negative completes refunds at once.
	RefundDelay time.Duration
	// RefundSpacing is how long after a refund of an order the next one
	// (another out_refund_no) is refused with FREQUENCY_LIMITED, as the
	// real service does within a minute. Default 1 min; negative: off.
	RefundSpacing time.Duration
	// CloseMinAge models "close no earlier than 5 min after creation": an
	// earlier close answers SUCCESS but leaves the order payable. Default 0
	// (off).
	CloseMinAge time.Duration
	// DownloadURLTTL is the validity of a v3 bill download_url. Default 5 min.
	DownloadURLTTL time.Duration
	// MaxBodyBytes bounds request bodies. Default 64 KiB.
	MaxBodyBytes int64
	// NotifyClient sends payment and refund notifications when
	// DeliverNotifications or Run is called. Default: a client with a
	// 5 s timeout.
	NotifyClient *http.Client
	// NotifyLoopback lets notifications go where the real service cannot
	// reach: plain http, loopback, private and link-local addresses, local
	// names (notifyurl.Problem). Without it such a delivery fails
	// every attempt, as it would from WeChat. For tests and for training
	// on one machine only — `wxpos sandbox --notify-loopback`.
	NotifyLoopback bool
	// Logger receives one line per refused request. Default: discard.
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.KeyMode == "" {
		o.KeyMode = PublicKeyMode
	}
	if o.UserPayingDelay == 0 {
		o.UserPayingDelay = 5 * time.Second
	}
	if o.UserPayingTimeout == 0 {
		o.UserPayingTimeout = 2 * time.Minute
	}
	if o.NativeExpiry == 0 {
		o.NativeExpiry = 2 * time.Hour
	}
	if o.RefundDelay == 0 {
		o.RefundDelay = time.Minute
	}
	if o.RefundSpacing == 0 {
		o.RefundSpacing = time.Minute
	}
	if o.DownloadURLTTL == 0 {
		o.DownloadURLTTL = 5 * time.Minute
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 64 << 10
	}
	if o.NotifyClient == nil {
		o.NotifyClient = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Server is the simulator: an http.Handler serving API v2, API v3 and the
// control API on one mux, for one simulated merchant. It is safe for
// concurrent use; several Servers in one process are independent.
type Server struct {
	opts    Options
	creds   *Credentials
	handler http.Handler

	merchantCert *x509.Certificate
	merchantPub  *rsa.PublicKey
	pubKeyPriv   *rsa.PrivateKey
	platformPriv *rsa.PrivateKey
	platformCert *x509.Certificate
	caCert       *x509.Certificate
	caKey        *ecdsa.PrivateKey

	mu sync.Mutex
	// led is the ledger an update works on: home's (the direct merchant's,
	// which also keeps the clock) unless updateIn chose the sub-merchant's.
	led       *ledger
	home      *ledger
	sp        *partner // the service provider and its sub-merchant
	faults    []*Fault
	release   chan struct{}  // closed by ReleaseLate
	slowed    sync.WaitGroup // requests held by a Latency or Late fault
	inFlight  atomic.Int32   // how many of them right now
	downloads map[string]download
	saveErr   error
}

// download is a bill prepared by /v3/bill/tradebill for its download_url.
type download struct {
	data    []byte
	expires time.Time
}

// New builds a Server from opts.
func New(opts Options) (*Server, error) {
	opts.defaults()
	if opts.KeyMode != PublicKeyMode && opts.KeyMode != PlatformCertMode && opts.KeyMode != PublicKeyOnlyMode {
		return nil, fmt.Errorf("sandbox: unknown key mode %q", opts.KeyMode)
	}
	creds, err := loadOrCreateCredentials(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, creds: creds, downloads: map[string]download{}}
	if err := s.parseCredentials(); err != nil {
		return nil, err
	}
	if opts.DataDir == "" {
		s.led, err = openMemoryLedger(creds.MchID)
	} else {
		s.led, err = openLedger(filepath.Join(opts.DataDir, ledgerDBFile), creds.MchID, true)
		if err == nil {
			if err = s.led.migrateLegacy(opts.DataDir); err != nil {
				s.led.close()
			}
		}
	}
	if err != nil {
		return nil, err
	}
	s.home = s.led
	if err := s.openPartner(); err != nil {
		s.led.close()
		return nil, err
	}
	// A Server dropped without Close (tests, short-lived tools) still
	// releases its file.
	runtime.AddCleanup(s, func(l *ledger) { l.close() }, s.led)
	s.handler = s.routes()
	return s, nil
}

// Close releases the ledger (and the data directory's lock). Requests
// after Close fail.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.led.close()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/sandbox/") && !s.controlAllowed(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wxpos sandbox control"`)
		http.Error(w, "sandbox control API: Authorization: Bearer <control token> required", http.StatusUnauthorized)
		return
	}
	s.handler.ServeHTTP(w, r)
}

// controlAllowed reports whether r may use the control API.
func (s *Server) controlAllowed(r *http.Request) bool {
	if s.opts.ControlToken == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.ControlToken)) == 1
}

// Credentials returns the merchant identity and keys the sandbox uses.
func (s *Server) Credentials() Credentials { return *s.creds }

// Now returns the sandbox (business) time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	return s.opts.Now().Add(s.home.meta.ClockOffset)
}

// Advance moves the sandbox clock forward by d (business time only) and
// applies everything that became due.
func (s *Server) Advance(d time.Duration) time.Time {
	var now time.Time
	s.update(func(time.Time) bool {
		if d > 0 {
			s.led.meta.ClockOffset += d
		}
		now = s.nowLocked()
		s.led.settle(now)
		return true
	})
	s.updateIn(s.sp.led, func(time.Time) bool { return true }) // settles the sub-merchant's
	return now
}

// update runs fn under the lock with the settled sandbox time, in one
// ledger transaction: what fn (or settling) changed is committed at once.
func (s *Server) update(fn func(now time.Time) bool) { s.updateIn(nil, fn) }

// updateIn is update on the ledger led (nil: the direct merchant's): the
// operations, which work on s.led, see led's orders and refunds only.
func (s *Server) updateIn(led *ledger, fn func(now time.Time) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if led != nil {
		s.led = led
		defer func() { s.led = s.home }()
	}
	if err := s.led.begin(); err != nil {
		panic(fmt.Sprintf("sandbox: ledger unavailable (used after Close?): %v", err))
	}
	now := s.nowLocked()
	s.led.settle(now)
	fn(now)
	if err := s.led.end(); err != nil {
		s.saveErr = fmt.Errorf("sandbox: save ledger: %w", err)
		s.opts.Logger.Error("sandbox: save ledger", "err", err)
	}
}

// SaveError reports the last failure to persist the ledger, if any.
func (s *Server) SaveError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveErr
}

// writeFileAtomic replaces path with data so that a crash leaves either the
// old or the new file, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// routes registers every endpoint on a standard mux and wraps it.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// API v2 (XML). Registered without a method so that a GET gets the real
	// REQUIRE_POST_METHOD answer instead of the mux's 405.
	mux.Handle("/pay/micropay", s.v2(v2Micropay, s.handleMicropay))
	mux.Handle("/pay/orderquery", s.v2(v2OrderQuery, s.handleOrderQuery))
	mux.Handle("/secapi/pay/reverse", s.v2(v2Reverse, s.handleReverse))
	mux.Handle("/pay/unifiedorder", s.v2(v2UnifiedOrder, s.handleUnifiedOrder))
	mux.Handle("/pay/closeorder", s.v2(v2CloseOrder, s.handleCloseOrder))
	mux.Handle("/secapi/pay/refund", s.v2(v2Refund, s.handleRefund))
	mux.Handle("/pay/refundquery", s.v2(v2RefundQuery, s.handleRefundQuery))
	mux.Handle("/pay/downloadbill", s.v2(v2DownloadBill, s.handleDownloadBill))
	mux.Handle("/pay/downloadfundflow", s.v2(v2DownloadFundFlow, s.handleDownloadFundFlow))

	// API v3 (JSON).
	mux.Handle("POST /v3/pay/transactions/native", s.v3(s.handleV3Native))
	mux.Handle("POST /v3/pay/transactions/jsapi", s.v3(s.handleV3JSAPI))
	mux.Handle("POST /v3/pay/transactions/app", s.v3(s.handleV3App))
	mux.Handle("POST /v3/pay/transactions/h5", s.v3(s.handleV3H5))
	mux.Handle("GET /v3/pay/transactions/out-trade-no/{out_trade_no}", s.v3(s.handleV3QueryOutTradeNo))
	mux.Handle("GET /v3/pay/transactions/id/{transaction_id}", s.v3(s.handleV3QueryID))
	mux.Handle("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close", s.v3(s.handleV3Close))
	mux.Handle("POST /v3/pay/transactions/codepay", s.v3(s.handleV3Codepay))
	mux.Handle("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse", s.v3(s.handleV3Reverse))
	mux.Handle("POST /v3/refund/domestic/refunds", s.v3(s.handleV3Refund))
	mux.Handle("GET /v3/refund/domestic/refunds/{out_refund_no}", s.v3(s.handleV3RefundQuery))
	mux.Handle("POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund", s.v3(s.handleV3ApplyAbnormalRefund))
	mux.Handle("GET /v3/bill/tradebill", s.v3(s.handleV3TradeBill))
	mux.Handle("GET /v3/bill/fundflowbill", s.v3(s.handleV3FundFlowBill))
	mux.Handle("GET /v3/bill/sub-merchant-fundflowbill", s.v3(s.handleV3SubFundFlowBill))
	mux.Handle("GET /v3/billdownload/file", s.v3(s.handleV3BillFile))
	mux.Handle("GET /v3/certificates", s.v3(s.handleV3Certificates))
	s.partnerRoutes(mux)
	mux.Handle("/v3/", s.v3(s.handleV3NotFound))

	// Control API (not WeChat's).
	mux.HandleFunc("POST /sandbox/native/pay", s.handleControlNativePay)
	mux.HandleFunc("POST /sandbox/prepay/pay", s.handleControlPrepayPay)
	mux.HandleFunc("POST /sandbox/clock", s.handleControlClock)
	mux.HandleFunc("GET /sandbox/clock", s.handleControlClock)
	mux.HandleFunc("GET /sandbox/ledger", s.handleControlLedger)
	mux.HandleFunc("GET /sandbox/partner/ledger", s.handleControlPartnerLedger)
	mux.HandleFunc("GET /sandbox/faults", s.handleControlFaults)
	mux.HandleFunc("POST /sandbox/faults", s.handleControlFaults)
	mux.HandleFunc("DELETE /sandbox/faults", s.handleControlFaults)
	mux.HandleFunc("POST /sandbox/refund/outcome", s.handleControlRefundOutcome)
	mux.HandleFunc("GET /sandbox/notifications", s.handleControlNotifications)
	mux.HandleFunc("POST /sandbox/notifications", s.handleControlNotifications)

	return s.withFaults(s.withClientCert(mux))
}

// nonce returns a fresh response nonce.
func nonce() string { return wechat.NonceString() }
