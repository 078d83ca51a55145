package replica

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// The chain path end to end over real HTTP and a real PostgreSQL: the
// sandbox delivers a paid QR's notification to the receiver, which records
// it in PostgreSQL (NotifySink) before answering; the paying terminal's
// replication worker, told by PostgreSQL's NOTIFY (its poll is an hour
// away), pulls it — and not the other terminal's — and hands it to
// pos.Terminal.Hint, which queries and settles the order PAID although its
// own next QR poll never comes. The sale's refund, left PROCESSING at
// WeChat, is completed the same way by its notification (the recovery
// worker's next pass never comes either). Nothing is recorded twice; head
// office sees both notifications of the sale.
func TestNotificationThroughPostgreSQL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := migrated(t)
	env := gatetest.Start(t, time.Now, func(o *sandbox.Options) { o.NotifyLoopback = true; o.RefundDelay = time.Minute })
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
		hints := func(n pos.Notice) error {
			if id != "T01" {
				t.Errorf("terminal %s was handed %s", id, n.Ref)
			}
			return term.Notified(n)
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

	clk.SetAuto(true) // the refund's own polls pass at once, WeChat's clock stands: it stays PROCESSING
	rf, err := a.Refund(ctx, pos.RefundOrder{OutTradeNo: p.OutTradeNo(), AmountFen: 100, Approval: pos.Approval{User: "wang"}})
	clk.SetAuto(false)
	if err != nil || rf.State != pos.RefundProcessing {
		t.Fatalf("refund %v %+v, want PROCESSING", err, rf)
	}
	a.Start(ctx)                        // the recovery worker, which a hint about an open refund wakes
	if !clk.WaitForWaiter(ctx.Done()) { // its first pass found the refund PROCESSING; its next never comes
		t.Fatal("the recovery worker never waited")
	}
	env.Sandbox.Advance(time.Hour) // WeChat finishes the refund; the sale's notification is not owed again
	if n, err := env.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("refund notification: delivered %d, %v", n, err)
	}
	for done := false; !done; { // through PostgreSQL, NOTIFY and T01's worker
		select {
		case ev := <-changes:
			done = ev.Refund != nil && ev.Refund.OutRefundNo == rf.OutRefundNo && ev.Refund.State == pos.RefundSuccess
		case <-ctx.Done():
			t.Fatal("the PROCESSING refund was not completed by its notification")
		}
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
	if err := wb.pullHints(ctx); err != nil { // and pulls: it is handed nothing (hints fails the test)
		t.Fatal(err)
	}
	// T02 had no notification of its own, so its cursor was never written:
	// its pull is a range of its own rows (migration 0015), which never
	// reads T01's, and moving past them would tell it how many there were.
	if at, err := sink.Cursor(ctx, "terminal:S01/T02"); err != nil || at != 0 {
		t.Errorf("T02's cursor %d, %v; want none (0): it had no notification of its own", at, err)
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

// A payment and a refund WeChat announced while their terminal was
// offline, before it replicated them, are on the head-office report on a
// line of their own — in text, CSV and the report's Announced — and not in
// the total; once the terminal replicates them open they are open items
// marked announced; once it replicates the sale PAID it counts in the
// lines, once.
func TestReportAnnouncedNotReplicated(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	paid := sh("2026-11-25 10:00")
	sink := NewNotifySink(pool)
	for _, r := range []notify.Record{
		{ID: "EV-1", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: "PS01-T01-E1-1", TransactionID: "4201",
			State: "SUCCESS", TotalFen: 5100, SuccessTime: paid, Received: paid},
		{ID: "EV-2", API: "v3", Kind: notify.KindRefund, MchID: "1900000109", OutTradeNo: "PS01-T01-E1-0", OutRefundNo: "RS01-T01-E1-2",
			State: "SUCCESS", TotalFen: 900, RefundFen: 300, SuccessTime: paid.Add(time.Minute), Received: paid.Add(time.Minute)},
		{ID: "EV-3", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: "PS02-T01-E1-1",
			State: "SUCCESS", TotalFen: 700, SuccessTime: paid.AddDate(0, 0, 1), Received: paid.AddDate(0, 0, 1)}, // the next day
	} {
		if _, err := sink.Accept(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	report := func(store string) *HQReport {
		t.Helper()
		r, err := Report(ctx, pool, Query{From: "20261125", To: "20261125", StoreID: store})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	r := report("")
	var got []string
	for _, a := range r.Announced {
		got = append(got, fmt.Sprintf("%s %s %s/%s %s %d", a.Kind, a.No, a.StoreID, a.TerminalID, a.State, a.AmountFen))
	}
	if want := []string{"order PS01-T01-E1-1 S01/T01 SUCCESS 5100", "refund RS01-T01-E1-2 S01/T01 SUCCESS 300"}; !slices.Equal(got, want) {
		t.Fatalf("announced %q, want %q", got, want)
	}
	if a := r.Announced[0]; a.TransactionID != "4201" || !a.At.Equal(paid) || a.OutTradeNo != "PS01-T01-E1-1" {
		t.Errorf("announced payment %+v", a)
	}
	if tot := r.Totals(); tot.SaleCount != 0 || tot.RefundCount != 0 || len(r.Open) != 0 {
		t.Errorf("unreplicated announcements counted: totals %+v, open %+v", tot, r.Open)
	}
	if pays, payFen, refunds, refundFen := r.AnnouncedTotals(); pays != 1 || payFen != 5100 || refunds != 1 || refundFen != 300 {
		t.Errorf("announced totals %d/%d %d/%d", pays, payFen, refunds, refundFen)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text, time.Now()); err != nil {
		t.Fatal(err)
	}
	var line []string // the announced line's figures, under the total's columns
	for l := range strings.Lines(text.String()) {
		if rest, ok := strings.CutPrefix(l, "announced by WeChat, not replicated "); ok {
			line = strings.Fields(rest)
		}
	}
	if !slices.Equal(line, []string{"1", "51.00", "1", "3.00", "48.00"}) || !strings.Contains(text.String(), "PS01-T01-E1-1") {
		t.Errorf("announced line %q; text report:\n%s", line, text.String())
	}
	var names []string
	for _, tb := range r.CSVTables(csvout.English) {
		names = append(names, tb.Name)
		if tb.Name != "announced" {
			continue
		}
		var buf bytes.Buffer
		if err := tb.Write(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[len(csvout.BOM):])).ReadAll()
		if err != nil || len(rows) != 3 || rows[1][1] != "PS01-T01-E1-1" || rows[1][6] != "51.00" || rows[1][7] != "5100" {
			t.Errorf("announced CSV %q, %v", rows, err)
		}
	}
	if !slices.Equal(names, []string{"sales", "announced"}) {
		t.Errorf("CSV tables %v, want sales and announced", names)
	}
	if other := report("S02"); len(other.Announced) != 0 {
		t.Errorf("store S02 on 25 Nov: %+v", other.Announced)
	}

	// The terminal comes back: it replicates the sale still open (it has
	// not queried yet), then PAID.
	db := openDB(t)
	w, err := NewWorker(db, pool, Options{StoreID: "S01", TerminalID: "T01"})
	if err != nil {
		t.Fatal(err)
	}
	sale := storage.Order{OutTradeNo: "PS01-T01-E1-1", Tender: "wechat_qr", State: "SHOWING_QR", AmountFen: 5100, CreatedAt: paid.Add(-time.Minute)}
	record(t, db, []storage.Order{sale}, nil)
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	r = report("")
	if len(r.Announced) != 1 || r.Announced[0].Kind != "refund" || len(r.Open) != 1 || r.Open[0].Announced != "SUCCESS" || r.Totals().SaleCount != 0 {
		t.Fatalf("sale replicated open: announced %+v, open %+v, totals %+v", r.Announced, r.Open, r.Totals())
	}
	var buf bytes.Buffer
	if err := r.CSVTables(csvout.English)[1].Write(&buf); err != nil || !strings.Contains(buf.String(), "SHOWING_QR") ||
		!strings.Contains(buf.String(), ",SUCCESS\r\n") {
		t.Errorf("open CSV without what WeChat announced: %q, %v", buf.String(), err)
	}
	sale.State, sale.PaidAt, sale.TransactionID = "PAID", paid, "4201"
	record(t, db, []storage.Order{sale}, nil)
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	r = report("")
	if tot := r.Totals(); tot.SaleCount != 1 || tot.SaleFen != 5100 || len(r.Open) != 0 || len(r.Announced) != 1 {
		t.Errorf("sale replicated PAID: totals %+v, open %+v, announced %+v — want it counted once", tot, r.Open, r.Announced)
	}
}

// Head office's reconciliation marks what WeChat announced: a bill row no
// terminal replicated but WeChat notified is advised as its terminal's, not
// to be refunded; one nobody announced keeps "refund it, or record the
// sale".
func TestReconcileMerchantAnnounced(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	paid := sh("2026-11-25 10:00")
	rec := notify.Record{ID: "EV-1", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: "PS01-T01-E1-1",
		TransactionID: "4201", State: "SUCCESS", TotalFen: 5100, SuccessTime: paid, Received: paid}
	if _, err := NewNotifySink(pool).Accept(ctx, &rec); err != nil {
		t.Fatal(err)
	}
	row := func(no, txid string, fen int64) recon.Row {
		return recon.Row{Time: paid, DeviceInfo: "T01", TransactionID: txid, OutTradeNo: no, TradeType: "NATIVE",
			State: recon.BillSuccess, TotalFen: fen, SettledFen: fen}
	}
	bill := []recon.Row{row("PS01-T01-E1-1", "4201", 5100), row("PS01-T01-E1-2", "4202", 800)}
	res, err := ReconcileMerchant(ctx, pool, "20261125", "S01", false, recon.NewRows(bill))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[recon.KindWeChatOnly] != 2 || len(res.Differences) != 2 {
		t.Fatalf("counts %v, differences %+v", res.Counts, res.Differences)
	}
	for _, d := range res.Differences {
		refundable := slices.Contains(d.Actions, recon.ActionRefund)
		switch d.OutTradeNo {
		case "PS01-T01-E1-1":
			if d.Announced != "SUCCESS" || d.Advice != adviceNotReplicated || refundable {
				t.Errorf("announced row: %+v", d)
			}
		default:
			if d.Announced != "" || d.Advice == adviceNotReplicated || !refundable {
				t.Errorf("row nobody announced: %+v", d)
			}
		}
	}
}
