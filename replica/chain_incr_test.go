package replica

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/tz"
)

// verifyFrom runs VerifyFrom on the rig's store and asserts the problems
// found and the events read.
func (r *tamperRig) verifyFrom(t *testing.T, cps Checkpoints, events int64, want ...ChainProblem) *ChainCheck {
	t.Helper()
	check, err := VerifyFrom(context.Background(), r.admin, "S01", "", cps)
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		want = []ChainProblem{}
	}
	if !slices.Equal(check.Problems, want) || (events >= 0 && check.Events != events) {
		t.Errorf("verify from %d checkpoints: %v, %d events read; want %v, %d events", len(cps), check.Problems, check.Events, want, events)
	}
	return check
}

// TestVerifyIncremental: hq verify with checkpoints reads only the events
// after each terminal's checkpoint, finds what is altered or foreign
// there, and finds a rewrite of the chain before the checkpoint at the
// checkpoint's row; an older row edited with its chain hashes left alone
// is what only a full run finds. A terminal with a problem loses its
// checkpoint, so the next run reads it whole.
func TestVerifyIncremental(t *testing.T) {
	ctx := context.Background()
	r := newTamperRig(t)
	h1, h2 := r.head(t, r.t1), r.head(t, r.t2)
	full := r.verifyFrom(t, nil, h1+h2)
	cps := full.Checkpoints
	if len(cps) != 2 || cps["S01/T01"].Seq != h1 || cps["S01/T02"].Seq != h2 || !cps["S01/T01"].Stored {
		t.Fatalf("checkpoints after a full run: %+v, want T01 at %d and T02 at %d", cps, h1, h2)
	}
	again := r.verifyFrom(t, cps, 0)
	if again.Skipped != h1+h2 || !maps2Equal(again.Checkpoints, cps) {
		t.Errorf("a second run skipped %d events, checkpoints %+v; want %d skipped, the same checkpoints", again.Skipped, again.Checkpoints, h1+h2)
	}
	sellN(t, r.t1, 4)
	if err := newWorker(t, r.t1, r.admin, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n1 := r.head(t, r.t1)
	cps = r.verifyFrom(t, cps, n1-h1).Checkpoints
	if cps["S01/T01"].Seq != n1 {
		t.Errorf("T01's checkpoint at %d after its new events, want %d", cps["S01/T01"].Seq, n1)
	}
	// The checkpoint's row altered, and a foreign row after T02's: found,
	// and their terminals read whole next time.
	r.exec(t, `UPDATE events SET reason = reason || 'x' WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = $1`, n1)
	bad := r.verifyFrom(t, cps, 0, ChainProblem{"S01", "T01", 1, n1, "altered"})
	if _, ok := bad.Checkpoints["S01/T01"]; ok || !maps2Equal(Checkpoints{"S01/T02": bad.Checkpoints["S01/T02"]}, Checkpoints{"S01/T02": cps["S01/T02"]}) {
		t.Errorf("checkpoints after T01's problem: %+v, want T02's alone", bad.Checkpoints)
	}
	r.exec(t, `UPDATE events SET reason = left(reason, -1) WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = $1`, n1)
	r.exec(t, `INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T02', $1, now(), 'user.note', '\x00')`, h2+1)
	r.verifyFrom(t, cps, 1, ChainProblem{"S01", "T02", h2 + 1, h2 + 1, "foreign"})
	r.exec(t, `DELETE FROM events WHERE store_id = 'S01' AND terminal_id = 'T02' AND seq = $1`, h2+1)
	// An old row edited, its chain hashes left alone: only a full run sees it …
	r.exec(t, `UPDATE events SET reason = 'edited' WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = 3`)
	r.verifyFrom(t, cps, 0)
	r.verifyFrom(t, nil, -1, ChainProblem{"S01", "T01", 3, 3, "altered"})
	// … and with the chain recomputed after it, the checkpoint's row is
	// no longer what was verified.
	r.rechain(t, r.t1)
	r.verifyFrom(t, cps, 0, ChainProblem{"S01", "T01", 1, n1, "altered"})
	// The checkpoint's row deleted (T01, rechained, is intact when read whole).
	r.exec(t, `DELETE FROM events WHERE store_id = 'S01' AND terminal_id = 'T02' AND seq = $1`, h2)
	r.verifyFrom(t, Checkpoints{"S01/T02": cps["S01/T02"]}, n1, ChainProblem{"S01", "T02", h2, h2, "missing"})
}

func maps2Equal(a, b Checkpoints) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Seq != w.Seq || string(v.Chain) != string(w.Chain) || string(v.Content) != string(w.Content) || v.Stored != w.Stored {
			return false
		}
	}
	return true
}

