package ui

import (
	"testing"
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
