package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/custdisplay"
)

// TestKioskCloseNeedsManager: in kiosk mode the window is full screen and
// a close request asks for a manager's PIN; a cashier's PIN or a wrong one
// leaves the window open, a manager's closes it. Without kiosk mode there
// is no intercept.
func TestKioskCloseNeedsManager(t *testing.T) {
	w := newMgrWorld(t)
	quits := 0
	h := newHarness(t, WithKiosk(true), WithManager(w.desk), func(o *options) { o.quit = func() { quits++ } })
	if !h.w.FullScreen() {
		t.Error("kiosk window is not full screen")
	}
	h.term.askQuit()
	c := h.term.kiosk
	answerPIN(h, c, "Li", "1357") // a cashier
	h.waitFor("the refusal", func() bool { return c.prompt != nil && c.prompt.nameErr.Visible() })
	c.prompt.name.SetText("Wang")
	c.prompt.pin.SetText("0000")
	c.prompt.submit()
	h.waitFor("the wrong PIN", func() bool { return c.prompt.pinErr.Visible() })
	if quits != 0 {
		t.Fatal("closed without a manager's PIN")
	}
	c.prompt.pin.SetText("2468")
	c.prompt.submit()
	h.waitFor("the close", func() bool { return quits == 1 })
	if c.prompt != nil {
		t.Error("the PIN prompt stayed after the close was approved")
	}

	plain := newHarness(t, WithManager(w.desk))
	if plain.w.FullScreen() {
		t.Error("a window without kiosk mode is full screen")
	}
}

// TestMonitorBackRestoresFullScreen: when a monitor is connected, the kiosk
// window and a full-screen customer window go full screen again (the
// window system took them out when their monitor went); a disconnect
// changes nothing. The real unplug is TestKioskSurvivesMonitorUnplug; the
// customer window's own monitor, TestCustomerWindowOnItsMonitor.
func TestMonitorBackRestoresFullScreen(t *testing.T) {
	var changed func(connected bool)
	watches := 0
	watch := func(f func(bool)) { watches++; changed = f }
	hub := custdisplay.NewHub(time.Hour, nil)
	h := newHarness(t, WithKiosk(true), WithMonitorEvents(watch),
		WithCustomerDisplay(hub, CustomerWindow{Open: true, Fullscreen: true}))
	openCustomerWindow(fyne.CurrentApp(), h.term)
	h.term.placeCustomer() // what Run does once the windows are up
	windows := []fyne.Window{h.w, h.term.custPlace.w}
	if watches != 1 || len(h.term.fullScreens) != 1 {
		t.Fatalf("%d watches for %d full-screen windows besides the customer's, want 1 for 1", watches, len(h.term.fullScreens))
	}
	for _, w := range windows {
		if !w.FullScreen() {
			t.Fatal("a window is not full screen at the start")
		}
		w.SetFullScreen(false) // what GLFW did when the monitor went
	}
	changed(false)
	for i, w := range windows {
		if w.FullScreen() {
			t.Errorf("window %d full screen again on a disconnect", i)
		}
	}
	changed(true)
	for i, w := range windows {
		if !w.FullScreen() {
			t.Errorf("window %d not full screen after the monitor came back", i)
		}
	}

	plain := newHarness(t, WithMonitorEvents(func(func(bool)) { t.Error("watching monitors with no full-screen window") }))
	if len(plain.term.fullScreens) != 0 {
		t.Error("a window without kiosk mode is kept full screen")
	}
}
