package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setLine sets a status line's text and hides the line while it is empty:
// an empty label still takes a row, and a screen of empty rows is what
// pushed the window past 768 px.
func setLine(l *widget.Label, text string) {
	l.SetText(text)
	showIf(l, text != "")
}

// showIf shows o when on, else hides it.
func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
