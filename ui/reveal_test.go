package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// TestTabStopsInSight: on a 1024×768 screen with the away banners up, the
// manager settings and the day screen are taller than their scrolls; Tab
// through every stop and each focused object must lie inside the visible
// part of every scroll that holds it. Fyne does not scroll to focus, so
// Tab went below the fold and the manager typed into a field unseen.
func TestTabStopsInSight(t *testing.T) {
	w := newFitWorld(t)
	for _, v := range fitVisits() {
		if v.name != "manager settings" && v.name != "day with Z" {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			h := newFitHarness(t, w, LangZH)
			h.w.Resize(windowSize)
			v.open(h, w)
			h.drain()
			stops := focusables(h)
			if len(stops) < 5 {
				t.Fatalf("only %d Tab stops", len(stops))
			}
			scrolled := false
			check := func(i int, f fyne.Focusable) {
				if f != stops[i] {
					t.Fatalf("Tab stop %d is %T, was %T", i+1, f, stops[i])
				}
				o := f.(fyne.CanvasObject)
				path := fullPath(h.w.Content(), o)
				if path == nil {
					t.Fatalf("Tab stop %d (%T) is not in the window's content", i+1, f)
				}
				for _, p := range path {
					if s, ok := p.(*container.Scroll); ok {
						scrolled = scrolled || s.Offset != fyne.Position{}
						if why := outside(o, s); why != "" {
							t.Errorf("Tab stop %d (%T) %s", i+1, f, why)
						}
					}
				}
			}
			// Tab down from the start, then Shift+Tab back up: the
			// scrolls must follow both ways.
			c := h.w.Canvas()
			c.Unfocus()
			for i := range stops {
				c.FocusNext()
				check(i, c.Focused())
			}
			for i := len(stops) - 2; i >= 0; i-- {
				c.FocusPrevious()
				check(i, c.Focused())
			}
			if !scrolled {
				t.Error("no scroll moved: every stop was in sight already, so this proves nothing")
			}
		})
	}
}

// fullPath is the chain of objects from root to o, walking every widget's
// renderer (as the driver does), or nil.
func fullPath(root, o fyne.CanvasObject) []fyne.CanvasObject {
	if root == o {
		return []fyne.CanvasObject{root}
	}
	if !root.Visible() {
		return nil
	}
	var kids []fyne.CanvasObject
	switch r := root.(type) {
	case *fyne.Container:
		kids = r.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(r).Objects()
	}
	for _, k := range kids {
		if p := fullPath(k, o); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

// outside says how o sticks out of the visible part of s, or "".
func outside(o fyne.CanvasObject, s *container.Scroll) string {
	const slack = 0.5
	d := fyne.CurrentApp().Driver()
	at, view := d.AbsolutePositionForObject(o), d.AbsolutePositionForObject(s)
	size, vs := o.Size(), s.Size()
	// An object larger than the view must show at least its start.
	h, w := min(size.Height, vs.Height), min(size.Width, vs.Width)
	switch {
	case at.Y < view.Y-slack:
		return "starts above the visible part of its scroll"
	case at.Y+h > view.Y+vs.Height+slack:
		return "ends below the visible part of its scroll"
	case at.X < view.X-slack:
		return "starts left of the visible part of its scroll"
	case at.X+w > view.X+vs.Width+slack:
		return "ends right of the visible part of its scroll"
	}
	return ""
}
