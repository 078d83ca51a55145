package pos_test

import (
	"context"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

// TestRecoverAlongsideTheWorker: Recover returns once nothing is open and
// counts what was open at its start and is final at its end, also when the
// background worker settled it first.
func TestRecoverAlongsideTheWorker(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, true)
	var nos []string
	for range 3 {
		r.gw.Inject(postest.OpCreateQR, postest.DropAfter, postest.DropAfter, postest.DropAfter)
		r.gw.Inject(postest.OpQuery, postest.DropBefore)
		p, err := r.term.BeginQR(ctx, sale(100))
		if err != nil {
			t.Fatal(err)
		}
		if o, _ := p.Wait(ctx); o.State != pos.StateUnknown {
			t.Fatalf("setup: %s, want UNKNOWN", o.State)
		}
		nos = append(nos, p.OutTradeNo())
	}
	for _, no := range nos {
		if err := r.gw.SetStatus(no, pos.TradeSuccess); err != nil {
			t.Fatal(err)
		}
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	r.term.Start(wctx) // the worker races Recover for the same orders
	res := r.recover()
	if res.Resolved[string(pos.StatePaid)] != 3 || res.Unresolved != 0 || res.Outbox != 0 {
		t.Fatalf("result %+v, want 3 PAID and nothing left", res)
	}
}
