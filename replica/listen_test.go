package replica

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
)

// hinted runs a worker for S01/T01 with no events and a Poll and
// HintEvery of poll,
// whose Hint sends each number to the returned channel.
func hinted(t *testing.T, ctx context.Context, pool *pgxpool.Pool, poll time.Duration) <-chan string {
	t.Helper()
	hints := make(chan string, 16)
	w, err := NewWorker(openDB(t), pool, Options{StoreID: "S01", TerminalID: "T01", Poll: poll, HintEvery: poll,
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond,
		Hint: func(n pos.Notice) error { hints <- n.Ref; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return hints
}

// listeners are the backend pids of the sessions LISTENing in pool's
// database, once there are n of them other than old (0: none excluded).
func listeners(t *testing.T, ctx context.Context, pool *pgxpool.Pool, n int, old int32) []int32 {
	t.Helper()
	for {
		var pids []int32
		err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> $1`, old).Scan(&pids)
		if err == nil && len(pids) >= n {
			return pids
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d sessions listen (other than %d), want %d: %v", len(pids), old, n, err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// announce accepts a notification about no through NotifySink: a
// refund's when no is a refund number (R…), else a payment's.
func announce(t *testing.T, ctx context.Context, pool *pgxpool.Pool, id, no string) {
	t.Helper()
	r := notify.Record{ID: id, API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: no, State: "SUCCESS",
		TotalFen: 100, Received: time.Now()}
	if strings.HasPrefix(no, "R") {
		r.Kind, r.OutTradeNo, r.OutRefundNo, r.RefundFen = notify.KindRefund, "P"+no[1:], no, 100
	}
	if dup, err := NewNotifySink(pool).Accept(ctx, &r); err != nil || dup {
		t.Fatalf("accept %s: dup %v, %v", id, dup, err)
	}
}

// nextHint is the next number handed to the terminal, or a failure when
// none comes before ctx ends.
func nextHint(t *testing.T, ctx context.Context, hints <-chan string, want string) {
	t.Helper()
	select {
	case no := <-hints:
		if no != want {
			t.Fatalf("handed %s, want %s", no, want)
		}
	case <-ctx.Done():
		t.Fatalf("%s was not handed over", want)
	}
}

// A worker whose poll is an hour away hears of each notification the
// moment NotifySink commits it (LISTEN/NOTIFY): its own numbers are handed
// over, the other terminal's, recorded before its third, is not. Three in
// turn, each waited for: besides the NOTIFYs the worker pulls only at its
// start and once when it begins to listen, which cannot hand over all
// three.
func TestHintAtOnceByNotify(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool := migrated(t)
	hints := hinted(t, ctx, pool, time.Hour)
	listeners(t, ctx, pool, 1, 0)
	announce(t, ctx, pool, "EV-1", "PS01-T01-E1-1")
	nextHint(t, ctx, hints, "PS01-T01-E1-1")
	announce(t, ctx, pool, "EV-2", "RS01-T01-E1-2")
	nextHint(t, ctx, hints, "RS01-T01-E1-2")
	announce(t, ctx, pool, "EV-T02", "PS01-T02-E1-1")
	announce(t, ctx, pool, "EV-3", "PS01-T01-E1-3")
	nextHint(t, ctx, hints, "PS01-T01-E1-3")
}

// The listening connection dropped (the server ended the session): the
// worker listens again, pulls what was recorded meanwhile, and hears the
// next notification at once — its poll still an hour away.
func TestHintAfterListenerDropped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool := migrated(t)
	hints := hinted(t, ctx, pool, time.Hour)
	first := listeners(t, ctx, pool, 1, 0)[0]
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, first); err != nil {
		t.Fatal(err)
	}
	announce(t, ctx, pool, "EV-1", "PS01-T01-E1-1") // nobody may be listening
	nextHint(t, ctx, hints, "PS01-T01-E1-1")
	listeners(t, ctx, pool, 1, first)
	for _, no := range []string{"PS01-T01-E1-2", "PS01-T01-E1-3"} {
		announce(t, ctx, pool, "EV-"+no, no)
		nextHint(t, ctx, hints, no)
	}
}

// Notifications whose NOTIFY never came (here: rows written without one)
// are still handed over, at the worker's polls. Three in turn, as above:
// the pulls at its start and when it begins to listen cannot hand over
// all three.
func TestHintWithoutNotifyAtPoll(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool := migrated(t)
	hints := hinted(t, ctx, pool, 50*time.Millisecond)
	listeners(t, ctx, pool, 1, 0)
	for _, no := range []string{"PS01-T01-E1-1", "PS01-T01-E1-2", "PS01-T01-E1-3"} {
		_, err := pool.Exec(ctx, `INSERT INTO notifications (id, dedupe_key, api, kind, mchid, out_trade_no, state, received)
			VALUES ($1, $2, 'v3', 'pay', '1900000109', $3, 'SUCCESS', now())`, "EV-"+no, "pay/"+no+"/SUCCESS", no)
		if err != nil {
			t.Fatal(err)
		}
		nextHint(t, ctx, hints, no)
	}
}

// queryCount is a pgx tracer that counts the statements sent.
type queryCount struct{ n atomic.Int64 }

func (q *queryCount) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCount) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestIdleWorkerSendsNothing: a worker with nothing to push that listens
// for notifications sends PostgreSQL nothing at its polls (it used to ask
// for notifications at every one, 1 s): within 30 s it falls silent for
// ten polls in a row, and a NOTIFY still reaches it.
func TestIdleWorkerSendsNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := migrated(t)
	pc := admin.Config()
	qc := &queryCount{}
	pc.ConnConfig.Tracer = qc
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	const poll = 20 * time.Millisecond
	hints := make(chan string, 4)
	w, err := NewWorker(openDB(t), pool, Options{StoreID: "S01", TerminalID: "T01", Poll: poll,
		Hint: func(n pos.Notice) error { hints <- n.Ref; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.Run(runCtx) }()
	defer func() { stop(); <-done }()
	listeners(t, ctx, admin, 1, 0)
	for last := int64(-1); ; {
		n := qc.n.Load()
		if n == last {
			break
		}
		last = n
		select {
		case <-ctx.Done():
			t.Fatalf("the idle worker keeps sending statements: %d so far", n)
		case <-time.After(10 * poll):
		}
	}
	announce(t, ctx, admin, "EV-1", "PS01-T01-E1-1")
	nextHint(t, ctx, hints, "PS01-T01-E1-1")
}
