package pos_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// sbRig is a terminal talking to the sandbox over HTTP through the real
// client, both on the same fake clock.
type sbRig struct {
	*rig
	env *gatetest.Env
	gen string
}

// gens are the API generations every sandbox test runs with.
var gens = []string{"v3", "v2"}

// paths are the endpoints faults target, per generation.
type paths struct{ pay, query, reverse, refund string }

func pathsOf(gen, outTradeNo string) paths {
	if gen == "v2" {
		return paths{pay: "/pay/micropay", query: "/pay/orderquery", reverse: "/secapi/pay/reverse", refund: "/secapi/pay/refund"}
	}
	q := "/v3/pay/transactions/out-trade-no/" + outTradeNo
	return paths{pay: "/v3/pay/transactions/codepay", query: q, reverse: q + "/reverse", refund: "/v3/refund/domestic/refunds"}
}

func newSandboxRig(t *testing.T, gen string, auto bool, mod func(*sandbox.Options)) *sbRig {
	t.Helper()
	clk := postest.NewClock(t0)
	if auto {
		clk = postest.NewAutoClock(t0)
	}
	env := gatetest.StartGen(t, gen, clk.Now, mod)
	r := &rig{t: t, clk: clk, cfg: testConfig(clk)}
	r.db = openDB(t)
	r.store = posstore.New(r.db)
	r.term = r.newTerminal(r.store, env.Gateway)
	return &sbRig{rig: r, env: env, gen: gen}
}

func (s *sbRig) restartSandbox() {
	s.t.Helper()
	s.term.Close()
	s.db = storagetest.Reopen(s.t, s.db)
	s.store = posstore.New(s.db)
	s.term = s.newTerminal(s.store, s.env.Gateway)
}

func (s *sbRig) ledger() map[string]sandbox.LedgerOrder {
	m := map[string]sandbox.LedgerOrder{}
	for _, o := range s.env.Sandbox.Ledger().Orders {
		m[o.OutTradeNo] = o
	}
	return m
}

func TestSandboxScan(t *testing.T) {
	tests := []struct {
		sc     sandbox.Scenario
		fault  *sandbox.Fault
		want   pos.State
		code   string
		ledger string // "" = no order at WeChat
	}{
		{sc: sandbox.ScenarioSuccess, want: pos.StatePaid, ledger: "SUCCESS"},
		{sc: sandbox.ScenarioUserPayingSuccess, want: pos.StatePaid, ledger: "SUCCESS"},
		{sc: sandbox.ScenarioUserPayingTimeout, want: pos.StateReversed, ledger: "REVOKED"},
		{sc: sandbox.ScenarioNotEnough, want: pos.StateFailed, code: "NOTENOUGH"},
		{sc: sandbox.ScenarioAuthCodeExpired, want: pos.StateFailed, code: "AUTHCODEEXPIRE"},
		{sc: sandbox.ScenarioSystemErrorThenSuccess, want: pos.StatePaid, ledger: "SUCCESS"},
	}
	for _, gen := range gens {
		for _, tc := range tests {
			t.Run(gen+" "+string(tc.sc), func(t *testing.T) {
				s := newSandboxRig(t, gen, false, nil)
				p, err := s.term.BeginScan(context.Background(), sale(1234), gatetest.Code(tc.sc))
				if err != nil {
					t.Fatal(err)
				}
				o := s.wait(p)
				if o.State != tc.want || (tc.code != "" && o.ErrorCode != tc.code) {
					t.Fatalf("state %s code %q (%s), want %s %q", o.State, o.ErrorCode, o.Message, tc.want, tc.code)
				}
				l, ok := s.ledger()[o.OutTradeNo]
				if tc.ledger == "" && ok && (l.TradeState == "SUCCESS" || l.TradeState == "REFUND") {
					t.Errorf("ledger %+v, want not paid", l)
				}
				if tc.ledger != "" && l.TradeState != tc.ledger {
					t.Errorf("ledger %q, want %q", l.TradeState, tc.ledger)
				}
				if o.State == pos.StatePaid && l.TransactionID != o.TransactionID {
					t.Errorf("transaction id %q, ledger %q", o.TransactionID, l.TransactionID)
				}
				checkReceipt(t, s.rig, o)
			})
		}
	}
}

