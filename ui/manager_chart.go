package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// HourChart is a bar chart of sales by hour of the day, drawn with canvas
// rectangles and texts: one bar per hour, its height the amount, the
// busiest hour labelled with its amount, hours marked every three.
type HourChart struct {
	widget.BaseWidget
	Fen   [24]int64
	Count [24]int64
}

// NewHourChart returns a chart of the given hourly amounts (fen).
func NewHourChart(fen, count [24]int64) *HourChart {
	c := &HourChart{Fen: fen, Count: count}
	c.ExtendBaseWidget(c)
	return c
}

// Set replaces the data and redraws.
func (c *HourChart) Set(fen, count [24]int64) {
	c.Fen, c.Count = fen, count
	c.Refresh()
}

// CreateRenderer returns the chart's renderer.
func (c *HourChart) CreateRenderer() fyne.WidgetRenderer {
	r := &hourChartRenderer{c: c, axis: canvas.NewLine(theme.Color(theme.ColorNameForeground)), peak: canvas.NewText("", colorWeChatGreen)}
	r.axis.StrokeWidth = 1
	r.peak.TextSize = theme.CaptionTextSize()
	for h := range 24 {
		r.bars[h] = canvas.NewRectangle(colorWeChatGreen)
		r.hours[h] = canvas.NewText(fmt.Sprintf("%d", h), theme.Color(theme.ColorNameForeground))
		r.hours[h].TextSize = theme.CaptionTextSize()
		r.hours[h].Alignment = fyne.TextAlignCenter
	}
	r.Refresh()
	return r
}

type hourChartRenderer struct {
	c     *HourChart
	bars  [24]*canvas.Rectangle
	hours [24]*canvas.Text
	axis  *canvas.Line
	peak  *canvas.Text
	size  fyne.Size
}

func (r *hourChartRenderer) Layout(size fyne.Size) {
	r.size = size
	labelH := theme.CaptionTextSize() + 4
	top := labelH // room for the peak label
	base := size.Height - labelH
	plot := base - top
	slot := size.Width / 24
	gap := slot * 0.2
	var max int64
	peak := 0
	for h, v := range r.c.Fen {
		if v > max {
			max, peak = v, h
		}
	}
	for h := range 24 {
		height := float32(0)
		if max > 0 {
			height = plot * float32(r.c.Fen[h]) / float32(max)
		}
		if r.c.Fen[h] > 0 && height < 2 {
			height = 2 // a sale is never invisible
		}
		x := float32(h)*slot + gap/2
		r.bars[h].Move(fyne.NewPos(x, base-height))
		r.bars[h].Resize(fyne.NewSize(slot-gap, height))
		r.hours[h].Move(fyne.NewPos(float32(h)*slot, base+2))
		r.hours[h].Resize(fyne.NewSize(slot, labelH))
		r.hours[h].Hidden = h%3 != 0
	}
	r.axis.Position1 = fyne.NewPos(0, base)
	r.axis.Position2 = fyne.NewPos(size.Width, base)
	r.peak.Hidden = max == 0
	if max > 0 {
		r.peak.Text = formatFen(max)
		ps := r.peak.MinSize()
		x := float32(peak)*slot + slot/2 - ps.Width/2
		x = min(max32(x, 0), size.Width-ps.Width)
		r.peak.Move(fyne.NewPos(x, 0))
		r.peak.Resize(ps)
	}
}

func max32(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

func (r *hourChartRenderer) MinSize() fyne.Size { return fyne.NewSize(24*14, 140) }

func (r *hourChartRenderer) Refresh() {
	var max int64
	for _, v := range r.c.Fen {
		max = maxInt64(max, v)
	}
	for h := range 24 {
		c := color.Color(colorWeChatGreen)
		if r.c.Fen[h] == max && max > 0 {
			c = colorWarning
		}
		r.bars[h].FillColor = c
		r.bars[h].Refresh()
	}
	r.Layout(r.size)
	r.peak.Refresh()
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func (r *hourChartRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 50)
	for h := range 24 {
		objs = append(objs, r.bars[h], r.hours[h])
	}
	return append(objs, r.axis, r.peak)
}

func (r *hourChartRenderer) Destroy() {}
