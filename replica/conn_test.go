package replica

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/replica/pgtest"
)

func TestWorkerPoolConfig(t *testing.T) {
	pc, err := Config{DSN: "postgres://wxpos@db.example.com/wxpos"}.WorkerPoolConfig()
	if err != nil {
		t.Fatal(err)
	}
	if pc.MaxConns != 1 || pc.MinConns != 0 || pc.MaxConnIdleTime != WorkerIdle || pc.HealthCheckPeriod > WorkerIdle/2 {
		t.Errorf("worker pool: max %d min %d idle %v check %v; want one connection closed after %v unused",
			pc.MaxConns, pc.MinConns, pc.MaxConnIdleTime, pc.HealthCheckPeriod, WorkerIdle)
	}
	for dsn, want := range map[string]bool{
		"postgres://wxpos@db/wxpos":                                              false,
		"postgres://wxpos@db/wxpos?default_query_exec_mode=exec":                 true,
		"host=db user=wxpos default_query_exec_mode=simple_protocol":             true,
		"postgres://wxpos@db/wxpos?default_query_exec_mode=cache_describe":       false,
		"postgres://wxpos@db/wxpos?default_query_exec_mode=cache_statement":      false,
		"postgres://wxpos@db/wxpos?sslmode=disable&default_query_exec_mode=exec": true,
	} {
		pc, err := Config{DSN: dsn, InsecureTLS: true}.PoolConfig() // sslmode=disable toward db
		if err != nil {
			t.Fatal(err)
		}
		if got := Pooled(pc.ConnConfig); got != want {
			t.Errorf("Pooled(%q) = %v, want %v", dsn, got, want)
		}
	}
}

// bounced starts a server that takes at most maxConns connections and a
// PgBouncer (pool_mode = transaction) that uses at most serverConns of
// them, creates a migrated database, and returns a direct administrator
// pool and the database's DSN through the bouncer.
func bounced(t *testing.T, ctx context.Context, maxConns, serverConns int) (*pgtest.Cluster, *pgxpool.Pool, string) {
	t.Helper()
	if adminDSN == "" {
		t.Skip(noPG)
	}
	c, err := pgtest.StartWith(ctx, &pgtest.Options{MaxConnections: maxConns})
	if errors.Is(err, pgtest.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	b, err := pgtest.StartBouncer(ctx, c, serverConns)
	if errors.Is(err, pgtest.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	dsn, _, err := pgtest.CreateDB(ctx, c.DSN()) // the cluster goes with the test
	if err != nil {
		t.Fatal(err)
	}
	admin, err := Connect(ctx, Config{DSN: dsn, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	if _, err := Migrate(ctx, admin); err != nil {
		t.Fatal(err)
	}
	db, err := pgtest.DBName(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return c, admin, b.DSN(db)
}

// Through PgBouncer in transaction mode, 200 terminals replicate at once
// to a server that takes 50 connections: every push succeeds, nothing is
// retried, and every event, order and position arrives. The server's limit
// is shown real first: its 51st connection is refused.
func TestTwoHundredTerminalsThroughPgBouncer(t *testing.T) {
	const terminals, sales, limit = 200, 30, 50
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, admin, viaBouncer := bounced(t, ctx, limit, limit-10)

	t.Run("the server takes 50 connections", func(t *testing.T) {
		var conns []*pgx.Conn
		defer func() {
			for _, c := range conns {
				c.Close(context.Background())
			}
		}()
		for range limit + 1 {
			conn, err := pgx.Connect(ctx, c.DSN())
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "53300" { // too_many_connections
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
		}
		// The test's administrator pool holds up to 2 of them.
		if len(conns) > limit || len(conns) < limit-2 {
			t.Fatalf("opened %d connections besides the test's own; want the server to stop at %d", len(conns), limit)
		}
	})

	workers := make([]*Worker, terminals)
	for i := range workers {
		store, term := fmt.Sprintf("S%03d", i/2), fmt.Sprintf("T%02d", i%2+1)
		db := openDB(t)
		fillScanSalesAs(t, db, store+term, sales)
		pool, err := ConnectWorker(ctx, Config{DSN: viaBouncer})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		if workers[i], err = NewWorker(db, pool, Options{StoreID: store, TerminalID: term, Batch: 8}); err != nil {
			t.Fatal(err)
		}
	}
	start := make(chan struct{})
	errs := make([]error, terminals)
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = w.Sync(ctx)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("terminal %d: %v", i, err)
		}
	}
	var events, orders, positions int
	err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM orders),
		(SELECT count(*) FROM terminals WHERE pushed_seq = $1 AND local_seq = $1)`, 2*sales).Scan(&events, &orders, &positions)
	if err != nil {
		t.Fatal(err)
	}
	if events != terminals*2*sales || orders != terminals*sales || positions != terminals {
		t.Errorf("replica has %d events, %d orders, %d terminals up to date; want %d, %d, %d",
			events, orders, positions, terminals*2*sales, terminals*sales, terminals)
	}
	for i, w := range workers {
		if st := w.Status(); st.Err != nil || st.Pushed != 2*sales || st.Pending != 0 {
			t.Errorf("terminal %d: %+v", i, st)
		}
	}
}

// Through a transaction pooler the worker cannot LISTEN: it hands over the
// notifications at each poll, and no session listens.
func TestHintsThroughPgBouncer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, admin, viaBouncer := bounced(t, ctx, 20, 5)
	pool, err := ConnectWorker(ctx, Config{DSN: viaBouncer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	hints := hinted(t, ctx, pool, 20*time.Millisecond)
	for _, no := range []string{"PS01-T01-E1-1", "RS01-T01-E1-2"} {
		announce(t, ctx, admin, "EV-"+no, no)
		nextHint(t, ctx, hints, no)
	}
	var listening int
	err = admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'`).Scan(&listening)
	if err != nil {
		t.Fatal(err)
	}
	if listening != 0 {
		t.Errorf("%d sessions LISTEN through the bouncer", listening)
	}
}
