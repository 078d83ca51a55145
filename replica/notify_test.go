package replica

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// The chain path end to end over real HTTP and a real PostgreSQL: the
// sandbox delivers a paid QR's notification to the receiver, which records
// it in PostgreSQL (NotifySink) before answering; the paying terminal's
// replication worker, told by PostgreSQL's NOTIFY (its poll is an hour
// away), pulls it — and not the other terminal's — and hands it to
// pos.Terminal.Hint, which queries and settles the order PAID although its
// own next QR poll never comes. The delivery again, and the
// sale's refund's notification, record nothing twice; head office sees
// both notifications of the sale.
func TestNotificationThroughPostgreSQL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := migrated(t)
	env := gatetest.Start(t, time.Now, func(o *sandbox.Options) { o.NotifyLoopback = true; o.RefundDelay = -1 })
	sink := NewNotifySink(pool)
	rc, err := notify.NewReceiver(notify.Receiver{MchID: env.Sandbox.Profile(env.HTTP.URL).MchID,
		V3: env.Client.NotifyParser(), Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(rc.Handler())
	defer front.Close()
	gw := paygate.NewV3(env.Client, paygate.Options{NotifyURL: front.URL + "/notify/v3"})

	// Two terminals of one store; only T01 takes the sale. Their clock
	// never moves: a QR's next poll never comes.
	clk := postest.NewClock(time.Now())
	terminal := func(id string) (*pos.Terminal, *Worker) {
		db := openDB(t)
		term, err := pos.New(posstore.New(db), gw, pos.Config{StoreID: "S01", TerminalID: id, Clock: clk,
			Authorizer: pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "wang", nil })})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { term.Close() })
		hints := func(no string) error {
			if id != "T01" {
				t.Errorf("terminal %s was handed %s", id, no)
			}
			return term.Hint(no)
		}
		w, err := NewWorker(db, pool, Options{StoreID: "S01", TerminalID: id, Poll: time.Hour, Hint: hints})
		if err != nil {
			t.Fatal(err)
		}
		go w.Run(ctx)
		return term, w
	}
	a, _ := terminal("T01")
	_, wb := terminal("T02")

	changes := a.Subscribe(ctx)
	p, err := a.BeginQR(ctx, pos.Sale{AmountFen: 5100})
	if err != nil {
		t.Fatal(err)
	}
	var shown *pos.Order
	for shown == nil {
		select {
		case ev := <-changes:
			if o := ev.Order; o != nil && o.OutTradeNo == p.OutTradeNo() && o.State == pos.StateShowingQR {
				shown = o
			}
		case <-ctx.Done():
			t.Fatalf("no QR: %+v", p.Order())
		}
	}
	if !clk.WaitForWaiter(ctx.Done()) { // the QR's first poll found it unpaid
		t.Fatal("the QR never waited for its next poll")
	}
	listeners(t, ctx, pool, 2, 0) // both workers hear of what PostgreSQL records
	if err := env.Sandbox.PayNative(shown.CodeURL); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v: %+v", n, err, env.Sandbox.Notifications())
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("the QR was not settled through PostgreSQL")
	}
	if o := p.Order(); o.State != pos.StatePaid || o.TransactionID == "" {
		t.Fatalf("sale %s %q, want PAID with WeChat's transaction id", o.State, o.TransactionID)
	}

	rf, err := a.Refund(ctx, pos.RefundOrder{OutTradeNo: p.OutTradeNo(), AmountFen: 100, Approval: pos.Approval{User: "wang"}})
	if err != nil {
		t.Fatal(err)
	}
	env.Sandbox.Advance(time.Hour) // every retry due: the sale's notification is not owed again
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("refund notification: delivered %d, %v", n, err)
	}
	recs, err := NotificationsOf(ctx, pool, p.OutTradeNo())
	if err != nil || len(recs) != 2 {
		t.Fatalf("head office sees %+v, %v; want the sale's and the refund's", recs, err)
	}
	if r := recs[0]; r.Kind != notify.KindPay || r.State != "SUCCESS" || r.TotalFen != 5100 || r.TransactionID != p.Order().TransactionID {
		t.Errorf("pay notification in PostgreSQL: %+v", r)
	}
	if r := recs[1]; r.Kind != notify.KindRefund || r.OutRefundNo != rf.OutRefundNo || r.RefundFen != 100 {
		t.Errorf("refund notification in PostgreSQL: %+v", r)
	}
	if err := wb.Sync(ctx); err != nil { // T02 has run its passes too
		t.Fatal(err)
	}
	if at, err := sink.Cursor(ctx, "terminal:S01/T02"); err != nil || at != 0 {
		t.Errorf("T02's cursor %d, %v: it was handed another terminal's notifications", at, err)
	}
}

