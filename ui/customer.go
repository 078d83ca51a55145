package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/custdisplay"
)

// CustomerDisplay is what the cashier window tells the customer display
// (custdisplay.Hub satisfies it): the sale as keyed, and when the payment
// code is asked for; the payment itself reaches the display from the core.
// Attach adds the customer window to what it draws on.
type CustomerDisplay interface {
	Keyed(s custdisplay.Sale)
	AskCode(s custdisplay.Sale)
	Attach(ctx context.Context, s custdisplay.Sink)
}

// CustomerWindow is how the window facing the customer opens ([display]).
type CustomerWindow struct {
	Open       bool // open it beside the cashier's window
	Fullscreen bool // full screen on its monitor
	// Monitor is the monitor it goes on: a name (HDMI-2) or a number from
	// 1 (the primary); "" is the first monitor without the cashier's window.
	Monitor   string
	StoreName string
	Image     fyne.Resource // shown when idle; nil: none
}

// WithCustomerDisplay connects the customer display: the sale screen and
// the scan screen tell it what the customer should see, and Run opens the
// customer window when w.Open.
func WithCustomerDisplay(d CustomerDisplay, w CustomerWindow) Option {
	return func(o *options) { o.custDisplay, o.custWindow = d, w }
}

// tellCustomer hands the sale as keyed now to the customer display: the
// priced lines and the total charged. An amount being keyed counts in the
// total but is not shown as a line until it is added, so a keypress
// changes one number on the customer's screen, not every row (the draft
// prices once per change: nothing is priced again here).
func (t *Terminal) tellCustomer() {
	if t.opt.custDisplay == nil {
		return
	}
	p := t.draft.priced(nil)
	lines := p.lines[:min(len(t.draft.lines), len(p.lines))]
	t.opt.custDisplay.Keyed(custdisplay.Sale{Lines: lines, TotalFen: p.totals.NetFen})
}

// askCustomer tells the customer display the scan screen waits for the
// customer's payment code for sale.
func (t *Terminal) askCustomer(sale Sale) {
	if t.opt.custDisplay != nil {
		t.opt.custDisplay.AskCode(custdisplay.Sale{Lines: sale.Lines, TotalFen: sale.TotalFen})
	}
}

// openCustomerWindow opens the customer window on a when configured. Fyne
// places a new window where the window manager wants it and has no way to
// pick a monitor: with Screens, placeCustomer (once the windows are up)
// moves it to its monitor and makes it full screen there, and again when
// a monitor is connected. The window lives as long as t: it follows t's
// context and updates through t's UI queue, so nothing of it runs after
// the terminal is gone.
func openCustomerWindow(a fyne.App, t *Terminal) {
	o := t.opt
	if o.custDisplay == nil || !o.custWindow.Open {
		return
	}
	w := a.NewWindow(newCatalog(LangZH).T(msgCustTitle) + " / " + newCatalog(LangEN).T(msgCustTitle))
	cw := newCustomerWindow(t.ctx, t.do, t.now, o.custWindow.StoreName, o.custWindow.Image)
	w.SetContent(cw.view())
	w.Resize(fyne.NewSize(1024, 768))
	t.custPlace = &custPlacement{w: w, want: o.custWindow.Monitor, full: o.custWindow.Fullscreen}
	if o.custWindow.Fullscreen || o.custWindow.Monitor != "" {
		t.watchMonitors()
	}
	w.SetCloseIntercept(func() {}) // closed with the cashier's window, not by a customer's tap
	o.custDisplay.Attach(t.ctx, cw)
	w.Show()
}
