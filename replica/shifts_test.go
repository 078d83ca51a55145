package replica

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// staffPINs signs anyone in whose PIN is "1" as a cashier.
type staffPINs struct{}

func (staffPINs) Login(_ context.Context, name, pin string) (staff.Session, error) {
	if pin != "1" {
		return staff.Session{}, staff.ErrBadPIN
	}
	return staff.Session{Name: name, Role: staff.RoleCashier}, nil
}

// shiftDay is two cashiers' day at one counter: alice opens with 100.00,
// sells (cash, scan, cash), refunds 2.00 of a cash sale and closes 5.00
// short, handing over to bob with 50.00; bob sells (cash, scan) and closes
// balanced; alice opens again and sells once (her shift left open).
type shiftDay struct {
	c                    *counter
	book                 *shiftstore.Book
	alice, bob, alice2   uint64
	aliceShort           int64
	saleFen, refundFen   map[string]int64 // by cashier, from the terminal's records
	saleCount, refundCnt map[string]int64
}

func (d *shiftDay) sell(t *testing.T, who string, fen int64, cash bool) *pos.Order {
	t.Helper()
	ctx := context.Background()
	sale := pos.Sale{AmountFen: fen, Cashier: who}
	var o *pos.Order
	var err error
	if cash {
		o, err = d.c.pos.PayCash(ctx, sale, fen)
	} else {
		d.c.n++
		o, err = d.c.pos.PayScan(ctx, sale, postest.Code(postest.Success, d.c.n))
	}
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("%s sells %d: %v %+v", who, fen, err, o)
	}
	d.saleFen[who] += fen
	d.saleCount[who]++
	return o
}

func newShiftDay(t *testing.T) *shiftDay {
	t.Helper()
	ctx := context.Background()
	d := &shiftDay{c: newCounter(t, "S01", "T01"), saleFen: map[string]int64{}, refundFen: map[string]int64{},
		saleCount: map[string]int64{}, refundCnt: map[string]int64{}}
	d.book = shiftstore.New(d.c.db, staffPINs{}, nil)
	s, err := d.book.Open(ctx, "alice", "1", 10000)
	if err != nil {
		t.Fatal(err)
	}
	d.alice = s.No
	d.sell(t, "alice", 1000, true)
	d.sell(t, "alice", 2500, false)
	o := d.sell(t, "alice", 700, true)
	rf, err := d.c.pos.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: 200, Reason: "test", Cashier: "alice",
		Approval: pos.Approval{User: "manager", Credential: "x"}})
	if err != nil || rf.State != pos.RefundSuccess {
		t.Fatalf("refund: %v %+v", err, rf)
	}
	d.refundFen["alice"] += 200
	d.refundCnt["alice"]++
	x, err := d.book.X(d.alice)
	if err != nil {
		t.Fatal(err)
	}
	if x.ExpectedFen != 10000+1000+700-200 {
		t.Fatalf("alice's expected cash %d", x.ExpectedFen)
	}
	d.aliceShort = -500
	closed, err := d.book.Close(ctx, "alice", "1", x.ExpectedFen+d.aliceShort, &shift.Handover{Next: "bob", PIN: "1", FloatFen: 5000})
	if err != nil {
		t.Fatal(err)
	}
	d.bob = closed.HandedTo
	d.sell(t, "bob", 1200, true)
	d.sell(t, "bob", 800, false)
	if _, err := d.book.Close(ctx, "bob", "1", 5000+1200, nil); err != nil {
		t.Fatal(err)
	}
	s, err = d.book.Open(ctx, "alice", "1", 0)
	if err != nil {
		t.Fatal(err)
	}
	d.alice2 = s.No
	d.sell(t, "alice", 300, true)
	return d
}

// hqQuery is a report over yesterday to tomorrow (Shanghai), so a test
// that runs across midnight still covers its sales and shifts.
func hqQuery() Query {
	now := time.Now().In(tz.Shanghai)
	return Query{From: now.AddDate(0, 0, -1).Format("20060102"), To: now.AddDate(0, 0, 1).Format("20060102"), StoreID: "S01"}
}

func dump(t *testing.T, q Querier, sql string) string {
	t.Helper()
	return strings.Join(strings2(t, q, sql), "\n")
}

