package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// StatusBar is the strip along the top of every screen: network health,
// scanner connection, the pending count, and — on the sandbox — the red
// training banner.
type StatusBar struct {
	widget.BaseWidget

	cat    *catalog
	status Status

	netDot, scanDot *canvas.Circle
	net, scan       *canvas.Text
	pending         *canvas.Text
	background      *canvas.Text // daily bill and replication, when they need a word
	day             *canvas.Text // the business day, when it is not the calendar day
	banner          *fyne.Container
	bannerText      *canvas.Text
}

// newStatusBar returns a bar showing st in the language of cat.
func newStatusBar(cat *catalog, st Status) *StatusBar {
	s := &StatusBar{
		cat:        cat,
		netDot:     canvas.NewCircle(colorDanger),
		scanDot:    canvas.NewCircle(colorDanger),
		net:        canvas.NewText("", colorOnBar),
		scan:       canvas.NewText("", colorOnBar),
		pending:    canvas.NewText("", colorOnBar),
		background: canvas.NewText("", colorOnBar),
		day:        canvas.NewText("", colorWarning),
		bannerText: canvas.NewText("", color.White),
	}
	s.bannerText.TextStyle = fyne.TextStyle{Bold: true}
	s.day.TextStyle = fyne.TextStyle{Bold: true}
	s.bannerText.TextSize = theme.TextSubHeadingSize()
	s.bannerText.Alignment = fyne.TextAlignCenter
	s.banner = container.NewStack(canvas.NewRectangle(colorDanger), container.NewPadded(s.bannerText))
	s.ExtendBaseWidget(s)
	s.SetStatus(st)
	return s
}

// SetStatus shows st.
func (s *StatusBar) SetStatus(st Status) {
	s.status = st
	s.net.Text, s.netDot.FillColor = s.cat.T(msgStatusNetFail), colorDanger
	if st.NetworkOK {
		s.net.Text, s.netDot.FillColor = s.cat.T(msgStatusNetOK), colorWeChatGreen
	}
	switch {
	case st.ScannerConnected:
		s.scan.Text, s.scanDot.FillColor = s.cat.T(msgStatusScannerOK), colorWeChatGreen
	case st.KeyboardScanner:
		s.scan.Text, s.scanDot.FillColor = s.cat.T(msgStatusScannerKeyboard), colorWeChatGreen
	default:
		s.scan.Text, s.scanDot.FillColor = s.cat.T(msgStatusScannerNone), colorWarning
	}
	s.pending.Text = s.cat.T(msgStatusPending, st.Pending)
	s.pending.Color = colorOnBar
	if st.Pending > 0 {
		s.pending.Color = colorWarning
	}
	s.bannerText.Text = s.cat.T(msgStatusTraining)
	if st.Training {
		s.banner.Show()
	} else {
		s.banner.Hide()
	}
	s.Refresh()
}

// SetBackground shows a line about the background workers (empty: none);
// warn colours it as needing attention.
func (s *StatusBar) SetBackground(text string, warn bool) {
	s.background.Text = text
	s.background.Color = colorOnBar
	if warn {
		s.background.Color = colorWarning
	}
	s.background.Refresh()
}

// SetBusinessDay shows the business day (yyyymmdd) that sales are booked
// on when it is not today's calendar day (after the Z report), and nothing
// otherwise.
func (s *StatusBar) SetBusinessDay(day, today string) {
	s.day.Text = ""
	if day != "" && day != today && len(day) == 8 {
		s.day.Text = s.cat.T(msgStatusBusinessDay, day[4:6]+"-"+day[6:])
	}
	s.Refresh() // the row lays its texts out again for the new width
}

// BusinessDay returns the business-day note the bar shows ("" when sales
// go to today).
func (s *StatusBar) BusinessDay() string { return s.day.Text }

// Background returns the background-worker line the bar shows.
func (s *StatusBar) Background() string { return s.background.Text }

// Status returns what the bar shows.
func (s *StatusBar) Status() Status { return s.status }

// TrainingBannerVisible reports whether the red training banner is shown.
func (s *StatusBar) TrainingBannerVisible() bool { return s.banner.Visible() }

// CreateRenderer composes the bar from stock containers; it is part of the
// fyne.Widget interface.
func (s *StatusBar) CreateRenderer() fyne.WidgetRenderer {
	dot := func(c *canvas.Circle) fyne.CanvasObject {
		return container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), c))
	}
	row := container.NewHBox(
		dot(s.netDot), s.net, layout.NewSpacer(),
		dot(s.scanDot), s.scan, layout.NewSpacer(),
		s.day, layout.NewSpacer(),
		s.background, s.pending,
	)
	bar := container.NewStack(canvas.NewRectangle(colorBar), container.NewPadded(row))
	return widget.NewSimpleRenderer(container.NewVBox(bar, s.banner))
}
