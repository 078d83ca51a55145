package ui

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	products "github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/custdisplay"
)

// cpuNow is the process's user+system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCustomerDisplayKey is what the customer display adds to a
// keypress (a digit keyed and taken back) on a sale of 200 lines: with the
// display on, the hub's frame and the customer window redrawn — work of
// the one UI thread. frames=true also paints each window's frame in
// software (the test driver's Capture, far dearer than the GPU's).
// display=false is the baseline, same run; cpu-ns/op is the process's CPU
// time per key, all threads.
func BenchmarkCustomerDisplayKey(b *testing.B) {
	for _, on := range []bool{false, true} {
		items := products.NewIndex()
		for i := range 200 {
			it := products.Item{ID: fmt.Sprintf("I%d", i), Name: fmt.Sprintf("商品 %d 号", i), Price: int64(100 + i),
				Barcodes: []string{ean(fmt.Sprintf("69200000%04d", i))}, Unit: products.UnitPiece, Active: true}
			if err := items.Put(it); err != nil {
				b.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		hub := custdisplay.NewHub(time.Hour, nil)
		opts := []Option{WithCatalog(items, nil)}
		if on {
			opts = append(opts, WithCustomerDisplay(hub, CustomerWindow{}))
		}
		h := newHarness(b, opts...)
		q := make(chan func(), 64)
		cw := newCustomerWindow(ctx, func(f func()) { q <- f }, time.Now, "Test store", nil)
		cwin := test.NewTempWindow(b, cw.view())
		cwin.Resize(fyne.NewSize(1024, 768))
		hub.Attach(ctx, cw)
		s := screenAs[*saleScreen](h)
		for i := range 200 {
			s.itemScanned(ean(fmt.Sprintf("69200000%04d", i)))
		}
		// drawn waits for the customer window to draw the hub's newest frame.
		drawn := func() {
			for cw.frame.Seq != hub.Frame().Seq {
				(<-q)()
			}
		}
		drawn()
		for _, frames := range []bool{false, true} {
			b.Run(fmt.Sprintf("display=%v/frames=%v/lines=200", on, frames), func(b *testing.B) {
				start := cpuNow()
				for b.Loop() {
					s.press("5")
					s.press("\b")
					if on {
						drawn()
					}
					if frames {
						h.w.Canvas().Capture()
						if on {
							cwin.Canvas().Capture()
						}
					}
				}
				b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
			})
		}
		cancel()
	}
}
