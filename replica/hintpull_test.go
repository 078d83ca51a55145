package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
)

// seedNotifications records n notifications numbered first… straight into
// PostgreSQL, in number order (so in seq order), as the receiver would:
// every every-th (every > 0) is about a number S01/T01 minted, the others
// about 40 other stores' numbers; the odd ones are refunds. It returns
// S01/T01's numbers — what its worker must be handed — in seq order.
func seedNotifications(tb testing.TB, admin *pgxpool.Pool, first, n, every int) []string {
	tb.Helper()
	if every <= 0 {
		every = n + first + 1 // none of S01/T01's
	}
	_, err := admin.Exec(context.Background(), `INSERT INTO notifications
		(id, dedupe_key, api, kind, mchid, out_trade_no, out_refund_no, state, total_fen, refund_fen, received)
	SELECT 'EV-' || i, 'seed/' || i, 'v3', CASE WHEN i % 2 = 1 THEN 'refund' ELSE 'pay' END, '1900000109',
		'P' || s || '-' || i, CASE WHEN i % 2 = 1 THEN 'R' || s || '-' || i ELSE '' END,
		'SUCCESS', 100, CASE WHEN i % 2 = 1 THEN 100 ELSE 0 END, now()
	FROM (SELECT i, CASE WHEN i % $3 = 0 THEN 'S01-T01' ELSE 'S' || (2 + i % 40) || '-T01' END AS s
		FROM generate_series($1::int, $1::int + $2::int - 1) i) g
	ORDER BY i`, first, n, every)
	if err != nil {
		tb.Fatal(err)
	}
	var own []string
	for i := first; i < first+n; i++ {
		if i%every == 0 {
			own = append(own, fmt.Sprintf("%sS01-T01-%d", map[bool]string{false: "P", true: "R"}[i%2 == 1], i))
		}
	}
	return own
}

// hintWorker is S01/T01's worker logged in as its enrolled role, handing
// its hints to *handed.
func hintWorker(tb testing.TB, admin *pgxpool.Pool, handed *[]string) *Worker {
	tb.Helper()
	login, err := EnrolTerminal(context.Background(), admin, "S01", "T01")
	if err != nil {
		tb.Fatal(err)
	}
	w, err := NewWorker(openDB(tb), poolAs(tb, admin, login.Role), Options{StoreID: "S01", TerminalID: "T01",
		Hint: func(n pos.Notice) error { *handed = append(*handed, n.Ref); return nil }})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// cursorRow is the terminal's cursor and the transaction that last wrote
// it (xmin), "" when it was never written.
func cursorRow(tb testing.TB, admin *pgxpool.Pool, consumer string) (seq int64, xmin string) {
	tb.Helper()
	err := admin.QueryRow(context.Background(), `SELECT seq, xmin::text FROM notify_cursors WHERE consumer = $1`,
		consumer).Scan(&seq, &xmin)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		tb.Fatal(err)
	}
	return seq, xmin
}

