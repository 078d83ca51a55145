package pos_test

import (
	"context"
	"testing"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// sbRig is a terminal talking to the sandbox over HTTP through the real
// client, both on the same fake clock.
type sbRig struct {
	*rig
	env *gatetest.Env
}

func newSandboxRig(t *testing.T, auto bool, mod func(*sandbox.Options)) *sbRig {
	t.Helper()
	clk := postest.NewClock(t0)
	if auto {
		clk = postest.NewAutoClock(t0)
	}
	env := gatetest.Start(t, clk.Now, mod)
	r := &rig{t: t, clk: clk, cfg: testConfig(clk)}
	r.db = storagetest.Open(t)
	r.store = pos.NewBoltStore(r.db)
	r.term = r.newTerminal(r.store, env.Gateway)
	return &sbRig{rig: r, env: env}
}

func (s *sbRig) restartSandbox() {
	s.t.Helper()
	s.term.Close()
	s.db = storagetest.Reopen(s.t, s.db)
	s.store = pos.NewBoltStore(s.db)
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
	for _, tc := range tests {
		t.Run(string(tc.sc), func(t *testing.T) {
			s := newSandboxRig(t, false, nil)
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
