// Package ui is the Fyne cashier and manager interface. It renders state that
// package pos owns and never holds payment state itself.
package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Run shows the main window on a and blocks until it is closed or ctx ends.
func Run(ctx context.Context, a fyne.App) error {
	w := a.NewWindow("wxpos")
	w.SetContent(widget.NewLabel("wxpos — training mode (训练模式)"))
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}