// TestVerifyUnchained: events pushed by a wxpos before the chain (no hash
// stored) are covered by the first chained event after them, which the
// terminal computed over its own log from event 1 — an edit of one of
// them is named as the run up to that event — and a terminal with no
// chained event yet is listed as uncovered, not as a problem.
func TestVerifyUnchained(t *testing.T) {
	r := newTamperRig(t)
	h2 := r.head(t, r.t2)
	r.exec(t, `UPDATE events SET chain = NULL WHERE store_id = 'S01' AND (terminal_id = 'T01' AND seq <= 10 OR terminal_id = 'T02')`)
	check := r.verifyFrom(t, nil, -1)
	if check.Unchained != 10+h2 || !slices.Equal(check.Uncovered, []ChainProblem{{"S01", "T02", 1, h2, "unchained"}}) {
		t.Errorf("unchained %d, uncovered %v; want %d, T02's events 1–%d", check.Unchained, check.Uncovered, 10+h2, h2)
	}
	r.exec(t, `UPDATE events SET reason = 'edited' WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = 4`)
	r.verifyFrom(t, nil, -1, ChainProblem{"S01", "T01", 1, 11, "altered"})
}

// TestRepairFrom: hq repair --from removes only a terminal's events from
// the first one hq verify names (an altered row, a foreign one after its
// own) and the records no earlier event of its names; the terminal pushes
// again from there, its other rows and the other terminal's stay, and
// the chain and the report are those of a replica filled afresh.
func TestRepairFrom(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Run("foreign row only", func(t *testing.T) {
		r := newTamperRig(t)
		h := r.head(t, r.t1)
		r.exec(t, `INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ('S01', 'T01', $1, now(), 'user.note', '\x00')`, h+1)
		sellN(t, r.t1, 3)
		if err := newWorker(t, r.t1, r.admin, Options{}).Sync(ctx); err == nil {
			t.Fatal("the worker pushed after a foreign row")
		}
		orders := count(t, r.admin, `SELECT count(*) FROM orders`)
		got, err := RepairFrom(ctx, r.admin, "S01", "T01", h+1)
		if err != nil || got != (Repaired{Events: 1}) {
			t.Fatalf("repair from %d: %+v, %v; want the one foreign event", h+1, got, err)
		}
		if n := count(t, r.admin, `SELECT count(*) FROM orders`); n != orders {
			t.Errorf("%d orders after the repair, %d before", n, orders)
		}
		r.wantRepaired(ctx, t)
	})
	t.Run("altered row", func(t *testing.T) {
		r := newTamperRig(t)
		r.exec(t, `UPDATE events SET data = jsonb_set(data, '{amount_fen}', '1') WHERE store_id = 'S01' AND terminal_id = 'T01' AND seq = 5`)
		r.verifyFrom(t, nil, -1, ChainProblem{"S01", "T01", 5, 5, "altered"})
		h, t2 := r.head(t, r.t1), count(t, r.admin, `SELECT count(*) FROM events WHERE terminal_id = 'T02'`)
		got, err := RepairFrom(ctx, r.admin, "S01", "T01", 5)
		if err != nil || got.Events != h-4 || got.Orders == 0 {
			t.Fatalf("repair from 5: %+v, %v; want %d events and the orders named from there only", got, err, h-4)
		}
		if n := count(t, r.admin, `SELECT count(*) FROM events WHERE terminal_id = 'T01'`); n != 4 {
			t.Errorf("T01 has %d events after the repair from 5, want 4", n)
		}
		if n := count(t, r.admin, `SELECT count(*) FROM events WHERE terminal_id = 'T02'`); n != t2 {
			t.Errorf("T02 has %d events after T01's repair, had %d", n, t2)
		}
		r.wantRepaired(ctx, t)
	})
	t.Run("bad arguments", func(t *testing.T) {
		r := newTamperRig(t)
		if _, err := RepairFrom(ctx, r.admin, "S01", "T01", 0); err == nil {
			t.Error("repair from event 0 accepted")
		}
	})
}

// wantRepaired pushes T01 again and asserts that its replica is whole,
// every chain intact, and the report that of a replica filled afresh.
func (r *tamperRig) wantRepaired(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := newWorker(t, r.t1, r.admin, Options{}).Sync(ctx); err != nil {
		t.Fatalf("push after the repair: %v", err)
	}
	checkReplica(t, r.admin, r.t1)
	checkReplica(t, r.admin, r.t2)
	verifyClean(t, r.admin, "S01")
	fresh := migrated(t)
	for _, c := range []*counter{r.t1, r.t2} {
		if err := newWorker(t, c, fresh, Options{}).Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sameReport(ctx, t, r.admin, fresh)
}

// sameReport asserts that two replicas report the same figures today.
func sameReport(ctx context.Context, t *testing.T, got, want *pgxpool.Pool) {
	t.Helper()
	now := time.Now().In(tz.Shanghai)
	q := Query{From: now.AddDate(0, 0, -1).Format("20060102"), To: now.AddDate(0, 0, 1).Format("20060102")}
	a, err := Report(ctx, got, q)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Report(ctx, want, q)
	if err != nil {
		t.Fatal(err)
	}
	if a.Totals() != b.Totals() || len(a.Open) != len(b.Open) || len(a.Announced) != len(b.Announced) {
		t.Errorf("report: %+v, %d open, %d announced; a fresh replica's: %+v, %d open, %d announced",
			a.Totals(), len(a.Open), len(a.Announced), b.Totals(), len(b.Open), len(b.Announced))
	}
}