// A terminal is handed each of its own notifications exactly once, in
// order, across batches (three hintBatches and more of its own, each
// between ten of 40 other stores'), and its cursor only ever stands on its
// own last one: it is written once per batch of its own, never for the
// other stores' notifications, whose number it would tell. Before
// (migration 0012) the cursor moved to the chain's last seq, and was
// written whenever the chain had had a notification.
func TestHintPullOwnAmongOthers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := migrated(t)
	var handed []string
	w := hintWorker(t, admin, &handed)
	consumer := w.hintConsumer()
	own := 3*hintBatch + 7
	want := seedNotifications(t, admin, 1, own*11+5, 11) // the last five are other stores'
	if len(want) != own {
		t.Fatalf("seeded %d of S01/T01's, want %d", len(want), own)
	}
	if err := w.pullHints(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(handed, want) {
		t.Fatalf("handed %d numbers, want S01/T01's %d in order, each once (first handed %v)", len(handed), len(want),
			handed[:min(3, len(handed))])
	}
	var last int64
	if err := admin.QueryRow(ctx, `SELECT max(seq) FROM notifications WHERE out_trade_no LIKE 'PS01-T01-%'`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	at, xmin := cursorRow(t, admin, consumer)
	if at != last {
		t.Errorf("cursor %d, want S01/T01's last notification %d (not past the others')", at, last)
	}

	// Other stores' notifications only: nothing handed, the cursor not written.
	handed = nil
	seedNotifications(t, admin, own*11+6, 5000, 0)
	if err := w.pullHints(ctx); err != nil {
		t.Fatal(err)
	}
	if at2, xmin2 := cursorRow(t, admin, consumer); len(handed) != 0 || at2 != at || xmin2 != xmin {
		t.Errorf("after 5000 of other stores': handed %v, cursor %d (xmin %s); want nothing, cursor %d unwritten (xmin %s)",
			handed, at2, xmin2, at, xmin)
	}
	// And its own again after them: exactly those.
	more := seedNotifications(t, admin, own*11+5006, 300, 100)
	if err := w.pullHints(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(handed, more) {
		t.Errorf("handed %v, want %v", handed, more)
	}
}

// An enrolled terminal cannot learn how many notifications the chain has
// had: notifications_head (migration 0012) is refused by the server, and
// nothing else in the schema it may call or read runs with more than its
// own rights (a SECURITY DEFINER function, a view: both would read past
// row-level security), nor may it read the notifications' sequence. The
// reader still reads them all.
func TestTerminalCannotLearnNotificationCount(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := migrated(t)
	var handed []string
	w := hintWorker(t, admin, &handed)
	role := w.pool.Config().ConnConfig.User
	seedNotifications(t, admin, 1, 1000, 10)

	var head int64
	err := w.pool.QueryRow(ctx, `SELECT notifications_head()`).Scan(&head)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || (pe.Code != "42501" && pe.Code != "42883") {
		t.Errorf("S01/T01 calls notifications_head(): %d, %v; want it refused by the server (42501 or 42883)", head, err)
	}
	for _, c := range []struct{ what, sql string }{
		{"SECURITY DEFINER functions it may execute", `SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '')
			FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
			WHERE p.prosecdef AND s.nspname NOT IN ('pg_catalog', 'information_schema')
				AND has_function_privilege($1, p.oid, 'EXECUTE')`},
		{"views it may read", `SELECT coalesce(string_agg(c.oid::regclass::text, ', '), '')
			FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
			WHERE c.relkind IN ('v', 'm') AND s.nspname NOT IN ('pg_catalog', 'information_schema')
				AND has_table_privilege($1, c.oid, 'SELECT')`},
		{"the notifications' sequence", `SELECT CASE WHEN has_sequence_privilege($1, pg_get_serial_sequence('notifications', 'seq'),
			'SELECT,USAGE') THEN 'readable' ELSE '' END`},
	} {
		var found string
		if err := admin.QueryRow(ctx, c.sql, role).Scan(&found); err != nil {
			t.Fatal(err)
		}
		if found != "" {
			t.Errorf("%s: %s", c.what, found)
		}
	}
	if n := count(t, w.pool, `SELECT count(*) FROM notifications`); n != 100 {
		t.Errorf("S01/T01 reads %d notifications, want its own store's 100", n)
	}
	lr, err := EnrolReader(ctx, admin, "hq")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, poolAs(t, admin, lr.Role), `SELECT count(*) FROM notifications`); n != 1000 {
		t.Errorf("the reader reads %d notifications, want all 1000", n)
	}
}

// A terminal's pull is a range of the index of its own notifications
// (notifications_minted, migration 0015) — with the custom plans of its
// first executions and the generic plan a prepared statement settles on,
// as its enrolled role, on 20,000 notifications of 41 stores (analysed) —
// never a scan of the chain's notifications after its cursor.
func TestHintPullPlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := migrated(t)
	var handed []string
	w := hintWorker(t, admin, &handed)
	seedNotifications(t, admin, 1, 20000, 50)
	if _, err := admin.Exec(ctx, `ANALYZE notifications`); err != nil {
		t.Fatal(err)
	}
	conn, err := w.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `PREPARE pull (text, text, text) AS `+pullSince); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		if _, err := conn.Exec(ctx, `SET plan_cache_mode = `+mode); err != nil {
			t.Fatal(err)
		}
		var out string
		err := conn.QueryRow(ctx, `EXPLAIN (FORMAT JSON) EXECUTE pull ('`+w.hintConsumer()+`', 'S01', 'T01')`).Scan(&out)
		if err != nil {
			t.Fatal(err)
		}
		var plans []json.RawMessage
		if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
			t.Fatalf("%s: plan %s: %v", mode, out, err)
		}
		ss, err := scans(string(plans[0]))
		if err != nil {
			t.Fatal(err)
		}
		var got []string // how it reads notifications
		for _, s := range ss {
			if strings.HasSuffix(s, " on notifications") || strings.Contains(s, " on notifications [") ||
				strings.HasPrefix(s, "Bitmap Index Scan [notifications") {
				got = append(got, s)
			}
		}
		if !slices.Equal(got, []string{"Index Scan on notifications [notifications_minted]"}) &&
			!slices.Equal(got, []string{"Bitmap Heap Scan on notifications", "Bitmap Index Scan [notifications_minted]"}) {
			t.Errorf("%s: the pull reads notifications by %v, want only a range of notifications_minted", mode, got)
		}
		if !strings.Contains(out, "AND (seq > $") {
			t.Errorf("%s: the cursor does not bound the index range: %s", mode, out)
		}
		t.Logf("%s: %s", mode, strings.Join(ss, "; "))
	}
}

