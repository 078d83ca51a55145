package counter

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
)

// TestManagerUnknownWithConcurrentRemap lists 20,000 payments in doubt while
// another goroutine commits a write large enough to grow bbolt's memory
// map. A listing that opens a transaction inside its own transaction
// deadlocks with that write: the writer waits for the outer read to end
// before remapping, the inner read waits behind the writer. The deadline
// turns that hang into a failure (the database is then left open: closing
// it would hang too).
func TestManagerUnknownWithConcurrentRemap(t *testing.T) {
	const n = 20000
	db, err := storage.Open(filepath.Join(t.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *storage.Tx) error { // seeded as a crash would leave them
		for i := range n {
			o := &storage.Order{OutTradeNo: fmt.Sprintf("PS1-T1-%06d", i), Tender: "wechat_scan", State: pos.StateUnknown,
				AmountFen: int64(100 + i), CreatedAt: created.Add(time.Duration(n-i) * time.Second), Open: true, Day: "20260302"}
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := postest.NewAutoClock(created)
	core, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	mgr := NewManager(ManagerConfig{Core: core, DB: db})

	// A deadlock never ends, so the deadline only has to outlast a slow
	// machine: 30 s was once too short under -race at load 15 (CI, 48 s).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	listed, wrote := make(chan error, 1), make(chan error, 1)
	firstList, writeDone := make(chan struct{}), make(chan struct{})
	go func() { // the manager's screen, listing until the write is through
		var once sync.Once
		for {
			got, err := mgr.Unknown(ctx)
			switch {
			case err != nil:
				listed <- err
				return
			case len(got) != n:
				listed <- fmt.Errorf("listed %d payments in doubt, want %d", len(got), n)
				return
			case got[0].OutTradeNo != fmt.Sprintf("PS1-T1-%06d", n-1):
				listed <- fmt.Errorf("first listed %s, want the oldest", got[0].OutTradeNo)
				return
			}
			once.Do(func() { close(firstList) })
			select {
			case <-writeDone:
				listed <- nil
				return
			default:
			}
		}
	}()
	go func() { // a large commit during the listing: the file and the map grow
		defer close(writeDone)
		select {
		case <-firstList:
		case <-ctx.Done():
			wrote <- ctx.Err()
			return
		}
		big := make([]byte, 32<<20)
		wrote <- db.Update(func(tx *storage.Tx) error { return tx.PutRaw(storage.BucketBills, "raw/big", big) })
	}()
	for _, ch := range []chan error{wrote, listed} {
		select {
		case err := <-ch:
			if err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatal("Manager.Unknown and a concurrent write deadlocked: a transaction is opened inside a transaction")
		}
	}
	core.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
