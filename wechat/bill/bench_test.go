package bill_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/bill"
)

// repeatBill serves header + block×times + summary, i.e. a bill of
// blockRows×times rows, from a small in-memory block.
func repeatBill(blockRows, times int) io.Reader {
	g := newGenBill(blockRows)
	var all bytes.Buffer
	io.Copy(&all, g)
	b := all.Bytes()
	h := bytes.IndexByte(b, '\n') + 1
	s := bytes.Index(b, []byte("总交易单数"))
	header, block := b[:h], b[h:s]
	// Summary for the repeated block: every total times `times`.
	g2 := &genBill{n: blockRows * times, settle: g.settle * int64(times), refund: g.refund * int64(times),
		fee: g.fee * int64(times), order: g.order * int64(times), stage: 1, i: blockRows * times}
	g2.fill()
	summary := append([]byte(nil), g2.buf...)
	rs := []io.Reader{bytes.NewReader(header)}
	for i := 0; i < times; i++ {
		rs = append(rs, bytes.NewReader(block))
	}
	rs = append(rs, bytes.NewReader(summary))
	return io.MultiReader(rs...)
}

// BenchmarkParse1M parses a generated 1,000,000-row ALL bill per iteration
// and reports rows/s (wall clock), rows/cpu-s (process CPU time, which
// includes the GC's work and is stable on a shared machine) and the peak
// heap sampled every 100,000 rows. The input is a 10,000-row block (about
// 2.5 MB, counted in the heap) served 100 times.
func BenchmarkParse1M(b *testing.B) {
	const rows = 1_000_000
	b.ReportAllocs()
	var peak uint64
	var ms runtime.MemStats
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := repeatBill(10_000, rows/10_000)
		runtime.GC()
		b.StartTimer()
		c0 := cpuTime()
		p := bill.NewParser(r)
		n := 0
		for p.Next() {
			n++
			if n%100_000 == 0 {
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
				b.StartTimer()
			}
		}
		cpu += cpuTime() - c0
		if err := p.Err(); err != nil || n != rows {
			b.Fatalf("rows %d err %v", n, err)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
