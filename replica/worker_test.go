package replica

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func sellN(t testing.TB, c *counter, n int) {
	t.Helper()
	for range n {
		if err := c.sell(context.Background()); err != nil {
			t.Fatalf("%s: sale %d: %v", c, c.n, err)
		}
	}
}

func TestWorkerExactlyOnce(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 40)

	w := newWorker(t, c, pool, Options{Batch: 16})
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n := checkReplica(t, pool, c)
	if st := w.Status(); st.Pushed != uint64(n) || st.Pending != 0 || st.Err != nil || !st.Connected || st.PushedSeq != uint64(n) {
		t.Errorf("status after first sync %+v, want %d pushed, nothing pending", st, n)
	}

	t.Run("replay after a lost commit acknowledgement inserts nothing", func(t *testing.T) {
		w.stepMu.Lock()
		w.cursor, w.known = 0, true // as if no push had been acknowledged
		w.stepMu.Unlock()
		before := w.Status().Pushed
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.Status().Pushed - before; got != 0 {
			t.Errorf("replay inserted %d events", got)
		}
		checkReplica(t, pool, c)
	})

	t.Run("a restarted worker resumes from the server's position", func(t *testing.T) {
		sellN(t, c, 10)
		w2 := newWorker(t, c, pool, Options{Batch: 16})
		if err := w2.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		total := checkReplica(t, pool, c)
		if st := w2.Status(); st.Pushed != uint64(total-n) {
			t.Errorf("restarted worker pushed %d events, want only the %d new ones", st.Pushed, total-n)
		}
	})

	t.Run("terminals row tracks the position", func(t *testing.T) {
		var pushed, local int64
		err := pool.QueryRow(ctx, `SELECT pushed_seq, local_seq FROM terminals WHERE store_id = 'S01' AND terminal_id = 'T01'`).Scan(&pushed, &local)
		if err != nil {
			t.Fatal(err)
		}
		events := int64(len(c.localEvents(t)))
		if pushed != events || local != events {
			t.Errorf("terminals row pushed %d local %d, want %d", pushed, local, events)
		}
	})
}

func TestWorkerConflict(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		first, copy int // sales on the real terminal and on the impostor
	}{
		{"same terminal id on two counters", 20, 30},
		{"database restored from an older backup", 20, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := migrated(t)
			real := newCounter(t, "S01", "T01")
			sellN(t, real, tt.first)
			if err := newWorker(t, real, pool, Options{}).Sync(ctx); err != nil {
				t.Fatal(err)
			}
			other := newCounter(t, "S01", "T01")
			other.n = 1000 // different amounts and codes: a different history
			sellN(t, other, tt.copy)
			w := newWorker(t, other, pool, Options{})
			err := w.Sync(ctx)
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("Sync = %v, want ErrConflict", err)
			}
			if st := w.Status(); !errors.Is(st.Err, ErrConflict) || !strings.Contains(st.Summary(time.Now()), "stopped") {
				t.Errorf("status %+v / %q does not show the conflict", st, st.Summary(time.Now()))
			}
			checkReplica(t, pool, real) // the real history is untouched
		})
	}
}

