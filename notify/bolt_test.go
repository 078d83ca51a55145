package notify_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wxpos/wxpos/notify"
)

// Concurrent Accepts, each record sent twice at once (WeChat's retry racing
// the first delivery), are group-committed: each record once, the other
// copy a duplicate — also when both land in one commit — with increasing
// sequence numbers handed back to the one that recorded it.
func TestBoltSinkGroupCommit(t *testing.T) {
	ctx := context.Background()
	s, err := notify.OpenBolt(filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 300
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fresh = map[string]uint64{}
		dups  int
	)
	for i := range 2 * n {
		wg.Go(func() {
			r := notify.Record{ID: fmt.Sprintf("N%03d", i%n), Kind: notify.KindPay, OutTradeNo: fmt.Sprintf("P%03d", i%n), State: "SUCCESS"}
			dup, err := s.Accept(ctx, &r)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case dup:
				dups++
			default:
				if _, twice := fresh[r.ID]; twice {
					t.Errorf("%s recorded twice", r.ID)
				}
				fresh[r.ID] = r.Seq
			}
		})
	}
	wg.Wait()
	if len(fresh) != n || dups != n {
		t.Fatalf("%d recorded, %d duplicates; want %d of each", len(fresh), dups, n)
	}
	recs, err := s.Since(ctx, 0, 2*n)
	if err != nil || len(recs) != n {
		t.Fatalf("since: %d records, %v", len(recs), err)
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) || fresh[r.ID] != r.Seq {
			t.Fatalf("record %d: seq %d, Accept said %d", i, r.Seq, fresh[r.ID])
		}
	}
	s.Close()
	if _, err := s.Accept(ctx, &notify.Record{ID: "late", OutTradeNo: "P", State: "SUCCESS"}); !errors.Is(err, notify.ErrClosed) {
		t.Errorf("accept after close: %v, want ErrClosed", err)
	}
}
