package pos_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// fastDB opens a database without fsync: an in-process crash only needs
// "committed or not", and these suites make thousands of commits.
func fastDB(tb testing.TB, path string) *storage.Store {
	tb.Helper()
	s, err := storage.Open(path, &storage.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	var once sync.Once
	tb.Cleanup(func() { once.Do(func() { s.Close() }) })
	storagetest.SignIn(tb, s, "alice")
	return s
}

// crashFlow is one payment flow the crash suite stops at every step.
type crashFlow struct {
	name    string
	prepare func(ctx context.Context, s *sbRig) // on a healthy terminal first
	run     func(ctx context.Context, s *sbRig, term *pos.Terminal)
	// onApply plays the customer: it runs after each committed change.
	onApply func(s *sbRig, term *pos.Terminal, c *pos.Change)
}

func scanFlow(sc sandbox.Scenario) crashFlow {
	return crashFlow{name: "scan " + string(sc), run: func(ctx context.Context, s *sbRig, term *pos.Terminal) {
		if p, err := term.BeginScan(ctx, sale(1999), gatetest.Code(sc)); err == nil {
			p.Wait(ctx)
		}
	}}
}

func qrFlow(name string, customer func(s *sbRig, term *pos.Terminal, o *pos.Order)) crashFlow {
	return crashFlow{name: name,
		run: func(ctx context.Context, s *sbRig, term *pos.Terminal) {
			if p, err := term.BeginQR(ctx, sale(3000)); err == nil {
				p.Wait(ctx)
			}
		},
		onApply: func(s *sbRig, term *pos.Terminal, c *pos.Change) {
			if c.Order != nil && c.Order.State == pos.StateShowingQR {
				customer(s, term, c.Order)
			}
		}}
}

var crashFlows = []crashFlow{
	scanFlow(sandbox.ScenarioSuccess),
	scanFlow(sandbox.ScenarioUserPayingSuccess),
	scanFlow(sandbox.ScenarioUserPayingTimeout),
	scanFlow(sandbox.ScenarioSystemErrorThenSuccess),
	scanFlow(sandbox.ScenarioNotEnough),
	qrFlow("qr paid", func(s *sbRig, _ *pos.Terminal, o *pos.Order) { s.env.Sandbox.PayNative(o.CodeURL) }),
	qrFlow("qr cancelled", func(_ *sbRig, term *pos.Terminal, o *pos.Order) { go term.Cancel(o.OutTradeNo) }),
	// The cashier cancels, and the customer, whose phone still shows the
	// code, pays once the terminal says CLOSED: WeChat must refuse, which
	// it does only if CLOSED was written after WeChat confirmed the close
	// (an early close leaves the order payable: CloseMinAge below).
	{name: "qr cancelled, customer pays after CLOSED",
		run: qrFlow("", nil).run,
		onApply: func(s *sbRig, term *pos.Terminal, c *pos.Change) {
			switch {
			case c.Order == nil:
			case c.Order.State == pos.StateShowingQR:
				go term.Cancel(c.Order.OutTradeNo)
			case c.Order.State == pos.StateClosed:
				s.env.Sandbox.PayNative(c.Order.CodeURL) // refused when really closed
			}
		}},
	{name: "refund",
		prepare: func(ctx context.Context, s *sbRig) {
			if o, err := s.term.PayScan(ctx, sale(5000), gatetest.Code(sandbox.ScenarioSuccess)); err != nil || o.State != pos.StatePaid {
				s.t.Fatalf("prepare: %v %+v", err, o)
			}
		},
		run: func(ctx context.Context, s *sbRig, term *pos.Terminal) {
			term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: s.no("P", 1), AmountFen: 2000, Reason: "crash", Approval: manager})
		}},
}

// crashFaults are injected on the WeChat call made just before the crash
// point (the call whose answer the crashed step would have recorded).
var crashFaults = []struct {
	name  string
	fault *sandbox.Fault
}{
	{"no fault", nil},
	{"drop before commit", &sandbox.Fault{Drop: sandbox.DropBefore}},
	{"drop after commit", &sandbox.Fault{Drop: sandbox.DropAfter}},
	{"HTTP 500", &sandbox.Fault{Status: 500}},
	{"timeout", &sandbox.Fault{Latency: sandbox.Duration(crashLatency)}},
}