func TestSandboxQR(t *testing.T) {
	tests := []struct {
		name  string
		close time.Duration // sandbox CloseMinAge
		act   func(s *sbRig, p *pos.Payment)
		want  pos.State
	}{
		{name: "customer pays", act: func(s *sbRig, p *pos.Payment) {
			if err := s.env.Sandbox.PayNative(p.Order().CodeURL); err != nil {
				s.t.Error(err)
			}
		}, want: pos.StatePaid},
		{name: "expires", want: pos.StateClosed},
		{name: "cashier cancels", act: func(s *sbRig, p *pos.Payment) { s.term.Cancel(p.OutTradeNo()) }, want: pos.StateClosed},
		{name: "paid just before the close", act: func(s *sbRig, p *pos.Payment) {
			s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(s.gen, p.OutTradeNo()).query, Drop: sandbox.DropBefore})
			if err := s.env.Sandbox.PayNative(p.Order().CodeURL); err != nil {
				s.t.Error(err)
			}
			p.Cancel()
		}, want: pos.StatePaid},
		{name: "early close leaves it payable: not CLOSED until confirmed", close: 5 * time.Minute,
			act: func(s *sbRig, p *pos.Payment) { p.Cancel() }, want: pos.StateClosing},
	}
	for _, gen := range gens {
		for _, tc := range tests {
			t.Run(gen+" "+tc.name, func(t *testing.T) {
				s := newSandboxRig(t, gen, false, func(o *sandbox.Options) { o.CloseMinAge = tc.close })
				p, err := s.term.BeginQR(context.Background(), sale(2500))
				if err != nil {
					t.Fatal(err)
				}
				if tc.act != nil {
					s.clk.WaitForWaiter(p.Done())
					if p.Order().State != pos.StateShowingQR || p.Order().CodeURL == "" {
						t.Fatalf("not showing a QR: %+v", p.Order())
					}
					tc.act(s, p)
				}
				o := s.wait(p)
				if o.State != tc.want {
					t.Fatalf("state %s (%s), want %s", o.State, o.Message, tc.want)
				}
				s.clk.SetAuto(true)
				s.recover()
				checkInvariants(t, s.store, s.env.Sandbox.Ledger())
			})
		}
	}
}

func TestSandboxRefund(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) { testSandboxRefund(t, gen) })
	}
}

func testSandboxRefund(t *testing.T, gen string) {
	s := newSandboxRig(t, gen, true, nil)
	ctx := context.Background()
	o, err := s.term.PayScan(ctx, sale(1000), gatetest.Code(sandbox.ScenarioSuccess))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("%v %+v", err, o)
	}
	// A reason WeChat would refuse as typed (an emoji; over its 80
	// characters) is sent without the emoji, cut at 80.
	reason := "顾客退货 👍 " + strings.Repeat("长", 90)
	r1, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 400, Reason: reason, Approval: manager})
	if err != nil {
		t.Fatal(err)
	}
	s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(gen, "").refund, Drop: sandbox.DropAfter})
	r2, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 600, Reason: "rest", Approval: manager})
	if err != nil {
		t.Fatal(err)
	}
	if r1.State == pos.RefundClosed || r1.Reason != reason { // v2 answers PROCESSING first
		t.Errorf("refund with an emoji in its reason: %s %s (%s), reason kept %q", r1.State, r1.ErrorCode, r1.Message, r1.Reason)
	}
	if r2.State != pos.RefundSubmitted {
		t.Errorf("refund with lost answer: %s, want SUBMITTED (queued)", r2.State)
	}
	s.recover()
	for _, no := range []string{r1.OutRefundNo, r2.OutRefundNo} {
		r, _ := s.term.RefundRecord(no)
		if r.State != pos.RefundSuccess {
			t.Errorf("%s: %s", no, r.State)
		}
	}
	checkInvariants(t, s.store, s.env.Sandbox.Ledger())
}

func TestSandboxScanFaults(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) { testSandboxScanFaults(t, gen) })
	}
}

