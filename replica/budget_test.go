package replica

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
)

// A terminal's connection budget (docs/CHAIN.md, "Connection budget"):
// with notifications on, its worker holds at most two server connections
// — the pool's one while it pushes, and one that LISTENs — and once idle
// keeps the listening one; marked pooled (PgBouncer's query mode) it never
// listens and holds the pool's one, which its pull at each poll keeps in
// use (through PgBouncer: a client connection, not a server's). The pool
// is ConnectWorker's, with a short idle time so that the test need not
// wait WorkerIdle.
func TestConnectionBudget(t *testing.T) {
	for _, pooled := range []bool{false, true} {
		t.Run(map[bool]string{false: "direct", true: "pooled"}[pooled], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			admin := migrated(t)
			pc, err := pgxpool.ParseConfig(admin.Config().ConnString())
			if err != nil {
				t.Fatal(err)
			}
			pc.MaxConns, pc.MinConns = 1, 0
			pc.MaxConnIdleTime, pc.HealthCheckPeriod = 300*time.Millisecond, 100*time.Millisecond
			pc.ConnConfig.RuntimeParams["application_name"] = "budget"
			if pooled {
				pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
			}
			pool, err := pgxpool.NewWithConfig(ctx, pc)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			c := newCounter(t, "S01", "T01")
			w := newWorker(t, c, pool, Options{Poll: 10 * time.Millisecond, Hint: func(pos.Notice) error { return nil }})
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); w.Run(runCtx) }()
			defer func() { stop(); <-done }()

			// backends is the worker's sessions on the server: all, and
			// those that LISTEN.
			backends := func() (all, listening int) {
				if err := admin.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE query LIKE 'LISTEN %')
					FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'budget'`).Scan(&all, &listening); err != nil {
					t.Fatal(err)
				}
				return all, listening
			}
			most := 0
			for i := range 20 { // sales pushed while the budget is watched
				sellN(t, c, 1)
				all, _ := backends()
				most = max(most, all)
				if i%5 == 4 {
					if err := w.Sync(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			t.Logf("at most %d connections while pushing", most)
			if most > 2 {
				t.Errorf("%d connections at once, want at most 2 (the pool's and the listener)", most)
			}
			if pooled { // no listener; the pull at each poll keeps the pool's one connection in use
				if all, listening := backends(); all > 1 || listening != 0 {
					t.Errorf("pooled: %d connections, %d listening; want at most 1 and none", all, listening)
				}
				return
			}
			for { // the pool's connection closes once idle; the listener stays
				all, listening := backends()
				if all == 1 && listening == 1 {
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("idle: %d connections, %d listening; want the listener alone", all, listening)
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	}
}