// TestShiftsReplicateByCashier is #23's head-office test: two cashiers'
// shifts at one counter replicate through its enrolled login with the
// other events (chain intact); per cashier, head office's sales and
// refunds are the sums of their records at the till and add up to the
// report's totals; each closed shift's sales are the sum of the sales
// replicated in it; alice's 5.00 short reaches head office; replicating
// again changes nothing; and a terminal of another store can neither
// insert nor change these rows, while the reader reads them.
func TestShiftsReplicateByCashier(t *testing.T) {
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
	pa, pb, pr := poolAs(t, admin, la.Role), poolAs(t, admin, lb.Role), poolAs(t, admin, lr.Role)

	d := newShiftDay(t)
	w := newWorker(t, d.c, pa, Options{Batch: 7}) // shift events fall in several batches
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	checkReplica(t, admin, d.c)
	if check, err := Verify(ctx, admin, "S01", "T01"); err != nil || len(check.Problems) > 0 {
		t.Fatalf("hq verify: %+v %v", check, err)
	}
	checkCashierReport(t, pr, d)
	checkShiftSums(t, admin, d)

	t.Run("replicating again changes nothing", func(t *testing.T) {
		const shiftsSQL = `SELECT format('%s', s) FROM shifts s ORDER BY shift_no`
		const rollupSQL = `SELECT format('%s', c) FROM hq_cashier_daily c ORDER BY day, cashier`
		before, beforeRollup := dump(t, admin, shiftsSQL), dump(t, admin, rollupSQL)
		w.stepMu.Lock()
		w.cursor, w.known = 0, true // as if no push had been acknowledged
		w.stepMu.Unlock()
		pushed := w.Status().Pushed
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.Status().Pushed - pushed; got != 0 {
			t.Errorf("replay inserted %d events", got)
		}
		if after := dump(t, admin, shiftsSQL); after != before {
			t.Errorf("shifts after the replay\n%s\nbefore\n%s", after, before)
		}
		if after := dump(t, admin, rollupSQL); after != beforeRollup {
			t.Errorf("per-cashier roll-up after the replay\n%s\nbefore\n%s", after, beforeRollup)
		}
		checkCashierReport(t, pr, d)
		if check, err := Verify(ctx, admin, "S01", "T01"); err != nil || len(check.Problems) > 0 {
			t.Fatalf("hq verify after the replay: %+v %v", check, err)
		}
	})

	t.Run("hq repair removes them and the terminal pushes them again", func(t *testing.T) {
		const shiftsSQL = `SELECT format('%s', s) FROM (SELECT store_id, terminal_id, shift_no, cashier, state, day, opened_at, closed_at,
			closed_by, handed_from, handed_to, float_fen, sale_count, sale_fen, refund_count, refund_fen, cash_in_fen, cash_out_fen,
			expected_fen, counted, counted_fen, variance_fen, record FROM shifts ORDER BY shift_no) s`
		before := dump(t, admin, shiftsSQL)
		r, err := Repair(ctx, admin, "S01", "T01")
		if err != nil || r.Shifts != 3 || count(t, admin, `SELECT count(*) FROM shifts`) != 0 {
			t.Fatalf("repair: %+v %v", r, err)
		}
		if err := newWorker(t, d.c, pa, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if after := dump(t, admin, shiftsSQL); after != before {
			t.Errorf("shifts pushed again\n%s\nbefore\n%s", after, before)
		}
		checkCashierReport(t, pr, d)
	})

	t.Run("another store's terminal cannot write them", func(t *testing.T) {
		for _, term := range []string{"T01", "T09"} {
			_, err := pb.Exec(ctx, `INSERT INTO shifts (store_id, terminal_id, shift_no, cashier, state, day, opened_at, float_fen, record, src_seq)
				VALUES ('S01', $1, 99, 'mallory', 'CLOSED', current_date, now(), 0, '{}', 1)`, term)
			refused(t, "S02's terminal inserts a shift of S01/"+term, err)
		}
		tag, err := pb.Exec(ctx, `UPDATE shifts SET variance_fen = 0, counted_fen = expected_fen WHERE store_id = 'S01'`)
		if err != nil || tag.RowsAffected() != 0 {
			t.Errorf("S02's terminal updating S01's shifts: %v, %d rows", err, tag.RowsAffected())
		}
		if n := count(t, pb, `SELECT count(*) FROM shifts`); n != 0 {
			t.Errorf("S02's terminal sees %d of S01's shifts", n)
		}
		refused(t, "a terminal reads the per-cashier roll-up", pb.QueryRow(ctx, `SELECT count(*) FROM hq_cashier_daily`).Scan(new(int)))
		_, err = pr.Exec(ctx, `UPDATE shifts SET variance_fen = 0`)
		refused(t, "the reader updates a shift", err)
		if v := count(t, admin, `SELECT variance_fen FROM shifts WHERE shift_no = $1`, int64(d.alice)); v != int(d.aliceShort) {
			t.Errorf("alice's variance is %d after the attempts, want %d", v, d.aliceShort)
		}
		// S01's own terminal may write only its own terminal's rows.
		_, err = pa.Exec(ctx, `INSERT INTO shifts (store_id, terminal_id, shift_no, cashier, state, day, opened_at, float_fen, record, src_seq)
			VALUES ('S01', 'T02', 1, 'x', 'OPEN', current_date, now(), 0, '{}', 1)`)
		refused(t, "S01/T01 inserts a shift of S01/T02", err)
	})
}

// checkCashierReport checks head office's report by cashier, read by its
// reader, against the sales and refunds made at the till, and against the
// report's totals.
func checkCashierReport(t *testing.T, pr *pgxpool.Pool, d *shiftDay) {
	t.Helper()
	ctx := context.Background()
	r, err := ReportByCashier(ctx, pr, hqQuery())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cashiers) != 2 {
		t.Fatalf("cashiers %+v, want alice and bob", r.Cashiers)
	}
	for _, l := range r.Cashiers {
		if l.SaleFen != d.saleFen[l.Cashier] || l.SaleCount != d.saleCount[l.Cashier] ||
			l.RefundFen != d.refundFen[l.Cashier] || l.RefundCount != d.refundCnt[l.Cashier] {
			t.Errorf("%s at head office: %d sales %d fen, %d refunds %d fen; at the till %d sales %d fen, %d refunds %d fen", l.Cashier,
				l.SaleCount, l.SaleFen, l.RefundCount, l.RefundFen, d.saleCount[l.Cashier], d.saleFen[l.Cashier],
				d.refundCnt[l.Cashier], d.refundFen[l.Cashier])
		}
	}
	alice, bob := r.Cashiers[0], r.Cashiers[1]
	if alice.Cashier != "alice" || len(alice.Shifts) != 2 || bob.Cashier != "bob" || len(bob.Shifts) != 1 {
		t.Fatalf("cashiers %+v", r.Cashiers)
	}
	a1, a2, b1 := alice.Shifts[0], alice.Shifts[1], bob.Shifts[0]
	if !a1.Counted || a1.VarianceFen != d.aliceShort || a1.ExpectedFen != 11500 || a1.CountedFen != 11000 || a1.HandedTo != int64(d.bob) ||
		a1.State != string(shift.StateClosed) || a1.FloatFen != 10000 {
		t.Errorf("alice's first shift at head office: %+v", a1)
	}
	if alice.VarianceFen != d.aliceShort || alice.ExpectedFen != 11500 || alice.CountedFen != 11000 {
		t.Errorf("alice's cash: counted %d expected %d variance %d", alice.CountedFen, alice.ExpectedFen, alice.VarianceFen)
	}
	if a2.State != string(shift.StateOpen) || a2.Counted || a2.No != int64(d.alice2) {
		t.Errorf("alice's open shift at head office: %+v", a2)
	}
	if !b1.Counted || b1.VarianceFen != 0 || b1.ExpectedFen != 6200 || b1.HandedFrom != int64(d.alice) || b1.SaleCount != 2 || b1.SaleFen != 2000 {
		t.Errorf("bob's shift at head office: %+v", b1)
	}
	full, err := Report(ctx, pr, hqQuery())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Totals(), full.Totals(); got.SaleFen != want.SaleFen || got.SaleCount != want.SaleCount ||
		got.RefundFen != want.RefundFen || got.RefundCount != want.RefundCount {
		t.Errorf("by cashier total %+v, report total %+v", got, want)
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SHORT 5.00", "expected 115.00", "balanced", "open (float 0.00)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

// checkShiftSums checks that each closed shift's sales at head office are
// the sum of the sales replicated in it, and the terminal's.
func checkShiftSums(t *testing.T, admin *pgxpool.Pool, d *shiftDay) {
	t.Helper()
	local := map[uint64]int64{}
	err := d.c.db.View(func(tx *storage.Tx) error {
		for _, no := range []uint64{d.alice, d.bob, d.alice2} {
			s, err := shiftstore.Get(tx, no)
			if err != nil {
				return err
			}
			if s.Report != nil {
				local[no] = s.Report.SalesFen()
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []uint64{d.alice, d.bob} {
		hq := count(t, admin, `SELECT sale_fen FROM shifts WHERE store_id = 'S01' AND terminal_id = 'T01' AND shift_no = $1`, int64(no))
		sum := count(t, admin, `SELECT coalesce(sum(amount_fen), 0) FROM orders
			WHERE store_id = 'S01' AND terminal_id = 'T01' AND state = 'PAID' AND (record->>'shift')::bigint = $1`, int64(no))
		if hq != sum || int64(hq) != local[no] || hq == 0 {
			t.Errorf("shift %d: head office %d fen, its replicated sales sum to %d, the terminal's report %d", no, hq, sum, local[no])
		}
	}
}