func testSandboxScanFaults(t *testing.T, gen string) {
	const latency = 300 * time.Millisecond
	// The paths name the first order; its number (with the database's
	// epoch) is known once the rig exists, so the table uses a placeholder.
	const first = "<first order>"
	ps := pathsOf(gen, first)
	pay, query := ps.pay, ps.query
	tests := []struct {
		name   string
		sc     sandbox.Scenario
		faults []sandbox.Fault
		want   []pos.State // acceptable live outcomes
	}{
		{"pay dropped before commit", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Drop: sandbox.DropBefore}}, []pos.State{pos.StateReversing}},
		{"pay dropped after commit", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Drop: sandbox.DropAfter}}, []pos.State{pos.StatePaid}},
		{"pay 500", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Status: 500}}, []pos.State{pos.StateReversing}},
		{"pay 502 then queries 503", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Status: 502}, {Path: query, Status: 503, Count: 3}}, []pos.State{pos.StateReversing}},
		{"pay times out", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Latency: sandbox.Duration(latency)}}, []pos.State{pos.StatePaid, pos.StateReversing}},
		// The payment reaches WeChat only after the terminal has queried
		// ("no such order") and tried to reverse ("no such order" again):
		// within NotExistGrace the reverse stays queued, and once the late
		// payment lands the reverse refunds it. Trusting the first "no such
		// order" would book FAILED on money WeChat took.
		{"pay lands after WeChat said no such order", sandbox.ScenarioSuccess, []sandbox.Fault{{Path: pay, Late: true}}, []pos.State{pos.StateReversing}},
		{"password wait, queries dropped after", sandbox.ScenarioUserPayingSuccess, []sandbox.Fault{{Path: query, Drop: sandbox.DropAfter, Count: 2}}, []pos.State{pos.StatePaid}},
		{"reverse 500 then ok", sandbox.ScenarioUserPayingTimeout, []sandbox.Fault{{Path: ps.reverse, Status: 500}}, []pos.State{pos.StateReversing}},
		{"reverse dropped after commit", sandbox.ScenarioUserPayingTimeout, []sandbox.Fault{{Path: ps.reverse, Drop: sandbox.DropAfter}}, []pos.State{pos.StateReversing}},
		{"network down throughout", sandbox.ScenarioSuccess, []sandbox.Fault{{Status: 503, Count: 1000}}, []pos.State{pos.StateUnknown}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandboxRig(t, gen, false, nil)
			for _, f := range tc.faults {
				if f.Latency > 0 || f.Late {
					s.cfg.CallTimeout = 100 * time.Millisecond // shorter than the latency
					s.term = s.newTerminal(s.store, s.env.Gateway)
				}
			}
			for _, f := range tc.faults {
				f.Path = strings.Replace(f.Path, first, s.no("P", 1), 1)
				if err := s.env.Sandbox.AddFault(f); err != nil {
					t.Fatal(err)
				}
			}
			p, err := s.term.BeginScan(context.Background(), sale(990), gatetest.Code(tc.sc))
			if err != nil {
				t.Fatal(err)
			}
			o := s.wait(p)
			if !slices.Contains(tc.want, o.State) {
				t.Fatalf("state %s (%s), want one of %v", o.State, o.Message, tc.want)
			}
			// Held requests go on now; recovery reads the outcome only once
			// every slowed request has finished at the sandbox.
			s.env.Sandbox.ClearFaults()
			settle(t, s.env.Sandbox)
			s.restartSandbox()
			s.clk.SetAuto(true)
			s.recover()
			checkInvariants(t, s.store, s.env.Sandbox.Ledger())
		})
	}
}

