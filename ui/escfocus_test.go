package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/staff"
)

// focusables walks Tab order from the start of the window and returns
// every object that takes focus, once each.
func focusables(h *harness) []fyne.Focusable {
	c := h.w.Canvas()
	c.Unfocus()
	var out []fyne.Focusable
	seen := map[fyne.Focusable]bool{}
	for range 200 {
		c.FocusNext()
		f := c.Focused()
		if f == nil || seen[f] {
			break
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// TestEscFromEveryFocusable: whatever Tab has focused — a button, a
// select, a radio option, a text field — Esc goes back (before, a focused
// button, select or radio item kept Esc and the screen stayed).
func TestEscFromEveryFocusable(t *testing.T) {
	w := newMgrWorld(t)
	screens := []struct {
		name  string
		show  func(c *console) screen
		after func(*harness) func() bool
	}{
		{"audit", func(c *console) screen { return newAuditScreen(c) }, onScreen[*managerHome]},
		{"day", func(c *console) screen { return newDayScreen(c) }, onScreen[*managerHome]},
		{"manager settings", func(c *console) screen { return newManagerSettings(c, "Wang") }, onScreen[*managerHome]},
		{"force", func(c *console) screen { return newForceScreen(c) }, onScreen[*managerHome]},
		{"refund", func(c *console) screen { return newRefundScreen(c) }, onScreen[*managerHome]},
		{"cashier settings", func(c *console) screen { return newSettingsScreen(c.t) }, onScreen[*saleScreen]},
		{"history", func(c *console) screen { return newHistoryScreen(c.t, c.t.showSale) }, onScreen[*saleScreen]},
	}
	for _, tt := range screens {
		t.Run(tt.name, func(t *testing.T) {
			open := func() *harness {
				h := newHarness(t)
				c := &console{t: h.term, m: w.desk}
				h.term.show(tt.show(c))
				h.settle()
				return h
			}
			n := len(focusables(open()))
			if n < 2 {
				t.Fatalf("only %d focusable objects", n)
			}
			for i := range n {
				h := open()
				f := focusables(h)[i]
				h.w.Canvas().Focus(f)
				h.key(fyne.KeyEscape)
				h.drain()
				if !tt.after(h)() {
					t.Errorf("Esc with %T (Tab stop %d) focused left %T on screen", f, i+1, h.term.cur)
				}
			}
		})
	}
	t.Run("PIN prompt buttons", func(t *testing.T) {
		h := newHarness(t)
		c := &console{t: h.term, m: w.desk}
		h.term.show(newDayScreen(c))
		h.drain()
		c.askPIN(staff.ActionDayClose, "20261126", 0, func(staff.Approval) { t.Error("approved by Esc") })
		var btn fyne.Focusable
		for _, f := range focusables(h) {
			if _, ok := f.(*keyButton); ok {
				btn = f
			}
		}
		if btn == nil {
			t.Fatal("no button in the PIN prompt takes focus")
		}
		h.w.Canvas().Focus(btn)
		h.key(fyne.KeyEscape)
		if c.prompt != nil {
			t.Error("Esc on a PIN prompt button left the prompt open")
		}
		screenAs[*dayScreen](h)
	})
}

// TestPINRevealKeepsKeys: the PIN field has Fyne's eye; tapping it shows
// the PIN and gives focus back to the field, Tab never stops on it, and the
// keys typed after it still approve.
func TestPINRevealKeepsKeys(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newDayScreen(c))
	h.drain()
	approved := false
	c.askPIN(staff.ActionDayClose, "20261126", 0, func(staff.Approval) { approved = true })
	p := c.prompt
	eye, ok := p.pin.ActionItem.(fyne.Tappable)
	if !ok {
		t.Fatalf("the PIN field has no reveal toggle (%T)", p.pin.ActionItem)
	}
	for _, f := range focusables(h) {
		if f.(fyne.CanvasObject) == p.pin.ActionItem {
			t.Error("Tab stops on the reveal toggle")
		}
	}
	h.w.Canvas().Focus(p.name)
	test.Tap(eye)
	if p.pin.Password || h.w.Canvas().Focused() != fyne.Focusable(p.pin) {
		t.Fatalf("after the eye: hidden %v, focus %T", p.pin.Password, h.w.Canvas().Focused())
	}
	h.w.Canvas().Focus(p.name)
	p.name.SetText("")
	h.typeText("Wang\n2468\n")
	h.waitFor("approved", func() bool { return approved })
}

// TestPINPromptErrorsAtTheField: who may not approve is said under the
// name, a wrong PIN under the PIN, one at a time, in the error colour.
func TestPINPromptErrorsAtTheField(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newDayScreen(c))
	h.drain()
	c.askPIN(staff.ActionDayClose, "20261126", 0, func(staff.Approval) { t.Error("approved") })
	p := c.prompt
	answerPIN(h, c, "Li", "1357") // a cashier
	h.waitFor("refusal", func() bool { return p.nameErr.Visible() })
	if p.nameErr.Text != h.term.mt(msgMgrNotManager) || p.pinErr.Visible() || p.status.Visible() || p.nameErr.Importance != widget.DangerImportance {
		t.Errorf("not a manager: name %q, pin %q, status %q", p.nameErr.Text, p.pinErr.Text, p.status.Text)
	}
	answerPIN(h, c, "Wang", "0000")
	h.waitFor("wrong PIN", func() bool { return p.pinErr.Visible() })
	if p.pinErr.Text != h.term.mt(msgMgrBadPIN) || p.nameErr.Visible() || p.status.Visible() {
		t.Errorf("wrong PIN: name %q, pin %q, status %q", p.nameErr.Text, p.pinErr.Text, p.status.Text)
	}
}
