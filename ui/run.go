package ui

import (
	"context"

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
	warmFonts()
	w := a.NewWindow("wxpos")
	w.Resize(fyne.NewSize(1024, 720))
	w.SetMaster()
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	New(ctx, w, opts...)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// warmFonts parses the embedded CJK font for the regular and bold styles in
// the background while the window is being created: each parse of the 4 MB
// face costs a few hundred milliseconds that would otherwise delay the
// first frame. Fyne caches the faces; a lost race only parses twice.
func warmFonts() {
	for _, st := range []fyne.TextStyle{{}, {Bold: true}} {
		go fyne.MeasureText("\u4e2d", theme.TextSize(), st)
	}
}
