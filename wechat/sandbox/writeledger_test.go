package sandbox_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestWriteLedgerWhilePaying: copies of the ledger taken while payments
// commit are each a whole ledger (what a training backup zips while the
// window's simulator serves the counter), holding the payments committed
// before the copy began and none half written.
func TestWriteLedgerWhilePaying(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(o *sandbox.Options) { o.DataDir = dir })
	t.Cleanup(func() { e.sb.Close() }) // before dir goes: Windows removes no open file
	const payments = 40
	type snapshot struct {
		before int // payments answered before the copy began
		data   []byte
	}
	const most = 200 // copies kept, taken as fast as they come
	paid := make(chan int, payments)
	snaps := make(chan snapshot, most)
	go func() {
		defer close(snaps)
		done := 0
		for taken := 0; done < payments && taken < most; taken++ {
			select {
			case n, ok := <-paid:
				if !ok {
					return
				}
				done = n
			default:
			}
			var b bytes.Buffer
			if _, err := e.sb.WriteLedger(&b); err != nil {
				t.Errorf("WriteLedger: %v", err)
				return
			}
			snaps <- snapshot{before: done, data: b.Bytes()}
		}
	}()
	var got []snapshot
	collect := func() {
		for {
			select {
			case s, ok := <-snaps:
				if !ok {
					return
				}
				got = append(got, s)
			default:
				return
			}
		}
	}
	for i := 1; i <= payments; i++ {
		r := e.v2("/pay/micropay", micropayParams(newNo("W"), sandbox.NewCode(sandbox.ScenarioSuccess), 100))
		if r["result_code"] != "SUCCESS" {
			t.Fatalf("payment %d: %v", i, r)
		}
		paid <- i
		collect()
	}
	close(paid)
	for s := range snaps {
		got = append(got, s)
	}
	if len(got) < 2 {
		t.Fatalf("%d copies taken while paying, want several", len(got))
	}
	creds, err := json.Marshal(e.creds)
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for i, s := range got {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, "credentials.json"), creds, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, sandbox.LedgerFile), s.data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := sandbox.ReadDataState(d)
		if err != nil {
			t.Fatalf("copy %d (after %d payments): %v", i, s.before, err)
		}
		if st.Orders < s.before || st.Orders > payments || st.Orders < last {
			t.Fatalf("copy %d holds %d orders; %d were paid before it began, %d in all, the copy before held %d", i, st.Orders, s.before, payments, last)
		}
		last = st.Orders
	}
}