func TestWorkerOfflineStatus(t *testing.T) {
	// Nothing listens on port 1: the server is down from the start.
	pool, err := Connect(context.Background(), Config{DSN: "postgres://wxpos@127.0.0.1:1/wxpos?sslmode=disable", ConnectTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 6)
	events := c.localEvents(t)
	w := newWorker(t, c, pool, Options{})
	if err := w.Sync(context.Background()); err == nil {
		t.Fatal("Sync succeeded with no server")
	}
	st := w.Status()
	if st.Connected || st.Err == nil || st.Since.IsZero() || st.Pending != uint64(len(events)) || !st.OldestPendingAt.Equal(events[0].Time) {
		t.Errorf("status %+v: want disconnected with an error and all %d events waiting", st, len(events))
	}
	// The worker never reached the server, so it does not know the
	// position; Probe does the local arithmetic from what it can read.
	p := Probe(context.Background(), c.db, pool, "S01", "T01")
	if p.Err == nil || p.LocalSeq != uint64(len(events)) || p.Pending != uint64(len(events)) {
		t.Errorf("Probe = %+v, want %d pending and an error", p, len(events))
	}
	if !p.OldestPendingAt.Equal(events[0].Time) {
		t.Errorf("oldest pending %v, want the first event's time %v", p.OldestPendingAt, events[0].Time)
	}
	if lag := p.Lag(events[0].Time.Add(time.Minute)); lag != time.Minute {
		t.Errorf("Lag = %v, want 1m", lag)
	}
	if s := p.Summary(time.Now()); !strings.Contains(s, "offline") {
		t.Errorf("Summary = %q, want it to say offline", s)
	}
}

func TestWorkerStatusWhileBehind(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 30)
	events := c.localEvents(t)
	w := newWorker(t, c, pool, Options{Batch: 10})
	if _, more, err := w.step(ctx); err != nil || !more {
		t.Fatalf("step = %v, more %v", err, more)
	}
	st := w.Status()
	if st.PushedSeq != 10 || st.Pending != uint64(len(events)-10) || !st.OldestPendingAt.Equal(events[10].Time) {
		t.Errorf("after one batch: %+v; want pushed 10, pending %d, oldest %v", st, len(events)-10, events[10].Time)
	}
	p := Probe(ctx, c.db, pool, "S01", "T01")
	if p.Err != nil || p.PushedSeq != 10 || p.Pending != st.Pending || !p.OldestPendingAt.Equal(st.OldestPendingAt) {
		t.Errorf("Probe = %+v, want it to agree with the worker %+v", p, st)
	}
}