// settle waits until every request the sandbox slowed or held has finished.
func settle(t *testing.T, sb *sandbox.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sb.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSandboxNewDatabaseSameIDs reinstalls a terminal: an empty database
// with the same store and terminal ids, against the same merchant. Its
// sequence starts again, but its numbers carry a new epoch, so the first
// payment pays normally — even when its answer is lost and the core has to
// find it by number, where a reused number would find the old payment.
func TestSandboxNewDatabaseSameIDs(t *testing.T) {
	ctx := context.Background()
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			s := newSandboxRig(t, gen, true, nil)
			old, err := s.term.PayScan(ctx, sale(5), gatetest.Code(sandbox.ScenarioSuccess))
			if err != nil || old.State != pos.StatePaid {
				t.Fatalf("first install: %v %+v", err, old)
			}
			s.term.Close()
			s.db = openDB(t)
			s.store = posstore.New(s.db)
			s.term = s.newTerminal(s.store, s.env.Gateway)

			s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(gen, "").pay, Drop: sandbox.DropAfter})
			o, err := s.term.PayScan(ctx, sale(8888), gatetest.Code(sandbox.ScenarioSuccess))
			s.env.Sandbox.ClearFaults()
			if err != nil {
				t.Fatal(err)
			}
			if o.OutTradeNo == old.OutTradeNo {
				t.Fatalf("the new database minted %s again", o.OutTradeNo)
			}
			if o.State != pos.StatePaid || o.TransactionID == old.TransactionID || o.ErrorCode != "" {
				t.Fatalf("reinstalled terminal's payment: %+v (old payment %s)", o, old.TransactionID)
			}
			led := s.ledger()
			if w := led[o.OutTradeNo]; w.AmountFen != 8888 || w.TransactionID != o.TransactionID {
				t.Fatalf("WeChat has %+v for %s, the terminal booked %d on %s", w, o.OutTradeNo, o.AmountFen, o.TransactionID)
			}
			if w := led[old.OutTradeNo]; w.AmountFen != 5 {
				t.Fatalf("the old payment changed at WeChat: %+v", w)
			}
		})
	}
}

// A QR paid by the customer is shown paid on the notification's hint
// although the next poll is an hour away; a hint for a number the
// terminal does not have changes nothing.
func TestHintSettlesQRBeforeItsPoll(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			s := newSandboxRig(t, gen, false, nil)
			s.cfg.QRPollMin, s.cfg.QRPollMax = time.Hour, time.Hour
			s.term = s.newTerminal(s.store, s.env.Gateway)
			p, err := s.term.BeginQR(context.Background(), sale(2500))
			if err != nil {
				t.Fatal(err)
			}
			s.clk.WaitForWaiter(p.Done())
			if err := s.env.Sandbox.PayNative(p.Order().CodeURL); err != nil {
				t.Fatal(err)
			}
			if err := s.term.Hint("PS99-T99-NOT-OURS"); err != nil {
				t.Fatal(err)
			}
			if err := s.term.Hint(p.OutTradeNo()); err != nil {
				t.Fatal(err)
			}
			<-p.Done() // the fake clock never moves: only the hint can end the wait
			if o := p.Order(); o.State != pos.StatePaid {
				t.Fatalf("state %s after the hint, want PAID", o.State)
			}
		})
	}
}

// countingStore counts the commits a terminal makes, so a test can say a
// hint changed nothing.
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

// A refund left PROCESSING is settled SUCCESS by the refund
// notification's hint although its next recovery query is due only on a
// clock that never moves; hints that come again, or for the paid sale
// after its refund, or for a refund already settled, commit nothing.
func TestHintCompletesProcessingRefund(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := newSandboxRig(t, gen, false, nil)
			cs := &countingStore{Store: s.store}
			s.term = s.newTerminal(cs, s.env.Gateway)
			o, err := s.term.PayScan(ctx, sale(3000), gatetest.Code(sandbox.ScenarioSuccess))
			if err != nil || o.State != pos.StatePaid {
				t.Fatalf("pay: %v %+v", err, o)
			}
			// Refund polls for RefundWait; let its waits pass at once (10 s
			// of the sandbox's 1 min RefundDelay), then freeze the clock.
			s.clk.SetAuto(true)
			rf, err := s.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1200, Approval: manager})
			s.clk.SetAuto(false)
			if err != nil || rf.State != pos.RefundProcessing {
				t.Fatalf("refund: %v %+v", err, rf)
			}
			changes := s.term.Subscribe(ctx)
			s.term.Start(ctx)
			// The worker's first pass queried (still PROCESSING) and now
			// waits RetryMin on the frozen clock.
			if !s.clk.WaitForWaiter(ctx.Done()) {
				t.Fatal("recovery worker never waited")
			}
			s.env.Sandbox.Advance(time.Minute) // WeChat finishes the refund
			if err := s.term.Hint(rf.OutRefundNo); err != nil {
				t.Fatal(err)
			}
			for done := false; !done; {
				select {
				case ev := <-changes:
					done = ev.Refund != nil && ev.Refund.State == pos.RefundSuccess
				case <-ctx.Done():
					t.Fatal("refund not settled by its hint")
				}
			}
			got, err := s.store.Refund(rf.OutRefundNo)
			if err != nil || got.State != pos.RefundSuccess || got.RefundID == "" || got.AmountFen != 1200 {
				t.Fatalf("refund after the hint: %v %+v", err, got)
			}
			before := cs.n.Load()
			for _, no := range []string{rf.OutRefundNo, o.OutTradeNo, rf.OutRefundNo} {
				if err := s.term.Hint(no); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.term.Recover(ctx); err != nil {
				t.Fatal(err)
			}
			if n := cs.n.Load(); n != before {
				t.Errorf("late and repeated hints committed %d changes", n-before)
			}
			if got, _ := s.store.Order(o.OutTradeNo); got.State != pos.StatePaid {
				t.Errorf("sale %s after the hints, want PAID", got.State)
			}
			if got, _ := s.store.Refund(rf.OutRefundNo); got.State != pos.RefundSuccess {
				t.Errorf("refund %s after the hints, want SUCCESS", got.State)
			}
		})
	}
}

