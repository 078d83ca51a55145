package pos_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// benchScan measures one complete scan payment: mint, SUBMITTING commit,
// v3 codepay signed by the client, served and signed by the in-process
// sandbox, verified by the client, PAID commit with its receipt.
func benchScan(b *testing.B, db *storage.Store) {
	clk := postest.NewAutoClock(t0)
	env := gatetest.StartInProcess(b, clk.Now, nil)
	term, err := pos.New(posstore.New(db), env.Gateway, testConfig(clk))
	if err != nil {
		b.Fatal(err)
	}
	defer term.Close()
	codes := make([]string, b.N)
	for i := range codes {
		codes[i] = sandbox.NewCode(sandbox.ScenarioSuccess)
	}
	ctx := context.Background()
	start := db.Commits()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := term.PayScan(ctx, sale(1234), codes[i])
		if err != nil || o.State != pos.StatePaid {
			b.Fatalf("%v %+v", err, o)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(db.Commits()-start)/float64(b.N), "commits/op")
}

// BenchmarkScanPayment is the local overhead of a scan payment with durable
// (fsynced) commits, as at the counter.
func BenchmarkScanPayment(b *testing.B) { benchScan(b, openDB(b)) }

// BenchmarkScanPaymentNoSync is the same without fsync: what remains is
// CPU (signing, verification, JSON, bbolt) — the part that is not the disk.
func BenchmarkScanPaymentNoSync(b *testing.B) {
	db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchScan(b, db)
}

// BenchmarkBoltCommit is the raw cost of one durable bbolt commit of a
// small record on this machine, for comparison with the above.
func BenchmarkBoltCommit(b *testing.B) {
	db := openDB(b)
	v := make([]byte, 400)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.Update(func(tx *storage.Tx) error {
			return tx.PutRaw(storage.BucketMeta, "bench", v)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBytesPerSale writes salesPerDB scan sales (three item lines
// each, the in-process sandbox, the real core and store) into a fresh
// database and reports the database's size per sale: what a busy counter's
// year costs on disk. The size is what a backup writes (bbolt's high-water
// mark), not the file, which bbolt grows in large steps ahead of use.
// Run with -benchtime 1x: one op is a whole database.
func BenchmarkBytesPerSale(b *testing.B) {
	const salesPerDB = 2000
	for b.Loop() {
		b.StopTimer()
		db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		clk := postest.NewAutoClock(t0)
		env := gatetest.StartInProcess(b, clk.Now, nil)
		term, err := pos.New(posstore.New(db), env.Gateway, testConfig(clk))
		if err != nil {
			b.Fatal(err)
		}
		lines := []receipt.Line{
			{Name: "拿铁 Latte", Qty: 2, UnitFen: 2800, TotalFen: 5600},
			{Name: "可颂 Croissant", Qty: 1, UnitFen: 1600, TotalFen: 1600},
			{Name: "矿泉水 Water", Qty: 3, UnitFen: 300, TotalFen: 900},
		}
		before, err := db.Backup(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for range salesPerDB {
			o, err := term.PayScan(context.Background(), pos.Sale{AmountFen: 8100, Lines: lines, Cashier: "alice"},
				sandbox.NewCode(sandbox.ScenarioSuccess))
			if err != nil || o.State != pos.StatePaid {
				b.Fatalf("%v %+v", err, o)
			}
		}
		b.StopTimer()
		term.Close()
		after, err := db.Backup(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(after-before)/salesPerDB, "bytes/sale")
		db.Close()
		b.StartTimer()
	}
}