func TestWorkerRunStopsWithContext(t *testing.T) {
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	w := newWorker(t, c, pool, Options{Poll: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	sellN(t, c, 5)
	w.Kick()
	want := lastSeq(t, c)
	waitFor(t, func() bool { st := w.Status(); return st.PushedSeq == want && st.Pending == 0 && st.Err == nil })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	checkReplica(t, pool, c)
}

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 60 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestProjectionsAndLookup(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	a := newCounter(t, "S01", "T01")
	sale, err := a.pos.PayCash(ctx, pos.Sale{AmountFen: 1000}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.pos.Refund(ctx, pos.RefundOrder{OutTradeNo: sale.OutTradeNo, AmountFen: 300, Approval: pos.Approval{User: "m"}}); err != nil {
		t.Fatal(err)
	}
	if err := newWorker(t, a, pool, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("found from another terminal with its refunds", func(t *testing.T) {
		ro, err := FindOrder(ctx, pool, sale.OutTradeNo)
		if err != nil {
			t.Fatal(err)
		}
		if ro.StoreID != "S01" || ro.TerminalID != "T01" || ro.Order.AmountFen != 1000 || ro.Order.State != "PAID" || len(ro.Refunds) != 1 {
			t.Fatalf("FindOrder = %+v", ro)
		}
		local, err := a.pos.Refundable(sale.OutTradeNo)
		if err != nil {
			t.Fatal(err)
		}
		if ro.RefundableFen() != local || local != 700 {
			t.Errorf("RefundableFen = %d, terminal says %d, want 700", ro.RefundableFen(), local)
		}
		if ro.Order.CodeHash != "" {
			t.Error("the payment-code hash left the terminal")
		}
		// The stored record leaves out what the columns keep; the lookup
		// puts it back: the terminal's record, field for field.
		var order *storage.Order
		var refunds []*storage.Refund
		err = a.db.View(func(tx *storage.Tx) error {
			var err error
			if order, err = tx.GetOrder(sale.OutTradeNo); err != nil {
				return err
			}
			refunds, err = tx.RefundsOf(sale.OutTradeNo)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		order.CodeHash = ""
		for _, c := range []struct{ got, want any }{{ro.Order, order}, {ro.Refunds, refunds}} {
			got, _ := json.Marshal(c.got)
			want, _ := json.Marshal(c.want)
			if string(got) != string(want) {
				t.Errorf("found\n%s\nthe terminal has\n%s", got, want)
			}
		}
	})

	t.Run("unknown order", func(t *testing.T) {
		if _, err := FindOrder(ctx, pool, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindOrder = %v, want ErrNotFound", err)
		}
	})

	t.Run("another terminal cannot overwrite the row", func(t *testing.T) {
		b := newCounter(t, "S01", "T02")
		err := b.db.Update(func(tx *storage.Tx) error {
			now := time.Now()
			if err := tx.PutOrder(&storage.Order{OutTradeNo: sale.OutTradeNo, Tender: "cash", State: "FAILED", AmountFen: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			_, err := tx.AppendEvent(storage.Event{Kind: "order.transition", Ref: sale.OutTradeNo, To: "FAILED"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := newWorker(t, b, pool, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
		ro, err := FindOrder(ctx, pool, sale.OutTradeNo)
		if err != nil {
			t.Fatal(err)
		}
		if ro.TerminalID != "T01" || ro.Order.State != "PAID" || ro.Order.AmountFen != 1000 {
			t.Errorf("row now %s %s %d: overwritten by another terminal", ro.TerminalID, ro.Order.State, ro.Order.AmountFen)
		}
	})
}

func TestWorkerOddContent(t *testing.T) {
	tests := []struct {
		name string
		e    storage.Event
	}{
		{"NUL in text", storage.Event{Kind: "user.note", Ref: "a\x00b", Actor: "王\x00", Reason: "x\x00y"}},
		{"NUL escape in data", storage.Event{Kind: "user.note", Data: []byte(`{"note":"a\u0000b"}`)}},
		{"array data", storage.Event{Kind: "user.note", Data: []byte(`[1,2,3]`)}},
		{"string data", storage.Event{Kind: "user.note", Data: []byte(`"退货"`)}},
		{"null data", storage.Event{Kind: "user.note", Data: []byte(`null`)}},
		{"no data", storage.Event{Kind: "user.note", Reason: "顾客要求退款 🧧"}},
	}
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	w := newWorker(t, c, pool, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.db.Update(func(tx *storage.Tx) error { _, err := tx.AppendEvent(tt.e); return err })
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Sync(context.Background()); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			checkReplica(t, pool, c)
		})
	}
}

func TestDigest(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 123456789, tz.Shanghai)
	base := storage.Event{Seq: 7, Time: at, Kind: "order.transition", Ref: "P1", Actor: "c1", From: "NEW", To: "PAID",
		Reason: "cash", Data: []byte(`{"amount_fen":100}`)}
	same := base
	same.Time = at.UTC() // the same instant read back in another zone
	same.V = 2           // a record version is not content
	tests := []struct {
		name   string
		e      storage.Event
		differ bool
	}{
		{"same event", same, false},
		{"other sequence", func() storage.Event { e := base; e.Seq = 8; return e }(), true},
		{"other instant", func() storage.Event { e := base; e.Time = at.Add(time.Nanosecond); return e }(), true},
		{"other state", func() storage.Event { e := base; e.To = "FAILED"; return e }(), true},
		{"other data", func() storage.Event { e := base; e.Data = []byte(`{"amount_fen":101}`); return e }(), true},
		{"fields shifted", func() storage.Event { e := base; e.Ref, e.Actor = "P1c", "1"; return e }(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if differ := string(Digest(tt.e)) != string(Digest(base)); differ != tt.differ {
				t.Errorf("digests differ = %v, want %v", differ, tt.differ)
			}
		})
	}
}

// A sale adopted from another counter for a refund is that counter's: the
// adopting counter replicates its events and its refund, never the order row.
func TestWorkerLeavesForeignOrdersToTheirCounter(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	a := newCounter(t, "S01", "TA")
	b := newCounter(t, "S01", "TB")
	no := "PS01-TA-00000001"
	paid := sh("2026-11-25 10:00")
	record(t, a.db, []storage.Order{{OutTradeNo: no, State: "PAID", AmountFen: 5000, CreatedAt: paid}}, nil)
	record(t, b.db, []storage.Order{{OutTradeNo: no, State: "PAID", AmountFen: 5000, CreatedAt: paid,
		Foreign: true, OriginStoreID: "S01", OriginTerminalID: "TA"}}, nil)

	// B replicates first: its adopted copy must not claim the row.
	if err := newWorker(t, b, pool, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE out_trade_no = $1`, no).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Fatalf("counter B pushed the foreign order (%d rows)", rows)
	}
	if err := newWorker(t, a, pool, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var term string
	if err := pool.QueryRow(ctx, `SELECT terminal_id FROM orders WHERE out_trade_no = $1`, no).Scan(&term); err != nil {
		t.Fatal(err)
	}
	if term != "TA" {
		t.Errorf("order row belongs to %s, want TA", term)
	}
}
