package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setLine sets a status line's text and hides the line while it is empty:
// an empty label still takes a row, and a screen of empty rows is what
// pushed the window past 768 px. in is the container that lays the line
// out (nil before it is built): it is laid out again when the line appears
// or goes, else the lines around it keep their old places.
func setLine(in *fyne.Container, l *widget.Label, text string) {
	was := l.Visible()
	l.SetText(text)
	showIf(l, text != "")
	if in != nil && was != l.Visible() {
		in.Refresh()
	}
}

// showIf shows o when on, else hides it.
func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
