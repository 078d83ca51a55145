package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// front stands between the sandbox and the receiver, as a store's reverse
// proxy does: it keeps each delivery (to replay it), answers 502 itself for
// the event types held (the receiver never sees them, WeChat re-sends), and
// for those whose answer is lost it lets the receiver record them but
// answers WeChat 502 anyway (WeChat re-sends what it already gave us).
type front struct {
	next http.Handler
	mu   sync.Mutex
	hold map[string]bool // event_type → answered 502 before the receiver
	lose map[string]bool // event_type → the receiver's answer replaced by 502
	seen []delivered
}

type delivered struct {
	event string
	h     http.Header
	b     []byte
}

func (f *front) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	var env struct {
		EventType string `json:"event_type"`
	}
	_ = json.Unmarshal(b, &env)
	f.mu.Lock()
	f.seen = append(f.seen, delivered{env.EventType, req.Header.Clone(), b})
	hold, lose := f.hold[env.EventType], f.lose[env.EventType]
	f.mu.Unlock()
	if hold {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	if lose {
		f.next.ServeHTTP(httptest.NewRecorder(), req)
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	f.next.ServeHTTP(w, req)
}

func (f *front) set(hold, lose map[string]bool) {
	f.mu.Lock()
	f.hold, f.lose = hold, lose
	f.mu.Unlock()
}

// last is the last delivery of event that reached the front.
func (f *front) last(t *testing.T, event string) delivered {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.seen) - 1; i >= 0; i-- {
		if f.seen[i].event == event {
			return f.seen[i]
		}
	}
	t.Fatalf("no %s delivery reached the front", event)
	return delivered{}
}

// queries counts the terminal's status queries by number: the terminal
// moves an order or refund on a query's answer, never on a notification's
// body.
type queries struct {
	pos.Gateway
	mu sync.Mutex
	n  map[string]int
}

func (q *queries) count(no string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n[no]
}

func (q *queries) add(no string) {
	q.mu.Lock()
	q.n[no]++
	q.mu.Unlock()
}

func (q *queries) Query(ctx context.Context, no string) (pos.Trade, error) {
	q.add(no)
	return q.Gateway.Query(ctx, no)
}

func (q *queries) QueryRefund(ctx context.Context, no string) (pos.RefundResult, error) {
	q.add(no)
	return q.Gateway.QueryRefund(ctx, no)
}

