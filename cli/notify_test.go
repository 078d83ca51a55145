package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/replica/pgtest"
)

// End to end over real HTTP in one terminal process: a Native QR is
// created with the receiver's notify_url, the customer pays, the sandbox
// delivers the notification, the receiver records it before answering,
// and the hint settles the order PAID; the same delivery again changes
// nothing.
func TestNotificationSettlesQR(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := trainingEnv(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Tests only: the sandbox delivers to loopback http; config would refuse it.
	e.Config.Notify.URL = "http://" + ln.Addr().String() + "/notify/v3"
	term, err := e.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	go func() { served <- e.ServeNotifications(sctx, ln, term) }()

	p := paidByNotification(ctx, t, w, term, 2600)
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	sink, err := notify.OpenBolt(filepath.Join(e.DataDir, "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	recs, err := sink.Since(ctx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].OutTradeNo != p.OutTradeNo() || recs[0].TotalFen != 2600 {
		t.Fatalf("records %+v %v", recs, err)
	}
	if at, _ := sink.Cursor(ctx, hintConsumer); at != recs[0].Seq {
		t.Errorf("terminal cursor %d, want %d", at, recs[0].Seq)
	}
}

// The doctor warns a live terminal without [notify] url that Native needs
// one, and is content in the sandbox or with a url.
func TestCheckNotify(t *testing.T) {
	cfg := config.Default()
	cfg.WeChat.Mode = config.ModeV3
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelWarn || !strings.Contains(f[0].Detail, "Native") {
		t.Errorf("live without url: %+v", f)
	}
	cfg.Notify.URL = "https://pos.example.com/notify/v3"
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelOK {
		t.Errorf("live with url: %+v", f)
	}
	cfg.Notify.URL, cfg.WeChat.Mode = "", config.ModeSandbox
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelInfo {
		t.Errorf("sandbox: %+v", f)
	}
}

// paidByNotification shows a QR for fen, has the customer pay it and the
// sandbox deliver its one notification, and waits until the terminal has
// settled the sale PAID — the path the receiver alone can finish.
func paidByNotification(ctx context.Context, t *testing.T, w *WeChat, term *pos.Terminal, fen int64) *pos.Payment {
	t.Helper()
	changes := term.Subscribe(ctx)
	p, err := term.BeginQR(ctx, pos.Sale{AmountFen: fen})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sandbox.PayNative(showing(ctx, t, changes, p).CodeURL); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v: %+v", n, err, w.Sandbox.Notifications())
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("not settled")
	}
	if o := p.Order(); o.State != pos.StatePaid {
		t.Fatalf("state %s, want PAID", o.State)
	}
	return p
}

// showing waits for p's QR and returns the order as shown. It reads the
// event's snapshot: the payment's own copy may lag the event by a moment.
func showing(ctx context.Context, t *testing.T, changes <-chan pos.Event, p *pos.Payment) *pos.Order {
	t.Helper()
	if o := p.Order(); o.State == pos.StateShowingQR {
		return o
	}
	for {
		select {
		case ev, ok := <-changes:
			if !ok {
				t.Fatalf("no QR: %+v", p.Order())
			}
			if o := ev.Order; o != nil && o.OutTradeNo == p.OutTradeNo() && o.State == pos.StateShowingQR {
				return o
			}
		case <-ctx.Done():
			t.Fatalf("no QR: %+v", p.Order())
		}
	}
}

// frontProxy is the reverse proxy in front of the receiver ([notify] url
// names it). While holding, it keeps every delivery and answers 503, as a
// receiver that is down; replay sends a kept delivery on, in any order.
type frontProxy struct {
	next http.Handler
	mu   sync.Mutex
	hold bool
	kept []keptDelivery
}

type keptDelivery struct {
	path   string
	header http.Header
	body   []byte
}

func (f *frontProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if !hold {
		f.next.ServeHTTP(w, r)
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.kept = append(f.kept, keptDelivery{path: r.URL.Path, header: r.Header.Clone(), body: b})
	f.mu.Unlock()
	http.Error(w, "receiver down", http.StatusServiceUnavailable)
}

func (f *frontProxy) setHold(on bool) {
	f.mu.Lock()
	f.hold = on
	f.mu.Unlock()
}

// replay posts kept delivery d through the proxy and returns the status.
func replay(ctx context.Context, t *testing.T, base string, d keptDelivery) int {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+d.path, bytes.NewReader(d.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = d.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// End to end over real HTTP, the receiver behind a reverse proxy: a QR
// sale is paid while the receiver is down (the terminal's poll settles
// it), then refunded; the refund stays PROCESSING, and the terminal's
// recovery would look again only in an hour. WeChat finishes it and its
// notification — delivered before the sale's late one — is recorded and
// hinted, and the terminal confirms by query and moves the refund to
// SUCCESS. The sale's late notification, both again by hand and both
// again from WeChat's retries record nothing and change nothing.
func TestRefundNotificationCompletesRefund(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := trainingEnv(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse("http://" + ln.Addr().String())
	proxy := &frontProxy{next: httputil.NewSingleHostReverseProxy(target), hold: true}
	front := httptest.NewServer(proxy)
	defer front.Close()
	// Tests only: the sandbox delivers to loopback http; config would refuse it.
	e.Config.Notify.URL = front.URL + "/notify/v3"
	w, err := e.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Store()
	if err != nil {
		t.Fatal(err)
	}
	approve := pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "wang", nil })
	commits := &countingStore{Store: posstore.New(st)}
	gw := refundQueries{Gateway: w.Gateway, answered: make(chan pos.RefundStatus, 16)}
	term, err := pos.New(commits, gw, pos.Config{StoreID: e.Config.Store.ID, TerminalID: e.Config.Store.TerminalID,
		Training: true, Authorizer: approve, RetryMin: time.Hour, RetryMax: time.Hour, RefundWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	term.Start(ctx)
	served := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	go func() { served <- e.ServeNotifications(sctx, ln, term) }()
	changes := term.Subscribe(ctx)

	p, err := term.BeginQR(ctx, pos.Sale{AmountFen: 4200})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sandbox.PayNative(showing(ctx, t, changes, p).CodeURL); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Sandbox.DeliverNotifications(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d to a receiver that is down, %v", n, err)
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("QR not settled by its poll")
	}
	if p.Order().State != pos.StatePaid {
		t.Fatalf("sale %s, want PAID", p.Order().State)
	}
	rf, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: p.OutTradeNo(), AmountFen: 1500, Approval: pos.Approval{User: "wang"}})
	if err != nil || rf.State != pos.RefundProcessing {
		t.Fatalf("refund: %v %+v", err, rf)
	}
	// The recovery worker queries it once, then waits its hour.
	select {
	case st := <-gw.answered:
		if st != pos.RefundStatusProcessing {
			t.Fatalf("worker's query: %s", st)
		}
	case <-ctx.Done():
		t.Fatal("the recovery worker never queried the refund")
	}
	// WeChat finishes the refund; both notifications, the sale's retry
	// among them, meet the receiver still down.
	w.Sandbox.Advance(time.Minute)
	if n, err := w.Sandbox.DeliverNotifications(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d to a receiver that is down, %v", n, err)
	}
	proxy.mu.Lock()
	kept := slices.Clone(proxy.kept)
	proxy.mu.Unlock()
	if len(kept) != 3 {
		t.Fatalf("kept %d deliveries, want the sale's twice and the refund's", len(kept))
	}
	pay, refund := kept[0], kept[2]
	proxy.setHold(false)

	if s := replay(ctx, t, front.URL, refund); s != http.StatusNoContent {
		t.Fatalf("refund notification answered %d", s)
	}
	for done := false; !done; {
		select {
		case ev := <-changes:
			done = ev.Refund != nil && ev.Refund.State == pos.RefundSuccess
		case <-ctx.Done():
			t.Fatal("refund not settled by its notification")
		}
	}
	before := commits.n.Load()
	for _, d := range []keptDelivery{pay, refund, pay} {
		if s := replay(ctx, t, front.URL, d); s != http.StatusNoContent {
			t.Fatalf("late or repeated notification answered %d", s)
		}
	}
	w.Sandbox.Advance(time.Hour) // WeChat's retries come due
	if n, err := w.Sandbox.DeliverNotifications(ctx); err != nil || n != 2 {
		t.Fatalf("retries delivered %d, %v: %+v", n, err, w.Sandbox.Notifications())
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if _, err := term.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if n := commits.n.Load(); n != before {
		t.Errorf("late and repeated notifications committed %d changes", n-before)
	}
	if o, err := term.Order(p.OutTradeNo()); err != nil || o.State != pos.StatePaid {
		t.Fatalf("sale after the notifications: %v %+v", err, o)
	}
	got, err := term.RefundsOf(p.OutTradeNo())
	if err != nil || len(got) != 1 || got[0].State != pos.RefundSuccess || got[0].AmountFen != 1500 {
		t.Fatalf("refunds after the notifications: %v %+v", err, got)
	}
	if left, _ := term.Refundable(p.OutTradeNo()); left != 4200-1500 {
		t.Errorf("refundable %d fen, want %d", left, 4200-1500)
	}
	sink, err := notify.OpenBolt(filepath.Join(e.DataDir, "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	recs, err := sink.Since(ctx, 0, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records %+v %v, want the refund's then the sale's", recs, err)
	}
	if r := recs[0]; r.Kind != notify.KindRefund || r.OutRefundNo != rf.OutRefundNo || r.State != "SUCCESS" || r.RefundFen != 1500 {
		t.Errorf("first record %+v", r)
	}
	if r := recs[1]; r.Kind != notify.KindPay || r.OutTradeNo != p.OutTradeNo() || r.TotalFen != 4200 {
		t.Errorf("second record %+v", r)
	}
}

// countingStore counts the terminal's commits, so a test can say a
// notification changed nothing.
type countingStore struct {
	pos.Store
	n atomic.Int64
}

func (c *countingStore) Apply(ch *pos.Change) error {
	err := c.Store.Apply(ch)
	if err == nil {
		c.n.Add(1)
	}
	return err
}

// refundQueries tells the test each refund query's answer, so it knows
// when the recovery worker has looked and is waiting.
type refundQueries struct {
	pos.Gateway
	answered chan pos.RefundStatus
}

func (g refundQueries) QueryRefund(ctx context.Context, no string) (pos.RefundResult, error) {
	r, err := g.Gateway.QueryRefund(ctx, no)
	g.answered <- r.Status
	return r, err
}

// In training the notify_url is [notify] url, else the terminal's own
// receiver at [notify] listen on loopback, else a loopback address
// nothing listens on — never empty, which would leave training without QR.
func TestTrainingNotifyURL(t *testing.T) {
	for _, c := range []struct{ url, listen, want string }{
		{"https://pos.example.com/notify/v3", "127.0.0.1:8443", "https://pos.example.com/notify/v3"},
		{"", "127.0.0.1:8443", "http://127.0.0.1:8443/notify/v3"},
		{"", "0.0.0.0:8443", "http://127.0.0.1:8443/notify/v3"},
		{"", ":8443", "http://127.0.0.1:8443/notify/v3"},
		{"", "[::1]:8443", "http://[::1]:8443/notify/v3"},
		{"", "", trainingNoReceiverURL},
	} {
		e := &Env{Config: config.Default()}
		e.Config.Notify.URL, e.Config.Notify.Listen = c.url, c.listen
		if got := e.trainingNotifyURL(); got != c.want {
			t.Errorf("url %q listen %q: %q, want %q", c.url, c.listen, got, c.want)
		}
	}
}

// With [replica] the receiver records into the store's PostgreSQL (no
// notify.db), and the terminal's replication worker — started as the
// window starts it — pulls the notification about its QR sale and hands
// it to the terminal (its cursor moves past it); the sale ends PAID.
func TestNotificationsThroughReplica(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := os.Getenv(pgtest.EnvDSN)
	if admin == "" {
		c, err := pgtest.Start(ctx)
		if err != nil {
			t.Skipf("no PostgreSQL: %v (set %s)", err, pgtest.EnvDSN)
		}
		t.Cleanup(func() { c.Close() })
		admin = c.DSN()
	}
	dsn, drop, err := pgtest.CreateDB(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop() })
	// The admin migrates (wxpos hq migrate); the receiver and the terminal only check.
	if err := migrateDSN(ctx, dsn); err != nil {
		t.Fatal(err)
	}

	e := trainingEnv(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Config.Notify.URL = "http://" + ln.Addr().String() + "/notify/v3"
	e.Config.Replica.DSN = dsn
	term, err := e.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	if _, err := e.startReplication(sctx); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.ServeNotifications(sctx, ln, nil) }()
	p := paidByNotification(ctx, t, w, term, 3300)
	pool, err := replica.Connect(ctx, replica.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	recs, err := replica.NotificationsOf(ctx, pool, p.OutTradeNo())
	if err != nil || len(recs) != 1 || recs[0].TotalFen != 3300 {
		t.Fatalf("PostgreSQL holds %+v, %v", recs, err)
	}
	sink := replica.NewNotifySink(pool)
	consumer := "terminal:" + e.Config.Store.ID + "/" + e.Config.Store.TerminalID
	for {
		at, err := sink.Cursor(ctx, consumer)
		if err != nil {
			t.Fatal(err)
		}
		if at == recs[0].Seq {
			break
		}
		select { // the worker pulls at its poll (1 s); wait for its cursor, bounded by ctx
		case <-ctx.Done():
			t.Fatalf("the worker's cursor is %d, want %d: the notification was not pulled", at, recs[0].Seq)
		case <-time.After(50 * time.Millisecond):
		}
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e.DataDir, "notify.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("notify.db with [replica]: %v", err)
	}
}

// migrateDSN brings the schema of dsn's database up to date, as the admin's
// wxpos hq migrate does.
func migrateDSN(ctx context.Context, dsn string) error {
	pool, err := replica.Connect(ctx, replica.Config{DSN: dsn})
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = replica.Migrate(ctx, pool)
	return err
}

// noticeOf passes on a payment notification's state and amount (the
// screen may say "paid" only for SUCCESS at the sale's own amount) and a
// refund's number alone.
func TestNoticeOf(t *testing.T) {
	for _, tc := range []struct {
		r    notify.Record
		want pos.Notice
	}{
		{notify.Record{Kind: notify.KindPay, OutTradeNo: "PS1-T1-A-1", State: "SUCCESS", TotalFen: 2600},
			pos.Notice{Ref: "PS1-T1-A-1", Paid: true, TotalFen: 2600}},
		{notify.Record{Kind: notify.KindPay, OutTradeNo: "PS1-T1-A-2", State: "NOTPAY", TotalFen: 2600},
			pos.Notice{Ref: "PS1-T1-A-2", TotalFen: 2600}},
		{notify.Record{Kind: notify.KindRefund, OutTradeNo: "PS1-T1-A-1", OutRefundNo: "RS1-T1-A-1", State: "SUCCESS", TotalFen: 2600, RefundFen: 100},
			pos.Notice{Ref: "RS1-T1-A-1"}},
	} {
		if got := noticeOf(tc.r); got != tc.want {
			t.Errorf("noticeOf(%+v) = %+v, want %+v", tc.r, got, tc.want)
		}
	}
}
