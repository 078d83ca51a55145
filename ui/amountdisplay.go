package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// AmountDisplay shows one amount of money large, with a small caption above
// it ("合计", "找零", …). It keeps the amount in fen and formats it itself.
type AmountDisplay struct {
	widget.BaseWidget

	caption *canvas.Text
	amount  *canvas.Text
	fen     int64
}

// NewAmountDisplay returns a display with caption showing ¥0.00.
func NewAmountDisplay(caption string) *AmountDisplay {
	a := &AmountDisplay{
		caption: canvas.NewText(caption, theme.Color(theme.ColorNameForeground)),
		amount:  canvas.NewText(formatFen(0), theme.Color(theme.ColorNameForeground)),
	}
	a.caption.TextSize = theme.TextSubHeadingSize()
	a.amount.TextSize = themeSize(sizeNameHero)
	a.amount.TextStyle = fyne.TextStyle{Bold: true}
	a.amount.Alignment = fyne.TextAlignTrailing
	a.ExtendBaseWidget(a)
	return a
}

// SetFen shows fen.
func (a *AmountDisplay) SetFen(fen int64) {
	a.fen = fen
	a.amount.Text = formatFen(fen)
	a.amount.Refresh()
}

// Fen returns the amount shown.
func (a *AmountDisplay) Fen() int64 { return a.fen }

// Text returns the amount as displayed, e.g. "¥12.34".
func (a *AmountDisplay) Text() string { return a.amount.Text }

// SetCaption changes the caption.
func (a *AmountDisplay) SetCaption(s string) {
	a.caption.Text = s
	a.caption.Refresh()
}

// SetSecondary draws the amount at the theme's amount size instead of the
// hero size, for a screen where something else matters most (the change on
// the cash screen, the countdown on the scan screen).
func (a *AmountDisplay) SetSecondary(secondary bool) {
	a.amount.TextSize = themeSize(sizeNameHero)
	if secondary {
		a.amount.TextSize = themeSize(sizeNameAmount)
	}
	a.amount.Refresh()
	a.Refresh()
}

// SetColor draws the amount in c (e.g. red when cash is short).
func (a *AmountDisplay) SetColor(c color.Color) {
	a.amount.Color = c
	a.amount.Refresh()
}

// CreateRenderer composes the caption and the amount; it is part of the
// fyne.Widget interface.
func (a *AmountDisplay) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(a.caption, a.amount))
}
