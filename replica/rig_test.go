package replica

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
)

// counter is one terminal: its own database, payment core and fake WeChat.
type counter struct {
	store, term string
	db          *storage.Store
	pos         *pos.Terminal
	gw          *postest.Gateway
	lastCash    string // the newest cash sale, for refunds
	n           int
}

func openDB(tb testing.TB) *storage.Store {
	tb.Helper()
	db, err := storage.Open(filepath.Join(tb.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func newCounter(tb testing.TB, store, term string) *counter {
	tb.Helper()
	c := &counter{store: store, term: term, db: openDB(tb), gw: postest.NewGateway(time.Now)}
	p, err := pos.New(posstore.New(c.db), c.gw, pos.Config{
		StoreID: store, TerminalID: term, StoreName: "test " + store,
		Authorizer: pos.AuthorizerFunc(func(context.Context, pos.Approval, pos.Action, string) (string, error) {
			return "manager", nil
		}),
		ScanPollEvery: 5 * time.Millisecond, ScanWait: 20 * time.Millisecond,
		CallTimeout: time.Second, RefundWait: 200 * time.Millisecond,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	c.pos = p
	return c
}

// sell takes the counter's next payment. The mix: cash and scan sales,
// every 7th a refund of the last cash sale, every 13th a scan whose
// outcome stays UNKNOWN (WeChat unreachable; no recovery worker runs).
func (c *counter) sell(ctx context.Context) error {
	c.n++
	i := c.n
	sale := pos.Sale{AmountFen: int64(100 + i*37%5000), Cashier: "c1"}
	switch {
	case i%13 == 0:
		c.gw.SetDown(true)
		o, err := c.pos.PayScan(ctx, sale, postest.Code(postest.Success, i))
		c.gw.SetDown(false)
		if err != nil {
			return err
		}
		if o.State != pos.StateUnknown {
			return fmt.Errorf("scan with WeChat down ended %s, want UNKNOWN", o.State)
		}
		return nil
	case i%7 == 0 && c.lastCash != "":
		_, err := c.pos.Refund(ctx, pos.RefundOrder{OutTradeNo: c.lastCash, AmountFen: 50, Reason: "test",
			Approval: pos.Approval{User: "manager", Credential: "x"}})
		c.lastCash = ""
		return err
	case i%2 == 0:
		o, err := c.pos.PayCash(ctx, sale, sale.AmountFen+1000)
		if err == nil {
			c.lastCash = o.OutTradeNo
		}
		return err
	default:
		_, err := c.pos.PayScan(ctx, sale, postest.Code(postest.Success, i))
		return err
	}
}

func (c *counter) localEvents(tb testing.TB) []storage.Event {
	tb.Helper()
	var out []storage.Event
	err := c.db.View(func(tx *storage.Tx) error {
		return tx.Events(1, func(e storage.Event) (bool, error) { out = append(out, e); return true, nil })
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func newWorker(tb testing.TB, c *counter, pool *pgxpool.Pool, o Options) *Worker {
	tb.Helper()
	o.StoreID, o.TerminalID = c.store, c.term
	w, err := NewWorker(c.db, pool, o)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// checkReplica asserts that PostgreSQL holds every local event of c exactly
// once, with the same content, and nothing else for that terminal.
func checkReplica(tb testing.TB, pool *pgxpool.Pool, c *counter) int {
	tb.Helper()
	local := c.localEvents(tb)
	rows, err := pool.Query(context.Background(), `SELECT seq, kind, ref, digest FROM events
		WHERE store_id = $1 AND terminal_id = $2 ORDER BY seq`, c.store, c.term)
	if err != nil {
		tb.Fatal(err)
	}
	type row struct {
		Seq       int64
		Kind, Ref string
		Digest    []byte
	}
	remote, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		tb.Fatal(err)
	}
	if len(remote) != len(local) {
		tb.Fatalf("%s/%s: %d events in PostgreSQL, %d local", c.store, c.term, len(remote), len(local))
	}
	for i, e := range local {
		r := remote[i]
		if r.Seq != int64(e.Seq) || r.Kind != pgText(e.Kind) || r.Ref != pgText(e.Ref) || !bytes.Equal(r.Digest, Digest(e)) {
			tb.Fatalf("%s/%s event %d: PostgreSQL has %d %s %s, local %d %s %s", c.store, c.term, i, r.Seq, r.Kind, r.Ref, e.Seq, e.Kind, e.Ref)
		}
	}
	return len(local)
}

func (c *counter) String() string { return fmt.Sprintf("%s/%s", c.store, c.term) }
