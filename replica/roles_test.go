package replica

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/tz"
)

// terminalAndReader enrols terminal S01/T01 and head office's reader "hq"
// on admin's database and returns a pool logged in as each.
func terminalAndReader(ctx context.Context, tb testing.TB, admin *pgxpool.Pool) (term, reader *pgxpool.Pool) {
	tb.Helper()
	lt, err := EnrolTerminal(ctx, admin, "S01", "T01")
	if err != nil {
		tb.Fatal(err)
	}
	lr, err := EnrolReader(ctx, admin, "hq")
	if err != nil {
		tb.Fatal(err)
	}
	return poolAs(tb, admin, lt.Role), poolAs(tb, admin, lr.Role)
}

// poolAs is a pool on admin's database logged in as role (the test
// cluster trusts local logins, so no password is needed).
func poolAs(tb testing.TB, admin *pgxpool.Pool, role string) *pgxpool.Pool {
	tb.Helper()
	pc := admin.Config()
	pc.ConnConfig.User = role
	p, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// refused asserts that the server refused a statement for lack of
// privilege or by a row-level security policy (SQLSTATE 42501).
func refused(tb testing.TB, what string, err error) {
	tb.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		tb.Errorf("%s: err = %v, want the server's insufficient_privilege (42501)", what, err)
	}
}

