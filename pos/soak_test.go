package pos_test

import (
	"context"
	"flag"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

var (
	soakSeed   = flag.Uint64("soak.seed", 20261125, "seed of the randomized soak")
	soakN      = flag.Int("soak.n", 2000, "payments in the randomized soak (-short: 200)")
	soakBudget = flag.Duration("soak.budget", 50*time.Second, "wall-clock budget of the soak; it stops early and still checks")
)

// TestSoak runs thousands of seeded random payments mixing every scenario
// and tender, sandbox faults, crashes at random persisted steps and
// restarts, then recovers and checks the invariants. It prints the counts.
func TestSoak(t *testing.T) {
	n := *soakN
	if testing.Short() {
		n = 200
	}
	rng := rand.New(rand.NewPCG(*soakSeed, 1))
	clk := postest.NewAutoClock(t0)
	env := gatetest.StartV2(t, clk.Now, func(o *sandbox.Options) { o.RefundDelay = 20 * time.Second })
	// One ledger behind both API generations: each (re)start picks one, so
	// orders begun on v3 are finished on v2 and the reverse.
	gateways := []pos.Gateway{paygate.NewV3(env.Client, paygate.Options{}), env.Gateway}
	var v2Starts int
	r := &rig{t: t, clk: clk, cfg: testConfig(clk)}
	r.cfg.CallTimeout = 10 * time.Second // only injected faults, never a slow machine, make calls fail
	r.cfg.QRTTL = 5 * time.Minute
	r.cfg.QRPollMax = time.Minute
	path := filepath.Join(t.TempDir(), "wxpos.db")
	r.db = fastDB(t, path)
	s := &sbRig{rig: r, env: env}

	// The QR customer's plan for each order, decided before it starts.
	type plan int
	const (
		qrPay plan = iota
		qrCancel
		qrExpire
	)
	var nextQR plan
	cs := &crashStore{}
	var term *pos.Terminal
	build := func(crashAt int) {
		s.store = pos.NewBoltStore(s.db)
		cs = &crashStore{Store: recordingStore{s.store}, at: crashAt, after: rng.IntN(2) == 0}
		cs.onApplied = func(_ int, c *pos.Change) {
			if c.Order == nil || c.Order.State != pos.StateShowingQR {
				return
			}
			switch nextQR {
			case qrPay:
				env.Sandbox.PayNative(c.Order.CodeURL)
			case qrCancel:
				go term.Cancel(c.Order.OutTradeNo)
			}
		}
		var err error
		gw := gateways[rng.IntN(2)]
		if gw == pos.Gateway(env.Gateway) {
			v2Starts++
		}
		term, err = pos.New(cs, deadGateway{Gateway: gw, dead: &cs.dead}, r.cfg)
		if err != nil {
			t.Fatal(err)
		}
	}
	restart := func() {
		term.Close()
		s.db.Close()
		s.db = fastDB(t, path)
		build(0)
	}
	build(0)
	defer func() { term.Close() }()

	scenarios := sandbox.Scenarios()
	faults := []sandbox.Fault{
		{Drop: sandbox.DropBefore}, {Drop: sandbox.DropAfter}, {Status: 500}, {Status: 503},
		// No injected latency here: it runs in real time while the terminal
		// clock is fake, so a request landing "late" would land after the
		// terminal's grace period had (instantly) passed. The fault and
		// crash suites cover timeouts with controlled waits; to the core a
		// timeout is the same outcome-unknown as a dropped answer.
	}
	var paid []string
	ctx := context.Background()
	start := time.Now()
	var done, crashes, restarts, faulted int
	for i := 0; i < n && time.Since(start) < *soakBudget; i++ {
		done++
		if rng.IntN(100) < 15 {
			f := faults[rng.IntN(len(faults))]
			env.Sandbox.AddFault(f)
			faulted++
		}
		if rng.IntN(100) < 3 {
			crashes++
			term.Close()
			build(1 + rng.IntN(4))
		}
		amount := int64(1 + rng.IntN(50000))
		switch k := rng.IntN(100); {
		case k < 55:
			sc := scenarios[rng.IntN(len(scenarios))]
			if p, err := term.BeginScan(ctx, sale(amount), gatetest.Code(sc)); err == nil {
				if o, _ := p.Wait(ctx); o != nil && o.State == pos.StatePaid {
					paid = append(paid, o.OutTradeNo)
				}
			}
		case k < 80:
			nextQR = plan(rng.IntN(3))
			if p, err := term.BeginQR(ctx, sale(amount)); err == nil {
				if o, _ := p.Wait(ctx); o != nil && o.State == pos.StatePaid {
					paid = append(paid, o.OutTradeNo)
				}
			}
		case k < 88:
			term.PayCash(ctx, sale(amount), amount+int64(rng.IntN(10000)))
		default:
			if len(paid) > 0 {
				no := paid[rng.IntN(len(paid))]
				if left, err := term.Refundable(no); err == nil && left > 0 {
					term.Refund(ctx, pos.RefundOrder{OutTradeNo: no, AmountFen: 1 + rng.Int64N(left), Reason: "soak", Approval: manager})
				}
			}
		}
		if cs.dead.Load() || rng.IntN(100) < 2 {
			restarts++
			env.Sandbox.ClearFaults()
			restart()
		}
	}
	env.Sandbox.ClearFaults()
	restart()
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res, err := term.Recover(rctx)
	if err != nil {
		t.Fatalf("final recovery: %v %+v", err, res)
	}
	count, bad := violations(s.store, env.Sandbox.Ledger())
	lost, double, unresolved := 0, 0, 0
	for _, b := range bad {
		t.Error(b)
		switch {
		case contains(b, "unresolved"):
			unresolved++
		case contains(b, "charged"):
			double++
		default:
			lost++
		}
	}
	t.Logf("soak seed=%d: %d payments in %s (%d faults, %d crashes, %d restarts, %d of them on API v2): %s; lost=%d double-charged=%d unresolved=%d",
		*soakSeed, done, time.Since(start).Round(time.Millisecond), faulted, crashes, restarts, v2Starts, count, lost, double, unresolved)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
