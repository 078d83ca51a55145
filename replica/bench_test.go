package replica

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
)

// fillScanSales writes n paid scan sales the way the payment core does
// (order record + SUBMITTING and PAID events), 2n events in all.
func fillScanSales(tb testing.TB, db *storage.Store, n int) {
	tb.Helper()
	fillScanSalesAs(tb, db, "S01T01", n)
}

// fillScanSalesAs is fillScanSales with order numbers that begin with
// prefix, so that several terminals' sales do not share numbers.
func fillScanSalesAs(tb testing.TB, db *storage.Store, prefix string, n int) {
	tb.Helper()
	now := time.Now()
	for start := 0; start < n; start += 1000 {
		err := db.Update(func(tx *storage.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				no := fmt.Sprintf("%sP%09d", prefix, i)
				o := &storage.Order{OutTradeNo: no, Tender: "wechat_scan", State: "SUBMITTING", AmountFen: int64(100 + i%5000),
					CodeLast4: "1234", CreatedAt: now, UpdatedAt: now, Cashier: "c1"}
				if err := tx.PutOrder(o); err != nil {
					return err
				}
				if _, err := tx.AppendEvent(storage.Event{Time: now, Kind: "order.transition", Ref: no, From: "NEW", To: "SUBMITTING",
					Data: []byte(`{"amount_fen":100}`)}); err != nil {
					return err
				}
				o.State, o.PaidAt, o.TransactionID = "PAID", now, "4200000000"+no
				if err := tx.PutOrder(o); err != nil {
					return err
				}
				if _, err := tx.AppendEvent(storage.Event{Time: now, Kind: "order.transition", Ref: no, From: "SUBMITTING", To: "PAID",
					Data: []byte(`{"amount_fen":100,"transaction_id":"4200000000"}`)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkReplicate measures catch-up throughput: a terminal with a
// backlog of b.N events (half sales' SUBMITTING, half PAID, each with its
// order projection) pushed to an empty replica.
func BenchmarkReplicate(b *testing.B) {
	for _, batch := range []int{100, 500, 2000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			pool := migrated(b)
			db := openDB(b)
			fillScanSales(b, db, (b.N+1)/2)
			w, err := NewWorker(db, pool, Options{StoreID: "S01", TerminalID: "T01", Batch: batch})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if err := w.Sync(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			st := w.Status()
			b.ReportMetric(float64(st.Pushed)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSteadyLag runs three terminals taking 10 payments a second each
// (the test mix: cash, scan, refunds, unknowns) for b.N payments per
// terminal while their workers replicate, and reports how long events
// waited between their commit on the terminal and their arrival in
// PostgreSQL: p50, p99 and max, with the worker polling every second
// (poll) or kicked after each payment (kick). Run it with -benchtime=50x
// (5 s).
func BenchmarkSteadyLag(b *testing.B) {
	for _, mode := range []string{"poll", "kick"} {
		b.Run(mode, func(b *testing.B) {
			pool := migrated(b)
			counters := []*counter{newCounter(b, "S01", "T01"), newCounter(b, "S01", "T02"), newCounter(b, "S02", "T01")}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			workers := make([]*Worker, len(counters))
			var wwg sync.WaitGroup
			for i, c := range counters {
				workers[i] = newWorker(b, c, pool, Options{Poll: time.Second})
				wwg.Add(1)
				go func() { defer wwg.Done(); workers[i].Run(ctx) }()
			}
			b.ResetTimer()
			var swg sync.WaitGroup
			errs := make([]error, len(counters))
			for i, c := range counters {
				swg.Add(1)
				go func() {
					defer swg.Done()
					tick := time.NewTicker(100 * time.Millisecond)
					defer tick.Stop()
					for range b.N {
						<-tick.C
						if err := c.sell(context.Background()); err != nil {
							errs[i] = err
							return
						}
						if mode == "kick" {
							workers[i].Kick()
						}
					}
				}()
			}
			swg.Wait()
			b.StopTimer()
			for i, err := range errs {
				if err != nil {
					b.Fatalf("%s: %v", counters[i], err)
				}
			}
			waitFor(b, func() bool {
				for i, w := range workers {
					if w.Status().PushedSeq != lastSeq(b, counters[i]) {
						return false
					}
				}
				return true
			})
			cancel()
			wwg.Wait()
			reportLag(b, pool)
		})
	}
}

func reportLag(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	var n int64
	var p50, p99, maxMs, perSec float64
	err := pool.QueryRow(context.Background(), `SELECT count(*),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM replicated_at - at)),
			percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM replicated_at - at)),
			max(extract(epoch FROM replicated_at - at)),
			count(*) / greatest(extract(epoch FROM max(at) - min(at)), 0.001)
		FROM events`).Scan(&n, &p50, &p99, &maxMs, &perSec)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(p50*1000, "lag-p50-ms")
	b.ReportMetric(p99*1000, "lag-p99-ms")
	b.ReportMetric(maxMs*1000, "lag-max-ms")
	b.ReportMetric(perSec, "events/s")
	b.ReportMetric(float64(n), "events")
}

// BenchmarkPayWhileReplicating shows that a payment does not wait for
// PostgreSQL: cash sales through the payment core with no replication, with
// a worker kicked after every sale, and with the server down (the worker
// backing off). The three ns/op should be alike.
func BenchmarkPayWhileReplicating(b *testing.B) {
	down, err := Connect(context.Background(), Config{DSN: "postgres://wxpos@127.0.0.1:1/wxpos?sslmode=disable", ConnectTimeout: 100 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer down.Close()
	for _, mode := range []string{"alone", "replicating", "server-down"} {
		b.Run(mode, func(b *testing.B) {
			c := newCounter(b, "S01", "T01")
			var w *Worker
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			switch mode {
			case "replicating":
				w = newWorker(b, c, migrated(b), Options{Poll: 10 * time.Millisecond})
			case "server-down":
				w = newWorker(b, c, down, Options{Poll: 10 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
			}
			if w != nil {
				wg.Add(1)
				go func() { defer wg.Done(); w.Run(ctx) }()
			}
			sale := pos.Sale{AmountFen: 1234, Cashier: "c1"}
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := c.pos.PayCash(context.Background(), sale, 2000); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				if w != nil {
					w.Kick()
				}
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(took[len(took)-1].Microseconds()), "max-µs")
			cancel()
			wg.Wait()
		})
	}
}
