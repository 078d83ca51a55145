package pos_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// restoredRig is counter A against a sandbox merchant, and B: the same
// store and terminal ids on a copy of A's database taken before A's first
// sale — a restore from an old backup, or a reinstall, against the same
// merchant. B hands out A's order numbers again.
func restoredRig(t *testing.T, gen string, auto bool) (a *sbRig, b *rig) {
	t.Helper()
	a = newSandboxRig(t, gen, auto, nil)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := a.db.BackupFile(backup); err != nil {
		t.Fatal(err)
	}
	b = &rig{t: t, clk: a.clk, cfg: a.cfg}
	b.db = openDBPath(t, backup)
	b.store = posstore.New(b.db)
	b.term = b.newTerminal(b.store, a.env.Gateway)
	return a, b
}

// conflictEvent returns the data of the order.conflict audit event of no
// in db, failing the test when there is none.
func conflictEvent(t *testing.T, db *storage.Store, no string) map[string]any {
	t.Helper()
	var data map[string]any
	err := db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if e.Ref == no && e.Kind == string(pos.EventConflict) && e.To == string(pos.StateConflict) {
				return false, json.Unmarshal(e.Data, &data)
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if data == nil {
		t.Fatalf("no %s audit event for %s", pos.EventConflict, no)
	}
	return data
}

// checkConflict asserts that o (B's sale) ended CONFLICT on A's paid
// order a0: no receipt, listed for the manager, audited with both sides,
// and every PAID order of A and B matches the sandbox ledger.
func checkConflict(t *testing.T, a *sbRig, b *rig, o, a0 *pos.Order) {
	t.Helper()
	if o.OutTradeNo != a0.OutTradeNo {
		t.Fatalf("B minted %s, A %s: the test needs the same number", o.OutTradeNo, a0.OutTradeNo)
	}
	if o.State != pos.StateConflict || o.ErrorCode != pos.ConflictCode {
		t.Fatalf("B's sale of the reused number: %s %q (%s), want CONFLICT", o.State, o.ErrorCode, o.Message)
	}
	if o.TransactionID != "" || o.ReceiptNo != "" {
		t.Errorf("conflict carries transaction %q receipt %q", o.TransactionID, o.ReceiptNo)
	}
	if _, err := b.term.Receipt(a0.ReceiptNo); !errors.Is(err, pos.ErrNotFound) {
		t.Errorf("B issued a receipt: %v", err)
	}
	p, err := b.term.Pending()
	if err != nil || p.Conflicts != 1 {
		t.Errorf("pending %+v %v, want one conflict", p, err)
	}
	open, _ := b.term.OpenOrders()
	if len(open) != 1 || open[0].State != pos.StateConflict {
		t.Errorf("open orders (the manager's list) %+v, want the conflict", open)
	}
	ev := conflictEvent(t, b.db, o.OutTradeNo)
	if ev["amount_fen"] != float64(o.AmountFen) || ev["remote_amount_fen"] != float64(a0.AmountFen) ||
		ev["remote_transaction_id"] != a0.TransactionID {
		t.Errorf("audit event data %v, want this sale %d fen and WeChat's %d fen %s", ev, o.AmountFen, a0.AmountFen, a0.TransactionID)
	}
	checkLedger(t, a, a.rig, b)
}

// checkLedger asserts that every PAID order of the given terminals is the
// merchant's record: same number, amount and transaction id.
func checkLedger(t *testing.T, a *sbRig, rigs ...*rig) {
	t.Helper()
	led := a.ledger()
	for _, r := range rigs {
		all, err := r.store.AllOrders()
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range all {
			if o.State != pos.StatePaid {
				continue
			}
			l, ok := led[o.OutTradeNo]
			if !ok || l.AmountFen != o.AmountFen || l.TransactionID != o.TransactionID ||
				(l.TradeState != "SUCCESS" && l.TradeState != "REFUND") {
				t.Errorf("PAID %s %d fen %s does not match the merchant's record %+v", o.OutTradeNo, o.AmountFen, o.TransactionID, l)
			}
		}
	}
}

// TestSandboxReusedNumberScan: B's 88.88 sale gets the number A's 0.05
// payment has; its answer is lost (or WeChat answers OUT_TRADE_NO_USED).
// The query finds A's payment: B's sale ends CONFLICT, never PAID — also
// when B's sale is for the same 0.05 (only the attach tag tells them apart).
func TestSandboxReusedNumberScan(t *testing.T) {
	for _, gen := range gens {
		for _, tc := range []struct {
			lost bool
			fen  int64
		}{{true, 8888}, {false, 8888}, {true, 5}, {false, 5}} {
			name := fmt.Sprintf("%s %d fen OUT_TRADE_NO_USED", gen, tc.fen)
			if tc.lost {
				name = fmt.Sprintf("%s %d fen answer lost", gen, tc.fen)
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				a, b := restoredRig(t, gen, true)
				a0, err := a.term.PayScan(ctx, sale(5), gatetest.Code(sandbox.ScenarioSuccess))
				if err != nil || a0.State != pos.StatePaid {
					t.Fatalf("A pays 0.05: %v %+v", err, a0)
				}
				if tc.lost {
					if err := a.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(gen, "").pay, Drop: sandbox.DropAfter}); err != nil {
						t.Fatal(err)
					}
				}
				o, err := b.term.PayScan(ctx, sale(tc.fen), gatetest.Code(sandbox.ScenarioSuccess))
				if err != nil {
					t.Fatal(err)
				}
				checkConflict(t, a, b, o, a0)
				if l := a.ledger()[a0.OutTradeNo]; l.AmountFen != 5 || l.TradeState != "SUCCESS" {
					t.Errorf("A's payment at WeChat is now %+v", l)
				}

				// The manager can only acknowledge it: never paid.
				if _, err := b.term.ForcePaid(ctx, o.OutTradeNo, manager, "customer shows paid"); !errors.Is(err, pos.ErrTradeConflict) {
					t.Errorf("force paid on a conflict: %v", err)
				}
				v, err := b.term.ForceVoid(ctx, o.OutTradeNo, manager, "asked the customer to pay again")
				if err != nil || v.State != pos.StateFailed {
					t.Fatalf("acknowledge: %v %+v", err, v)
				}
				if l := a.ledger()[a0.OutTradeNo]; l.TradeState != "SUCCESS" {
					t.Errorf("acknowledging reversed A's payment: %+v", l)
				}
			})
		}
	}
}

