package replica

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/replica/pgtest"
)

// The tests need a real PostgreSQL. CI starts one with scripts/postgres.sh
// and passes its DSN in WXPOS_TEST_PG_DSN; without it, TestMain starts a
// throwaway cluster itself (and stops it at the end). Only when neither
// works do the database tests skip, saying why.
var (
	adminDSN string          // server for per-test databases
	owned    *pgtest.Cluster // the cluster TestMain started, nil when the DSN came from the environment
	noPG     string          // why there is no server
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if dsn := os.Getenv(pgtest.EnvDSN); dsn != "" {
		adminDSN = dsn
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pgtest.Start(ctx)
	cancel()
	if err != nil {
		noPG = fmt.Sprintf("no PostgreSQL for the replica tests: %v (set %s to a server's DSN, e.g. from scripts/postgres.sh start)", err, pgtest.EnvDSN)
		return m.Run()
	}
	defer c.Close()
	// An interrupted run (Ctrl-C) must not leave a server behind.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			c.Close()
			os.Exit(1)
		}
	}()
	owned, adminDSN = c, c.DSN()
	return m.Run()
}

// newPool creates an empty database for one test, dropped at its end.
func newPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	if adminDSN == "" {
		tb.Skip(noPG)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, drop, err := pgtest.CreateDB(ctx, adminDSN)
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	pool, err := Connect(ctx, Config{DSN: dsn, MaxConns: 8, ConnectTimeout: 2 * time.Second})
	if err != nil {
		drop()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		pool.Close()
		if err := drop(); err != nil {
			tb.Logf("drop test database: %v", err)
		}
	})
	return pool
}

// migrated is newPool with the schema applied.
func migrated(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool := newPool(tb)
	if _, err := Migrate(context.Background(), pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// controllable returns a cluster the test may stop and start: TestMain's,
// or a private one when the server came from the environment.
func controllable(tb testing.TB) *pgtest.Cluster {
	tb.Helper()
	if owned != nil {
		return owned
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgtest.Start(ctx)
	if err != nil {
		tb.Skipf("this test stops and restarts PostgreSQL and cannot start its own: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// poolOn creates a migrated database on cluster c for one test.
func poolOn(tb testing.TB, c *pgtest.Cluster, cfg Config) *pgxpool.Pool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, drop, err := pgtest.CreateDB(ctx, c.DSN())
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	cfg.DSN = dsn
	pool, err := Connect(ctx, cfg)
	if err != nil {
		drop()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		pool.Close()
		if err := drop(); err != nil {
			tb.Logf("drop test database: %v", err)
		}
	})
	if _, err := Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}