// crashLatency is the injected network delay of the timeout fault, longer
// than the crash terminal's call deadline.
const crashLatency = 250 * time.Millisecond

// crashRig builds a sandbox rig on a fast database; the crash terminal is
// made separately.
func crashRig(t *testing.T, gen string) *sbRig {
	t.Helper()
	clk := postest.NewAutoClock(t0)
	env := gatetest.StartGen(t, gen, clk.Now, func(o *sandbox.Options) {
		o.RefundDelay = 5 * time.Second
		o.CloseMinAge = 5 * time.Minute // WeChat's rule: an early close leaves the order payable
	})
	r := &rig{t: t, clk: clk, cfg: testConfig(clk)}
	r.db = fastDB(t, filepath.Join(t.TempDir(), "wxpos.db"))
	r.store = posstore.New(r.db)
	r.term = r.newTerminal(r.store, env.Gateway)
	return &sbRig{rig: r, env: env, gen: gen}
}

// runCrash runs f with the process dying at Apply number k (after writing
// it, or before), then restarts on the same file and recovers. It returns
// how many changes the flow committed before dying (all of them when k is 0).
func runCrash(t *testing.T, gen string, f crashFlow, k int, after bool, fault *sandbox.Fault) int {
	s := crashRig(t, gen)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if f.prepare != nil {
		f.prepare(ctx, s)
	}
	s.term.Close()
	if fault != nil && fault.Latency > 0 {
		s.cfg.CallTimeout = 100 * time.Millisecond // shorter than crashLatency
	}

	cs := &crashStore{Store: recordingStore{s.store}, at: k, after: after}
	var term *pos.Terminal
	cs.onApplied = func(n int, c *pos.Change) {
		if fault != nil && n == k-1 {
			s.env.Sandbox.AddFault(*fault)
		}
		if f.onApply != nil {
			f.onApply(s.sbRig(), term, c)
		}
	}
	if fault != nil && k == 1 {
		s.env.Sandbox.AddFault(*fault)
	}
	term = s.newTerminal(cs, deadGateway{Gateway: s.env.Gateway, dead: &cs.dead})
	f.run(ctx, s, term)
	term.Close() // the dead process: nothing it does reaches the disk or WeChat any more
	committed := int(cs.n.Load())

	// Power back: reopen the file, start a fresh terminal, recover.
	s.env.Sandbox.ClearFaults()
	settle(t, s.env.Sandbox) // a slowed request finishes before recovery looks
	path := s.db.Path()
	s.db.Close()
	s.db = fastDB(t, path)
	s.store = posstore.New(s.db)
	s.term = s.newTerminal(s.store, s.env.Gateway)
	res, err := s.term.Recover(ctx)
	if err != nil {
		t.Fatalf("recover: %v %+v", err, res)
	}
	checkInvariants(t, s.store, s.env.Sandbox.Ledger())
	return committed
}

func (s *sbRig) sbRig() *sbRig { return s }

// TestCrashSafety stops every flow at every persisted step, with and
// without a fault on the call around it, restarts, recovers, and checks the
// invariants against the sandbox ledger.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash suite: long")
	}
	for _, gen := range gens {
		for _, f := range crashFlows {
			t.Run(gen+" "+f.name, func(t *testing.T) {
				steps := 0
				t.Run("no crash", func(t *testing.T) { steps = runCrash(t, gen, f, 0, false, nil) })
				if steps == 0 {
					t.Fatal("flow committed nothing")
				}
				for k := 1; k <= steps; k++ {
					for _, after := range []bool{false, true} {
						for _, fl := range crashFaults {
							if fl.name == "timeout" && (k > 1 || gen == "v2") {
								continue // real-time latency: keep the suite short
							}
							if gen == "v2" && fl.name == "HTTP 500" {
								continue // v2 runs the same classes; 5xx is covered on v3
							}
							when := "before"
							if after {
								when = "after"
							}
							t.Run(fmt.Sprintf("crash %s step %d, %s", when, k, fl.name), func(t *testing.T) {
								runCrash(t, gen, f, k, after, fl.fault)
							})
						}
					}
				}
			})
		}
	}
}