// TestSandboxReusedNumberQR: the same for a QR sale, A's 0.05 paid by QR.
func TestSandboxReusedNumberQR(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			ctx := context.Background()
			a, b := restoredRig(t, gen, false)
			pa, err := a.term.BeginQR(ctx, sale(5))
			if err != nil {
				t.Fatal(err)
			}
			a.clk.WaitForWaiter(pa.Done())
			if err := a.env.Sandbox.PayNative(pa.Order().CodeURL); err != nil {
				t.Fatal(err)
			}
			a0 := a.wait(pa)
			if a0.State != pos.StatePaid {
				t.Fatalf("A's QR sale %+v", a0)
			}
			native := "/v3/pay/transactions/native"
			if gen == "v2" {
				native = "/pay/unifiedorder"
			}
			if err := a.env.Sandbox.AddFault(sandbox.Fault{Path: native, Drop: sandbox.DropAfter}); err != nil {
				t.Fatal(err)
			}
			pb, err := b.term.BeginQR(ctx, sale(8888))
			if err != nil {
				t.Fatal(err)
			}
			o := b.wait(pb)
			checkConflict(t, a, b, o, a0)
		})
	}
}

// TestSandboxReusedNumberRecovery: B's answer is lost and so is its first
// query; B restarts, and recovery finds the number is A's payment.
func TestSandboxReusedNumberRecovery(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			a, b, a0, o := unknownOnReusedNumber(t, gen)
			b.term.Close()
			a.env.Sandbox.ClearFaults() // WeChat answers again after the restart
			b.db = storagetest.Reopen(t, b.db)
			b.store = posstore.New(b.db)
			b.term = b.newTerminal(b.store, a.env.Gateway)
			res := b.recover()
			if res.Conflicts != 1 || res.Unresolved != 0 {
				t.Errorf("recovery %+v, want one conflict and nothing unresolved", res)
			}
			o, err := b.term.Order(o.OutTradeNo)
			if err != nil {
				t.Fatal(err)
			}
			checkConflict(t, a, b, o, a0)
			// Another recovery pass leaves it alone.
			if res := b.recover(); res.Conflicts != 1 || len(res.Resolved) != 0 {
				t.Errorf("second recovery %+v", res)
			}
		})
	}
}

// TestSandboxReusedNumberForceVoid: B's answer is lost and WeChat stays
// silent until the manager force-voids the sale. The reverse that would
// follow would refund A's customer (a reverse of a paid order refunds it),
// so B asks first whose order it is: CONFLICT, A's payment untouched.
func TestSandboxReusedNumberForceVoid(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			ctx := context.Background()
			a, b, a0, o := unknownOnReusedNumber(t, gen)
			var err error
			if o, err = b.term.ForceVoid(ctx, o.OutTradeNo, manager, "customer walked away"); err != nil || o.State != pos.StateReversing {
				t.Fatalf("force void: %v %+v", err, o)
			}
			a.env.Sandbox.ClearFaults()
			if res := b.recover(); res.Conflicts != 1 {
				t.Errorf("recovery %+v, want one conflict", res)
			}
			if l := a.ledger()[a0.OutTradeNo]; l.TradeState != "SUCCESS" || l.AmountFen != 5 {
				t.Fatalf("A's payment after B's force void: %+v", l)
			}
			o, _ = b.term.Order(o.OutTradeNo)
			checkConflict(t, a, b, o, a0)
		})
	}
}

// unknownOnReusedNumber sets up A paying 0.05 and B, restored from A's
// backup, charging 88.88 under the same number with its answer lost and
// WeChat's queries failing until the faults are cleared: B's sale is
// UNKNOWN. It returns both rigs, A's payment and B's order.
func unknownOnReusedNumber(t *testing.T, gen string) (a *sbRig, b *rig, a0, o *pos.Order) {
	t.Helper()
	ctx := context.Background()
	a, b = restoredRig(t, gen, true)
	a0, err := a.term.PayScan(ctx, sale(5), gatetest.Code(sandbox.ScenarioSuccess))
	if err != nil || a0.State != pos.StatePaid {
		t.Fatalf("A pays 0.05: %v %+v", err, a0)
	}
	p := pathsOf(gen, a0.OutTradeNo)
	for _, f := range []sandbox.Fault{{Path: p.pay, Drop: sandbox.DropAfter}, {Path: p.query, Status: 503, Count: -1}} {
		if err := a.env.Sandbox.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
	o, err = b.term.PayScan(ctx, sale(8888), gatetest.Code(sandbox.ScenarioSuccess))
	if err != nil || o.State != pos.StateUnknown {
		t.Fatalf("B: %v %+v, want UNKNOWN", err, o)
	}
	return a, b, a0, o
}
