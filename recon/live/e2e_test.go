package live_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

type allowManager struct{}

func (allowManager) Authorize(_ context.Context, a pos.Approval, _ pos.Action, _ string) (string, error) {
	if a.User != "manager" {
		return "", pos.ErrNotAuthorised
	}
	return "manager", nil
}

var manager = pos.Approval{User: "manager", Credential: "1234"}

// TestEndToEndSandbox runs a day of mixed business through the payment core
// against the sandbox over HTTP, loses one local record and forces one
// payment that never reached WeChat, advances the sandbox clock past 10:00
// the next day, fetches the bill through the real client and reconciles:
// exactly those two differences, and nothing else.
func TestEndToEndSandbox(t *testing.T) {
	day := recon.Day("20261125")
	clk := postest.NewAutoClock(day.Start().Add(9 * time.Hour))
	env := gatetest.Start(t, clk.Now, func(o *sandbox.Options) { o.RefundDelay = -1 })
	db := storagetest.Open(t)
	term, err := pos.New(posstore.New(db), env.Gateway, pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: allowManager{}, CallTimeout: 2 * time.Second, RefundWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	ctx := context.Background()
	sale := func(fen int64) pos.Sale { return pos.Sale{AmountFen: fen, Cashier: "alice"} }
	scan := func(fen int64, sc sandbox.Scenario, want pos.State) *pos.Order {
		t.Helper()
		o, err := term.PayScan(ctx, sale(fen), gatetest.Code(sc))
		if err != nil || o.State != want {
			t.Fatalf("scan %d %s: %v, %+v; want %s", fen, sc, err, o, want)
		}
		return o
	}

	// Mixed business.
	scan(1000, sandbox.ScenarioSuccess, pos.StatePaid)
	refunded := scan(2500, sandbox.ScenarioSuccess, pos.StatePaid)
	if r, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: refunded.OutTradeNo, AmountFen: 500, Reason: "one item back", Approval: manager}); err != nil || r.State != pos.RefundSuccess {
		t.Fatalf("refund: %v %+v", err, r)
	}
	scan(1234, sandbox.ScenarioUserPayingSuccess, pos.StatePaid)
	scan(990, sandbox.ScenarioUserPayingTimeout, pos.StateReversed)
	scan(880, sandbox.ScenarioNotEnough, pos.StateFailed)
	if _, err := term.PayCash(ctx, sale(800), 1000); err != nil {
		t.Fatal(err)
	}
	// The customer scans the QR once the core has committed SHOWING_QR; the
	// event stream says when, and the deadline bounds the wait.
	showing, stopWatching := context.WithTimeout(ctx, 30*time.Second)
	events := term.Subscribe(showing)
	p, err := term.BeginQR(ctx, sale(1500))
	if err != nil {
		t.Fatal(err)
	}
	codeURL := ""
	for codeURL == "" {
		ev, ok := <-events
		if !ok {
			t.Fatalf("QR %s never reached SHOWING_QR: %+v", p.OutTradeNo(), p.Order())
		}
		if ev.Ref == p.OutTradeNo() && ev.To == string(pos.StateShowingQR) {
			codeURL = ev.Order.CodeURL
		}
	}
	stopWatching()
	if err := env.Sandbox.PayNative(codeURL); err != nil {
		t.Fatal(err)
	}
	if o, err := p.Wait(ctx); err != nil || o.State != pos.StatePaid {
		t.Fatalf("QR: %v %+v", err, o)
	}

	// A payment forced paid that never reached WeChat (the network was down).
	if err := env.Sandbox.AddFault(sandbox.Fault{Status: 503, Count: -1}); err != nil {
		t.Fatal(err)
	}
	unknown := scan(600, sandbox.ScenarioSuccess, pos.StateUnknown)
	env.Sandbox.ClearFaults()
	if o, err := term.ForcePaid(ctx, unknown.OutTradeNo, manager, "customer showed the paid screen"); err != nil || o.State != pos.StatePaid {
		t.Fatalf("force paid: %v %+v", err, o)
	}

	// A payment whose local record was lost (e.g. restored from an old backup).
	lost := scan(700, sandbox.ScenarioSuccess, pos.StatePaid)
	if err := db.Update(func(tx *storage.Tx) error {
		if err := tx.Delete(storage.BucketOrders, lost.OutTradeNo); err != nil {
			return err
		}
		return tx.Delete(storage.BucketOrdersByDay, string(day)+"/"+lost.OutTradeNo)
	}); err != nil {
		t.Fatal(err)
	}

	// Another till of the same merchant sells too.
	if _, err := env.Client.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: "PS1-T2-00000001", Description: "till 2",
		AuthCode: gatetest.Code(sandbox.ScenarioSuccess), Total: 300, DeviceIP: "10.0.0.2", DeviceID: "T2"}); err != nil {
		t.Fatal(err)
	}

	book := reconstore.NewBillBook(db, clk.Now)
	f := &recon.Fetcher{Desk: &recon.Desk{Book: book, Terminal: recon.TerminalOf("S1", "T1"), Parse: live.Parse,
		Operator: &live.Operator{Client: env.Client, Terminal: term, Approval: manager}, Sales: live.Recorder{Terminal: term}},
		Source: live.Source{Client: env.Client}, Now: clk.Now}

	// Before 10:00 the next day the bill is not ready, and nothing is stored.
	clk.Advance(day.End().Add(9 * time.Hour).Sub(clk.Now()))
	if _, err := f.FetchDay(ctx, day, "system"); !errors.Is(err, recon.ErrNotReady) {
		t.Fatalf("fetch at 09:00 the next day: %v, want ErrNotReady", err)
	}
	if book.HasBill(day) {
		t.Fatal("a bill was stored although the fetch failed")
	}

	clk.Advance(2 * time.Hour)
	f.Cycle(ctx)
	if st := f.Status(); st.State != recon.FetchIdle {
		t.Fatalf("worker status %+v, want idle after a good fetch", st)
	}
	res, err := book.Result(day)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]recon.Kind{}
	for _, d := range res.Differences {
		got[d.OutTradeNo] = d.Kind
	}
	want := map[string]recon.Kind{unknown.OutTradeNo: recon.KindLocalOnly, lost.OutTradeNo: recon.KindWeChatOnly}
	if len(got) != len(want) || got[unknown.OutTradeNo] != want[unknown.OutTradeNo] || got[lost.OutTradeNo] != want[lost.OutTradeNo] {
		t.Fatalf("differences %+v, want exactly %v", res.Differences, want)
	}
	// Matched: 1000, 2500, its refund, 1234, 1500. The 990 reversed while
	// the customer never entered the password and the declined 880 were
	// never paid, so they are on neither side's money.
	if res.Counts[recon.KindMatched] != 5 || res.Counts[recon.KindOtherTerminal] != 1 {
		t.Fatalf("counts %v, want 5 matched and 1 other terminal", res.Counts)
	}
	if d := res.Difference("local_only/order/" + unknown.OutTradeNo); d == nil || !d.Forced {
		t.Fatalf("forced-paid difference %+v should say it was forced", d)
	}

	// Work through them: the forced one is queried (WeChat has nothing) and
	// explained; the lost payment is refunded to the customer (recorded as a
	// sale first, then refunded through the payment core).
	_, ans, err := f.Desk.Query(ctx, day, "local_only/order/"+unknown.OutTradeNo, "manager")
	if err != nil || ans.State != recon.StateNotExist {
		t.Fatalf("query: %v %+v", err, ans)
	}
	if _, err := f.Desk.Explain(day, "local_only/order/"+unknown.OutTradeNo, "manager", "collected in cash later"); err != nil {
		t.Fatal(err)
	}
	res, err = f.Desk.Refund(ctx, day, "wechat_only/order/"+lost.OutTradeNo, recon.Approver{User: "manager", Credential: "1234"}, "goods not taken")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Balanced() {
		t.Fatalf("not balanced after resolving both: %+v", res.Differences)
	}
	refundNo := res.Difference("wechat_only/order/" + lost.OutTradeNo).Resolution.Ref
	found := false
	for _, r := range env.Sandbox.Ledger().Refunds {
		found = found || (r.OutRefundNo == refundNo && r.OutTradeNo == lost.OutTradeNo && r.AmountFen == 700)
	}
	if !found {
		t.Fatalf("refund %s of %s not in the sandbox ledger", refundNo, lost.OutTradeNo)
	}
	// Reconciling again keeps the resolutions: still balanced.
	if res, err = f.Desk.Reconcile(day, "system"); err != nil || !res.Balanced() {
		t.Fatalf("re-run: %v, %+v", err, res)
	}
}
