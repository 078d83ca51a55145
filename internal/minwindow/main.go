// Command minwindow opens one Fyne window holding one label and nothing
// else: the yardstick scripts/memory.sh measures the terminal's memory
// against, on the same display in the same run. It uses Fyne's defaults
// (no theme, no embedded font, the runtime's own GC settings).
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.New()
	w := a.NewWindow("minwindow")
	w.SetContent(widget.NewLabel("wxpos memory yardstick"))
	w.Resize(fyne.NewSize(1024, 720))
	w.ShowAndRun()
}
