package pos_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

func TestQRFlow(t *testing.T) {
	tests := []struct {
		name      string
		prepare   func(r *rig)
		customer  func(r *rig, p *pos.Payment) // acts once the QR is shown
		want      pos.State
		ledger    pos.TradeStatus
		afterRecv pos.State
	}{
		{name: "customer pays", customer: func(r *rig, p *pos.Payment) {
			if err := r.gw.CustomerPaysQR(p.OutTradeNo()); err != nil {
				r.t.Error(err)
			}
		}, want: pos.StatePaid, ledger: pos.TradeSuccess},
		{name: "expires unpaid: closed", want: pos.StateClosed, ledger: pos.TradeClosed},
		{name: "cashier cancels: closed", customer: func(r *rig, p *pos.Payment) { p.Cancel() },
			want: pos.StateClosed, ledger: pos.TradeClosed},
		{name: "customer pays as the cashier cancels: close finds ORDERPAID", customer: func(r *rig, p *pos.Payment) {
			r.gw.Inject(postest.OpQuery, postest.DropBefore) // the poll that would have seen it is lost
			if err := r.gw.CustomerPaysQR(p.OutTradeNo()); err != nil {
				r.t.Error(err)
			}
			p.Cancel()
		}, want: pos.StatePaid, ledger: pos.TradeSuccess},
		{name: "close lost: queued, recovery closes", prepare: func(r *rig) {
			r.gw.Inject(postest.OpClose, postest.DropBefore)
		}, customer: func(r *rig, p *pos.Payment) { p.Cancel() },
			want: pos.StateClosing, ledger: pos.TradeClosed, afterRecv: pos.StateClosed},
		{name: "prepay lost three times: unknown, recovery closes nothing", prepare: func(r *rig) {
			r.gw.Inject(postest.OpCreateQR, postest.DropBefore, postest.DropBefore, postest.DropBefore)
		}, want: pos.StateClosed},
		{name: "prepay answer lost: resent, same number, same code_url", prepare: func(r *rig) {
			r.gw.Inject(postest.OpCreateQR, postest.DropAfter)
		}, customer: func(r *rig, p *pos.Payment) {
			if err := r.gw.CustomerPaysQR(p.OutTradeNo()); err != nil {
				r.t.Error(err)
			}
		}, want: pos.StatePaid, ledger: pos.TradeSuccess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, false)
			if tc.prepare != nil {
				tc.prepare(r)
			}
			p, err := r.term.BeginQR(context.Background(), sale(888))
			if err != nil {
				t.Fatal(err)
			}
			if tc.customer != nil {
				for range 10 {
					r.clk.WaitForWaiter(p.Done())
					if o := p.Order(); o.State == pos.StateShowingQR {
						if o.CodeURL == "" || !o.ExpiresAt.After(t0) {
							t.Errorf("showing QR without code_url/expiry: %+v", o)
						}
						tc.customer(r, p)
						break
					}
					r.clk.AdvanceNext()
				}
			}
			o := r.wait(p)
			final := tc.want
			if tc.afterRecv != "" {
				if o.State != tc.want {
					t.Fatalf("state %s (%s), want %s", o.State, o.Message, tc.want)
				}
				r.clk.SetAuto(true)
				r.recover()
				final = tc.afterRecv
				o, _ = r.term.Order(o.OutTradeNo)
			}
			if o.State == pos.StateUnknown {
				r.clk.SetAuto(true)
				r.recover()
				o, _ = r.term.Order(o.OutTradeNo)
			}
			if o.State != final {
				t.Fatalf("state %s (%s %s), want %s", o.State, o.ErrorCode, o.Message, final)
			}
			st, ok := r.gw.Status(o.OutTradeNo)
			if tc.ledger == "" && ok && st.Paid() {
				t.Errorf("ledger %s, want not paid", st)
			}
			if tc.ledger != "" && st != tc.ledger {
				t.Errorf("ledger %s, want %s", st, tc.ledger)
			}
			checkReceipt(t, r, o)
		})
	}
}

func TestQRPollBackoffCapped(t *testing.T) {
	r := newRig(t, false)
	p, err := r.term.BeginQR(context.Background(), sale(100))
	if err != nil {
		t.Fatal(err)
	}
	// Let a minute of polling pass: at ≤3 s per poll that is ≥ 20 queries,
	// with backoff growing from 1 s it is fewer than 60.
	start := r.clk.Now()
	for r.clk.Now().Sub(start) < time.Minute {
		r.clk.WaitForWaiter(p.Done())
		r.clk.AdvanceNext()
	}
	n := r.gw.Calls(postest.OpQuery)
	if n < 20 || n > 60 {
		t.Errorf("%d queries in a minute, want between 20 and 60", n)
	}
	p.Cancel()
	if o := r.wait(p); o.State != pos.StateClosed {
		t.Errorf("state %s", o.State)
	}
}

func TestCash(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	o, err := r.term.PayCash(ctx, sale(1234), 2000)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != pos.StatePaid || o.ChangeFen != 766 {
		t.Fatalf("cash: %s change %d", o.State, o.ChangeFen)
	}
	checkReceipt(t, r, o)
	rc, _ := r.term.Receipt(o.ReceiptNo)
	if rc.TenderedFen != 2000 || rc.ChangeFen != 766 {
		t.Errorf("receipt tendered %d change %d", rc.TenderedFen, rc.ChangeFen)
	}
	if _, err := r.term.PayCash(ctx, sale(1234), 1000); err == nil {
		t.Error("tendered less than the amount accepted")
	}
	if n := r.gw.Calls(postest.OpPay) + r.gw.Calls(postest.OpCreateQR); n != 0 {
		t.Errorf("cash made %d WeChat calls", n)
	}
}
