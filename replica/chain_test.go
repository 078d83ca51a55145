package replica

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// TestJSONBText: the event data as jsonbText prints it is PostgreSQL's own
// text of the jsonb value, for what wxpos writes and for the corners of
// JSON (key order and duplicates, escapes, numbers with exponents).
func TestJSONBText(t *testing.T) {
	pool := newPool(t)
	for _, in := range []string{
		`{"amount_fen":1234,"out_trade_no":"PS01-T01-0001","lines":[{"sku":"A1","qty":2}],"ok":true,"x":null}`,
		`{"b":1,"a":2,"aa":3,"a":4,"":5}`,
		`[1, 2.50, -0, -0.0, 1e2, 1.5e-3, 1E+2, 1.50e1, 10e-1, 0.000, 123456789012345678901234567890, -7.25e3]`,
		`"a\"b\\c\/d\b\f\n\r\t\u0001\u001f \u007f é 退货 \u00e9 \u2028 \ud83e\udde7 <&>"`,
		`{"note":"\ufffd","z":{"y":{"x":[]}},"w":{}}`,
		` { "spaced" : [ true , false ] } `,
		`42`, `null`, `"x"`,
	} {
		var want string
		if err := pool.QueryRow(context.Background(), `SELECT $1::jsonb::text`, in).Scan(&want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := jsonbText(in)
		if err != nil || got != want {
			t.Errorf("jsonbText(%s) = %s, %v; PostgreSQL: %s", in, got, err, want)
		}
	}
}

// verifyClean asserts that hq verify finds nothing wrong and that every
// event it read carries a chain hash.
func verifyClean(t *testing.T, pool *pgxpool.Pool, store string) *ChainCheck {
	t.Helper()
	check, err := Verify(context.Background(), pool, store, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Problems) > 0 || check.Unchained > 0 || check.Events == 0 {
		t.Fatalf("verify: %+v, want every event chained and no problem", check)
	}
	return check
}

// TestChainMatchesServer: the chain hash each terminal computes is the one
// head office recomputes from the stored rows — for the payment mix and
// for odd content (NULs, escapes, non-object data) — and the terminal's
// own check at start (remote head against its log) passes.
func TestChainMatchesServer(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := newCounter(t, "S01", "T01")
	sellN(t, c, 40)
	for _, e := range []storage.Event{
		{Kind: "user.note", Ref: "a\x00b", Actor: "王\x00", Reason: "x\x00y"},
		{Kind: "user.note", Data: []byte(`{"note":"a\u0000b","b":1.50,"a":[1e2]}`)},
		{Kind: "user.note", Data: []byte(`"退货"`)},
		{Kind: "user.note", Time: time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC)},
	} {
		if err := c.db.Update(func(tx *storage.Tx) error { _, err := tx.AppendEvent(e); return err }); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorker(t, c, pool, Options{Batch: 7}) // many pushes: the chain goes on from push to push
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n := checkReplica(t, pool, c)
	if check := verifyClean(t, pool, ""); check.Events != int64(n) || check.Terminals != 1 {
		t.Errorf("verify read %d events of %d terminals, want %d of 1", check.Events, check.Terminals, n)
	}
	if st := Probe(ctx, c.db, pool, c.store, c.term); st.Err != nil {
		t.Errorf("probe: %v", st.Err)
	}
	if err := newWorker(t, c, pool, Options{}).Sync(ctx); err != nil { // a restart checks the head's chain
		t.Errorf("restarted worker: %v", err)
	}
}

// tamperRig is a store of two terminals replicated by their workers, and
// the admin's pool, which alone can alter events.
type tamperRig struct {
	admin  *pgxpool.Pool
	t1, t2 *counter
}

func newTamperRig(t *testing.T) *tamperRig {
	t.Helper()
	r := &tamperRig{admin: migrated(t), t1: newCounter(t, "S01", "T01"), t2: newCounter(t, "S01", "T02")}
	for _, c := range []*counter{r.t1, r.t2} {
		sellN(t, c, 20)
		if err := newWorker(t, c, r.admin, Options{}).Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	verifyClean(t, r.admin, "S01")
	return r
}

func (r *tamperRig) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := r.admin.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (r *tamperRig) head(t *testing.T, c *counter) int64 {
	t.Helper()
	return int64(count(t, r.admin, `SELECT max(seq) FROM events WHERE store_id = $1 AND terminal_id = $2`, c.store, c.term))
}

// rechain recomputes the chain hash of every event of c's from the rows
// as they are, as one who rewrites the chain after altering a row would.
func (r *tamperRig) rechain(t *testing.T, c *counter) {
	t.Helper()
	rows, err := r.admin.Query(context.Background(), `SELECT e.seq, `+contentSQL+` FROM events e
		WHERE store_id = $1 AND terminal_id = $2 ORDER BY seq`, c.store, c.term)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	var contents [][]byte
	for rows.Next() {
		var s int64
		var content []byte
		if err := rows.Scan(&s, &content); err != nil {
			t.Fatal(err)
		}
		seqs, contents = append(seqs, s), append(contents, content)
	}
	rows.Close()
	var chain []byte
	for i, s := range seqs {
		chain = chainNext(chain, contents[i])
		r.exec(t, `UPDATE events SET chain = $1 WHERE store_id = $2 AND terminal_id = $3 AND seq = $4`, chain, c.store, c.term, s)
	}
}

// wantProblems asserts what hq verify (of the store) and hq status's quick
// check find.
func (r *tamperRig) wantProblems(t *testing.T, verify, heads []ChainProblem) {
	t.Helper()
	check, err := Verify(context.Background(), r.admin, "S01", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(check.Problems, verify) {
		t.Errorf("hq verify found %v, want %v", check.Problems, verify)
	}
	got, err := CheckHeads(context.Background(), r.admin, "S01")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, heads) {
		t.Errorf("hq status found %v, want %v", got, heads)
	}
}

// wantDoctorConflict asserts that the terminal's own check (wxpos doctor)
// fails naming the event and the repair.
func wantDoctorConflict(t *testing.T, r *tamperRig, c *counter, seq int64) {
	t.Helper()
	st := Probe(context.Background(), c.db, r.admin, c.store, c.term)
	var ce *ConflictError
	if !errors.As(st.Err, &ce) || int64(ce.Seq) != seq || !strings.Contains(ce.Error(), "wxpos hq repair S01 "+c.term) {
		t.Errorf("doctor's probe of %s: %v, want a conflict at event %d naming the repair", c, st.Err, seq)
	}
}

// TestTamperFound is issue #26's tamper evidence: a row altered, deleted
// or inserted in a terminal's sequence at head office is found by hq
// verify, hq status (the newest rows) and the terminal's doctor, each
// naming store, terminal and sequence; a rewrite that recomputes every
// chain after the row is caught by the terminal against its own log.
func TestTamperFound(t *testing.T) {
	t.Run("altered", func(t *testing.T) {
		r := newTamperRig(t)
		r.exec(t, `UPDATE events SET data = jsonb_set(data, '{amount_fen}', '1') WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = 5`)
		r.wantProblems(t, []ChainProblem{{"S01", "T01", 5, 5, "altered"}}, []ChainProblem{})
		wantDoctorConflict(t, r, r.t1, 5)
		h := r.head(t, r.t2)
		r.exec(t, `UPDATE events SET reason = 'x' WHERE store_id = 'S01' AND terminal_id = 'T02' AND seq = $1`, h)
		r.wantProblems(t, []ChainProblem{{"S01", "T01", 5, 5, "altered"}, {"S01", "T02", h, h, "altered"}},
			[]ChainProblem{{"S01", "T02", h, h, "altered"}})
	})
	t.Run("deleted", func(t *testing.T) {
		r := newTamperRig(t)
		r.exec(t, `DELETE FROM events WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq IN (7, 8)`)
		h := r.head(t, r.t2)
		r.exec(t, `DELETE FROM events WHERE store_id = 'S01' AND terminal_id = 'T02' AND seq = $1`, h)
		r.wantProblems(t, []ChainProblem{{"S01", "T01", 7, 8, "missing"}, {"S01", "T02", h, h, "missing"}},
			[]ChainProblem{{"S01", "T02", h, h, "missing"}})
		wantDoctorConflict(t, r, r.t1, 7)
	})
	t.Run("inserted", func(t *testing.T) {
		r := newTamperRig(t)
		h := r.head(t, r.t1)
		r.exec(t, `INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T01', $1, now(), 'user.note', '\x00')`, h+1)
		r.wantProblems(t, []ChainProblem{{"S01", "T01", h + 1, h + 1, "foreign"}}, []ChainProblem{{"S01", "T01", h + 1, h + 1, "foreign"}})
		wantDoctorConflict(t, r, r.t1, h+1)
	})
	t.Run("chain rewritten", func(t *testing.T) {
		r := newTamperRig(t)
		// Whoever alters event 3 and recomputes every chain after it
		// leaves nothing for head office to find …
		r.exec(t, `UPDATE events SET reason = 'rewritten' WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = 3`)
		r.rechain(t, r.t1)
		r.wantProblems(t, []ChainProblem{}, []ChainProblem{})
		// … but the terminal, whose log gives another chain.
		wantDoctorConflict(t, r, r.t1, r.head(t, r.t1))
		err := newWorker(t, r.t1, r.admin, Options{}).Sync(context.Background())
		if !errors.As(err, new(*ConflictError)) {
			t.Errorf("worker after the rewrite: %v, want a ConflictError", err)
		}
	})
}

// TestConflictRepair: a foreign row in a terminal's sequence stops its
// pushes with a message that says what and how; after hq repair removes
// the terminal's rows, the same worker pushes its whole log again by
// itself (Run, no restart), and the chain, the projections and the
// report's figures are whole again.
func TestConflictRepair(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := newTamperRig(t)
	h := r.head(t, r.t1)
	// A foreign row where the terminal's next event goes, and a sale of
	// the terminal's made 1 fen.
	r.exec(t, `INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T01', $1, now(), 'user.note', '\x00')`, h+1)
	r.exec(t, `UPDATE orders SET amount_fen = 1 WHERE out_trade_no = $1`, onePaidOrder(t, r.admin, "S01"))
	sellN(t, r.t1, 5)
	w := newWorker(t, r.t1, r.admin, Options{Poll: 20 * time.Millisecond, RetryMin: 20 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	err := w.Sync(ctx)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Seq != uint64(h+1) {
		t.Fatalf("Sync = %v, want a ConflictError at event %d", err, h+1)
	}
	for _, want := range []string{"event " + strconv.FormatInt(h+1, 10) + " of S01/T01", "not this terminal's", "wxpos hq verify --store S01", "wxpos hq repair S01 T01 --from N", "pushes its log again from there"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("conflict %q does not say %q", err, want)
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	defer func() { stop(); <-done }()
	waitFor(t, func() bool { return errors.Is(w.Status().Err, ErrConflict) })
	got, err := Repair(ctx, r.admin, "S01", "T01")
	if err != nil {
		t.Fatal(err)
	}
	if got.Events != h+1 || got.Orders == 0 {
		t.Errorf("repair removed %+v, want %d events and T01's orders", got, h+1)
	}
	waitFor(t, func() bool { st := w.Status(); return st.Err == nil && st.Pending == 0 && st.PushedSeq == st.LocalSeq })
	checkReplica(t, r.admin, r.t1)
	verifyClean(t, r.admin, "S01")
	// The figures are those of a replica the two terminals fill afresh.
	fresh := migrated(t)
	for _, c := range []*counter{r.t1, r.t2} {
		if err := newWorker(t, c, fresh, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().In(tz.Shanghai)
	q := Query{From: now.AddDate(0, 0, -1).Format("20060102"), To: now.AddDate(0, 0, 1).Format("20060102")}
	got2, err := Report(ctx, r.admin, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Report(ctx, fresh, q)
	if err != nil {
		t.Fatal(err)
	}
	if got2.Totals() != want.Totals() || len(got2.Open) != len(want.Open) || len(got2.Announced) != 0 {
		t.Errorf("report after the repair: %+v, %d open, %d announced; a fresh replica's: %+v, %d open",
			got2.Totals(), len(got2.Open), len(got2.Announced), want.Totals(), len(want.Open))
	}
}