// Out of order and twice, end to end over real HTTP and a real
// PostgreSQL. The sale's payment notification fails at the store's front
// (the terminal confirms the sale by its own poll); the full refund's
// notification then arrives first — recorded, but its answer lost, so
// WeChat sends it again — and completes the PROCESSING refund through
// PostgreSQL, the worker and a query. Then WeChat's retries bring the
// payment's SUCCESS after the order's later state (REFUND at WeChat) and
// the refund's again, and the same deliveries are replayed once more: all
// are answered success, none is recorded twice, the terminal's sale stays
// PAID with one refund, and head office counts the sale and its refund
// once each and announces nothing as unreplicated.
func TestNotificationsOutOfOrderAndTwice(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rig := newChainRig(t, ctx, func(o *sandbox.Options) { o.RefundDelay = time.Minute }, func(c *pos.Config) {
		c.Authorizer = pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "wang", nil })
	})
	pool, env, sink, fr, srv, gw, clk, term, w, changes := rig.pool, rig.env, rig.sink, rig.fr, rig.srv, rig.gw, rig.clk, rig.term, rig.w, rig.changes

	// The sale: its notification held at the front, confirmed by the poll.
	fr.set(map[string]bool{"TRANSACTION.SUCCESS": true}, nil)
	p, err := term.BeginQR(ctx, pos.Sale{AmountFen: 5100})
	if err != nil {
		t.Fatal(err)
	}
	code := shownQR(t, ctx, changes, p)
	if !clk.WaitForWaiter(ctx.Done()) { // the QR's first poll found it unpaid
		t.Fatal("the QR never waited for its next poll")
	}
	if err := env.Sandbox.PayNative(code); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d, %v; want the payment's held", n, err)
	}
	clk.AdvanceNext() // the QR's next poll
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("the QR was not confirmed by its poll")
	}
	sale := p.Order()
	if sale.State != pos.StatePaid {
		t.Fatalf("sale %s, want PAID", sale.State)
	}

	// The full refund, left PROCESSING; its notification comes first.
	clk.SetAuto(true)
	rf, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: sale.OutTradeNo, AmountFen: 5100, Approval: pos.Approval{User: "wang"}})
	clk.SetAuto(false)
	if err != nil || rf.State != pos.RefundProcessing {
		t.Fatalf("refund %v %+v, want PROCESSING", err, rf)
	}
	term.Start(ctx)
	if !clk.WaitForWaiter(ctx.Done()) { // the recovery worker's next pass never comes
		t.Fatal("the recovery worker never waited")
	}
	asked := gw.count(rf.OutRefundNo)
	env.Sandbox.Advance(time.Hour) // WeChat finishes the refund
	fr.set(map[string]bool{"TRANSACTION.SUCCESS": true}, map[string]bool{"REFUND.SUCCESS": true})
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d, %v; want the payment's held and the refund's answer lost", n, err)
	}
	waitRefund(t, ctx, changes, rf.OutRefundNo, pos.RefundSuccess)
	if gw.count(rf.OutRefundNo) <= asked {
		t.Error("the refund moved to SUCCESS without a query after its notification")
	}
	if recs, err := NotificationsOf(ctx, pool, sale.OutTradeNo); err != nil || len(recs) != 1 || recs[0].Kind != notify.KindRefund {
		t.Fatalf("recorded before the payment's came: %+v, %v; want the refund's only", recs, err)
	}

	// WeChat's retries: the payment's SUCCESS after the refund, the
	// refund's again; then both replayed once more.
	fr.set(nil, nil)
	env.Sandbox.Advance(15 * time.Second)
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 2 {
		t.Fatalf("retries delivered %d, %v; want the payment's and the refund's: %+v", n, err, env.Sandbox.Notifications())
	}
	for _, ev := range []string{"TRANSACTION.SUCCESS", "REFUND.SUCCESS"} {
		d := fr.last(t, ev)
		if st := post(t, srv.URL+"/notify/v3", d); st != http.StatusNoContent {
			t.Errorf("%s replayed: answered %d, want 204", ev, st)
		}
	}
	recs, err := NotificationsOf(ctx, pool, sale.OutTradeNo)
	if err != nil || len(recs) != 2 || recs[0].Kind != notify.KindRefund || recs[1].Kind != notify.KindPay ||
		recs[1].State != "SUCCESS" || recs[1].TotalFen != 5100 {
		t.Fatalf("recorded %+v, %v; want the refund's then the payment's, once each", recs, err)
	}
	waitCursor(t, ctx, sink, "terminal:S01/T01", recs[1].Seq) // the payment's hint was handed over
	for _, n := range env.Sandbox.Notifications() {
		if !n.Delivered {
			t.Errorf("sandbox notification %+v not delivered", n)
		}
	}
	if fs, err := sink.Refusals(ctx, 10); err != nil || len(fs) != 0 {
		t.Errorf("refusals %+v, %v; want none", fs, err)
	}
	checkSettledOnce(t, ctx, term, sale, rf.OutRefundNo, changes)

	// Head office counts the sale and its refund once, announces nothing.
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(tz.Shanghai)
	r, err := Report(ctx, pool, Query{From: day.AddDate(0, 0, -1).Format("20060102"), To: day.AddDate(0, 0, 1).Format("20060102")})
	if err != nil {
		t.Fatal(err)
	}
	if tot := r.Totals(); tot.SaleCount != 1 || tot.SaleFen != 5100 || tot.RefundCount != 1 || tot.RefundFen != 5100 ||
		len(r.Open) != 0 || len(r.Announced) != 0 {
		t.Errorf("head office: totals %+v, open %+v, announced %+v; want one sale and one refund of 51.00", tot, r.Open, r.Announced)
	}
}

