package replica

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
)

func lastSeq(t testing.TB, c *counter) uint64 {
	t.Helper()
	var n uint64
	if err := c.db.View(func(tx *storage.Tx) error { n = tx.LastEventSeq(); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

type figures struct{ saleCount, saleFen, refundCount, refundFen int64 }

// TestThreeTerminalsThroughOutage is the acceptance test: three
// terminals in two stores take payments concurrently while PostgreSQL is
// stopped and started again under them. Afterwards every event is in
// PostgreSQL exactly once and the head-office figures equal the sum of the
// terminals' Z reports, tender by tender.
func TestThreeTerminalsThroughOutage(t *testing.T) {
	cl := controllable(t)
	pool := poolOn(t, cl, Config{MaxConns: 8, ConnectTimeout: time.Second})
	counters := []*counter{newCounter(t, "S01", "T01"), newCounter(t, "S01", "T02"), newCounter(t, "S02", "T01")}
	day := report.DayOf(time.Now())
	books := make([]*reportstore.DayBook, len(counters))
	for i, c := range counters {
		books[i] = reportstore.New(c.db, report.Info{StoreName: "test", StoreID: c.store, TerminalID: c.term}, nil)
		if _, err := books[i].Open(day, "manager", 20000); err != nil {
			t.Fatal(err)
		}
	}

	wctx, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	workers := make([]*Worker, len(counters))
	var wwg sync.WaitGroup
	start := func(i int, ctx context.Context) {
		w := newWorker(t, counters[i], pool, Options{Batch: 50, Poll: 20 * time.Millisecond,
			RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond, PushTimeout: 3 * time.Second})
		workers[i] = w
		wwg.Add(1)
		go func() { defer wwg.Done(); w.Run(ctx) }()
	}
	// The first terminal's worker "crashes" during the outage and a new
	// one takes over, knowing nothing but what the server says.
	crashCtx, crash := context.WithCancel(wctx)
	defer crash()
	start(0, crashCtx)
	for i := 1; i < len(counters); i++ {
		start(i, wctx)
	}

	sctx, stopSales := context.WithCancel(context.Background())
	defer stopSales()
	var swg sync.WaitGroup
	saleErrs := make([]error, len(counters))
	for i, c := range counters {
		swg.Add(1)
		go func() {
			defer swg.Done()
			for sctx.Err() == nil {
				if err := c.sell(context.Background()); err != nil {
					saleErrs[i] = err
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	salesOK := func() {
		t.Helper()
		for i, err := range saleErrs {
			if err != nil {
				t.Fatalf("%s: %v", counters[i], err)
			}
		}
	}

	// Phase 1: replicating normally.
	waitFor(t, func() bool {
		salesOK()
		for _, w := range workers {
			if w.Status().PushedSeq < 20 {
				return false
			}
		}
		return true
	})

	// Phase 2: the server goes away; the counters keep selling.
	if err := cl.Pause(context.Background()); err != nil {
		t.Fatal(err)
	}
	atStop := make([]uint64, len(counters))
	for i, c := range counters {
		atStop[i] = lastSeq(t, c)
	}
	waitFor(t, func() bool {
		salesOK()
		for i, c := range counters {
			if lastSeq(t, c) < atStop[i]+40 || workers[i].Status().Err == nil {
				return false
			}
		}
		return true
	})
	for _, w := range workers {
		if st := w.Status(); st.Pending == 0 || st.Connected {
			t.Errorf("%s/%s during the outage: %+v; want a backlog and disconnected", st.StoreID, st.TerminalID, st)
		}
	}
	crash()
	start(0, wctx)

	// Phase 3: it comes back while they still sell.
	if err := cl.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	atStart := make([]uint64, len(counters))
	for i, c := range counters {
		atStart[i] = lastSeq(t, c)
	}
	waitFor(t, func() bool {
		salesOK()
		for i, c := range counters {
			if lastSeq(t, c) < atStart[i]+20 {
				return false
			}
		}
		return true
	})
	stopSales()
	swg.Wait()
	salesOK()

	zs := make([]*report.Report, len(counters))
	for i := range counters {
		z, err := books[i].Close(day, "manager", nil)
		if err != nil {
			t.Fatal(err)
		}
		zs[i] = z
	}
	for _, w := range workers {
		w.Kick()
	}
	waitFor(t, func() bool {
		for i, w := range workers {
			st := w.Status()
			if st.Err != nil || st.Pending != 0 || st.PushedSeq != lastSeq(t, counters[i]) {
				return false
			}
		}
		return true
	})
	stopWorkers()
	wwg.Wait()

	total := 0
	for _, c := range counters {
		total += checkReplica(t, pool, c)
	}
	t.Logf("%d events from 3 terminals, all in PostgreSQL exactly once", total)

	hq, err := Report(context.Background(), pool, Query{From: day, To: day})
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[[3]string]figures)
	var wantPending int
	var wantTotal figures
	for i, z := range zs {
		c := counters[i]
		for _, ts := range z.Tenders {
			if ts == (receipt.TenderSummary{Tender: ts.Tender}) {
				continue
			}
			want[[3]string{c.store, c.term, string(ts.Tender)}] = figures{ts.SaleCount, ts.SaleFen, ts.RefundCount, ts.RefundFen}
		}
		s, r, _ := z.Totals()
		wantTotal.saleCount += s.SaleCount
		wantTotal.saleFen += s.SaleFen
		wantTotal.refundCount += r.RefundCount
		wantTotal.refundFen += r.RefundFen
		wantPending += len(z.Pending) + len(z.Abnormal)
	}
	got := make(map[[3]string]figures)
	for _, l := range hq.Lines {
		if l.Day != day {
			t.Errorf("line of day %s in a report of %s", l.Day, day)
		}
		got[[3]string{l.StoreID, l.TerminalID, l.Tender}] = figures{l.SaleCount, l.SaleFen, l.RefundCount, l.RefundFen}
	}
	if len(got) != len(want) {
		t.Errorf("HQ has %d store/terminal/tender lines, the Z reports %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%v: HQ %+v, Z report %+v", k, got[k], w)
		}
	}
	tot := hq.Totals()
	if gotTotal := (figures{tot.SaleCount, tot.SaleFen, tot.RefundCount, tot.RefundFen}); gotTotal != wantTotal {
		t.Errorf("HQ totals %+v, sum of Z reports %+v", gotTotal, wantTotal)
	}
	if len(hq.Open) != wantPending || wantPending == 0 {
		t.Errorf("HQ lists %d open payments/refunds, the Z reports %d (want some)", len(hq.Open), wantPending)
	}
	if wantTotal.refundCount == 0 || wantTotal.saleCount == 0 {
		t.Errorf("the mix produced no refunds or no sales: %+v", wantTotal)
	}
	t.Logf("HQ = ΣZ: %d sales %d fen, %d refunds %d fen, %d open", wantTotal.saleCount, wantTotal.saleFen,
		wantTotal.refundCount, wantTotal.refundFen, wantPending)
	for _, w := range workers {
		if errors.Is(w.Status().Err, ErrConflict) {
			t.Errorf("conflict reported: %v", w.Status().Err)
		}
	}
}
