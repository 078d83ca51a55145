package cli_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/replica/pgtest"
	"github.com/wxpos/wxpos/storage/storagetest"
)

func TestReplicaFinding(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		st   replica.Status
		want cli.Level
	}{
		{"up to date", replica.Status{Connected: true, LocalSeq: 40, PushedSeq: 40}, cli.LevelOK},
		{"a few seconds behind", replica.Status{Connected: true, LocalSeq: 42, PushedSeq: 40, Pending: 2, OldestPendingAt: now.Add(-10 * time.Second)}, cli.LevelOK},
		{"behind for long", replica.Status{Connected: true, LocalSeq: 90, PushedSeq: 40, Pending: 50, OldestPendingAt: now.Add(-cli.WarnLag)}, cli.LevelWarn},
		{"server unreachable", replica.Status{LocalSeq: 42, Pending: 42, OldestPendingAt: now.Add(-time.Minute), Err: errors.New("dial tcp: connection refused")}, cli.LevelWarn},
		{"another history under this id", replica.Status{Connected: true, LocalSeq: 3, PushedSeq: 9, Err: fmt.Errorf("x: %w", replica.ErrConflict)}, cli.LevelFail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := cli.ReplicaFinding(tc.st, now)
			if f.Level != tc.want || f.Topic != "replication" {
				t.Fatalf("%+v, want level %s", f, tc.want)
			}
			if f.Level != cli.LevelOK && f.Fix == "" {
				t.Errorf("no fix for %s", f.Level)
			}
		})
	}
}

// replicaPool returns a migrated database on a real PostgreSQL: the one CI
// names in the environment, else a throwaway cluster; it skips when
// neither is possible.
func replicaPool(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	pool, dsn := newReplicaPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := replica.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool, dsn
}

// newReplicaPool is a new database on a real PostgreSQL, not migrated.
func newReplicaPool(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := os.Getenv(pgtest.EnvDSN)
	if admin == "" {
		c, err := pgtest.Start(ctx)
		if err != nil {
			t.Skipf("no PostgreSQL for the cross-terminal refund test: %v (set %s)", err, pgtest.EnvDSN)
		}
		t.Cleanup(func() { c.Close() })
		admin = c.DSN()
	}
	dsn, drop, err := pgtest.CreateDB(ctx, admin)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	pool, err := replica.Connect(ctx, replica.Config{DSN: dsn})
	if err != nil {
		drop()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		drop()
	})
	return pool, dsn
}

// TestReplicaFinderCrossTerminal: counter A takes a sale and refunds part
// of it, replicates to PostgreSQL; counter B (its own database, the same
// merchant) finds it through ReplicaFinder and refunds exactly what is
// left, no more.
func TestReplicaFinderCrossTerminal(t *testing.T) {
	pool, _ := replicaPool(t)
	ctx := context.Background()
	gw := postest.NewGateway(time.Now)
	approve := pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) { return "wang", nil })
	counter := func(id string) (*pos.Terminal, *replica.Worker) {
		db := storagetest.Open(t)
		term, err := pos.New(posstore.New(db), gw, pos.Config{StoreID: "S01", TerminalID: id, Authorizer: approve,
			CallTimeout: time.Second, RefundWait: time.Second, QRPollMin: time.Millisecond, QRPollMax: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { term.Close() })
		w, err := replica.NewWorker(db, pool, replica.Options{StoreID: "S01", TerminalID: id})
		if err != nil {
			t.Fatal(err)
		}
		return term, w
	}
	a, wa := counter("T01")
	b, _ := counter("T02")
	o, err := a.PayScan(ctx, pos.Sale{AmountFen: 3000}, postest.Code(postest.Success, 1))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("pay at A: %v %+v", err, o)
	}
	if _, err := a.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: 1000, Approval: pos.Approval{User: "wang"}}); err != nil {
		t.Fatal(err)
	}
	if err := wa.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f := cli.ReplicaFinder{DB: pool}
	if _, err := f.FindSale(ctx, "PS01-T09-00000001"); !errors.Is(err, pos.ErrNotFound) {
		t.Fatalf("unknown sale: %v", err)
	}
	l, err := b.LookupSale(ctx, o.OutTradeNo, f)
	if err != nil {
		t.Fatal(err)
	}
	if l.Stored || l.Order.OriginTerminalID != "T01" || l.RefundedFen != 1000 || l.LeftFen() != 2000 {
		t.Fatalf("lookup at B: %+v %+v", l, l.Order)
	}
	tests := []struct {
		name string
		fen  int64
		want error
	}{
		{"more than A left", 2001, pos.ErrRefundLimit},
		{"what A left", 2000, nil},
		{"nothing more", 1, pos.ErrRefundLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.RefundAny(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: tc.fen, Approval: pos.Approval{User: "wang"}}, f)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if got := gw.RefundedFen(o.OutTradeNo); got != 3000 {
		t.Errorf("WeChat refunded %d, want 3000", got)
	}
	fo, err := b.Order(o.OutTradeNo)
	if err != nil || !fo.Foreign || fo.OriginStoreID != "S01" || fo.OriginTerminalID != "T01" {
		t.Fatalf("foreign record at B: %+v %v", fo, err)
	}
}