// shownQR waits for p's QR to be shown and returns its code_url.
func shownQR(t *testing.T, ctx context.Context, changes <-chan pos.Event, p *pos.Payment) string {
	t.Helper()
	for {
		select {
		case ev := <-changes:
			if o := ev.Order; o != nil && o.OutTradeNo == p.OutTradeNo() && o.State == pos.StateShowingQR {
				return o.CodeURL
			}
		case <-ctx.Done():
			t.Fatalf("no QR: %+v", p.Order())
		}
	}
}

func waitRefund(t *testing.T, ctx context.Context, changes <-chan pos.Event, no string, st pos.RefundState) {
	t.Helper()
	for {
		select {
		case ev := <-changes:
			if ev.Refund != nil && ev.Refund.OutRefundNo == no && ev.Refund.State == st {
				return
			}
		case <-ctx.Done():
			t.Fatalf("refund %s never reached %s", no, st)
		}
	}
}

// waitCursor waits until consumer's cursor is at least seq.
func waitCursor(t *testing.T, ctx context.Context, sink *NotifySink, consumer string, seq uint64) {
	t.Helper()
	for {
		at, err := sink.Cursor(ctx, consumer)
		if err == nil && at >= seq {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cursor %s at %d (%v), want %d", consumer, at, err, seq)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// checkSettledOnce: the sale is still PAID as confirmed, with one
// refund of all of it, and no state changed after the refund's SUCCESS.
func checkSettledOnce(t *testing.T, ctx context.Context, term *pos.Terminal, sale *pos.Order, refundNo string, changes <-chan pos.Event) {
	t.Helper()
	o, err := term.Order(sale.OutTradeNo)
	if err != nil || o.State != pos.StatePaid || o.TransactionID != sale.TransactionID || o.AmountFen != 5100 {
		t.Errorf("sale %+v, %v; want PAID as confirmed", o, err)
	}
	rs, err := term.RefundsOf(sale.OutTradeNo)
	if err != nil || len(rs) != 1 || rs[0].OutRefundNo != refundNo || rs[0].State != pos.RefundSuccess {
		t.Errorf("refunds %+v, %v; want one SUCCESS", rs, err)
	}
	if left, err := term.Refundable(sale.OutTradeNo); err != nil || left != 0 {
		t.Errorf("refundable %d, %v; want 0", left, err)
	}
	for {
		select {
		case ev := <-changes:
			if ev.From != ev.To && (strings.HasPrefix(ev.Ref, sale.OutTradeNo) || ev.Ref == refundNo) {
				t.Errorf("after the refund's SUCCESS: %s %s %s → %s", ev.Kind, ev.Ref, ev.From, ev.To)
			}
		default:
			return
		}
	}
}

func post(t *testing.T, url string, d delivered) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(d.b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = d.h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Tampered, replayed, stale and foreign-merchant deliveries, end to end
// into PostgreSQL: each is answered WeChat's failure and recorded in
// notification_refusals under its class, none becomes a notification. A
// genuine delivery replayed at once is a duplicate (success, nothing new);
// the same bytes replayed six minutes later are stale.
func TestRefusedRecordedInPostgreSQL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := migrated(t)
	env := gatetest.Start(t, time.Now, func(o *sandbox.Options) { o.NotifyLoopback = true })
	mch := env.Sandbox.Profile(env.HTTP.URL).MchID
	var late atomic.Int64 // how far the receiver's clock is ahead of the wall
	parser := env.Client.NotifyParser()
	parser.Now = func() time.Time { return time.Now().Add(time.Duration(late.Load())) }
	sink := NewNotifySink(pool)
	rc, err := notify.NewReceiver(notify.Receiver{MchID: mch, V3: parser, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	fr := &front{next: rc.Handler()}
	srv := httptest.NewServer(fr)
	defer srv.Close()
	no := "PS01-T01-REFUSE-1"
	n, err := env.Client.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: no, Description: "门店-咖啡", Total: 800,
		NotifyURL: srv.URL + "/notify/v3", ClientIP: "10.0.0.8", ProductID: no})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.PayNative(n.CodeURL); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	genuine := fr.last(t, "TRANSACTION.SUCCESS")
	tampered := genuine
	tampered.b = bytes.Replace(genuine.b, []byte(`"id":"`), []byte(`"id":"X`), 1)
	foreign := forgeV3(t, env.Sandbox.Credentials(), "EV-foreign-1", map[string]any{"appid": "wx0000000000000000",
		"mchid": "1900000999", "out_trade_no": "PS01-T01-REFUSE-2", "transaction_id": "4200000000001", "trade_type": "NATIVE",
		"trade_state": "SUCCESS", "success_time": time.Now().Format(time.RFC3339),
		"amount": map[string]any{"total": 800, "payer_total": 800, "currency": "CNY"}})
	steps := []struct {
		name   string
		d      delivered
		late   time.Duration
		status int
		reason string // "" : answered success
	}{
		{"replayed at once", genuine, 0, http.StatusNoContent, ""},
		{"tampered", tampered, 0, http.StatusUnauthorized, notify.RefusedSignature},
		{"replayed six minutes late", genuine, 6 * time.Minute, http.StatusUnauthorized, notify.RefusedStale},
		{"foreign merchant", foreign, 0, http.StatusForbidden, notify.RefusedForeign},
	}
	var want []string
	for _, s := range steps {
		late.Store(int64(s.late))
		if st := post(t, srv.URL+"/notify/v3", s.d); st != s.status {
			t.Errorf("%s: answered %d, want %d", s.name, st, s.status)
		}
		if s.reason != "" {
			want = append([]string{fmt.Sprintf("%s %d", s.reason, s.status)}, want...) // newest first
		}
	}
	fs, err := sink.Refusals(ctx, 10)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s %d", f.Reason, f.Status))
	}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("refusals in PostgreSQL %q, %v; want %q", got, err, want)
	}
	if len(fs) == 3 && (fs[0].ID != "EV-foreign-1" || fs[0].API != "v3" || fs[0].Remote == "" || fs[0].Detail == "") {
		t.Errorf("foreign refusal %+v: want its id, API, remote address and why", fs[0])
	}
	for _, no := range []string{"PS01-T01-REFUSE-1", "PS01-T01-REFUSE-2"} {
		if recs, err := NotificationsOf(ctx, pool, no); err != nil || len(recs) != map[bool]int{true: 1}[no == "PS01-T01-REFUSE-1"] {
			t.Errorf("notifications of %s: %+v, %v", no, recs, err)
		}
	}
}

// forgeV3 signs a v3 payment notification as WeChat Pay does (the
// sandbox's WeChat Pay public key's private half), resource plain.
func forgeV3(t testing.TB, creds sandbox.Credentials, id string, plain any) delivered {
	t.Helper()
	pt, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := wechat.EncryptAEADAES256GCM(creds.APIV3Key, "0123456789ab", "transaction", pt)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body, _ := json.Marshal(map[string]any{"id": id, "create_time": now.Format(time.RFC3339), "resource_type": "encrypt-resource",
		"event_type": "TRANSACTION.SUCCESS", "summary": "支付成功", "resource": map[string]string{"original_type": "transaction",
			"algorithm": "AEAD_AES_256_GCM", "ciphertext": ct, "associated_data": "transaction", "nonce": "0123456789ab"}})
	key, err := wechat.ParsePrivateKeyPEM([]byte(creds.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(now.Unix(), 10), wechat.NonceString()
	sig, err := wechat.SignSHA256RSA(key, wechat.V3ResponseMessage(ts, nonce, string(body)))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", sig)
	h.Set("Wechatpay-Serial", creds.PublicKeyID)
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	return delivered{"TRANSACTION.SUCCESS", h, body}
}

// NotifySink's group commit: 600 concurrent Accepts of 300 records, each
// arriving twice, record each once (the other answered a duplicate, in
// the same group or a later one), with the seq Accept handed back, in seq
// order; a record the database refuses (a kind it does not know) fails
// alone, not the deliveries that shared its group.
func TestNotifySinkGroupCommit(t *testing.T) {
	ctx := context.Background()
	s := NewNotifySink(migrated(t))
	const n = 300
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fresh = map[string]uint64{}
		dups  int
	)
	for i := range 2*n + 1 {
		wg.Go(func() {
			r := notify.Record{ID: fmt.Sprintf("N%03d", i%n), API: "v3", Kind: notify.KindPay, MchID: "1900000109",
				OutTradeNo: fmt.Sprintf("PS01-T01-G-%03d", i%n), State: "SUCCESS", TotalFen: 100, Received: time.Now()}
			if i == 2*n {
				r.ID, r.Kind, r.OutTradeNo = "BAD", "bogus", "PS01-T01-G-BAD"
			}
			dup, err := s.Accept(ctx, &r)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.ID == "BAD":
				if err == nil {
					t.Error("a record of kind bogus was accepted")
				}
			case err != nil:
				t.Error(err)
			case dup:
				dups++
			default:
				if _, twice := fresh[r.ID]; twice {
					t.Errorf("%s recorded twice", r.ID)
				}
				fresh[r.ID] = r.Seq
			}
		})
	}
	wg.Wait()
	if len(fresh) != n || dups != n {
		t.Fatalf("%d recorded, %d duplicates; want %d of each", len(fresh), dups, n)
	}
	recs, err := s.Since(ctx, 0, 2*n)
	if err != nil || len(recs) != n {
		t.Fatalf("since: %d records, %v", len(recs), err)
	}
	for i, r := range recs {
		if fresh[r.ID] != r.Seq || (i > 0 && r.Seq <= recs[i-1].Seq) {
			t.Fatalf("record %d (%s): seq %d, Accept said %d", i, r.ID, r.Seq, fresh[r.ID])
		}
	}
}

// chainRig is terminal T01 of store S01 with notifications coming the
// chain's way: the sandbox delivers through front (which can hold a
// delivery back) to a receiver recording in PostgreSQL, and the
// terminal's worker, listening, hands each over as a hint. The terminal's
// clock stands (its own QR polls never come unless a test moves it); gw
// counts the queries.
type chainRig struct {
	pool    *pgxpool.Pool
	env     *gatetest.Env
	sink    *NotifySink
	fr      *front
	srv     *httptest.Server
	gw      *queries
	clk     *postest.Clock
	term    *pos.Terminal
	w       *Worker
	changes <-chan pos.Event
}

// newChainRig starts it; sb and cfg, when not nil, adjust the sandbox's
// options and the terminal's config.
func newChainRig(t *testing.T, ctx context.Context, sb func(*sandbox.Options), cfg func(*pos.Config)) *chainRig {
	t.Helper()
	r := &chainRig{pool: migrated(t)}
	r.env = gatetest.Start(t, time.Now, func(o *sandbox.Options) {
		o.NotifyLoopback = true
		if sb != nil {
			sb(o)
		}
	})
	r.sink = NewNotifySink(r.pool)
	rc, err := notify.NewReceiver(notify.Receiver{MchID: r.env.Sandbox.Profile(r.env.HTTP.URL).MchID,
		V3: r.env.Client.NotifyParser(), Sink: r.sink})
	if err != nil {
		t.Fatal(err)
	}
	r.fr = &front{next: rc.Handler()}
	r.srv = httptest.NewServer(r.fr)
	t.Cleanup(r.srv.Close)
	r.gw = &queries{Gateway: paygate.NewV3(r.env.Client, paygate.Options{NotifyURL: r.srv.URL + "/notify/v3"}), n: map[string]int{}}
	r.clk = postest.NewClock(time.Now())
	db := openDB(t)
	c := pos.Config{StoreID: "S01", TerminalID: "T01", Clock: r.clk}
	if cfg != nil {
		cfg(&c)
	}
	if r.term, err = pos.New(posstore.New(db), r.gw, c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.term.Close() })
	if r.w, err = NewWorker(db, r.pool, Options{StoreID: "S01", TerminalID: "T01", Poll: time.Hour, Hint: r.term.Notified}); err != nil {
		t.Fatal(err)
	}
	go r.w.Run(ctx)
	listeners(t, ctx, r.pool, 1, 0)
	r.changes = r.term.Subscribe(ctx)
	return r
}
