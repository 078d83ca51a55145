package replica

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// roundTrips is a pgx tracer that counts what a connection sends: batches
// (their statements pipelined, one round trip) and statements on their
// own (a round trip each).
type roundTrips struct{ batches, statements, batched atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.statements.Add(1)
	return ctx
}

func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.batches.Add(1)
	return ctx
}

func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	r.batched.Add(1)
}

func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestPushRoundTrips is #26's WAN finding: a push is two round trips
// whatever its size — its statements (BEGIN, the events, the records they
// name, the position) pipelined in one batch, then COMMIT — and a worker
// that starts asks for its position once.
func TestPushRoundTrips(t *testing.T) {
	ctx := context.Background()
	admin := migrated(t)
	pc := admin.Config()
	rt := &roundTrips{}
	pc.ConnConfig.Tracer = rt
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 30)
	const batch = 10
	if err := newWorker(t, c, pool, Options{Batch: batch}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	events := int64(checkReplica(t, admin, c))
	pushes := (events + batch - 1) / batch
	t.Logf("%d events in %d pushes: %d batches of %d statements, %d statements alone", events, pushes, rt.batches.Load(), rt.batched.Load(), rt.statements.Load())
	if rt.batches.Load() != pushes || rt.statements.Load() != pushes+1 || rt.batched.Load() < 3*pushes {
		t.Errorf("%d pushes sent %d batches (%d statements in them) and %d statements alone; want one batch and one COMMIT a push, and the position asked once",
			pushes, rt.batches.Load(), rt.batched.Load(), rt.statements.Load())
	}
}