func count(tb testing.TB, q Querier, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := q.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestEnrolledTerminalsIsolation is issue #26's test: two enrolled
// terminals of different stores each replicate their own events and can
// neither read, update, delete nor insert the other's rows — every
// statement refused or filtered by the server — and HQ's reader writes
// nothing.
func TestEnrolledTerminalsIsolation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := migrated(t)
	la, err := EnrolTerminal(ctx, admin, "S01", "T01")
	if err != nil {
		t.Fatal(err)
	}
	lb, err := EnrolTerminal(ctx, admin, "S02", "T01")
	if err != nil {
		t.Fatal(err)
	}
	lr, err := EnrolReader(ctx, admin, "hq")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := EnrolReceiver(ctx, admin, "recv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EnrolTerminal(ctx, admin, "S01", "T01"); !errors.Is(err, ErrRoleExists) {
		t.Errorf("enrolling S01/T01 twice: %v, want ErrRoleExists", err)
	}
	if len(la.Password) < 32 || la.Password == lb.Password {
		t.Errorf("passwords %q, %q: want long and distinct", la.Password, lb.Password)
	}
	pa, pb, pr, pn := poolAs(t, admin, la.Role), poolAs(t, admin, lb.Role), poolAs(t, admin, lr.Role), poolAs(t, admin, ln.Role)

	ca, cb := newCounter(t, "S01", "T01"), newCounter(t, "S02", "T01")
	for _, c := range []*counter{ca, cb} {
		for range 8 {
			if err := c.sell(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Each replicates its own events through its own login.
	for _, x := range []struct {
		c    *counter
		pool *pgxpool.Pool
	}{{ca, pa}, {cb, pb}} {
		if err := RequireSchema(ctx, x.pool); err != nil {
			t.Fatalf("%s: RequireSchema: %v", x.c, err)
		}
		if err := newWorker(t, x.c, x.pool, Options{}).Sync(ctx); err != nil {
			t.Fatalf("%s: replicate as its enrolled role: %v", x.c, err)
		}
		checkReplica(t, admin, x.c)
	}
	// A WeChat notification about each store, recorded by the receiver.
	sink := NewNotifySink(pn)
	for i, c := range []*counter{ca, cb} {
		no := onePaidOrder(t, admin, c.store)
		r := &notify.Record{ID: "n" + c.store, API: "v3", Kind: notify.KindPay, MchID: "m", OutTradeNo: no,
			State: "SUCCESS", TotalFen: int64(100 + i), Received: time.Now()}
		if _, err := sink.Accept(ctx, r); err != nil {
			t.Fatalf("receiver records a notification: %v", err)
		}
	}

	bStore := "S02"
	tables := []struct{ name, where string }{
		{"events", "store_id = $1"}, {"orders", "store_id = $1"}, {"refunds", "store_id = $1"},
		{"terminals", "store_id = $1"}, {"notifications", "out_trade_no LIKE 'P' || $1 || '-%'"},
		{"notify_cursors", "consumer LIKE 'terminal:' || $1 || '/%'"},
	}
	if _, err := pb.Exec(ctx, `INSERT INTO notify_cursors (consumer, seq) VALUES ('terminal:S02/T01', 1)`); err != nil {
		t.Fatalf("B sets its own notification cursor: %v", err)
	}
	for _, tb := range tables {
		sql := `SELECT count(*) FROM ` + tb.name + ` WHERE ` + tb.where
		if n := count(t, admin, sql, bStore); n == 0 {
			t.Fatalf("admin sees no %s of S02: the test proves nothing", tb.name)
		}
		if n := count(t, pa, sql, bStore); n != 0 {
			t.Errorf("S01's terminal reads %d %s rows of S02", n, tb.name)
		}
		if n := count(t, pr, sql, bStore); n != count(t, admin, sql, bStore) {
			t.Errorf("the reader sees %d %s rows of S02, admin %d", n, tb.name, count(t, admin, sql, bStore))
		}
	}
	if n := count(t, pa, `SELECT count(*) FROM orders WHERE store_id = 'S01'`); n == 0 {
		t.Error("S01's terminal cannot read its own store's orders (cross-counter refunds need them)")
	}
	if _, err := FindOrder(ctx, pa, onePaidOrder(t, admin, "S02")); !errors.Is(err, ErrNotFound) {
		t.Errorf("S01's terminal finds S02's sale: %v", err)
	}
	if _, err := FindOrder(ctx, pa, onePaidOrder(t, admin, "S01")); err != nil {
		t.Errorf("S01's terminal cannot find its own sale: %v", err)
	}

	// Writes to the other store: filtered to nothing, or refused.
	before := count(t, admin, `SELECT sum(amount_fen) FROM orders WHERE store_id = 'S02'`)
	tag, err := pa.Exec(ctx, `UPDATE orders SET amount_fen = 1 WHERE store_id = 'S02'`)
	if err != nil || tag.RowsAffected() != 0 {
		t.Errorf("S01 updating S02's orders: %v rows, err %v", tag.RowsAffected(), err)
	}
	if after := count(t, admin, `SELECT sum(amount_fen) FROM orders WHERE store_id = 'S02'`); after != before {
		t.Errorf("S02's sales %d → %d after S01's update", before, after)
	}
	for _, sql := range []string{
		`DELETE FROM refunds WHERE store_id = 'S02'`,
		`DELETE FROM orders`,
		`DELETE FROM events WHERE store_id = 'S02'`,
		`UPDATE events SET kind = 'x' WHERE store_id = 'S02'`,
		`UPDATE events SET kind = 'x' WHERE store_id = 'S01'`, // insert-only: its own too
		`DELETE FROM events WHERE store_id = 'S01'`,
		`UPDATE orders SET store_id = 'S02' WHERE store_id = 'S01'`,
		`INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S02', 'T01', 999, now(), 'bogus', '\x00')`,
		`INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T02', 999, now(), 'bogus', '\x00')`,
		`INSERT INTO orders (out_trade_no, store_id, terminal_id, tender, state, amount_fen, created_at, updated_at, record, src_seq)
			VALUES ('PS02-T01-X-1', 'S02', 'T01', 'cash', 'PAID', 1, now(), now(), '{}', 1)`,
		// Its own store and terminal, but a number another terminal mints.
		`INSERT INTO orders (out_trade_no, store_id, terminal_id, tender, state, amount_fen, created_at, updated_at, record, src_seq)
			VALUES ('PS02-T01-X-1', 'S01', 'T01', 'cash', 'PAID', 1, now(), now(), '{}', 1)`,
		`INSERT INTO terminals (store_id, terminal_id) VALUES ('S02', 'T09')`,
		`INSERT INTO notify_cursors (consumer, seq) VALUES ('terminal:S02/T01', 99)`,
		`INSERT INTO notifications (id, dedupe_key, api, kind, mchid, state, received) VALUES ('x', 'x', 'v3', 'pay', 'm', 'SUCCESS', now())`,
		`INSERT INTO catalog_items (id, item, version) VALUES ('x', '{}', 1)`,
		`INSERT INTO replica_roles (role_name, kind, store_id, terminal_id) VALUES (current_user, 'terminal', 'S02', 'T02')`,
		`CREATE TABLE mine (x int)`,
		`DROP TABLE events`,
		`ALTER TABLE orders DISABLE ROW LEVEL SECURITY`,
	} {
		_, err := pa.Exec(ctx, sql)
		refused(t, "S01's terminal: "+sql, err)
	}
	// The reader writes nothing.
	for _, sql := range []string{
		`UPDATE orders SET amount_fen = 1`,
		`DELETE FROM events`,
		`INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T01', 999, now(), 'bogus', '\x00')`,
		`INSERT INTO notify_cursors (consumer, seq) VALUES ('hq', 1)`,
		`DELETE FROM catalog_items`,
	} {
		_, err := pr.Exec(ctx, sql)
		refused(t, "the reader: "+sql, err)
	}
	// ... and reports with what it reads.
	day := time.Now().In(tz.Shanghai).Format("20060102")
	rep, err := Report(ctx, pr, Query{From: day, To: day})
	if err != nil {
		t.Fatalf("report as the reader: %v", err)
	}
	if got, want := rep.Totals(), mustReport(t, admin, day).Totals(); got != want || got.SaleCount == 0 {
		t.Errorf("reader's totals %+v, admin's %+v", got, want)
	}

	// Revoked: no more logins, and its rows stay.
	if err := Revoke(ctx, admin, la.Role); err != nil {
		t.Fatal(err)
	}
	gone := poolAs(t, admin, la.Role)
	if err := gone.Ping(ctx); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("revoked login connects: %v", err)
	}
	checkReplica(t, admin, ca)
	if err := Revoke(ctx, admin, la.Role); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking twice: %v, want ErrNotFound", err)
	}
}

func onePaidOrder(tb testing.TB, q Querier, store string) string {
	tb.Helper()
	var no string
	if err := q.QueryRow(context.Background(), `SELECT out_trade_no FROM orders WHERE store_id = $1 AND state = 'PAID' ORDER BY out_trade_no LIMIT 1`, store).Scan(&no); err != nil {
		tb.Fatalf("a paid order of %s: %v", store, err)
	}
	return no
}

func mustReport(tb testing.TB, q Querier, day string) *HQReport {
	tb.Helper()
	r, err := Report(context.Background(), q, Query{From: day, To: day})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestSCRAMVerifier checks the verifier enrolment sends against the one
// PostgreSQL computes itself for the same password and salt.
func TestSCRAMVerifier(t *testing.T) {
	ctx := context.Background()
	admin := newPool(t)
	role := "wxpos_scram_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	conn, err := admin.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET password_encryption = 'scram-sha-256'`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE ROLE `+role+` PASSWORD 'correct horse battery'`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `DROP ROLE `+role)
	var stored string
	if err := conn.QueryRow(ctx, `SELECT rolpassword FROM pg_authid WHERE rolname = $1`, role).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	// SCRAM-SHA-256$<iter>:<salt>$<stored key>:<server key>
	head, _, _ := strings.Cut(strings.TrimPrefix(stored, "SCRAM-SHA-256$"), "$")
	iterS, saltB64, _ := strings.Cut(head, ":")
	iter, err := strconv.Atoi(iterS)
	if err != nil {
		t.Fatalf("verifier %q: %v", stored, err)
	}
	salt, err := base64.StdEncoding.DecodeString(saltB64)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scramVerifierSalt("correct horse battery", salt, iter)
	if err != nil {
		t.Fatal(err)
	}
	if got != stored {
		t.Errorf("verifier\n got %s\nwant %s (PostgreSQL's)", got, stored)
	}
}
