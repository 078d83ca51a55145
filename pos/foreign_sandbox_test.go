package pos_test

import (
	"context"
	"testing"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestSandboxForeignRefund: counter B (its own database) refunds a sale
// counter A took, both talking to one sandbox merchant over HTTP through
// the real client, with and without a replica finder.
func TestSandboxForeignRefund(t *testing.T) {
	tests := []struct {
		name    string
		replica bool
	}{
		{"WeChat alone", false},
		{"with the replica", true},
	}
	for _, gen := range gens {
		for _, tc := range tests {
			t.Run(gen+" "+tc.name, func(t *testing.T) {
				ctx := context.Background()
				a := newSandboxRig(t, gen, true, nil)
				b := &rig{t: t, clk: a.clk, cfg: a.cfg}
				b.cfg.TerminalID = "T02"
				b.db = openDB(t)
				b.store = posstore.New(b.db)
				b.term = b.newTerminal(b.store, a.env.Gateway)

				o, err := a.term.PayScan(ctx, sale(2300), gatetest.Code(sandbox.ScenarioSuccess))
				if err != nil || o.State != pos.StatePaid {
					t.Fatalf("pay at A: %v %+v", err, o)
				}
				// A refunds part itself first.
				if _, err := a.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 300, Approval: manager}); err != nil {
					t.Fatal(err)
				}
				var f pos.SaleFinder
				if tc.replica {
					f = finderOf(t, a.rig)
				}
				l, err := b.term.LookupSale(ctx, o.OutTradeNo, f)
				if err != nil {
					t.Fatal(err)
				}
				wantLeft := int64(2300)
				if tc.replica {
					wantLeft = 2000
				}
				if l.Stored || l.Order.TransactionID != o.TransactionID || l.LeftFen() != wantLeft {
					t.Fatalf("lookup at B: stored %v txn %q left %d, want %d", l.Stored, l.Order.TransactionID, l.LeftFen(), wantLeft)
				}
				rf, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 2000, Reason: "退货", Approval: manager}, f)
				if err != nil {
					t.Fatal(err)
				}
				if !rf.State.Terminal() {
					b.recover()
					rf, _ = b.term.RefundRecord(rf.OutRefundNo)
				}
				if rf.State != pos.RefundSuccess || rf.ReceiptNo == "" {
					t.Fatalf("refund at B: %+v", rf)
				}
				if refunded := a.ledger()[o.OutTradeNo].RefundedFen; refunded != 2300 {
					t.Errorf("sandbox refunded %d fen, want 2300", refunded)
				}
				fo, err := b.term.Order(o.OutTradeNo)
				if err != nil || !fo.Foreign || fo.AmountFen != 2300 {
					t.Fatalf("foreign record %+v %v", fo, err)
				}
				if tc.replica && fo.OriginTerminalID != "T01" {
					t.Errorf("origin %q", fo.OriginTerminalID)
				}
				// Nothing is left: B refuses locally with the replica, and
				// WeChat refuses (CLOSED, no money) without it.
				rf2, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 300, Approval: manager}, f)
				switch {
				case tc.replica && err == nil:
					t.Errorf("over-refund with the replica accepted: %+v", rf2)
				case !tc.replica && (err != nil || rf2.State != pos.RefundClosed):
					t.Errorf("over-refund without the replica: %v %+v", err, rf2)
				}
			})
		}
	}
}
