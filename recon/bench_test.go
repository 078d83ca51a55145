package recon_test

import (
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

// genLocal yields n paid orders, allocating each number as a store decoder
// would; every 100,000th is missing from the bill (local-only).
type genLocal struct{ n int }

func tradeNo(buf []byte, i int) []byte {
	buf = append(buf[:0], "S1T1"...)
	return strconv.AppendInt(buf, 100000000000+int64(i), 10)
}

func (g genLocal) NumOrders() int { return g.n }

func (g genLocal) EachOrder(fn func(*recon.Order) error) error {
	var buf []byte
	t0 := day.Start().Add(time.Hour)
	for i := 0; i < g.n; i++ {
		buf = tradeNo(buf, i)
		o := recon.Order{OutTradeNo: string(buf), Tender: receipt.TenderWeChatScan, State: "PAID",
			AmountFen: int64(100 + i%5000), Time: t0.Add(time.Duration(i) * 50 * time.Millisecond)}
		if err := fn(&o); err != nil {
			return err
		}
	}
	return nil
}

func (g genLocal) EachRefund(func(*recon.Refund) error) error { return nil }

// genBill yields n payment rows, allocating strings per row as a parser
// would; every 100,000th row (offset 1) has no local record.
type genBill struct {
	n, i int
	buf  []byte
	t    time.Time
}

func (g *genBill) Next(r *recon.Row) error {
	if g.i >= g.n {
		return io.EOF
	}
	i := g.i
	g.i++
	if i%100000 == 0 {
		i += g.n // not in the local set: WeChat-only; local i is local-only
	}
	g.buf = tradeNo(g.buf, i)
	no := string(g.buf)
	g.buf = append(append(g.buf[:0], "4200001234"...), no[4:]...)
	*r = recon.Row{Time: g.t, DeviceInfo: "T1", TransactionID: string(g.buf), OutTradeNo: no,
		TradeType: "MICROPAY", State: recon.BillSuccess, TotalFen: int64(100 + i%5000), SettledFen: int64(100 + i%5000),
		FeeMilliFen: int64(100+i%5000) * 6}
	return nil
}

// peakHeap samples the bytes in live and not-yet-swept heap objects (what
// MemStats.HeapAlloc reports) until stop is closed. It reads runtime/metrics,
// which unlike ReadMemStats does not stop the world on every sample.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

func BenchmarkReconcileMillion(b *testing.B) {
	const n = 1_000_000
	var peak uint64
	var ms0, ms1 runtime.MemStats
	var allocated uint64
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		stop := make(chan struct{})
		peakc := peakHeap(stop)
		res, err := recon.Reconcile(day, term, genLocal{n}, &genBill{n: n, t: day.Start().Add(time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		close(stop)
		peak = max(peak, <-peakc)
		runtime.ReadMemStats(&ms1)
		peak = max(peak, ms1.HeapAlloc)
		allocated = ms1.TotalAlloc - ms0.TotalAlloc
		if res.Counts[recon.KindMatched] != n-10 || res.Counts[recon.KindLocalOnly] != 10 || res.Counts[recon.KindWeChatOnly] != 10 {
			b.Fatalf("counts %v", res.Counts)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(allocated)/(1<<20), "alloc-MB/op")
}
