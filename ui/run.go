// Package ui is the Fyne cashier interface. It renders state that package pos
// owns and never holds payment state itself.
package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/assets"
)

// Run shows the cashier window on a and blocks until it is closed or ctx
// ends. The options connect the payment core, printer, status feed, scanner
// and, in training mode, the simulated customer.
func Run(ctx context.Context, a fyne.App, opts ...Option) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.Settings().SetTheme(NewTheme())
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