// BenchmarkHintPull is a terminal's notification pull (pullHints as its
// enrolled role) in a chain whose other stores have 100,000 notifications:
// idle, nothing new of its own since its last pull; away, its cursor where
// it stood before the others' 100,000 and one of its own after them (a
// terminal that was switched off for a busy day).
//
//	go test -run XXX -bench HintPull -benchtime 200x ./replica/
func BenchmarkHintPull(b *testing.B) {
	ctx := context.Background()
	admin := migrated(b)
	var handed []string
	w := hintWorker(b, admin, &handed)
	consumer := w.hintConsumer()
	seedNotifications(b, admin, 1, 1000, 100)
	if err := w.pullHints(ctx); err != nil {
		b.Fatal(err)
	}
	before, _ := cursorRow(b, admin, consumer)
	seedNotifications(b, admin, 1001, 100000, 0)
	seedNotifications(b, admin, 101001, 100, 101001) // one of its own after the others'
	if _, err := admin.Exec(ctx, `ANALYZE notifications`); err != nil {
		b.Fatal(err)
	}
	b.Run("away", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if _, err := admin.Exec(ctx, `UPDATE notify_cursors SET seq = $2 WHERE consumer = $1`, consumer, before); err != nil {
				b.Fatal(err)
			}
			handed = handed[:0]
			b.StartTimer()
			if err := w.pullHints(ctx); err != nil {
				b.Fatal(err)
			}
			if len(handed) != 1 {
				b.Fatalf("handed %v, want its one notification", handed)
			}
		}
	})
	b.Run("idle", func(b *testing.B) {
		for range b.N {
			if err := w.pullHints(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Migration 0015 fills the minted columns of the notifications recorded
// before it: a terminal whose cursor stood at 0 is handed all of its own
// old ones, a refund belongs to the terminal that minted the refund number
// (not the sale's), a number no terminal of ours minted belongs to none, and
// a cursor that 0012's pull had moved to the chain's head is kept (nothing
// before it is handed again).
func TestMintedColumnsFillOldRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := newPool(t)
	steps, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(steps, func(m Migration) bool { return m.Name == "notifications_terminal" })
	if i < 0 {
		t.Fatal("no migration notifications_terminal")
	}
	if _, err := migrate(ctx, admin, steps[:i]); err != nil {
		t.Fatal(err)
	}
	old := seedNotifications(t, admin, 1, 1000, 10)
	_, err = admin.Exec(ctx, `INSERT INTO notifications (id, dedupe_key, api, kind, mchid, out_trade_no, out_refund_no, state, received)
	VALUES ('x1', 'x1', 'v3', 'refund', 'm', 'PS01-T02-7', 'RS01-T01-7', 'SUCCESS', now()),
		('x2', 'x2', 'v3', 'refund', 'm', 'PS01-T01-8', 'RS01-T02-8', 'SUCCESS', now()),
		('x3', 'x3', 'v3', 'pay', 'm', 'PS01T01-9', '', 'SUCCESS', now()),
		('x4', 'x4', 'v3', 'pay', 'm', 'S01-T01-10', '', 'SUCCESS', now())`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `INSERT INTO notify_cursors (consumer, seq) SELECT 'terminal:S01/T02', max(seq) FROM notifications`); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, admin, steps); err != nil {
		t.Fatal(err)
	}
	var none int
	if err := admin.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE minted_store IS NULL`).Scan(&none); err != nil || none != 2 {
		t.Errorf("%d notifications minted by no terminal, %v; want the two malformed numbers'", none, err)
	}
	var handed []string
	w := hintWorker(t, admin, &handed)
	if err := w.pullHints(ctx); err != nil {
		t.Fatal(err)
	}
	if want := append(old, "RS01-T01-7"); !slices.Equal(handed, want) {
		t.Errorf("S01/T01 handed %d: %v…; want its %d old ones and the refund it minted", len(handed), handed[:min(3, len(handed))], len(want))
	}
	login, err := EnrolTerminal(ctx, admin, "S01", "T02")
	if err != nil {
		t.Fatal(err)
	}
	var handed2 []string
	w2, err := NewWorker(openDB(t), poolAs(t, admin, login.Role), Options{StoreID: "S01", TerminalID: "T02",
		Hint: func(n pos.Notice) error { handed2 = append(handed2, n.Ref); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	seedNotifications(t, admin, 2000, 1, 0) // another store's, after the head
	if _, err := admin.Exec(ctx, `INSERT INTO notifications (id, dedupe_key, api, kind, mchid, out_trade_no, state, received)
		VALUES ('x5', 'x5', 'v3', 'pay', 'm', 'PS01-T02-11', 'SUCCESS', now())`); err != nil {
		t.Fatal(err)
	}
	if err := w2.pullHints(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(handed2, []string{"PS01-T02-11"}) {
		t.Errorf("S01/T02, its cursor at 0012's head, handed %v; want only its new PS01-T02-11", handed2)
	}
}