// A live terminal without a notify_url cannot make a Native order (WeChat
// requires one with each): BeginQR says so before anything is numbered,
// recorded or sent, and scan payments go on.
func TestBeginQRWithoutNotifyURL(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			s := newSandboxRig(t, gen, false, nil)
			gw := paygate.NewV3(s.env.Client, paygate.Options{})
			if gen == "v2" {
				gw = paygate.NewV2(s.env.V2, paygate.Options{})
			}
			s.term = s.newTerminal(s.store, gw)
			p, err := s.term.BeginQR(context.Background(), sale(2500))
			if !errors.Is(err, pos.ErrQRUnavailable) || p != nil {
				t.Fatalf("BeginQR: %v, want pos.ErrQRUnavailable", err)
			}
			if all, _ := s.store.AllOrders(); len(all) != 0 {
				t.Errorf("a refused QR left orders: %+v", all)
			}
			if led := s.env.Sandbox.Ledger().Orders; len(led) != 0 {
				t.Errorf("WeChat has orders: %+v", led)
			}
			o, err := s.term.PayScan(context.Background(), sale(300), gatetest.Code(sandbox.ScenarioSuccess))
			if err != nil || o.State != pos.StatePaid {
				t.Fatalf("scan without a notify_url: %v %+v", err, o)
			}
		})
	}
}

// TestEmojiInDescriptionStillPays: WeChat Pay refuses a text field with a
// 4-byte UTF-8 character (PARAM_ERROR, and our client refuses it before
// sending), so an item or store named with an emoji must not fail the
// payment: the terminal sends the text without it, and records what it sent.
func TestEmojiInDescriptionStillPays(t *testing.T) {
	tests := []struct{ desc, store, want string }{
		{desc: "🍎 苹果 ×2", want: "苹果 ×2"},
		{desc: "🍎🍐", store: "☕ 小店 🌟", want: "☕ 小店"}, // ☕ is U+2615: three bytes, kept
		{desc: "🍎", store: "🌟", want: "商品"},
	}
	for _, gen := range gens {
		for _, tc := range tests {
			t.Run(gen+" "+tc.desc, func(t *testing.T) {
				s := newSandboxRig(t, gen, false, nil)
				if tc.store != "" {
					s.cfg.StoreName = tc.store
					s.term.Close()
					s.term = s.newTerminal(s.store, s.env.Gateway)
				}
				sl := sale(1234)
				sl.Description = tc.desc
				p, err := s.term.BeginScan(context.Background(), sl, gatetest.Code(sandbox.ScenarioSuccess))
				if err != nil {
					t.Fatal(err)
				}
				o := s.wait(p)
				if o.State != pos.StatePaid {
					t.Fatalf("state %s code %q (%s), want PAID", o.State, o.ErrorCode, o.Message)
				}
				if o.Description != tc.want {
					t.Errorf("description %q, want %q", o.Description, tc.want)
				}
			})
		}
	}
}
