package replica

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
)

// A terminal's pull passes the other terminals' and stores' notifications
// without reading them — row-level security hides them from an enrolled
// terminal, and the pull is a range of its own (migration 0015's
// notifications_minted) — and never passes one of its own: while four
// receivers record 600 notifications (a third S01/T01's, the rest S01/T02's
// and S02/T01's) S01/T01's worker, logged in as its enrolled role, pulls
// over and over; each of its own numbers is handed over exactly once, no
// other, and at the end its cursor is its own last notification's seq —
// not the chain's, which it has no way to learn (migration 0012's
// notifications_head, which told it, is gone).
func TestHintCursorPassesOthers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := migrated(t)
	login, err := EnrolTerminal(ctx, admin, "S01", "T01")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	handed := map[string]int{}
	w, err := NewWorker(openDB(t), poolAs(t, admin, login.Role), Options{StoreID: "S01", TerminalID: "T01",
		Hint: func(n pos.Notice) error { mu.Lock(); handed[n.Ref]++; mu.Unlock(); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.pullHints(ctx); err != nil { // nothing yet: the cursor stays where it is
		t.Fatal(err)
	}

	const writers, each = 4, 150
	prefixes := []string{"S01-T01", "S01-T02", "S02-T01"}
	sink := NewNotifySink(admin)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				no := fmt.Sprintf("%s-C%d-%d", prefixes[(g+i)%3], g, i)
				r := notify.Record{ID: "EV-" + no, API: "v3", Kind: notify.KindPay, MchID: "1900000109", State: "SUCCESS",
					OutTradeNo: "P" + no, TotalFen: 100, Received: time.Now()}
				if i%2 == 1 {
					r.Kind, r.OutRefundNo, r.RefundFen = notify.KindRefund, "R"+no, 100
				}
				if _, err := sink.Accept(ctx, &r); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	pulls := 0
	for finished := false; !finished; pulls++ {
		select {
		case <-done:
			finished = true
		default:
		}
		if err := w.pullHints(ctx); err != nil {
			t.Fatalf("pull %d: %v", pulls, err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var want []string
	for g := range writers {
		for i := range each {
			if no := fmt.Sprintf("%s-C%d-%d", prefixes[(g+i)%3], g, i); prefixes[(g+i)%3] == "S01-T01" {
				want = append(want, map[bool]string{false: "P", true: "R"}[i%2 == 1]+no)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, no := range want {
		if handed[no] != 1 {
			t.Errorf("%s handed over %d times, want once", no, handed[no])
		}
	}
	if len(handed) != len(want) {
		t.Errorf("%d numbers handed over, want S01/T01's %d", len(handed), len(want))
	}
	t.Logf("%d pulls while the receivers recorded", pulls)
	var last, head int64
	if err := admin.QueryRow(ctx, `SELECT max(seq) FILTER (WHERE out_trade_no LIKE 'PS01-T01-%'), max(seq) FROM notifications`).
		Scan(&last, &head); err != nil {
		t.Fatal(err)
	}
	if at, err := NewNotifySink(admin).Cursor(ctx, w.hintConsumer()); err != nil || int64(at) != last {
		t.Errorf("cursor %d, %v after %d pulls; want S01/T01's last seq %d (the chain's is %d)", at, err, pulls, last, head)
	}
}