// NotifySink keeps the Sink contract: a record once by id and once by
// (kind, number, state), in seq order for a consumer; refusals newest
// first; a consumer's cursor only moves forward.
func TestNotifySink(t *testing.T) {
	ctx := context.Background()
	s := NewNotifySink(migrated(t))
	now := time.Now().Truncate(time.Microsecond)
	pay := notify.Record{ID: "N1", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: "PS01-T01-X-1",
		TransactionID: "4200", State: "SUCCESS", TotalFen: 2600, SuccessTime: now, Received: now}
	refund := notify.Record{ID: "N2", API: "v2", Kind: notify.KindRefund, MchID: "1900000109", OutTradeNo: "PS01-T01-X-1",
		OutRefundNo: "RS01-T01-X-2", State: "SUCCESS", TotalFen: 2600, RefundFen: 600, Received: now}
	for i, c := range []struct {
		r   notify.Record
		dup bool
	}{
		{pay, false},
		{pay, true}, // WeChat's retry
		{func() notify.Record { r := pay; r.ID = "N9"; return r }(), true}, // the same event under another id
		{refund, false},
	} {
		r := c.r
		dup, err := s.Accept(ctx, &r)
		if err != nil || dup != c.dup {
			t.Fatalf("accept %d (%s): dup %v, %v; want dup %v", i, r.ID, dup, err, c.dup)
		}
	}
	recs, err := s.Since(ctx, 0, 10)
	if err != nil || len(recs) != 2 || recs[0].ID != "N1" || recs[1].ID != "N2" || recs[0].Seq >= recs[1].Seq {
		t.Fatalf("since 0: %+v %v", recs, err)
	}
	if r := recs[0]; r.TotalFen != 2600 || r.TransactionID != "4200" || !r.SuccessTime.Equal(now) || !r.Received.Equal(now) {
		t.Errorf("pay read back: %+v", r)
	}
	if r := recs[1]; r.Kind != notify.KindRefund || r.RefundFen != 600 || !r.SuccessTime.IsZero() {
		t.Errorf("refund read back: %+v", r)
	}
	if later, _ := s.Since(ctx, recs[0].Seq, 10); len(later) != 1 || later[0].ID != "N2" {
		t.Errorf("since %d: %+v", recs[0].Seq, later)
	}
	for _, reason := range []string{notify.RefusedSignature, notify.RefusedStale} {
		if err := s.Refuse(ctx, &notify.Refusal{API: "v3", Reason: reason, Detail: "x", Status: 401, Received: now}); err != nil {
			t.Fatal(err)
		}
	}
	if fs, err := s.Refusals(ctx, 10); err != nil || len(fs) != 2 || fs[0].Reason != notify.RefusedStale {
		t.Errorf("refusals %+v %v, want newest first", fs, err)
	}
	if err := s.SetCursor(ctx, "hq", 2); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCursor(ctx, "hq", 1); err != nil {
		t.Fatal(err)
	}
	if at, err := s.Cursor(ctx, "hq"); err != nil || at != 2 {
		t.Errorf("cursor %d %v, want 2", at, err)
	}
}

// The head-office report lists an open QR sale with what WeChat already
// announced about it: a terminal that has not confirmed a payment WeChat
// notified is visible at head office, not only at the counter.
func TestReportShowsAnnounced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	p, err := c.pos.BeginQR(ctx, pos.Sale{AmountFen: 800})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Cancel()
	changes := c.pos.Subscribe(ctx)
	for o := p.Order(); o.State != pos.StateShowingQR; {
		select {
		case ev := <-changes:
			if ev.Order != nil && ev.Order.OutTradeNo == p.OutTradeNo() {
				o = ev.Order
			}
		case <-ctx.Done():
			t.Fatal("no QR")
		}
	}
	w, err := NewWorker(c.db, pool, Options{StoreID: "S01", TerminalID: "T01"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(tz.Shanghai).Format("20060102")
	report := func() []Open {
		t.Helper()
		r, err := Report(ctx, pool, Query{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		return r.Open
	}
	if open := report(); len(open) != 1 || open[0].No != p.OutTradeNo() || open[0].Announced != "" {
		t.Fatalf("before the notification: %+v", open)
	}
	rec := notify.Record{ID: "EV-1", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: p.OutTradeNo(),
		State: "SUCCESS", TotalFen: 800, Received: time.Now()}
	if _, err := NewNotifySink(pool).Accept(ctx, &rec); err != nil {
		t.Fatal(err)
	}
	if open := report(); len(open) != 1 || open[0].Announced != "SUCCESS" {
		t.Fatalf("after the notification: %+v, want announced SUCCESS", open)
	}
}
