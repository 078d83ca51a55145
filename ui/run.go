package ui

import (
	"context"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/wxpos/wxpos/assets"
)

// Run shows the cashier window on a and blocks until it is closed or ctx
// ends. The options connect the payment core, printer, status feed, scanner
// and, in training mode, the simulated customer.
func Run(ctx context.Context, a fyne.App, opts ...Option) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.Settings().SetTheme(NewTheme())
	fontsReady := warmFonts()
	w := a.NewWindow("wxpos")
	w.Resize(fyne.NewSize(1024, 720))
	w.SetMaster()
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	t := New(ctx, w, opts...)
	openCustomerWindow(a, t)
	a.Lifecycle().SetOnStarted(func() {
		// From here keys reach the screens: the log line is what a script
		// driving the real window waits for before it types.
		t.log().Info("window started")
		t.placeCustomer() // both windows are up: the cashier's is where it will be
		go releaseStartupMemory(ctx, fontsReady)
	})
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// warmFonts parses the embedded CJK font for the regular and bold styles in
// the background while the window is being created, so the parses do not
// delay the first frame; the returned channel closes when both are done.
// Fyne caches the faces; a lost race only parses twice.
func warmFonts() <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, st := range []fyne.TextStyle{{}, {Bold: true}} {
		wg.Go(func() { fyne.MeasureText("\u4e2d", theme.TextSize(), st) })
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}

// startupSettle is how long after the event loop starts the window's
// start-up work (first layout and frames, the background bill fetch) is
// taken to be over.
const startupSettle = 2 * time.Second

// releaseStartupMemory hands the start-up garbage back to the OS once the
// fonts are parsed and the first frames drawn. Font parsing alone leaves
// megabytes of scratch; with the heap idle at the counter most of the day
// the Go runtime would keep those pages mapped for hours.
func releaseStartupMemory(ctx context.Context, fontsReady <-chan struct{}) {
	select {
	case <-fontsReady:
	case <-ctx.Done():
		return
	}
	select {
	case <-time.After(startupSettle):
		debug.FreeOSMemory()
	case <-ctx.Done():
	}
}
