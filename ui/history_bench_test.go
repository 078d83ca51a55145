package ui

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
)

// historyBenchCore is a payment core with n cash sales of today, each with
// an item line, on a database without fsync.
func historyBenchCore(b *testing.B, n int) *pos.Terminal {
	db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	core, err := pos.New(posstore.New(db), postest.NewGateway(time.Now), pos.Config{StoreID: "S1", TerminalID: "T1"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { core.Close() })
	ctx := context.Background()
	for i := range n {
		fen := int64(100 + i%3000)
		if _, err := core.PayCash(ctx, pos.Sale{AmountFen: fen, Cashier: "Li",
			Lines: []receipt.Line{{Name: "商品", Qty: 1, UnitFen: fen, TotalFen: fen}}}, fen); err != nil {
			b.Fatal(err)
		}
	}
	return core
}

// BenchmarkHistoryOpen1000 is opening history (F5) on a day of 1,000
// sales, on the real core: the read, the rows and one rendered frame.
func BenchmarkHistoryOpen1000(b *testing.B) {
	core := historyBenchCore(b, 1000)
	h := newHarness(b, WithCheckout(counter.NewCheckout(core, true, nil)))
	for b.Loop() {
		h.term.showSale()
		h.key(fyne.KeyF5)
		hs := screenAs[*historyScreen](h)
		h.waitFor("history", func() bool { return historyRowsShown(hs) == 1000 })
		h.w.Canvas().Capture()
	}
}

// BenchmarkHistorySearchKey is one search keystroke on that history: the
// answer and the redraw.
func BenchmarkHistorySearchKey(b *testing.B) {
	core := historyBenchCore(b, 1000)
	h := newHarness(b, WithCheckout(counter.NewCheckout(core, true, nil)))
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	h.waitFor("history", func() bool { return historyRowsShown(hs) == 1000 })
	q := []string{"00000400", ""}
	i := 0
	for b.Loop() {
		hs.search.SetText(q[i%2])
		want := 1000
		if i%2 == 0 {
			want = 1
		}
		h.waitFor("search", func() bool { return historyRowsShown(hs) == want })
		h.w.Canvas().Capture()
		i++
	}
}

// historyRowsShown is how many rows history shows once its answer is in.
func historyRowsShown(hs *historyScreen) int {
	if hs.loading.Visible() {
		return -1
	}
	return len(hs.records)
}

// BenchmarkHistoryRetained opens history on a day of 1,000 sales and
// leaves it, again and again: retained-B/op is how much live heap each
// round leaves behind after a collection (what an opening costs for the
// rest of the day).
func BenchmarkHistoryRetained(b *testing.B) {
	core := historyBenchCore(b, 1000)
	h := newHarness(b, WithCheckout(counter.NewCheckout(core, true, nil)))
	round := func() {
		h.term.showSale()
		h.key(fyne.KeyF5)
		hs := screenAs[*historyScreen](h)
		h.waitFor("history", func() bool { return historyRowsShown(hs) == 1000 })
		h.w.Canvas().Capture()
		h.term.showSale()
		h.w.Canvas().Capture()
	}
	round() // the first opening builds what every later one reuses
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		round()
		n++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "retained-B/op")
}
