package pos_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestConcurrentWithRecoveryWorker runs payments from several goroutines
// while the recovery worker runs, on the real clock with every wait shrunk
// to milliseconds, with faults; then checks the invariants. It is the test
// that the worker and the live flows never drive one order at once.
func TestConcurrentWithRecoveryWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time concurrency test")
	}
	env := gatetest.Start(t, time.Now, func(o *sandbox.Options) {
		o.UserPayingDelay = 30 * time.Millisecond
		o.UserPayingTimeout = 150 * time.Millisecond
		o.RefundDelay = 20 * time.Millisecond
	})
	db := openDB(t)
	store := posstore.New(db)
	cfg := pos.Config{StoreID: "S01", TerminalID: "T01", Authorizer: allowManagers{},
		ScanPollEvery: 10 * time.Millisecond, ScanWait: 80 * time.Millisecond, QRPollMin: 5 * time.Millisecond,
		QRPollMax: 20 * time.Millisecond, CallTimeout: 2 * time.Second, RetryMin: 5 * time.Millisecond,
		RetryMax: 50 * time.Millisecond, RefundWait: 50 * time.Millisecond, NotExistGrace: 10 * time.Millisecond}
	term, err := pos.New(recordingStore{store}, env.Gateway, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	term.Start(ctx)

	scenarios := sandbox.Scenarios()
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for range 15 {
				if rng.IntN(6) == 0 {
					env.Sandbox.AddFault([]sandbox.Fault{{Drop: sandbox.DropBefore}, {Drop: sandbox.DropAfter}, {Status: 500}}[rng.IntN(3)])
				}
				switch rng.IntN(4) {
				case 0, 1:
					p, err := term.BeginScan(ctx, sale(int64(1+rng.IntN(9999))), gatetest.Code(scenarios[rng.IntN(len(scenarios))]))
					if err != nil {
						continue
					}
					if rng.IntN(5) == 0 {
						p.Cancel()
					}
					if o, _ := p.Wait(ctx); o != nil && o.State == pos.StatePaid && rng.IntN(2) == 0 {
						term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager})
					}
				case 2:
					p, err := term.BeginQR(ctx, sale(int64(1+rng.IntN(9999))))
					if err != nil {
						continue
					}
					for p.Order().State == pos.StateCreating {
						select {
						case <-p.Done():
						case <-time.After(time.Millisecond):
						}
					}
					if o := p.Order(); o.State == pos.StateShowingQR && rng.IntN(2) == 0 {
						env.Sandbox.PayNative(o.CodeURL)
					}
					p.Cancel()
					p.Wait(ctx)
				case 3:
					term.PayCash(ctx, sale(500), 1000)
				}
			}
		}()
	}
	wg.Wait()
	env.Sandbox.ClearFaults()
	if res, err := term.Recover(ctx); err != nil {
		t.Fatalf("recover: %v %+v", err, res)
	}
	c := checkInvariants(t, store, env.Sandbox.Ledger())
	t.Logf("concurrent: %s", c)
}
