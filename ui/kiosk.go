package ui

import (
	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/staff"
)

// WithKiosk makes the window the till's only program ([ui] kiosk = true):
// full screen, so no title bar or borders, and a close (the window
// manager's button, Alt+F4, a session logout asking politely) needs a
// manager's PIN; without one the window stays.
func WithKiosk(on bool) Option { return func(o *options) { o.kiosk = on } }

// WithMonitorEvents tells the window when a monitor is connected or
// disconnected: watch registers changed, which it calls on the UI
// goroutine. The window system takes a full-screen window out of full
// screen when its monitor goes (GLFW does, and with no window manager
// leaves it off every screen); the kiosk window goes full screen again and
// the customer window back on its monitor when a monitor comes.
func WithMonitorEvents(watch func(changed func(connected bool))) Option {
	return func(o *options) { o.monitors = watch }
}

func (t *Terminal) setupKiosk() {
	if !t.opt.kiosk {
		return
	}
	t.keepFullScreen(t.w)
	t.w.SetCloseIntercept(t.askQuit)
}

// keepFullScreen makes w full screen, and full screen again whenever a
// monitor is connected.
func (t *Terminal) keepFullScreen(w fyne.Window) {
	w.SetFullScreen(true)
	t.fullScreens = append(t.fullScreens, w)
	t.watchMonitors()
}

// watchMonitors registers monitorChanged with the window system, once.
func (t *Terminal) watchMonitors() {
	if !t.watching && t.opt.monitors != nil {
		t.watching = true
		t.opt.monitors(t.monitorChanged)
	}
}

// monitorChanged is a monitor connected or disconnected. Payments go on
// either way; a monitor that comes back gets the full-screen windows again.
func (t *Terminal) monitorChanged(connected bool) {
	if !connected {
		t.log().Warn("a monitor was disconnected; the till goes on")
		t.hideCustomerIfAlone()
		return
	}
	n := len(t.fullScreens)
	if t.custPlace != nil && t.custPlace.full {
		n++
	}
	t.log().Info("a monitor was connected; full-screen windows fill it again", "windows", n)
	for _, w := range t.fullScreens {
		w.SetFullScreen(true)
	}
	t.placeCustomer()
}

// askQuit is a close request in kiosk mode. The approval is written to the
// audit trail like any other manager override. With no manager back end
// (or no manager yet) nobody can approve, and the window stays open.
func (t *Terminal) askQuit() {
	if t.opt.manager == nil {
		t.log().Warn("kiosk mode: close refused, no manager to approve it")
		return
	}
	if t.kiosk != nil && t.kiosk.prompt != nil {
		return // already asking
	}
	t.kiosk = &console{t: t, m: t.opt.manager}
	t.kiosk.askPIN(staff.ActionQuit, "", 0, func(staff.Approval) {
		t.log().Info("kiosk mode: close approved")
		if t.opt.quit != nil {
			t.opt.quit()
			return
		}
		t.w.Close() // Close does not go through the intercept
	})
}
